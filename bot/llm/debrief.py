"""The closing debrief in the interviewer's voice, streamed as the model writes it.

The model sees only the scores per criterion (no candidate text), so there is nothing in its
prompt to inject and little to invent.  What it writes is checked sentence by sentence before it
is shown (``DebriefGuard``): an echo of the prompt, garbled text or a score that is not the
scorecard's stops the stream and the offline debrief takes over.  If the model fails before
writing anything, the offline debrief stands in; if it stops half-way, what was shown stays and
the offline debrief follows, with the reason either way.

The call is made for the session's candidate explicitly: the debrief runs after the session's
last step, when no engine step has set the current actor, and its tokens must still count
against that candidate's (and their server's) daily budget and be recorded under them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.engine.context import Actor
from bot.engine.ports import DebriefPart, QuestionBank
from bot.engine.state import SessionState
from bot.interviewer.debrief import Facts, facts, offline_debrief
from bot.llm.debrief_guard import DebriefGuard, Rejected
from bot.llm.model import ChatModel, LLMUnavailable, Messages
from bot.llm.prompts import Prompts


class LLMDebriefer:
    def __init__(self, client: ChatModel, prompts: Prompts, bank: QuestionBank) -> None:
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

    def guard(self, state: SessionState, found: Facts, messages: Messages) -> DebriefGuard:
        system = str(messages[0].get("content", ""))
        rubric_texts = [level for r in state.rounds for q in r.questions if q.answers
                        for c in self.bank.rubric(q.question_id).criteria for level in c.levels]
        return DebriefGuard(system, found.overall, [(f.criterion, f.level, f.max) for f in found.criteria], rubric_texts)

    async def debrief(self, state: SessionState) -> AsyncIterator[DebriefPart]:
        found = facts(state, self.bank)
        messages = self.messages(state)
        guard = self.guard(state, found, messages)
        actor = Actor(state.user_id, state.id, state.guild_id)
        stream = self.client.stream(messages, max_tokens=220, purpose="debrief", actor=actor)
        try:
            async for piece in stream:
                ready = guard.feed(piece)
                if ready:
                    yield DebriefPart(ready, "llm")
                guard.raise_problem()
            ready = guard.finish()
            if ready:
                yield DebriefPart(ready, "llm")
        except (LLMUnavailable, Rejected) as exc:
            yield DebriefPart(("\n\n" if guard.shown else "") + offline_debrief(found), "offline", str(exc))
        finally:
            await stream.aclose()  # a rejected debrief stops generating at once; its tokens are still counted
