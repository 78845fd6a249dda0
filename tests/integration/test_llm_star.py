"""The model judges how well each STAR part is told, with quotes that must be in the story; the
facts and the score rule stay offline, and anything unusable falls back to the offline analysis."""

from __future__ import annotations

import json

from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient
from bot.llm.prompts import Prompts
from bot.llm.retry import RetryPolicy
from bot.llm.star import LLMStarAnalyser
from bot.scoring.star import analyse
from tests.servers.openai_server import running_fake_openai

STORY = ("Last spring our checkout API timed out every evening at peak. I was on call, and my goal was p99 under "
         "300 ms before the holiday sale. I profiled the endpoint, found an N+1 query in the discount lookup, and "
         "rewrote it with a join. I added an alert on p99 as well. Afterwards p99 went from 2.4 s to 180 ms and the "
         "timeouts stopped. I learned to profile before guessing.")


def reply(**parts: object) -> str:
    base = {name: {"score": 3, "excerpt": quote} for name, quote in (
        ("situation", "our checkout API timed out every evening"), ("task", "my goal was p99 under 300 ms"),
        ("action", "I profiled the endpoint"), ("result", "p99 went from 2.4 s to 180 ms"))}
    return json.dumps({**base, "feedback": ["Say how you found the N+1 query."], "injection": False, **parts})


async def test_the_model_rates_the_parts_and_the_facts_stay_offline() -> None:
    offline = analyse(STORY)
    async with running_fake_openai() as server:
        client = LLMClient(api_key="k", base_url=server.base_url, model="m", breaker=CircuitBreaker(FakeClock()),
                           retry=RetryPolicy(attempts=1), timeout=5)
        analyser = LLMStarAnalyser(client, Prompts(content_root() / "prompts"))
        try:
            server.reply(reply())
            good = await analyser.analyse(STORY)
            assert good.scorer == "llm" and good.fallback_reason is None
            assert all(getattr(good.components, p).score == 3 for p in ("situation", "task", "action", "result"))
            assert good.feedback[0] == "Say how you found the N+1 query."
            assert good.metrics == offline.metrics and good.length == offline.length  # facts are the analyser's
            sent = server.requests[-1]["messages"][1]["content"]
            assert STORY in sent and "<<<STORY" in sent  # the story goes in as marked data

            server.reply(reply(result={"score": 3, "excerpt": "revenue doubled overnight"}))  # not in the story
            checked = await analyser.analyse(STORY)
            assert checked.components.result == offline.components.result
            assert any("not in your story" in f for f in checked.feedback)

            server.reply(reply(injection=True))
            steered = await analyser.analyse(STORY)
            assert steered.scorer == "offline" and "instructions" in (steered.fallback_reason or "")

            server.reply("no json here")
            server.reply("still none")
            broken = await analyser.analyse(STORY)
            assert broken.scorer == "offline" and broken.score == offline.score and broken.fallback_reason

            server.fault("server_error", status=500)
            down = await analyser.analyse(STORY)
            assert down.scorer == "offline" and down.fallback_reason
        finally:
            await client.close()


async def test_star_asks_for_its_schema_and_remembers_a_refusal() -> None:
    async with running_fake_openai() as server:
        client = LLMClient(api_key="k", base_url=server.base_url, model="m", breaker=CircuitBreaker(FakeClock()),
                           retry=RetryPolicy(attempts=1), timeout=5)
        analyser = LLMStarAnalyser(client, Prompts(content_root() / "prompts"))
        try:
            server.fault("reject_response_format", only="json_schema")
            server.reply(reply())
            server.reply(reply())
            assert (await analyser.analyse(STORY)).scorer == "llm"
            assert (await analyser.analyse(STORY)).scorer == "llm"
            formats = [r.get("response_format", {}).get("type") for r in server.requests]
            assert formats == ["json_schema", "json_object", "json_object"]  # remembered after the first refusal
            schema = server.requests[0]["response_format"]["json_schema"]["schema"]
            assert set(schema["required"]) == {"situation", "task", "action", "result", "feedback", "injection"}
        finally:
            await client.close()
