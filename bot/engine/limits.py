"""Limits on what a candidate can send, and the one cleaning step every answer goes through."""

from __future__ import annotations

MAX_ANSWER_CHARS = 12_000  # about 2,000 words: far more than any spoken answer
MAX_FOLLOWUPS = 2  # per question, as a real interviewer would before moving on
MIN_FOLLOWUP_SECONDS = 45  # no follow-up when less than this is left on the question


def clean_text(text: str) -> str:
    """Normalise line endings and drop NUL bytes (PostgreSQL text cannot hold them).

    Everything else, control characters and unusual Unicode included, is kept exactly as typed;
    adapters escape it when they display it.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
