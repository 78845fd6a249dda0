"""A sandbox run is started off the event loop, yet its stdin, its exit and its cancellation behave as before."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from bot.sandbox.spawn import spawn


async def test_a_started_run_reads_its_stdin_and_its_exit_status_arrives() -> None:
    out_r, out_w = os.pipe()
    try:
        child = await spawn(["sh", "-c", "read line; echo \"got $line\"; exit 3"], stdout=out_w, stderr=out_w, pass_fds=())
    finally:
        os.close(out_w)
    child.stdin.write(b"hello\n")
    await child.stdin.drain()
    child.stdin.close()
    assert await asyncio.wait_for(child.wait(), 10) == 3 and child.returncode == 3
    with os.fdopen(out_r, "rb") as out:
        assert out.read() == b"got hello\n"


def _running(marker: bytes) -> list[int]:
    """Live (not zombie) processes whose command line holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and marker in (entry / "cmdline").read_bytes()
                    and "\nState:\tZ" not in (entry / "status").read_text()):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


async def test_a_start_abandoned_by_a_cancelled_check_is_killed_not_left_running() -> None:
    marker = f"{30 + os.getpid() % 1000 / 1000:.3f}"  # a sleep this process alone would start
    task = asyncio.ensure_future(spawn(["sleep", marker], stdout=1, stderr=2, pass_fds=()))
    await asyncio.sleep(0)  # the start is under way in its thread
    task.cancel()
    await asyncio.sleep(0.5)
    deadline = time.monotonic() + 5
    while _running(marker.encode()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert task.cancelled() and not _running(marker.encode())
