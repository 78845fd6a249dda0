"""How the client treats slow, small and picky local servers, over real HTTP with the real client:
a timeout is not sent again, failures pause only the purpose that fails, a context overflow is
named as such, prompts are cut to the context a llama.cpp server reports, and the STAR analysis
keeps the real reason."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.ports import AnswerText
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient, LLMUnavailable, Messages
from bot.llm.fallback import FallbackScorer
from bot.llm.judge import LLMJudge
from bot.llm.prompts import Prompts
from bot.llm.retry import RetryPolicy
from bot.llm.star import LLMStarAnalyser
from bot.scoring.offline import OfflineScorer
from tests.integration.test_llm_judge import ANSWER, QUESTION, RUBRIC, Recorder, grade_json
from tests.integration.test_llm_star import STORY
from tests.servers.llama_cpp import LLAMA_CPP, LLAMA_CPP_PYTHON
from tests.servers.openai_server import FakeOpenAI, running_fake_openai

PROMPTS = Prompts(content_root() / "prompts")
GO: Messages = [{"role": "user", "content": "go"}]


def client_for(server: FakeOpenAI, **options: object) -> LLMClient:
    settings: dict[str, object] = {"retry": RetryPolicy(attempts=3, base=0.01), "timeout": 0.5,
                                   "breaker": CircuitBreaker(FakeClock(), failures=3), **options}
    return LLMClient(api_key="k", base_url=server.base_url, model="m", **settings)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAI]:
    async with running_fake_openai() as fake:
        yield fake


async def test_a_timed_out_request_is_not_sent_again_unless_asked(server: FakeOpenAI) -> None:
    client = client_for(server, sleep=Recorder())
    try:
        server.fault("hang", seconds=3)
        with pytest.raises(LLMUnavailable, match="did not answer in time"):
            await client.complete(GO)
        assert len(server.requests) == 1  # not queued again behind the abandoned one

        client.retry.timeouts = True  # a server that runs requests side by side may opt in
        server.fault("hang", seconds=3)
        assert (await client.complete(GO)).text == "OK" and len(server.requests) == 3
    finally:
        await client.close()


async def test_a_slow_model_that_keeps_streaming_is_not_cut_off(server: FakeOpenAI) -> None:
    client = client_for(server, timeout=0.5)
    try:
        server.chunk_delay = 0.2  # 0.2 s between tokens, 1.4 s in all: longer than the 0.5 s read timeout
        server.reply("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                     "sixteen seventeen eighteen nineteen twenty")
        assert (await client.complete(GO)).text.endswith("twenty")
        server.delay = 1.0  # but a first token later than the read timeout is a timeout
        with pytest.raises(LLMUnavailable, match="did not answer in time"):
            await client.complete(GO)
    finally:
        await client.close()


async def test_failures_pause_only_the_purpose_that_keeps_failing(server: FakeOpenAI) -> None:
    client = client_for(server, retry=RetryPolicy(attempts=1))
    try:
        for _ in range(3):  # every grade fails while every follow-up works
            server.fault("server_error")
            with pytest.raises(LLMUnavailable):
                await client.complete(GO, purpose="grade")
            assert (await client.complete(GO, purpose="followup")).text == "OK"
        asked = len(server.requests)
        with pytest.raises(LLMUnavailable, match="paused"):
            await client.complete(GO, purpose="grade")
        assert len(server.requests) == asked  # the failing grades stop being sent...
        assert (await client.complete(GO, purpose="followup")).text == "OK"  # ...the follow-ups go on
        assert client.breaker.open_for("grade") and not client.breaker.open_for("followup")
    finally:
        await client.close()


@pytest.mark.parametrize("dialect", [None, LLAMA_CPP, LLAMA_CPP_PYTHON], ids=["openai", "llama.cpp", "llama-cpp-python"])
async def test_a_context_overflow_is_named(dialect: object) -> None:
    async with running_fake_openai(dialect) as server:  # type: ignore[arg-type]
        server.n_ctx = 50
        client = client_for(server)
        try:
            client.window.learn(10_000)  # as if the server had claimed a larger context: the request is sent
            with pytest.raises(LLMUnavailable, match="longer than the model's context window") as caught:
                await client.complete([{"role": "user", "content": "word " * 200}])
            assert "(400)" not in str(caught.value) and len(server.requests) == 1  # not retried
            if dialect is LLAMA_CPP:
                assert "(50 tokens)" in str(caught.value)  # llama.cpp names its n_ctx
                assert await client.window.size() == 50  # and the next prompt is sized to it
        finally:
            await client.close()


async def test_prompts_are_cut_to_the_context_a_llama_cpp_server_reports() -> None:
    async with running_fake_openai(LLAMA_CPP) as server:
        server.n_ctx = 2400  # /props says so; a token is a word for this server
        client = client_for(server)
        offline = OfflineScorer()
        scorer = FallbackScorer(LLMJudge(client, PROMPTS, offline), offline)
        long_answer = ANSWER + " " + " ".join(["More detail on the same point, said another way."] * 200) + " " + ANSWER
        try:
            server.reply_json(grade_json({"evaluated-once": 3, "fix": 3, "proof": 2}))
            result = await scorer.score(QUESTION, RUBRIC, AnswerText([long_answer]), frozenset())
            assert result.scorer == "llm" and result.fallback_reason is None
            assert any("context" in note for note in result.notes)  # the candidate is told the model read part of it
            sent = server.requests[-1]["messages"]
            assert sum(len(str(m["content"]).split()) for m in sent) < 2400 - 800  # room left for the grade itself
            assert "left out to fit the model's context" in sent[-1]["content"]

            server.n_ctx = 1800  # too small for the rubric and any answer beside an 800-token grade
            server.reply_json(grade_json({"evaluated-once": 3}))
            fresh = LLMClient(api_key="k", base_url=server.base_url, model="m", breaker=CircuitBreaker(FakeClock()))
            small = FallbackScorer(LLMJudge(fresh, PROMPTS, offline), offline)
            asked = len(server.requests)
            refused = await small.score(QUESTION, RUBRIC, AnswerText([long_answer]), frozenset())
            await fresh.close()
            assert refused.scorer == "offline" and "context window (1,800 tokens) is too small" in (refused.fallback_reason or "")
            assert len(server.requests) == asked  # nothing doomed was sent
        finally:
            await client.close()


async def test_the_star_analysis_keeps_the_real_reason(server: FakeOpenAI) -> None:
    client = client_for(server, retry=RetryPolicy(attempts=1))
    try:
        server.fault("server_error", status=503)
        down = await LLMStarAnalyser(client, PROMPTS).analyse(STORY)
        assert down.scorer == "offline" and down.fallback_reason == "the model's server answered with an error (503)"
    finally:
        await client.close()


async def test_instructions_can_travel_in_the_users_turn_for_templates_that_drop_the_system_message() -> None:
    async with running_fake_openai(LLAMA_CPP_PYTHON) as server:
        client = client_for(server, fold_system=True)
        offline = OfflineScorer()
        scorer = FallbackScorer(LLMJudge(client, PROMPTS, offline), offline)
        try:
            server.reply_json(grade_json({"evaluated-once": 3, "fix": 3, "proof": 2}))
            result = await scorer.score(QUESTION, RUBRIC, AnswerText([ANSWER]), frozenset())
            assert result.scorer == "llm"
            [only] = server.requests[-1]["messages"]  # what a gemma template keeps: user turns only
            assert only["role"] == "user" and RUBRIC.criteria[0].id in only["content"]  # the rubric survives
            assert only["content"].index("<<<ANSWER") > only["content"].index(RUBRIC.criteria[0].id)
        finally:
            await client.close()
