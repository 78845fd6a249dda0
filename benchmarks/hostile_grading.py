"""Hostile submissions graded on an event loop with nothing else to do, and how long that loop stalls.

    python -m benchmarks.hostile_grading [--runs 20] [--concurrent 2]

The grading runs in this benchmark's own process, so this measures decoding alone;
``benchmarks.discord_load --hostile N`` sends ``HOSTILE_ANY`` through the bot instead and reads
the bot's own loop watch.  Each hostile submission here takes over the result channel (it finds
the harness's descriptor on the stack, keeps a copy and points the original at /dev/null) and
answers every case with the costliest frame the bot accepts: the largest allowed size, a set of
tuples sharing a long prefix (the slowest to decode and sort).  Honest reference runs are mixed
in.  A watcher sleeps 2 ms at a time and records how late it wakes: the longest delay while a
grading is in flight is the event loop's longest stall (target: 20 ms).  The result handling the
loop does itself (reading and splitting the channel, judging small frames) is also timed alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import bot.sandbox.judge as judge_module
from bot.engine.models import CodeCase, CodingTask
from bot.sandbox.exchange import FrameSink
from bot.sandbox.harness import MAX_FRAME_BYTES, MAX_NODES
from bot.sandbox.limits import Limits
from bot.sandbox.runner import SandboxRunner
from tests.hostile import TAKE_CHANNEL

TARGET_MS = 20.0
CASES = 15  # 15 frames of 256 KB: just under the channel's 4 MB
TASK = CodingTask(function="f", signature="def f():", statement="Return the set the benchmark has in mind.",
                  examples=[CodeCase(call="f()", expected="{1, 2}")],
                  hidden=[CodeCase(call="f()", expected="{1, 2}")] * (CASES - 1))
HONEST = "def f():\n    return {1, 2}\n"
HOSTILE = TAKE_CHANNEL + r'''
PREFIX = ",".join(['{"t":"int","v":"7"}'] * 150)
ROOM, NODES = __ROOM__, __NODES__

def heaviest(index):
    items, frame = [], ""
    for i in range(NODES // 152):
        items.append('{"t":"tuple","v":[' + PREFIX + ',{"t":"int","v":"' + str(-i) + '"}]}')
        value = '{"t":"set","v":[' + ",".join(items) + ']}'
        attempt = '{"kind":"case","index":' + str(index) + ',"ok":true,"output":"","value":' + value + '}'
        if len(attempt) > ROOM:
            break
        frame = attempt
    return frame

FRAME = heaviest(0)
SENT = [0]
os.write(RESULT, b'{"kind":"load","ok":true,"value":{"t":"none"},"output":""}\n')

def f():
    index = SENT[0]
    SENT[0] += 1
    text = FRAME.replace('"index":0,', '"index":' + str(index) + ',', 1) + "\n"
    if index == __LAST__:
        text += '{"kind":"done"}\n'
    os.write(RESULT, text.encode())
'''.replace("__ROOM__", str(MAX_FRAME_BYTES - 16)).replace("__NODES__", str(MAX_NODES - 1)).replace(
    "__LAST__", str(CASES - 1))

# For any question: the submission replaces the harness's way of sending frames, so the harness's own
# turn-taking (one frame per case, in order, then done) carries the costliest value in every case
# frame, whatever the question's cases call.  Used by ``discord_load --hostile``, through the bot.
HOSTILE_ANY = r'''
import json, os, sys
_frame = sys._getframe()
while _frame is not None and "channel" not in _frame.f_locals:
    _frame = _frame.f_back
_CHANNEL = _frame.f_locals["channel"]
del _frame
PREFIX = ",".join(['{"t":"int","v":"7"}'] * 150)
ROOM, NODES = __ROOM__, __NODES__

def heaviest():
    items, value = [], ""
    for i in range(NODES // 152):
        items.append('{"t":"tuple","v":[' + PREFIX + ',{"t":"int","v":"' + str(-i) + '"}]}')
        attempt = '{"t":"set","v":[' + ",".join(items) + ']}'
        if len(attempt) + 80 > ROOM:
            break
        value = attempt
    return value

VALUE = heaviest()

def _send(self, frame):
    if frame.get("kind") == "case":
        text = '{"kind":"case","index":' + str(frame["index"]) + ',"ok":true,"output":"","value":' + VALUE + '}'
    else:
        text = json.dumps(frame)
    data = (text + "\n").encode()
    while data:
        data = data[os.write(self.fd, data):]

type(_CHANNEL).send = _send
'''.replace("__ROOM__", str(MAX_FRAME_BYTES - 16)).replace("__NODES__", str(MAX_NODES - 1))

_real_judge_frame = judge_module.judge_frame
_real_data_received = FrameSink.data_received


def timed_judge_frame(line: bytes, cases: int, expected: str | None) -> Any:
    """The real judge, timed when it runs on the event loop's thread (module level, so the pool can import it)."""
    started = time.perf_counter()
    try:
        return _real_judge_frame(line, cases, expected)
    finally:
        if threading.current_thread() is threading.main_thread():
            ON_LOOP_MS.append((time.perf_counter() - started) * 1000)


def timed_data_received(self: FrameSink, data: bytes) -> None:
    started = time.perf_counter()
    try:
        _real_data_received(self, data)
    finally:
        ON_LOOP_MS.append((time.perf_counter() - started) * 1000)


ON_LOOP_MS: list[float] = []  # each stretch of result handling the event loop did itself: reading, splitting, judging


def instrument() -> None:
    """Time the result handling that runs on the loop (the judging of large frames happens in the pool)."""
    judge_module.judge_frame = timed_judge_frame
    FrameSink.data_received = timed_data_received  # type: ignore[method-assign]


class StallWatch:
    """Sleeps ``period`` at a time on the loop and records how late each wake-up is, while gradings run."""

    def __init__(self, period: float = 0.002) -> None:
        self.period = period
        self.in_flight = 0
        self.grading: list[float] = []
        self.otherwise: list[float] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            busy, before = self.in_flight > 0, loop.time()
            await asyncio.sleep(self.period)
            late = (loop.time() - before - self.period) * 1000
            (self.grading if busy or self.in_flight else self.otherwise).append(late)

    def summary(self) -> dict[str, Any]:
        def stats(values: list[float]) -> dict[str, float | None]:
            if not values:
                return {"max_ms": None, "p99_ms": None}
            ordered = sorted(values)
            return {"max_ms": round(ordered[-1], 1), "p99_ms": round(ordered[int(len(ordered) * 0.99)], 1)}

        handled = {"result_handling_on_loop_max_ms": round(max(ON_LOOP_MS), 2) if ON_LOOP_MS else None,
                   "result_handling_calls": len(ON_LOOP_MS)}
        return {"while_grading": stats(self.grading), "otherwise": stats(self.otherwise), **handled,
                "target_ms": TARGET_MS}


async def grade_hostile(runs: int, concurrent: int, watch: StallWatch, spread: float = 0.0,
                        hostile_share: int = 2) -> dict[str, Any]:
    """Grade ``runs`` submissions (one in ``hostile_share`` hostile; 0: none), ``concurrent`` at a time, over ``spread`` s."""
    instrument()
    runner = SandboxRunner(Limits(), concurrency=concurrent)
    if (await runner.probe()).sandbox is None:
        raise SystemExit("the sandbox does not work here")
    gate = asyncio.Semaphore(concurrent)
    seconds: list[float] = []
    false_passes = 0

    async def one(index: int) -> None:
        nonlocal false_passes
        await asyncio.sleep(spread * index / max(runs, 1))
        async with gate:
            watch.in_flight += 1
            started = time.perf_counter()
            try:
                hostile = bool(hostile_share) and index % hostile_share == 0
                check = await runner.check("benchmark.hostile", TASK, HOSTILE if hostile else HONEST)
            finally:
                watch.in_flight -= 1
            seconds.append(time.perf_counter() - started)
            if hostile and (check.passed or check.error):  # valid frames, wrong values: a clean failure
                false_passes += check.passed
                raise SystemExit(f"a hostile run was not judged as expected: {check.model_dump_json()[:300]}")
            if not hostile and check.passed != check.total:
                raise SystemExit(f"an honest run failed: {check.model_dump_json()[:300]}")

    try:
        await asyncio.gather(*(one(i) for i in range(runs)))
    finally:
        runner.close()
    return {"gradings": runs, "hostile": len(range(0, runs, hostile_share)) if hostile_share else 0,
            "false_passes": false_passes,
            "grading_p50_ms": round(statistics.median(seconds) * 1000, 1)}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    phases = {}
    for name, share in (("honest_only", 0), ("half_hostile", 2)):  # the same loop, without and with the attack
        watch = StallWatch()
        ON_LOOP_MS.clear()
        watcher = asyncio.ensure_future(watch.run())
        try:
            await asyncio.sleep(0.5)  # a baseline before any grading
            graded = await grade_hostile(args.runs, args.concurrent, watch, hostile_share=share)
        finally:
            watcher.cancel()
        phases[name] = {**graded, "loop_stall": watch.summary()}
    return {"benchmark": "hostile_grading", **phases,
            "frame_bytes": MAX_FRAME_BYTES, "frames_per_run": CASES, "source_chars": len(HOSTILE),
            "python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "load_1m": round(os.getloadavg()[0], 2), "cwd": Path.cwd().name}


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=2)
    print(json.dumps(asyncio.run(main(parser.parse_args()))))


if __name__ == "__main__":
    cli()
