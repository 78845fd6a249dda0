"""A practice round with the LLM interviewer and judge, then the same server failing mid-round."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from tests.e2e.test_cli import env_for
from tests.servers.llama_cpp import LLAMA_CPP
from tests.servers.openai_server import running_fake_openai

BANK = QuestionBank.load(content_root())
FOLLOW_UP = "You mentioned memory a moment ago; what exactly would you measure first?"
DEBRIEF = "You explained laziness clearly. Next time, say what you would measure and why."


class ScriptedModel:
    """Answers like a model would: grades quoting the answer, follow-ups as one question; then, if told, fails."""

    def __init__(self) -> None:
        self.failing = False

    def __call__(self, request: dict[str, Any]) -> str:
        system = request["messages"][0]["content"]
        user = request["messages"][-1]["content"]
        if "debrief" in system:
            return DEBRIEF
        if "Question (" not in system:
            return FOLLOW_UP
        qid = re.search(r"Question \(([a-z]+\.[a-z0-9-]+)\)", system).group(1)  # type: ignore[union-attr]
        answer = user.split("\n", 3)[-1].rsplit("\nANSWER", 1)[0].strip()
        quote = answer.split(".")[0][:40]
        return json.dumps({"criteria": [{"id": c.id, "level": 1, "evidence": quote} for c in BANK.rubric(qid).criteria],
                           "injection": False, "note": "Tie it to a production incident."})


async def practice(tmp_path: Path, base_url: str, script: str) -> str:
    env = env_for(tmp_path, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=base_url, MOCKLOOP_LLM_TIMEOUT="2",
                  MOCKLOOP_LLM_ATTEMPTS="1")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "practice", "--round", "core", "--minutes", "20", "--questions", "2", "--seed", "4",
        cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(script.encode()), 90)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_llm_round_then_a_failing_server(tmp_path: Path) -> None:
    async with running_fake_openai() as server:
        model = ScriptedModel()
        server.default(model)
        out = await practice(tmp_path, server.base_url,
                             "Memory stays flat with a generator. It yields lazily.\n/send\n"
                             "I would profile it with tracemalloc first.\n/send\n/end\n")
        assert "Interviewer: LLM" in out and FOLLOW_UP in out
        assert "scorer: llm" in out and "Graded offline" not in out
        assert DEBRIEF in out and "written offline" not in out  # streamed in the interviewer's voice
        asked = len(server.requests)

        for _ in range(40):
            server.fault("server_error")
        out = await practice(tmp_path, server.base_url, "Memory stays flat with a generator.\n/send\n/end\n")
        assert "Graded offline: the model's server answered with an error (500)" in out
        assert "scorer: offline" in out and len(server.requests) > asked
        assert "(written offline: the LLM was unavailable" in out


async def test_a_llama_cpp_server_refuses_json_schema_once_per_process(tmp_path: Path) -> None:
    async with running_fake_openai(LLAMA_CPP) as server:
        server.default(ScriptedModel())
        out = await practice(tmp_path, server.base_url,
                             "Memory stays flat with a generator. It yields lazily.\n/send\n"
                             "I would profile it with tracemalloc first.\n/send\n/end\n")
        assert "scorer: llm" in out and "Graded offline" not in out
        grades = [r["response_format"]["type"] for r in server.requests if "response_format" in r]
        assert grades == ["json_schema", "json_object", "json_object"]  # two grades, one refusal (HTTP 500)


TIME_LINE = re.compile(r"(\d+):(\d\d) left on this question · (\d+):(\d\d) in the round")


def times_left(out: str) -> list[tuple[int, int]]:
    """Seconds left on the question and in the round, for each `/time` the script typed."""
    return [(int(a) * 60 + int(b), int(c) * 60 + int(d)) for a, b, c, d in TIME_LINE.findall(out)]


async def test_waiting_for_a_slow_model_costs_the_candidate_no_time(tmp_path: Path) -> None:
    async with running_fake_openai() as server:
        server.default(ScriptedModel())
        server.delay = 1.5  # per call: the grade and the follow-up take 3 s together
        out = await practice(tmp_path, server.base_url,
                             "/time\nMemory stays flat with a generator. It yields lazily.\n/send\n/time\n/end\n")
    (question_before, round_before), (question_after, round_after) = times_left(out)
    assert FOLLOW_UP in out and "scorer: llm" in out  # the same question is still open, graded by the model
    assert abs(question_after - question_before) <= 1 and abs(round_after - round_before) <= 1, out
    assert "Waiting for the model… (your clock is paused)" in out
    assert re.search(r"The model took [34] s; your clock was paused meanwhile\.", out), out

    # Every call, the debrief after the session's end included, is charged to the candidate.
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "usage", "--json", cwd=tmp_path,
                                                env=env_for(tmp_path), stdout=asyncio.subprocess.PIPE)
    rows = json.loads((await proc.communicate())[0])
    assert {r["purpose"] for r in rows} >= {"grade", "followup", "debrief"} and all(r["user_id"] for r in rows), rows


async def test_fallbacks_are_said_once_in_the_uis_words_without_log_lines(tmp_path: Path) -> None:
    async with running_fake_openai() as server:
        for _ in range(40):
            server.fault("server_error")
        env = env_for(tmp_path, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url, MOCKLOOP_LLM_TIMEOUT="2",
                      MOCKLOOP_LLM_ATTEMPTS="1")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "practice", "--round", "core", "--minutes", "20", "--questions", "2",
            "--seed", "4", cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(
            b"Memory stays flat with a generator.\n/send\n/skip\nA list is built at once; a generator is lazy.\n/send\n/end\n"),
            90)
        assert proc.returncode == 0 and err.decode().strip() == "", err.decode()
        assert out.decode().count("Graded offline: the model's server answered with an error (500)") == 1

        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "score", "--question", "core.gil", "--answer", "Threads wait on I/O.",
            "--scorer", "llm", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0 and err.decode().strip() == "", err.decode()
        assert out.decode().count("Scored offline: the model's server answered with an error (500)") == 1
