"""Behavioral answers get the STAR breakdown with their grade: a note the scorecard shows.

The rubric still grades the story (ownership, results, reflection...); the STAR analysis adds
what a coach would point at — which parts are there, "I" or "we", measured results — so a
behavioral round in ``mockloop practice`` or on Discord teaches the same habits as ``/star``.
"""

from __future__ import annotations

from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText, Scorer
from bot.scoring.offline import ON_THREAD, GradingPlace
from bot.scoring.star import analyse


def star_note(story: str) -> str | None:
    """One line: the parts present, the share of "I", the numbers; None when there is no story to read."""
    found = analyse(story)
    if found.status != "analysed":
        return None
    parts = found.components.model_dump()
    marks = " ".join(f"{name} {'✓' if parts[name]['present'] else '✗'}" for name in ("situation", "task", "action",
                                                                                       "result"))
    mine = "" if found.first_person_ratio is None else f"; {round(found.first_person_ratio * 100)}% of actions told as I"
    numbers = f"; measured: {', '.join(found.metrics[:3])}" if found.metrics else "; no measured result"
    tip = f" Next time: {found.feedback[0]}" if found.feedback else ""
    return f"STAR: {marks}{mine}{numbers}.{tip}"


class StoryAwareScorer:
    """Passes every answer to the rubric scorer; story answers also get the STAR note."""

    def __init__(self, rubric: Scorer, place: GradingPlace | None = None) -> None:
        self.name = rubric.name
        self.instant = rubric.instant
        self.rubric = rubric
        self.place = place or ON_THREAD  # where the STAR analysis runs: where the offline grade is made

    async def score(self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]) -> ScoreResult:
        result = await self.rubric.score(question, rubric, answer, hinted)
        if question.answer_format != "story":
            return result
        note = await self.place.run(star_note, answer.joined)
        return result if note is None else result.model_copy(update={"notes": [*result.notes, note]})
