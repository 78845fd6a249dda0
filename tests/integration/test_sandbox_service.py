"""The sandbox as its own service: the bot's RemoteRunner gets the same verdicts over a Unix socket,
and a runner that is down or confused means "not run", said plainly, never a crash."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.ports import AnswerText
from bot.sandbox.runner import SandboxRunner
from bot.sandbox.service import RemoteRunner, serve
from bot.scoring.code import CodeAwareScorer
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())
ROOT = Path(__file__).resolve().parents[2]
SOLUTION = (ROOT / "tests/fixtures/coding_solutions/coding_flatten-dict.py").read_text()
FLATTEN = BANK.get("coding.flatten-dict")
# Writes its own result frames, each timed at 1e999 ms (inf once parsed), and exits before the harness reports.
FORGED_TIME = r'''
import os

def flatten(data, sep="."):
    frame = '{"kind":"case","index":%d,"ok":true,"ms":1e999,"output":"","rss_kb":1,"value":{"t":"dict","v":[]}}\n'
    report = "".join(frame % i for i in range(12)) + '{"kind":"done","rss_kb":1}\n'
    for fd in range(3, 32):
        try:
            os.write(fd, report.encode())
        except OSError:
            pass
    os._exit(0)
'''


@pytest.fixture
async def socket_path(tmp_path: Path) -> AsyncIterator[Path]:
    path = tmp_path / "runner.sock"
    ready = asyncio.Event()
    task = asyncio.ensure_future(serve(path, SandboxRunner(), BANK, ready))
    await asyncio.wait_for(ready.wait(), 10)
    yield path
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_check_through_the_service_matches_one_run_here(socket_path: Path) -> None:
    remote = RemoteRunner(socket_path)
    assert (await remote.probe()).sandbox == "bwrap"
    assert FLATTEN.coding is not None
    there = await remote.check(FLATTEN.id, FLATTEN.coding, SOLUTION)
    assert there.ran and there.passed == there.total > 0
    wrong = await remote.check(FLATTEN.id, FLATTEN.coding, "def flatten(data, sep='.'):\n    return data\n")
    assert wrong.passed < wrong.total and wrong.first_failure is not None


async def test_a_runner_that_is_down_or_confused_means_not_run(socket_path: Path, tmp_path: Path) -> None:
    assert FLATTEN.coding is not None
    gone = await RemoteRunner(tmp_path / "nobody-listens.sock").check(FLATTEN.id, FLATTEN.coding, SOLUTION)
    assert not gone.ran and "code runner is not reachable" in (gone.error or "")
    assert (await RemoteRunner(tmp_path / "nobody-listens.sock").probe()).sandbox is None
    reader, writer = await asyncio.open_unix_connection(str(socket_path))
    writer.write(b"this is not json\n")
    await writer.drain()
    assert "bad request" in json.loads(await reader.readline())["error"]
    writer.close()
    unknown = await RemoteRunner(socket_path).check("coding.nope", FLATTEN.coding, SOLUTION)
    assert not unknown.ran and "unknown question" in (unknown.error or "")


async def test_a_forged_result_through_the_service_fails_the_tests_and_never_leaves_the_rubric_alone(socket_path) -> None:
    assert FLATTEN.coding is not None
    remote = RemoteRunner(socket_path)
    check = await remote.check(FLATTEN.id, FLATTEN.coding, FORGED_TIME)
    assert check.ran and check.passed == 0 and "not a valid result" in (check.error or "")
    answer = AnswerText([f"```python\n{FORGED_TIME}```"])
    scored = await CodeAwareScorer(OfflineScorer(), remote).score(FLATTEN, BANK.rubric(FLATTEN.id), answer, frozenset())
    assert scored.tests is not None and scored.tests.ran
    assert any(note.startswith("tests: 0 of 12 passed") for note in scored.notes)
    assert not any("rubric only" in note for note in scored.notes)
