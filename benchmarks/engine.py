"""Engine throughput: many concurrent sessions answering through the offline scorer into SQLite.

    python -m benchmarks.engine [--sessions 1000] [--rate 600] [--seconds 30]

All sessions are opened first (a core round each; their start rate is reported).  Then for
``--seconds`` each simulated candidate answers (main answers and follow-ups) with exponential
think times drawn so all sessions together offer about ``--rate`` answers per second, starting
a new round when one ends.  Latency is measured
around ``InterviewEngine.answer``: scoring, the follow-up decision and the commit.  A second,
saturated phase (every session answering once, all at the same moment) shows the ceiling.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import resource
import tempfile
import time
import tomllib
from pathlib import Path

from bot.bootstrap import build_engine, load_bank
from bot.engine.events import Event
from bot.engine.models import Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.storage.db import open_database
from bot.storage.migrate import upgrade
from bot.storage.repository import SqlRepository

DEV_SET = Path(__file__).parent / "scoring" / "dev"


class NullNotifier:
    async def publish(self, session_id: str, event: Event) -> None:
        return None


def answer_pool() -> list[str]:
    """Realistic candidate answers of varied length, taken from the scoring dev set."""
    texts: list[str] = []
    for path in sorted(DEV_SET.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        texts.extend(a["text"] for a in data.get("answers", []) if a["text"].strip())
    return texts or ["A generator yields items lazily, so memory stays flat even for a 50 GB log file."]


async def candidate(engine: InterviewEngine, session_id: str, until: float, think: float, pool: list[str],
                    rng: random.Random, latencies: list[float]) -> None:
    """Answer with think times until ``until``; a finished round is followed by a new one."""
    state = await engine.state(session_id)
    while True:
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))
            if time.perf_counter() >= until:
                return
        if state.finished:
            state = await engine.start(SessionRequest(state.user_id, (RoundKind.CORE,), Level.MID, minutes=60,
                                                      questions=6, seed=rng.randrange(1 << 30)))
        start = time.perf_counter()
        await engine.answer(state.id, rng.choice(pool))
        latencies.append(time.perf_counter() - start)
        state = await engine.state(state.id)
        if not think:
            return


async def phase(engine: InterviewEngine, sessions: list[str], seconds: float, think: float, pool: list[str],
                seed: int) -> dict[str, float]:
    latencies: list[float] = []
    rng = random.Random(seed)
    began = time.perf_counter()
    await asyncio.gather(*(candidate(engine, s, began + seconds, think, pool, random.Random(rng.random()), latencies)
                           for s in sessions))
    wall = time.perf_counter() - began if not think else seconds
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {"answers": len(latencies), "seconds": round(wall, 2), "answers_per_s": round(len(latencies) / wall, 1),
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": round(latencies[-1] * 1000, 2)}


async def start_all(engine: InterviewEngine, users: list[str], questions: int, seed: int) -> tuple[list[str], float]:
    """Open one session per user, all at once; returns their ids and sessions started per second."""
    rng = random.Random(seed)
    began = time.perf_counter()
    states = await asyncio.gather(*(
        engine.start(SessionRequest(u, (RoundKind.CORE,), Level.MID, minutes=60, questions=questions,
                                    seed=rng.randrange(1 << 30)))
        for u in users))
    return [s.id for s in states], round(len(users) / (time.perf_counter() - began), 1)


async def main(sessions: int, rate: float, seconds: float) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="mockloop-bench-"))
    db = open_database(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await upgrade(db)
    repo = SqlRepository(db)
    bank = load_bank()
    engine = build_engine(bank, repo, NullNotifier())
    pool = answer_pool()
    users = [await repo.ensure_user(f"bench:{i}", f"user {i}") for i in range(sessions)]
    think = sessions / rate  # mean seconds between one candidate's answers
    ids, started_per_s = await start_all(engine, users, questions=6, seed=1)
    paced = await phase(engine, ids, seconds, think, pool, seed=2)
    ids, _ = await start_all(engine, users, questions=4, seed=3)
    saturated = await phase(engine, ids, 0.0, 0.0, pool, seed=4)
    await repo.close()
    return {
        "benchmark": "engine", "sessions": sessions, "offered_rate": rate, "window_s": seconds,
        "sessions_started_per_s": started_per_s,
        "paced": paced, "saturated": saturated,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python": platform.python_version(), "machine": f"{platform.machine()}, {_cores()} cores",
    }


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=600.0, help="answers per second offered by all sessions together")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the paced phase")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.sessions, args.rate, args.seconds))))
