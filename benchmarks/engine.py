"""Engine throughput: many concurrent sessions answering through the offline scorer into SQLite.

    python -m benchmarks.engine [--sessions 1000] [--rate 600] [--answers 5]

Each simulated candidate starts a core round, then answers (main answers and follow-ups)
with think times drawn so all sessions together offer about ``--rate`` answers per second.
Latency is measured around ``InterviewEngine.answer``: both commits, scoring and the
follow-up decision.  A second, saturated phase (no think time) shows the ceiling.
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
from bot.storage.db import open_engine
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


async def candidate(engine: InterviewEngine, user: str, answers: int, think: float, pool: list[str],
                    rng: random.Random, latencies: list[float]) -> int:
    state = await engine.start(SessionRequest(user, (RoundKind.CORE,), Level.MID, minutes=60, questions=3,
                                              seed=rng.randrange(1 << 30)))
    done = 0
    for _ in range(answers):
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))
        if (await engine.state(state.id)).finished:
            break
        start = time.perf_counter()
        await engine.answer(state.id, rng.choice(pool))
        latencies.append(time.perf_counter() - start)
        done += 1
    return done


async def phase(engine: InterviewEngine, users: list[str], answers: int, think: float, pool: list[str],
                seed: int) -> dict[str, float]:
    latencies: list[float] = []
    rng = random.Random(seed)
    began = time.perf_counter()
    counts = await asyncio.gather(*(candidate(engine, u, answers, think, pool, random.Random(rng.random()), latencies)
                                    for u in users))
    wall = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {"answers": sum(counts), "seconds": round(wall, 2), "answers_per_s": round(sum(counts) / wall, 1),
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": round(latencies[-1] * 1000, 2)}


async def main(sessions: int, rate: float, answers: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="mockloop-bench-"))
    db = open_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await upgrade(db)
    repo = SqlRepository(db)
    bank = load_bank()
    engine = build_engine(bank, repo, NullNotifier())
    pool = answer_pool()
    users = [await repo.ensure_user(f"bench:{i}", f"user {i}") for i in range(sessions)]
    think = sessions / rate  # mean seconds between one candidate's answers
    paced = await phase(engine, users, answers, think, pool, seed=1)
    saturated = await phase(engine, users, 2, 0.0, pool, seed=2)
    await repo.close()
    return {
        "benchmark": "engine", "sessions": sessions, "offered_rate": rate, "paced": paced, "saturated": saturated,
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
    parser.add_argument("--answers", type=int, default=5, help="answers per session in the paced phase")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.sessions, args.rate, args.answers))))
