"""The model's debrief is checked as it streams, like follow-ups and hints: an echoed prompt, a leak,
garbled text or a score that is not the scorecard's never reaches the candidate; it ends on a whole
sentence; and it is counted against the session's candidate even though no engine step is running."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.context import current_actor
from bot.engine.ports import DebriefPart
from bot.engine.state import SessionState
from bot.interviewer.debrief import facts, offline_debrief
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient
from bot.llm.debrief import LLMDebriefer
from bot.llm.prompts import Prompts
from bot.llm.retry import RetryPolicy
from bot.llm.usage import UsageMeter
from tests.servers.openai_server import FakeOpenAI, running_fake_openai
from tests.unit.test_debrief import BANK, finished
from tests.unit.test_usage_meter import MemoryUsage

GOOD = "You explained alpha well, with a reason each time. To raise the result, cover bravo and charlie too."
PROMPTS = Prompts(content_root() / "prompts")


@asynccontextmanager
async def debriefing(budget: int = 100_000) -> AsyncIterator[tuple[FakeOpenAI, LLMDebriefer, MemoryUsage, SessionState]]:
    state = await finished("Alpha matters because of load. Alpha matters because we retry.")
    usage, clock = MemoryUsage(), FakeClock()
    current_actor.set(None)  # as after the session's last step: nobody is acting
    async with running_fake_openai() as server:
        client = LLMClient(api_key="k", base_url=server.base_url, model="m", breaker=CircuitBreaker(clock, failures=50),
                           retry=RetryPolicy(attempts=1), timeout=2,
                           meter=UsageMeter(usage, clock, per_user=budget, per_guild=None))
        try:
            yield server, LLMDebriefer(client, PROMPTS, BANK), usage, state
        finally:
            await client.close()


async def told(debriefer: LLMDebriefer, state: SessionState) -> list[DebriefPart]:
    return [part async for part in debriefer.debrief(state)]


def split(parts: list[DebriefPart]) -> tuple[str, DebriefPart | None]:
    shown = "".join(p.text for p in parts if p.source == "llm")
    fallback = next((p for p in parts if p.source == "offline"), None)
    return shown, fallback


async def test_a_good_debrief_streams_and_is_charged_to_the_sessions_candidate() -> None:
    async with debriefing() as (server, debriefer, usage, state):
        server.reply(GOOD, prompt_tokens=300, completion_tokens=25)
        shown, fallback = split(await told(debriefer, state))
        assert shown == GOOD and fallback is None
        [record] = usage.records
        assert (record.user_id, record.session_id, record.purpose) == (state.user_id, state.id, "debrief")


async def test_the_candidates_daily_budget_applies_to_the_debrief() -> None:
    async with debriefing(budget=100) as (server, debriefer, _usage, state):
        server.reply(GOOD, prompt_tokens=300, completion_tokens=25)
        await told(debriefer, state)  # spends 325 of 100
        asked = len(server.requests)
        shown, fallback = split(await told(debriefer, state))
        assert shown == "" and fallback is not None and "daily LLM budget" in (fallback.fallback_reason or "")
        assert len(server.requests) == asked  # no model call at all


@pytest.mark.parametrize(("reply", "reason", "first_sentence_shown"), [
    # a template that folds the system message into the user's turn: the model answers with the prompt
    ("You are a senior Python engineer running the core-language part of an interview loop. You are calm and "
     "curious.", "repeated the instructions", False),
    ("You explained alpha well. Write the short spoken debrief an interviewer gives a candidate who asked for "
     "feedback.", "repeated the instructions", True),
    ("You explained alpha well. The rubric wants bravo next.", "repeated the instructions", True),
    ("You explained alpha well. Затем cover bravo 的 charlie next time.", "another script", True),
    ("<start_of_turn>model\nYou explained alpha well.", "garbled", False),
    ("You explained alpha well. Overall you scored 92/100, a strong yes.", "score that is not the scorecard's", True),
    ("You explained alpha well. The bravo point was 3 of 3 as well.", "score that is not the scorecard's", True),
])
async def test_a_bad_debrief_is_stopped_before_the_bad_sentence_and_replaced(reply: str, reason: str,
                                                                             first_sentence_shown: bool) -> None:
    async with debriefing() as (server, debriefer, usage, state):
        server.reply(reply)
        shown, fallback = split(await told(debriefer, state))
        assert shown.strip() == ("You explained alpha well." if first_sentence_shown else "")
        assert fallback is not None and reason in (fallback.fallback_reason or "")
        assert fallback.text.strip() == offline_debrief(facts(state, BANK))
        assert usage.records and usage.records[0].session_id == state.id  # what was generated is still counted


async def test_the_scorecards_own_numbers_pass() -> None:
    async with debriefing() as (server, debriefer, _usage, state):
        assert state.score is not None
        spoken = f"You explained alpha well, 3 of 3. Overall that is {state.score}/100 at this level."
        server.reply(spoken)
        shown, fallback = split(await told(debriefer, state))
        assert shown == spoken and fallback is None


async def test_a_debrief_cut_by_the_token_limit_ends_on_its_last_whole_sentence() -> None:
    async with debriefing() as (server, debriefer, _usage, state):
        server.reply("You explained alpha well, with a reason each time. To raise the result, cover", finish_reason="length")
        shown, fallback = split(await told(debriefer, state))
        assert shown.strip() == "You explained alpha well, with a reason each time." and fallback is None

        server.reply("You explained alpha well, with a reason", finish_reason="length")
        shown, fallback = split(await told(debriefer, state))
        assert shown == "" and fallback is not None and "broke off" in (fallback.fallback_reason or "")
