"""How late the bot's event loop wakes up: the lag every member feels, measured inside the bot.

Everything the bot does for hundreds of members runs on one event loop, so any call that holds it
(a slow parse, a grading done in place, a thread holding the GIL) delays every button press at
once.  A sleeper that asks to wake every ``period`` seconds and notes how late it actually woke
measures that directly, whatever the cause: a stall of X ms shows as a late wake-up of at least
X minus one period.  Wake-ups are kept apart by whether a coding answer was being checked at the
time (``busy``), since decoding what a submission sent back is the work most exposed to a hostile
candidate.  A check lasts seconds, most of them spent waiting for the sandbox while the loop
serves everyone else, so the wake-ups during which a result frame was actually being decoded
(``decoding``: in place or in the judge process, see :mod:`bot.sandbox.judge`) are also counted
apart, as ``while_decoding_results``: they are a subset of ``while_checking_code``.

A late wake-up says the loop did not run, not why.  So each one late by more than ``BUSY_MS`` is
also sorted by how much CPU the loop's own thread, and the bot's whole process, used meanwhile.
The loop's thread on a CPU for at least a quarter of the stall is the loop's own work (only
slowed by a busy machine); else the process on a CPU for a quarter of it means another thread
of ours was working while the loop's thread waited for the interpreter (the GIL) or for a CPU
(``other_threads``); less than that means the process was mostly off the CPU, waiting: for a CPU
the machine's other processes had, or in a blocking call.

A stall longer than ``warn_ms`` is logged as a warning when it happens; every ``report_s`` and at
close, one INFO line ``event loop lag {json}`` sums up the wake-ups since the last line (samples,
longest, 99th percentile, and how many were late by more than each of a few thresholds), which
is also what ``benchmarks.discord_load`` reads from the bot's log.  With ``stacks`` on
(``MOCKLOOP_LOOP_STACKS``), each report also says where the loop's thread was during the stalls
(``held_by``, from ``loop_stacks.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from bot.adapters.discord.loop_stacks import StackSampler

log = logging.getLogger(__name__)
THRESHOLDS_MS = (5, 10, 20, 50, 100, 250)
BUSY_MS = 20.0  # late wake-ups past this are sorted into the bot's own work and waiting
OWN_SHARE = 0.25  # of the stall spent on a CPU by the bot's process: its own work (a busy machine slows it)
REPORT_PREFIX = "event loop lag "


class LateWakes:
    """Late wake-ups of one kind (busy or not) since the last report."""

    def __init__(self) -> None:
        self.late_ms: list[float] = []
        self.own_work = 0  # late past BUSY_MS with the loop's thread on a CPU for at least a quarter of it
        self.other_threads = 0  # ... with the loop's thread mostly off it, but the process on it: another thread ran
        self.waiting = 0  # late past BUSY_MS with the process mostly off the CPU

    def add(self, late_ms: float, cpu_share: float, loop_share: float | None = None) -> None:
        self.late_ms.append(late_ms)
        if late_ms > BUSY_MS:
            if (cpu_share if loop_share is None else loop_share) >= OWN_SHARE:
                self.own_work += 1
            elif cpu_share >= OWN_SHARE:
                self.other_threads += 1
            else:
                self.waiting += 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.late_ms)
        if not ordered:
            return {"samples": 0, "max_ms": None, "p99_ms": None, "over_ms": {}, "own_work": 0, "other_threads": 0,
                    "waiting": 0}
        over = {str(t): sum(1 for v in ordered if v > t) for t in THRESHOLDS_MS}
        return {"samples": len(ordered), "max_ms": round(ordered[-1], 1),
                "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1), "over_ms": over,
                "own_work": self.own_work, "other_threads": self.other_threads, "waiting": self.waiting}


class LoopWatch:
    """An owned task that sleeps ``period_ms`` at a time and records how late each wake-up is."""

    def __init__(self, period_ms: float, busy: Callable[[], bool], *, report_s: float = 60.0,
                 warn_ms: float = 250.0, stacks: bool = False,
                 decoding: Callable[[], tuple[int, int]] | None = None) -> None:
        self.period = period_ms / 1000
        self.busy = busy
        self.decoding = decoding  # (frames being judged, frames begun), see FrameJudge.mark
        self.decoded = LateWakes()
        self.report_s = report_s
        self.warn_ms = warn_ms
        self.checking, self.otherwise = LateWakes(), LateWakes()
        self._since = time.monotonic()
        self._task: asyncio.Task[None] | None = None
        self.sampler = StackSampler(period_ms + BUSY_MS) if stacks and period_ms > 0 else None

    def start(self) -> None:
        if self._task is None and self.period > 0:
            if self.sampler is not None:
                self.sampler.start()
            self._task = asyncio.create_task(self._run(), name="loop-watch")
            self._task.add_done_callback(self._stopped)

    async def close(self) -> None:
        """Stop watching and log what was seen since the last report."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self.report()
        if self.sampler is not None:
            self.sampler.stop()

    def _stopped(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("the event-loop watch stopped", exc_info=task.exception())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            busy, before, cpu_before, loop_before = self.busy(), loop.time(), time.process_time(), time.thread_time()
            judging = self.decoding() if self.decoding is not None else None
            await asyncio.sleep(self.period)
            if self.sampler is not None:
                self.sampler.beat()
            took = loop.time() - before
            late_ms = max(took - self.period, 0.0) * 1000
            busy = busy or self.busy()  # a check that started or ended during the stall counts as busy
            share = (time.process_time() - cpu_before) / took if took > 0 else 0.0
            loop_share = (time.thread_time() - loop_before) / took if took > 0 else 0.0
            (self.checking if busy else self.otherwise).add(late_ms, share, loop_share)
            if judging is not None and self.decoding is not None:
                in_flight, begun = self.decoding()
                if judging[0] or in_flight or begun != judging[1]:
                    self.decoded.add(late_ms, share, loop_share)
            if late_ms > self.warn_ms:
                log.warning("the event loop was held for %.0f ms%s", late_ms,
                            " while a coding answer was being checked" if busy else "")
            if time.monotonic() - self._since >= self.report_s:
                self.report()

    def report(self) -> dict[str, Any]:
        """Log (and return) the wake-ups since the last report, then start a new window."""
        now = time.monotonic()
        summary = {"seconds": round(now - self._since, 1), "period_ms": round(self.period * 1000, 1),
                   "while_checking_code": self.checking.summary(), "otherwise": self.otherwise.summary()}
        if self.decoding is not None:
            summary["while_decoding_results"] = self.decoded.summary()
        if self.sampler is not None:
            summary["held_by"] = self.sampler.take()
        self.checking, self.otherwise, self.decoded, self._since = LateWakes(), LateWakes(), LateWakes(), now
        log.info("%s%s", REPORT_PREFIX, json.dumps(summary))
        return summary
