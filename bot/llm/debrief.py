"""The closing debrief in the interviewer's voice, streamed as the model writes it.

The model sees only the scores per criterion (no candidate text), so there is nothing in its
prompt to inject and little to invent.  If it fails before writing anything, the offline
debrief stands in; if it stops half-way, what was shown stays and the offline debrief follows,
with the reason either way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.engine.ports import DebriefPart, QuestionBank
from bot.engine.state import SessionState
from bot.interviewer.debrief import facts, offline_debrief
from bot.llm.client import LLMClient, LLMUnavailable, Messages
from bot.llm.prompts import Prompts


class LLMDebriefer:
    def __init__(self, client: LLMClient, prompts: Prompts, bank: QuestionBank) -> None:
        self.client = client
        self.prompts = prompts
        self.bank = bank

    def messages(self, state: SessionState) -> Messages:
        found = facts(state, self.bank)
        last = next((r for r in reversed(state.rounds) if r.questions), state.rounds[-1])
        system = self.prompts.render("summary_system", persona=self.prompts.render(f"persona_{last.kind.value}").strip())
        user = self.prompts.render("summary_user", level=found.level, results=found.lines(),
                                   overall="not scored" if found.overall is None else f"{found.overall}/100")
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    async def debrief(self, state: SessionState) -> AsyncIterator[DebriefPart]:
        wrote = False
        try:
            async for piece in self.client.stream(self.messages(state), max_tokens=220, purpose="debrief"):
                wrote = True
                yield DebriefPart(piece, "llm")
        except LLMUnavailable as exc:
            text = offline_debrief(facts(state, self.bank))
            yield DebriefPart(("\n\n" if wrote else "") + text, "offline", str(exc))
