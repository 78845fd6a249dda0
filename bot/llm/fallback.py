"""Try the LLM judge; when it cannot grade, the offline scorer does, and the result says why."""

from __future__ import annotations

import logging

from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.llm.judge import LLMJudge
from bot.llm.model import LLMUnavailable
from bot.scoring.offline import OfflineScorer

log = logging.getLogger(__name__)


class FallbackScorer:
    """The Scorer the engine gets when an LLM is configured: never a silent or fake grade."""

    name = "llm"
    instant = False

    def __init__(self, judge: LLMJudge, offline: OfflineScorer) -> None:
        self.judge = judge
        self.offline = offline

    async def score(self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]) -> ScoreResult:
        try:
            return await self.judge.score(question, rubric, answer, hinted)
        except LLMUnavailable as exc:
            log.warning("LLM grading fell back to offline for %s: %s", question.id, exc)
            result = await self.offline.score(question, rubric, answer, hinted)
            result.fallback_reason = str(exc)
            return result
