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


def _report(caplog) -> dict:
    return json.loads(next(r.getMessage() for r in caplog.records
                           if r.getMessage().startswith(REPORT_PREFIX))[len(REPORT_PREFIX):])


async def test_a_stall_spent_in_another_thread_of_ours_is_not_filed_as_the_loops_own_work(caplog) -> None:
    """A thread of ours holding the interpreter keeps the loop's thread waiting, though the process is busy."""
    watch = LoopWatch(2.0, busy=lambda: False, report_s=3600)
    watch.start()
    await asyncio.sleep(0.02)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.5)  # the other thread keeps the GIL until it is done, as a long pure-Python step would
    try:
        worker = threading.Thread(target=lambda: asyncio.run(_hold_loop(0.08)))
        worker.start()
        while worker.is_alive():  # the loop's thread is not blocked: it waits for the GIL between sleeps
            await asyncio.sleep(0.005)
    finally:
        sys.setswitchinterval(previous)
    await asyncio.sleep(0.02)
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        await watch.close()
    otherwise = _report(caplog)["otherwise"]
    assert otherwise["over_ms"]["50"] >= 1 and otherwise["other_threads"] >= 1 and otherwise["own_work"] == 0


async def test_the_stack_diagnostic_names_the_function_that_held_the_loop(caplog, monkeypatch) -> None:
    """MOCKLOOP_LOOP_STACKS=1 adds where the loop's thread was during its stalls: the holder's own name."""
    from bot.config import Settings
    from bot.content.bank import QuestionBank
    from bot.content.paths import content_root
    from bot.scoring.offline import OfflineScorer

    monkeypatch.setenv("MOCKLOOP_LOOP_STACKS", "1")
    bank = QuestionBank.load(content_root())
    question, rubric = bank.get("core.mutable-default"), bank.rubric("core.mutable-default")
    text = "The default list is created once, when def runs, so calls share it; default to None instead. " * 20
    watch = LoopWatch(2.0, busy=lambda: False, report_s=3600, stacks=Settings().loop_stacks)
    watch.start()
    await asyncio.sleep(0.02)
    await _hold_loop(0.12)
    await asyncio.sleep(0.02)
    end = time.monotonic() + 0.12
    while time.monotonic() < end:  # the bot's own code, graded in place
        OfflineScorer().grade(question, rubric, text)
    await asyncio.sleep(0.02)
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        await watch.close()
    held = _report(caplog)["held_by"]
    assert held["samples"] >= 4
    assert any("_hold_loop" in where for where, _ in held["leaf"])
    assert any(where.startswith("bot.scoring.") for where, _ in held["ours"])  # the innermost frame of the bot's own
    heap = held["heap"]  # what each generation's next collection will walk, and what start-up took out of its view
    assert set(heap) == {"young", "middle", "old", "frozen"} and heap["young"] + heap["middle"] + heap["old"] > 0
    assert not [t for t in threading.enumerate() if t.name == "loop-stacks"]  # the sampler stops with the watch


async def test_without_the_diagnostic_no_sampler_runs_and_reports_say_nothing_of_stacks(caplog) -> None:
    watch = LoopWatch(2.0, busy=lambda: False, report_s=3600)
    watch.start()
    await asyncio.sleep(0.01)
    assert not [t for t in threading.enumerate() if t.name == "loop-stacks"]
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        await watch.close()
    assert "held_by" not in _report(caplog)


async def test_stalls_while_a_result_frame_is_judged_are_counted_apart_from_the_rest_of_a_check(caplog) -> None:
    """A check lasts seconds; what a hostile submission controls is the decoding of its frames, counted on its own."""
    from bot.sandbox.judge import FrameJudge

    judge = FrameJudge(1)
    watch = LoopWatch(2.0, busy=lambda: True, report_s=3600, decoding=judge.mark)
    watch.start()
    await asyncio.sleep(0.02)
    await _hold_loop(0.06)  # the check's other work: no frame being judged
    await asyncio.sleep(0.02)
    assert (await judge(b'{"kind": "done"}', 1, None)).kind == "done"  # a small frame: judged in place
    await _hold_loop(0.04)  # the same interval as the frame: this stall is filed as decoding
    await asyncio.sleep(0.02)
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        await watch.close()
    judge.close()
    report = _report(caplog)
    decoding, checking = report["while_decoding_results"], report["while_checking_code"]
    # both stalls happened during the check; only the one in the frame's interval is filed as decoding
    assert checking["over_ms"]["20"] == 2 and checking["max_ms"] >= 58
    assert decoding["over_ms"]["20"] == 1 and decoding["max_ms"] >= 38


async def test_a_watch_without_a_decoder_reports_no_decoding_figure(caplog) -> None:
    watch = LoopWatch(2.0, busy=lambda: True, report_s=3600)
    watch.start()
    await asyncio.sleep(0.01)
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.loop_watch"):
        await watch.close()
    assert "while_decoding_results" not in _report(caplog)
