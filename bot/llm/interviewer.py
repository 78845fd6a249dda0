"""The LLM interviewer: follow-ups phrased around what the candidate said.

What to probe is decided exactly as offline (the heaviest rubric point still missing); the
model only phrases it.  So the interview's direction stays predictable and testable, and any
bad output (empty, rambling, several questions, leaking the rubric) falls back to the
scripted follow-up for the same point.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText, Hint
from bot.engine.state import FollowUpAsked
from bot.interviewer.offline import OfflineInterviewer
from bot.llm.client import LLMClient, LLMUnavailable, Messages
from bot.llm.prompts import Prompts

log = logging.getLogger(__name__)
MAX_FOLLOWUP_CHARS = 320


class LLMInterviewer:
    def __init__(self, client: LLMClient, prompts: Prompts, offline: OfflineInterviewer | None = None) -> None:
        self.client = client
        self.prompts = prompts
        self.offline = offline or OfflineInterviewer()

    async def follow_up(self, question: Question, rubric: Rubric, answer: AnswerText, result: ScoreResult,
                        asked: Sequence[FollowUpAsked]) -> FollowUpAsked | None:
        scripted = await self.offline.follow_up(question, rubric, answer, result, asked)
        if scripted is None:
            return None
        target = rubric.criterion(scripted.criterion)
        try:
            completion = await self.client.complete(self.messages(question, target.name, answer.joined), max_tokens=120,
                                                    purpose="followup")
        except LLMUnavailable as exc:
            log.info("scripted follow-up used for %s: %s", question.id, exc)
            return scripted
        text = " ".join(completion.text.split())
        if not usable(text, rubric):
            log.info("scripted follow-up used for %s: the model's follow-up was not usable", question.id)
            return scripted
        return FollowUpAsked(criterion=scripted.criterion, text=text)

    async def hint(self, question: Question, rubric: Rubric, result: ScoreResult | None,
                   hinted: Sequence[str]) -> Hint | None:
        # Hints reveal a written key point: deterministic, reviewed text is what a hint should be.
        return await self.offline.hint(question, rubric, result, hinted)

    def messages(self, question: Question, target: str, answer: str) -> Messages:
        system = self.prompts.render("followup_system", round=question.round.value,
                                     level=", ".join(lv.value for lv in question.levels), target=target,
                                     question=question.prompt.strip())
        user = self.prompts.render("followup_user", tag=secrets.token_hex(4), answer=answer)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def usable(text: str, rubric: Rubric) -> bool:
    """One short question that gives nothing of the rubric away."""
    if not text or len(text) > MAX_FOLLOWUP_CHARS or not text.endswith("?") or text.count("?") > 2:
        return False
    lowered = text.casefold()
    if any(word in lowered for word in ("rubric", "criterion", "criteria", "score", "<<<", ">>>")):
        return False
    return not any(level.casefold() in lowered for c in rubric.criteria for level in c.levels if len(level) > 20)
