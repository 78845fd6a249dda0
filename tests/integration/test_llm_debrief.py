"""The debrief streams from the model, is counted against the budget, and falls back honestly."""

from __future__ import annotations

from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.context import Actor, current_actor
from bot.interviewer.debrief import facts, offline_debrief
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient
from bot.llm.debrief import LLMDebriefer
from bot.llm.prompts import Prompts
from bot.llm.retry import RetryPolicy
from bot.llm.usage import UsageMeter
from tests.servers.openai_server import running_fake_openai
from tests.unit.test_debrief import BANK, finished
from tests.unit.test_usage_meter import MemoryUsage

SPOKEN = "You explained alpha well, with a reason each time. To raise the result, cover bravo and charlie too."


async def test_streamed_then_cut_then_over_budget() -> None:
    state = await finished("Alpha matters because of load. Alpha matters because we retry.")
    offline = offline_debrief(facts(state, BANK))
    usage, clock = MemoryUsage(), FakeClock()
    current_actor.set(Actor("ada", state.id))
    async with running_fake_openai() as server:
        client = LLMClient(api_key="k", base_url=server.base_url, model="m", breaker=CircuitBreaker(clock, failures=5),
                           retry=RetryPolicy(attempts=1), timeout=2,
                           meter=UsageMeter(usage, clock, per_user=5000, per_guild=None))
        debriefer = LLMDebriefer(client, Prompts(content_root() / "prompts"), BANK)
        try:
            server.reply(SPOKEN, prompt_tokens=300, completion_tokens=25)
            parts = [p async for p in debriefer.debrief(state)]
            assert len(parts) > 1 and "".join(p.text for p in parts) == SPOKEN and {p.source for p in parts} == {"llm"}
            prompt = server.requests[-1]["messages"][1]["content"]
            assert "alpha point: 3 of 3" in prompt and "because we retry" not in prompt  # scores only, no answer text
            assert [(r.purpose, r.prompt_tokens, r.estimated) for r in usage.records] == [("debrief", 300, False)]

            server.fault("stream_cut", after=4)  # the first sentence and three words of the second
            server.reply(SPOKEN)
            parts = [p async for p in debriefer.debrief(state)]
            *shown, last = parts
            assert "".join(p.text for p in shown).strip() == SPOKEN.split(". ")[0] + "."  # whole sentences only
            assert last.source == "offline" and last.text.strip() == offline and last.fallback_reason

            usage.records[0] = usage.records[0].__class__(**{**usage.records[0].__dict__, "prompt_tokens": 6000})
            [only] = [p async for p in debriefer.debrief(state)]
            assert only.text == offline and "daily LLM budget" in (only.fallback_reason or "")
        finally:
            await client.close()
