"""Shared by the red-flag case tables: which of a rubric's red flags a text raises, graded offline.

The tables (``test_rubric_misconceptions``, ``test_rubric_common_errors_*``) each hold pairs of an
invented sentence that states an error and one that states the truth near it; they differ only in
their rows, so the bank, the scorer and the check live here once.
"""

from __future__ import annotations

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())
SCORER = OfflineScorer()


def flags(qid: str, text: str) -> set[str]:
    """The ids of the red flags of ``qid``'s rubric that ``text`` raises."""
    rubric = BANK.rubric(qid)
    raised = set(SCORER.grade(BANK.get(qid), rubric, text).red_flags)
    return {flag.id for flag in rubric.red_flags if flag.text in raised}


def case_ids(cases: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"{c[0]}:{c[1]}:{i}" for i, c in enumerate(cases)]


def caught_and_spared(qid: str, flag: str, stated: str, correct: str) -> None:
    """The flag catches the sentence that states its error and spares the true sentence near it."""
    assert flag in flags(qid, stated), f"{flag} missed: {stated!r}"
    assert flag not in flags(qid, correct), f"{flag} raised on the truth: {correct!r}"
