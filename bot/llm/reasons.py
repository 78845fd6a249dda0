"""Why a model call failed, in one short phrase a user can act on, never containing a secret.

The cause is named where the server names it: a prompt longer than the model's context is told
as such (OpenAI's ``context_length_exceeded`` code, llama.cpp's ``exceed_context_size_error``
type with ``n_ctx`` in the body) rather than as a bare status code, since the fix (a bigger
``--ctx-size``, a shorter answer) is the user's to make.
"""

from __future__ import annotations

from dataclasses import dataclass

import openai

OVERFLOW_CODES = {"context_length_exceeded", "exceed_context_size_error"}


class Cut(Exception):
    """The connection dropped in the middle of the model's reply (worth one more try)."""


class Stalled(Exception):
    """The model stopped sending (or never stopped) within the time allowed: like a timeout, not retried."""


def _error(exc: BaseException) -> dict[str, object]:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)  # the SDK hands over the "error" object, or the whole body
        if isinstance(inner, dict):
            return inner
    return {}


def is_overflow(exc: BaseException) -> bool:
    """Whether the server said the prompt does not fit the model's context."""
    if not isinstance(exc, openai.APIStatusError):
        return False
    error = _error(exc)
    if error.get("code") in OVERFLOW_CODES or error.get("type") in OVERFLOW_CODES:
        return True
    return "context size" in exc.message or "context length" in exc.message or "context window" in exc.message


def overflow_window(exc: BaseException) -> int | None:
    """The context size a server reported when it refused a prompt as too long (llama.cpp sends ``n_ctx``)."""
    if not is_overflow(exc):
        return None
    n_ctx = _error(exc).get("n_ctx")
    return n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None


@dataclass(frozen=True)
class Subject:
    """Who failed, in the user's words: the chat model, or the speech-to-text service."""

    name: str = "the model"  # also "the model call failed"
    server: str = "the model's server"


MODEL = Subject()
SPEECH = Subject("the speech-to-text service", "the speech-to-text server")


def describe(exc: BaseException, subject: Subject = MODEL) -> str:
    """A short, secret-free reason for a failed call."""
    if is_overflow(exc):
        window = overflow_window(exc)
        size = f" ({window:,} tokens)" if window else ""
        return (f"the prompt is longer than the model's context window{size}; start the server with a larger "
                "context (llama.cpp: --ctx-size)")
    if isinstance(exc, (Cut, Stalled)):
        return str(exc)
    if isinstance(exc, openai.RateLimitError):
        return f"{subject.server} is rate-limiting us (429)"
    if isinstance(exc, openai.APITimeoutError):
        return f"{subject.name} did not answer in time"
    if isinstance(exc, openai.APIConnectionError):
        return f"{subject.server} could not be reached"
    if isinstance(exc, openai.AuthenticationError):
        return f"{subject.server} rejected the API key (401)"
    if isinstance(exc, openai.APIStatusError):
        return f"{subject.server} answered with an error ({exc.status_code})"
    if isinstance(exc, ValueError):
        return f"{subject.server} sent a reply that is not valid JSON"
    if str(exc) and type(exc).__module__.startswith("bot."):
        return str(exc)  # our own reasons are already in words for the user
    return f"{subject.name} call failed"
