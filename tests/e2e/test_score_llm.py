"""`mockloop score --scorer llm` as a user runs it, against a local OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.llm.judge import response_formats
from tests.e2e.test_cli import env_for
from tests.servers.llama_cpp import LLAMA_CPP
from tests.servers.openai_server import running_fake_openai

RUBRIC = QuestionBank.load(content_root()).rubric("core.gil")
ANSWER = "Threads help I/O-bound work because the GIL is released while a thread waits on the network."


async def score(tmp_path: Path, base_url: str, answer: str = ANSWER, **extra: str) -> dict:
    settings = {"OPENAI_API_KEY": "sk-test-secret", "OPENAI_BASE_URL": base_url, "MOCKLOOP_MODEL": "local-model",
                "MOCKLOOP_LLM_TIMEOUT": "2", "MOCKLOOP_LLM_ATTEMPTS": "1", **extra}
    env = env_for(tmp_path, **settings)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "score", "--question", "core.gil", "--answer", answer, "--scorer", "llm", "--json",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert b"sk-test-secret" not in out + err
    return json.loads(out)


async def test_score_with_the_llm_and_when_it_fails(tmp_path: Path) -> None:
    async with running_fake_openai() as server:
        quote = "the GIL is released while a thread waits on the network"
        server.reply_json({"criteria": [{"id": c.id, "level": 2 if i == 0 else 0, "evidence": quote if i == 0 else ""}
                                        for i, c in enumerate(RUBRIC.criteria)], "injection": False, "note": "x"})
        graded = await score(tmp_path, server.base_url)
        assert graded["scorer"] == "llm" and graded["fallback_reason"] is None
        assert graded["criteria"][0] == {"id": RUBRIC.criteria[0].id, "score": 2, "max": 3, "evidence": quote}
        assert server.requests[-1]["model"] == "local-model"

        server.fault("server_error")
        fallen = await score(tmp_path, server.base_url, ANSWER + " Processes sidestep it.")
        assert fallen["scorer"] == "offline" and "(500)" in fallen["fallback_reason"]


async def test_usage_is_recorded_and_the_daily_budget_applies(tmp_path: Path) -> None:
    async with running_fake_openai() as server:
        quote = "the GIL is released while a thread waits on the network"
        grade = {"criteria": [{"id": c.id, "level": 1 if i == 0 else 0, "evidence": quote if i == 0 else ""}
                              for i, c in enumerate(RUBRIC.criteria)], "injection": False, "note": "x"}
        server.reply(json.dumps(grade), prompt_tokens=900, completion_tokens=60)
        assert (await score(tmp_path, server.base_url))["scorer"] == "llm"

        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "usage", "--json", cwd=tmp_path, env=env_for(tmp_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, _ = await proc.communicate()
        [row] = json.loads(out)
        assert (row["calls"], row["prompt_tokens"], row["completion_tokens"], row["purpose"]) == (1, 900, 60, "grade")

        # 960 tokens spent today; a budget of 500 sends the next grade offline, with the reason
        over = await score(tmp_path, server.base_url, ANSWER + " Processes sidestep it.", MOCKLOOP_DAILY_TOKENS_PER_USER="500")
        assert over["scorer"] == "offline" and "daily LLM budget" in over["fallback_reason"]


async def test_a_second_process_reuses_the_stored_grade(tmp_path: Path) -> None:
    async with running_fake_openai() as server:
        quote = "the GIL is released while a thread waits on the network"
        server.reply_json({"criteria": [{"id": c.id, "level": 2 if i == 0 else 0, "evidence": quote if i == 0 else ""}
                                        for i, c in enumerate(RUBRIC.criteria)], "injection": False, "note": "x"})
        first = await score(tmp_path, server.base_url)
        calls = len(server.requests)
        server.reply_json({"criteria": [{"id": c.id, "level": 3, "evidence": quote} for c in RUBRIC.criteria],
                           "injection": False, "note": "a different grade the second time"})
        second = await score(tmp_path, server.base_url)
        assert second == first and len(server.requests) == calls  # no flicker, no second model call


async def test_a_llama_cpp_server_refusing_json_schema_grades_with_the_llm_on_the_first_call(tmp_path: Path) -> None:
    async with running_fake_openai(LLAMA_CPP) as server:
        quote = "the GIL is released while a thread waits on the network"
        grade = {"criteria": [{"id": c.id, "level": 2 if i == 0 else 0, "evidence": quote if i == 0 else ""}
                              for i, c in enumerate(RUBRIC.criteria)], "injection": False, "note": "x"}
        server.default("Here is the grade you asked for:\n" + json.dumps(grade))  # a small model's chatter
        for n, answer in enumerate([ANSWER, ANSWER + " Processes sidestep it."]):
            # three attempts allowed, yet the refusal (HTTP 500 naming response_format) is sent once
            graded = await score(tmp_path, server.base_url, answer, MOCKLOOP_LLM_ATTEMPTS="3")
            assert graded["scorer"] == "llm" and graded["fallback_reason"] is None
            assert graded["criteria"][0]["evidence"] == quote
            sent = server.requests[2 * n:]
            assert [r["response_format"]["type"] for r in sent] == ["json_schema", "json_object"]
            # llama.cpp builds its grammar from it: only this rubric's criterion ids, each once
            assert sent[1]["response_format"] == response_formats(RUBRIC)["json_object"]
        # Each `mockloop score` is a new process, and the format is remembered in memory only,
        # so each pays the one instant refusal; within a process (the bot, practice) it is paid once.
