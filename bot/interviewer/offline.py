"""The offline interviewer: follow-ups and hints chosen from the rubric, no model needed.

A follow-up targets the heaviest criterion the answer has not yet covered well (level < 2)
and that has a follow-up question written for it; a hint reveals the heaviest criterion not
yet credited and not hinted before.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.models import Level, Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText, Hint
from bot.engine.state import FollowUpAsked

COVERED = 2


class OfflineInterviewer:
    async def follow_up(
        self,
        question: Question,
        rubric: Rubric,
        answer: AnswerText,
        result: ScoreResult,
        asked: Sequence[FollowUpAsked],
        *,
        level: Level | None = None,
    ) -> FollowUpAsked | None:
        """The follow-up for the most important point still missing, if one is written."""
        levels = {c.id: c.score for c in result.criteria}
        used = {a.text for a in asked}
        for criterion in sorted(rubric.criteria, key=lambda c: -c.weight):
            if levels.get(criterion.id, 0) >= COVERED:
                continue
            for follow in question.followups:
                if follow.criterion == criterion.id and follow.text not in used:
                    return FollowUpAsked(criterion=criterion.id, text=follow.text)
        return None

    async def hint(
        self, question: Question, rubric: Rubric, answer: AnswerText, result: ScoreResult | None, hinted: Sequence[str],
        *, level: Level | None = None,
    ) -> Hint | None:
        """One key point the candidate has not yet shown, most important first."""
        levels = {c.id: c.score for c in result.criteria} if result else {}
        for criterion in sorted(rubric.criteria, key=lambda c: -c.weight):
            if criterion.id in hinted or levels.get(criterion.id, 0) >= COVERED:
                continue
            return Hint(criterion=criterion.id, text=criterion.hint)
        return None
