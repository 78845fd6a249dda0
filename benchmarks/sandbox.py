"""Sandbox latency: from submission to verdict for a passing coding.flatten-dict answer.

    python -m benchmarks.sandbox [--runs 50] [--concurrent 4] [--submissions 40]

Three measurements, each around ``SandboxRunner.check`` (start, run every example and hidden
case, compare outside):

* sequential runs in the bubblewrap sandbox: p50/p99 (target p50 <= 300 ms on 2 cores);
* the same harness and job started as a plain subprocess, to show what the sandbox itself
  costs.  That launcher exists only in this file: the bot never runs code unsandboxed;
* throughput with ``--concurrent`` submissions in flight against the runner's default slots.

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.bootstrap import load_bank
from bot.engine.models import CodingTask
from bot.sandbox.bwrap import HARNESS, Launch
from bot.sandbox.runner import SandboxRunner

SOLUTION = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "coding_solutions" / "coding_flatten-dict.py"
QUESTION = "coding.flatten-dict"


@dataclass(frozen=True)
class PlainLauncher:
    """Benchmark only: the harness as an ordinary child process, for the overhead comparison."""

    name: str = "plain"
    python: Path = Path(sys.executable)
    filtered: bool = False

    def prepare(self, info_fd: int) -> Launch:
        return Launch([str(self.python), "-I", "-S", "-B", "-X", "utf8", str(HARNESS)])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def summary(latencies: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99), "mean_ms": round(statistics.fmean(latencies), 1),
            "max_ms": round(max(latencies), 1)}


async def timed(runner: SandboxRunner, task: CodingTask, source: str) -> float:
    started = time.perf_counter()
    check = await runner.check(QUESTION, task, source)
    elapsed = (time.perf_counter() - started) * 1000
    if check.passed != check.total:
        raise SystemExit(f"the reference solution did not pass: {check.model_dump_json()}")
    return elapsed


async def sequential(runner: SandboxRunner, task: CodingTask, source: str, runs: int) -> list[float]:
    await timed(runner, task, source)  # warm-up: page cache, probe
    return [await timed(runner, task, source) for _ in range(runs)]


async def concurrent(runner: SandboxRunner, task: CodingTask, source: str, in_flight: int,
                     submissions: int) -> dict[str, float]:
    gate = asyncio.Semaphore(in_flight)

    async def one() -> float:
        async with gate:
            return await timed(runner, task, source)

    started = time.perf_counter()
    latencies = await asyncio.gather(*(one() for _ in range(submissions)))
    seconds = time.perf_counter() - started
    return {"in_flight": in_flight, "runner_slots": 2, "submissions": submissions,
            "per_s": round(submissions / seconds, 1), **summary(list(latencies))}


async def main(runs: int, in_flight: int, submissions: int) -> dict[str, object]:
    source = SOLUTION.read_text(encoding="utf-8")
    task = load_bank().get(QUESTION).coding
    assert task is not None
    sandboxed = SandboxRunner()
    probe = await sandboxed.probe()
    if probe.sandbox is None:
        raise SystemExit(f"no sandbox: {probe.reason}")
    boxed = await sequential(sandboxed, task, source, runs)
    same_python = Path(probe.python) if probe.python else Path(sys.executable)  # compare like with like
    plain = await sequential(SandboxRunner(launcher=PlainLauncher(python=same_python)), task, source, runs)
    load = await concurrent(SandboxRunner(concurrency=2), task, source, in_flight, submissions)
    return {
        "benchmark": "sandbox", "question": QUESTION, "runs": runs, "sandbox": probe.sandbox, "seccomp": probe.seccomp,
        "sandboxed": summary(boxed), "unsandboxed": summary(plain),
        "overhead_p50_ms": round(pct(boxed, 50) - pct(plain, 50), 1), "concurrent": load,
        "python_inside": probe.python, "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=4)
    parser.add_argument("--submissions", type=int, default=40)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.runs, args.concurrent, args.submissions))))
