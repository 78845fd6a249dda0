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
from bot.sandbox.runner import SandboxRunner
from bot.sandbox.service import RemoteRunner, serve

BANK = QuestionBank.load(content_root())
ROOT = Path(__file__).resolve().parents[2]
SOLUTION = (ROOT / "tests/fixtures/coding_solutions/coding_flatten-dict.py").read_text()
FLATTEN = BANK.get("coding.flatten-dict")


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
