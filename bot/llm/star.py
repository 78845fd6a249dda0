"""STAR analysis by the model: it rates the four parts with quoted evidence; the rest stays offline.

The deterministic facts (length, time split, I/we, numbers, one event or a habit) come from the
offline analyser, which is right about them by construction.  The model only judges how well each
part is told, quoting the story; a quote that is not in the story sends that part back to the
offline rating.  The score is computed by the same rule as offline
(:func:`bot.scoring.star_feedback.points`), never taken from the model.  Anything unusable (no
model, an error, JSON in the wrong shape twice) gives the offline analysis with the reason.
"""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.llm.formats import FormatMemory, complete_in_format, parse_reply
from bot.llm.judge import FORMATS, quoted
from bot.llm.model import ChatModel, Completion, LLMUnavailable, Messages
from bot.llm.prompts import Prompts
from bot.scoring.star_feedback import points
from bot.scoring.star_models import Component, Components, StarAnalysis
from bot.scoring.star_offline import OfflineStarAnalyser

STORY_CHARS = 12_000  # the offline analysis reads 800 words; the model gets the same and a little more
FEEDBACK = 3
MAX_TOKENS = 800
PARTS = ("situation", "task", "action", "result")


class _Part(BaseModel):
    score: int = Field(ge=0, le=3)
    excerpt: str = ""


class StarReply(BaseModel):
    situation: _Part
    task: _Part
    action: _Part
    result: _Part
    feedback: list[str] = Field(default_factory=list, max_length=6)
    injection: bool = False


_PART_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["score", "excerpt"],
    "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 3}, "excerpt": {"type": "string"}},
}
STAR_SCHEMA: dict[str, Any] = {
    "name": "star_analysis",
    "strict": True,
    "schema": {
        "type": "object",
        "additionalProperties": False,
        "required": [*PARTS, "feedback", "injection"],
        "properties": {**dict.fromkeys(PARTS, _PART_SCHEMA), "feedback": {"type": "array", "items": {"type": "string"}},
                       "injection": {"type": "boolean"}},
    },
}
# The same ladder as the judge: a server that can constrain its output to the schema is asked to; one that
# refuses drops to JSON mode and then to the prompt alone.  Refusals are remembered per server, in the
# same memory the judge uses.
RESPONSE_FORMATS: dict[str, dict[str, Any] | None] = {
    "json_schema": {"type": "json_schema", "json_schema": STAR_SCHEMA},
    "json_object": {"type": "json_object"},
    "plain": None,
}


class LLMStarAnalyser:
    def __init__(self, client: ChatModel, prompts: Prompts, formats: FormatMemory | None = None,
                 offline: OfflineStarAnalyser | None = None) -> None:
        self.client = client
        self.prompts = prompts
        self.formats = formats or FormatMemory(FORMATS)
        self.offline = offline or OfflineStarAnalyser()  # the facts the model's ratings are checked against

    def messages(self, story: str, tag: str) -> Messages:
        return [{"role": "system", "content": self.prompts.render("star_system")},
                {"role": "user", "content": self.prompts.render("star_user", tag=tag, story=story[:STORY_CHARS])}]

    async def analyse(self, story: str, spoken_seconds: float | None = None) -> StarAnalysis:
        offline = await self.offline.analyse(story, spoken_seconds)
        if offline.status != "analysed":
            return offline  # empty, not English, a term list, a one-liner: nothing for a model to add
        try:
            reply = await self._ask(story)
        except LLMUnavailable as exc:
            return offline.model_copy(update={"fallback_reason": str(exc)})  # the client's reason names the cause
        return settle(story, offline, reply)

    async def _ask(self, story: str) -> StarReply:
        tag = secrets.token_hex(4)
        messages, _ = await self.client.fit(lambda told: self.messages(told, tag), story[:STORY_CHARS], MAX_TOKENS)
        for _ in range(2):  # one repair attempt
            completion = await self._complete(messages)
            try:
                return parse_reply(completion.text, StarReply)
            except ValidationError:
                messages = [*messages, {"role": "assistant", "content": completion.text},
                            {"role": "user", "content": "That was not the JSON object asked for. Reply with only that "
                                                        "object, in exactly that shape."}]
        raise LLMUnavailable("the model's analysis was unusable twice")

    async def _complete(self, messages: Messages) -> Completion:
        return await complete_in_format(self.client, messages, self.formats, RESPONSE_FORMATS, "star", MAX_TOKENS)


def settle(story: str, offline: StarAnalysis, reply: StarReply) -> StarAnalysis:
    """The model's ratings where its quotes hold, the offline ones elsewhere; the offline facts always."""
    parts: dict[str, Component] = {}
    rechecked: list[str] = []
    for name in PARTS:
        judged: _Part = getattr(reply, name)
        mine: Component = getattr(offline.components, name)
        if judged.score > 0 and not quoted(judged.excerpt, story):
            parts[name] = mine
            rechecked.append(name)
        else:
            parts[name] = Component(present=judged.score > 0, score=judged.score,
                                    excerpt=judged.excerpt.strip() or None if judged.score else None)
    components = Components(**parts)
    if reply.injection:  # the story tried to steer the grader: keep the offline rating, say so
        return offline.model_copy(update={"fallback_reason": "the story contained instructions to the grader"})
    score = points(components, offline.lesson is not None, offline.length.verdict, bool(offline.specific_event))
    feedback = [" ".join(f.split())[:300] for f in reply.feedback if f.strip()][:FEEDBACK] or offline.feedback
    if rechecked:
        feedback.append(f"The model's quote for {', '.join(rechecked)} is not in your story, so "
                        f"{'that part was' if len(rechecked) == 1 else 'those parts were'} rated offline.")
    return offline.model_copy(update={"components": components, "score": score, "feedback": feedback,
                                      "scorer": "llm"})
