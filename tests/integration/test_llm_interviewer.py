"""The LLM interviewer phrases follow-ups; anything unusable falls back to the scripted one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.ports import AnswerText
from bot.interviewer.offline import OfflineInterviewer
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient
from bot.llm.interviewer import LLMInterviewer
from bot.llm.prompts import Prompts
from bot.llm.retry import RetryPolicy
from bot.scoring.offline import OfflineScorer
from tests.servers.openai_server import FakeOpenAI, running_fake_openai

BANK = QuestionBank.load(content_root())
QUESTION = BANK.get("core.gil")
RUBRIC = BANK.rubric("core.gil")
ANSWER = AnswerText(["Threads were fine for our API calls."])
RESULT = OfflineScorer().grade(QUESTION, RUBRIC, ANSWER.joined)


@pytest.fixture
async def interviewer() -> AsyncIterator[tuple[LLMInterviewer, FakeOpenAI]]:
    async with running_fake_openai() as server:
        client = LLMClient(api_key="k", base_url=server.base_url, model="m", breaker=CircuitBreaker(FakeClock()),
                           retry=RetryPolicy(attempts=1), timeout=2)
        yield LLMInterviewer(client, Prompts(content_root() / "prompts")), server
        await client.close()


async def scripted() -> str:
    follow = await OfflineInterviewer().follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [])
    assert follow is not None
    return follow.text


async def test_the_model_phrases_the_same_point(interviewer) -> None:
    llm, server = interviewer
    server.reply("Interesting. Since your API calls spent most of their time waiting, what was the GIL doing then?")
    follow = await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [])
    expected = await OfflineInterviewer().follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [])
    assert follow is not None and expected is not None
    assert follow.criterion == expected.criterion and follow.text.startswith("Interesting.")
    assert ANSWER.joined in server.requests[0]["messages"][1]["content"]


@pytest.mark.parametrize("reply", [
    "The GIL is a lock. Threads release it during I/O. Processes avoid it.",  # a lecture, no question
    "What does your rubric criterion about CPU-bound work say?",  # leaks the grading
    "Why? " * 40,  # rambling
])
async def test_unusable_output_falls_back_to_the_scripted_follow_up(interviewer, reply: str) -> None:
    llm, server = interviewer
    server.reply(reply)
    follow = await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [])
    assert follow is not None and follow.text == await scripted()


async def test_a_failing_server_falls_back_to_the_scripted_follow_up(interviewer) -> None:
    llm, server = interviewer
    server.fault("server_error")
    follow = await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [])
    assert follow is not None and follow.text == await scripted()
