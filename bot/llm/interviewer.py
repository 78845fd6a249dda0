"""The LLM interviewer: follow-ups and hints phrased around what the candidate said.

What to probe is decided exactly as offline (the heaviest rubric point still missing); the
model only phrases it, in the voice of that round's interviewer and pitched at the session's
level.  So the interview's direction stays predictable and testable, and any bad output
(empty, rambling, several questions, leaking the rubric) falls back to the written follow-up
or hint for the same point.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

from bot.engine.models import Level, Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText, Hint
from bot.engine.state import FollowUpAsked
from bot.interviewer.offline import OfflineInterviewer
from bot.llm.model import ChatModel, LLMUnavailable, Messages
from bot.llm.prompts import Prompts

log = logging.getLogger(__name__)
MAX_FOLLOWUP_CHARS = 320
MAX_HINT_CHARS = 300
LEAKS = ("rubric", "criterion", "criteria", "score", "<<<", ">>>")


class LLMInterviewer:
    def __init__(self, client: ChatModel, prompts: Prompts, offline: OfflineInterviewer | None = None) -> None:
        self.client = client
        self.prompts = prompts
        self.offline = offline or OfflineInterviewer()

    async def follow_up(self, question: Question, rubric: Rubric, answer: AnswerText, result: ScoreResult,
                        asked: Sequence[FollowUpAsked], *, level: Level) -> FollowUpAsked | None:
        scripted = await self.offline.follow_up(question, rubric, answer, result, asked)
        if scripted is None:
            return None
        target = rubric.criterion(scripted.criterion)
        system = self.prompts.render("followup_system", **self.voice(question, level), target=target.name)
        text = await self._phrase(system, "followup", answer.joined, 120, question.id)
        if text is None or not usable(text, rubric, MAX_FOLLOWUP_CHARS, question_mark=True):
            log.info("written follow-up used for %s", question.id)
            return scripted
        return FollowUpAsked(criterion=scripted.criterion, text=text)

    async def hint(self, question: Question, rubric: Rubric, answer: AnswerText, result: ScoreResult | None,
                   hinted: Sequence[str], *, level: Level) -> Hint | None:
        written = await self.offline.hint(question, rubric, answer, result, hinted)
        if written is None:
            return None
        target = rubric.criterion(written.criterion)
        system = self.prompts.render("hint_system", **self.voice(question, level), target=target.name,
                                     written=written.text)
        text = await self._phrase(system, "hint", answer.joined, 100, question.id)
        if text is None or not usable(text, rubric, MAX_HINT_CHARS, question_mark=False):
            log.info("written hint used for %s", question.id)
            return written
        return Hint(criterion=written.criterion, text=text)

    def voice(self, question: Question, level: Level) -> dict[str, str]:
        """The stable head of every interviewer prompt: this round's persona, the level, the question."""
        return {"persona": self.prompts.render(f"persona_{question.round.value}").strip(),
                "level_note": self.prompts.render(f"level_{level.value}").strip(),
                "question": question.prompt.strip()}

    def messages(self, system: str, user_prompt: str, answer: str) -> Messages:
        user = self.prompts.render(user_prompt, tag=secrets.token_hex(4), answer=answer)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    async def _phrase(self, system: str, purpose: str, answer: str, max_tokens: int, question_id: str) -> str | None:
        user_prompt = "followup_user" if purpose == "followup" else "hint_user"
        try:
            messages, _ = await self.client.fit(lambda said: self.messages(system, user_prompt, said), answer, max_tokens)
            completion = await self.client.complete(messages, max_tokens=max_tokens, purpose=purpose)
        except LLMUnavailable as exc:
            log.info("the model could not phrase the %s for %s: %s", purpose, question_id, exc)
            return None
        return " ".join(completion.text.split())


def usable(text: str, rubric: Rubric, limit: int, *, question_mark: bool) -> bool:
    """Short, on form, and giving nothing of the rubric away."""
    if not text or len(text) > limit or text.count("?") > 2:
        return False
    if question_mark and not text.endswith("?"):
        return False
    lowered = text.casefold()
    if any(word in lowered for word in LEAKS):
        return False
    return not any(level.casefold() in lowered for c in rubric.criteria for level in c.levels if len(level) > 20)
