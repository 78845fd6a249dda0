"""Grading and the event loop: how long the loop is held while answers are graded, in place or on the grading thread.

    python -m benchmarks.grading_stall [--answers 300] [--burst 10]

Every answer of the scoring dev set (repeated up to ``--answers``) is graded by the offline
scorer with the STAR note for stories, as the bot grades them, ``--burst`` at a time, while a
1 ms heartbeat on the same loop notes how late it wakes: once with the grading done in place
(``grade`` and ``star_note`` called on the loop, as before ``bot.scoring.off_loop``) and once
through ``StoryAwareScorer(OfflineScorer()).score``, which hands both to the grading thread.
Prints one JSON line: per way, the longest wake-up delay, its 99th percentile, how many were
later than 20 ms, the wall time for all answers, and the grading time per answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
import tomllib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.bootstrap import load_bank
from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.scoring.offline import OfflineScorer
from bot.scoring.story import StoryAwareScorer, star_note

DEV_SET = Path(__file__).parent / "scoring" / "dev"
Grade = Callable[[Question, Rubric, str], Awaitable[ScoreResult]]


def dev_answers(limit: int) -> list[tuple[str, str]]:
    """(question id, answer text) pairs from the dev set, repeated up to ``limit``."""
    pairs = [(data["question"], a["text"]) for path in sorted(DEV_SET.glob("*.toml"))
             for data in [tomllib.loads(path.read_text(encoding="utf-8"))] for a in data.get("answers", [])]
    return [pairs[i % len(pairs)] for i in range(limit)]


async def in_place(question: Question, rubric: Rubric, text: str) -> ScoreResult:
    result = OfflineScorer().grade(question, rubric, text)
    if question.answer_format == "story":
        star_note(text)
    return result


async def on_thread(question: Question, rubric: Rubric, text: str) -> ScoreResult:
    return await StoryAwareScorer(OfflineScorer()).score(question, rubric, AnswerText([text]), frozenset())


async def measure(grade: Grade, pairs: list[tuple[str, str]], burst: int) -> dict[str, Any]:
    bank = load_bank()
    late: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.001)
            late.append(max(loop.time() - before - 0.001, 0.0) * 1000)

    beating = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.05)
    began = time.perf_counter()
    for start in range(0, len(pairs), burst):
        await asyncio.gather(*(grade(bank.get(q), bank.rubric(q), text) for q, text in pairs[start:start + burst]))
        await asyncio.sleep(0.01)  # members' answers come in bursts, with quieter moments between
    seconds = time.perf_counter() - began - 0.01 * -(-len(pairs) // burst)
    stop.set()
    await beating
    ordered = sorted(late)
    return {"longest_ms": round(ordered[-1], 1), "p99_ms": round(ordered[int(len(ordered) * 0.99)], 1),
            "over_20ms": sum(1 for v in ordered if v > 20), "grading_ms_per_answer": round(seconds / len(pairs) * 1000, 2)}


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--burst", type=int, default=10, help="answers arriving at the same moment")
    args = parser.parse_args()
    pairs = dev_answers(args.answers)
    bank = load_bank()  # compiled rubrics are warm for both ways, and so is what the scorer caches per question
    for q, text in pairs[:len(set(pairs))]:
        OfflineScorer().grade(bank.get(q), bank.rubric(q), text)
    result: dict[str, Any] = {"benchmark": "grading_stall", "answers": len(pairs), "burst": args.burst}
    result["in_place"] = asyncio.run(measure(in_place, pairs, args.burst))
    result["grading_thread"] = asyncio.run(measure(on_thread, pairs, args.burst))
    result.update(load_avg=os.getloadavg()[0], python=platform.python_version(),
                  machine=f"{platform.machine()}, {os.cpu_count()} cores")
    print(json.dumps(result))


if __name__ == "__main__":
    cli()
