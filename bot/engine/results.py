"""Scores that need no scorer: an empty, skipped or timed-out answer earns nothing, honestly labelled."""

from __future__ import annotations

from bot.engine.models import CriterionScore, Question, Rubric, ScoreResult, Signal


def blank_result(question: Question, rubric: Rubric, reason: str) -> ScoreResult:
    """The zero grade for a question that got no answer, saying why."""
    return ScoreResult(
        question=question.id,
        scorer="none",
        score=0,
        signal=Signal.STRONG_NO,
        criteria=[CriterionScore(id=c.id, score=0, evidence=None) for c in rubric.criteria],
        missed=[c.name for c in rubric.criteria],
        notes=[f"no answer: {reason}"],
    )


def verdict(result: ScoreResult) -> str:
    """The hire signal as shown next to a score; a grade the scorer doubts is not presented as one."""
    if result.unsure:
        return "unsure (offline grader)"
    return result.signal.replace("_", " ")
