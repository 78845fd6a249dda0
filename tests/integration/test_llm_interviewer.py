"""The LLM interviewer phrases follow-ups and hints; anything unusable falls back to the written one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.models import Level
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
    follow = await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.MID)
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
    follow = await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.MID)
    assert follow is not None and follow.text == await scripted()


async def test_a_failing_server_falls_back_to_the_scripted_follow_up(interviewer) -> None:
    llm, server = interviewer
    server.fault("server_error")
    follow = await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.MID)
    assert follow is not None and follow.text == await scripted()


async def test_the_round_persona_and_the_session_level_shape_the_prompt(interviewer) -> None:
    llm, server = interviewer
    design = BANK.get("design.url-shortener")
    design_result = OfflineScorer().grade(design, BANK.rubric(design.id), ANSWER.joined)
    await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.JUNIOR)
    await llm.follow_up(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.SENIOR)
    await llm.follow_up(design, BANK.rubric(design.id), ANSWER, design_result, [], level=Level.SENIOR)
    junior, senior, staff = (r["messages"][0]["content"] for r in server.requests)
    assert "junior role" in junior and "senior role" in senior and "core-language" in junior
    assert "system design round" in staff and "core-language" not in staff


async def test_hints_are_phrased_by_the_model_and_fall_back_to_the_written_hint(interviewer) -> None:
    llm, server = interviewer
    written = await OfflineInterviewer().hint(QUESTION, RUBRIC, ANSWER, RESULT, [])
    assert written is not None
    server.reply("Think about what your API calls were doing most of the time, and whether the lock is held then.")
    phrased = await llm.hint(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.MID)
    assert phrased is not None and phrased.criterion == written.criterion and phrased.text.startswith("Think about")
    assert written.text in server.requests[-1]["messages"][0]["content"]  # the model is told how far the hint may go
    assert ANSWER.joined in server.requests[-1]["messages"][1]["content"]

    server.reply("The rubric wants you to say the GIL is released during blocking I/O.")  # leaks the grading
    assert await llm.hint(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.MID) == written
    server.fault("server_error")
    assert await llm.hint(QUESTION, RUBRIC, ANSWER, RESULT, [], level=Level.MID) == written
