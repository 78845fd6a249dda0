"""The bot's event-loop watch: stalls are measured where they happen, told apart by cause, and reported."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
import time

import pytest

from bot.adapters.discord.loop_watch import REPORT_PREFIX, LoopWatch
from bot.sandbox.runner import watch_children_without_threads


async def _hold_loop(seconds: float) -> None:
    """Work that keeps the event loop's thread busy for ``seconds`` of CPU, as a handler computing in place would."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def test_a_stall_is_measured_and_filed_under_whether_code_was_being_checked(caplog) -> None:
    checking = [False]
    watch = LoopWatch(2.0, busy=lambda: checking[0], report_s=3600)
    watch.start()
    await asyncio.sleep(0.05)
    await _hold_loop(0.06)  # the bot's own work, nothing being checked
    await asyncio.sleep(0.02)
    checking[0] = True
    await asyncio.sleep(0.01)
    await _hold_loop(0.08)  # while a coding answer is being checked
    await asyncio.sleep(0.02)
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        await watch.close()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith(REPORT_PREFIX)]
    assert len(lines) == 1
    report = json.loads(lines[0][len(REPORT_PREFIX):])
    during, otherwise = report["while_checking_code"], report["otherwise"]
    # a busy machine may stretch each stall, never shorten it; 2 ms is the watch's own resolution
    assert during["max_ms"] >= 78 and during["over_ms"]["50"] == 1 and during["own_work"] == 1
    assert otherwise["max_ms"] >= 58 and otherwise["over_ms"]["50"] == 1 and otherwise["own_work"] == 1
    assert during["waiting"] == otherwise["waiting"] == 0


async def test_a_long_stall_is_a_warning_at_once_and_each_report_starts_a_new_window(caplog) -> None:
    watch = LoopWatch(2.0, busy=lambda: False, report_s=0.15, warn_ms=40)
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        watch.start()
        await asyncio.sleep(0.02)
        await _hold_loop(0.06)
        await asyncio.sleep(0.3)
        await watch.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    reports = [json.loads(r.getMessage()[len(REPORT_PREFIX):]) for r in caplog.records
               if r.getMessage().startswith(REPORT_PREFIX)]
    assert len(warnings) == 1 and "the event loop was held for" in warnings[0]
    assert len(reports) >= 2 and reports[0]["otherwise"]["over_ms"]["50"] == 1
    assert all(r["otherwise"]["over_ms"].get("50", 0) == 0 for r in reports[1:])  # not counted twice


async def test_a_stall_spent_off_the_cpu_is_told_apart_from_the_bots_own_work(caplog) -> None:
    watch = LoopWatch(2.0, busy=lambda: False, report_s=3600)
    watch.start()
    await asyncio.sleep(0.02)
    time.sleep(0.06)  # a blocking call on the loop's thread: the process waits, using no CPU
    await asyncio.sleep(0.02)
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        await watch.close()
    report = json.loads(next(r.getMessage() for r in caplog.records
                             if r.getMessage().startswith(REPORT_PREFIX))[len(REPORT_PREFIX):])
    assert report["otherwise"]["waiting"] == 1 and report["otherwise"]["own_work"] == 0


async def test_a_period_of_zero_turns_the_watch_off() -> None:
    watch = LoopWatch(0, busy=lambda: False)
    watch.start()
    assert not any(t.get_name() == "loop-watch" for t in asyncio.all_tasks())
    await watch.close()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 and later watch children through pidfds already")
async def test_sandbox_exits_are_learned_without_a_thread_per_process() -> None:
    """On 3.11 the default watcher starts (and waits for) a thread per subprocess, on the loop's thread."""
    previous = asyncio.get_child_watcher()
    watch_children_without_threads()
    try:
        proc = await asyncio.create_subprocess_exec("sleep", "0.2")
        assert not [t.name for t in threading.enumerate() if t.name.startswith("waitpid-")]
        assert await asyncio.wait_for(proc.wait(), 5) == 0
    finally:
        asyncio.set_child_watcher(previous)  # later tests get the default again
