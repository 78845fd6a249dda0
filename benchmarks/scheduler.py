"""Timer dispatcher: lateness of 10,000 due timers, CPU while idle, and exactly-once across processes.

    python -m benchmarks.scheduler [--timers 10000] [--window 60] [--idle 20] [--postgres URL]

1. Lateness: ``--timers`` timers due spread evenly over ``--window`` seconds from now, in a fresh
   SQLite database, fired by one dispatcher on the real clock; lateness is the handler's start
   time minus the due time.
2. Idle: the same number of timers due an hour from now; the process's CPU time over ``--idle``
   seconds while the dispatcher waits (as a share of one core), and its RSS.
3. With ``--postgres``: two separate processes, each with a dispatcher, share a fresh PostgreSQL
   database holding ``--timers`` timers due over ``--window`` seconds; every fired id is written
   down, then checked for duplicates and misses.

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.engine.clock import SystemClock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.ports import Due, Shards
from bot.storage.db import open_database
from bot.storage.migrate import upgrade
from bot.storage.timers import SqlTimers

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def fire_all(url: str, count: int, window: float, *, create: bool, out: Path | None = None) -> dict[str, Any]:
    """Fire timers due over ``window`` seconds; returns lateness figures (and writes fired ids to ``out``)."""
    database = open_database(url)
    await upgrade(database)
    clock = SystemClock()
    store = SqlTimers(database)
    start = clock.now() + timedelta(seconds=2)
    if create:
        step = window / count
        await store.put_many([Due(f"bench:{i}", "bench", start + timedelta(seconds=i * step)) for i in range(count)])
    late: list[float] = []
    fired: list[str] = []
    dispatcher = Dispatcher(store, clock, Shards())

    async def record(due: Due) -> None:
        late.append((clock.now() - due.due_at).total_seconds())
        fired.append(due.id)

    dispatcher.on("bench", record)
    dispatcher.start()
    deadline = time.monotonic() + window + 30
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if create and len(fired) >= count:
            break
        if not create and await store.pending() == 0 and clock.now() > start + timedelta(seconds=window + 2):
            break
    await dispatcher.close()
    await database.close()
    if out is not None:
        out.write_text("\n".join(fired))
    return {"fired": len(fired), "late_p50_ms": round(statistics.median(late) * 1000, 1) if late else None,
            "late_p99_ms": round(percentile(late, 0.99) * 1000, 1) if late else None,
            "late_max_ms": round(max(late) * 1000, 1) if late else None}


async def idle(url: str, count: int, seconds: float) -> dict[str, Any]:
    database = open_database(url)
    await upgrade(database)
    clock = SystemClock()
    store = SqlTimers(database)
    later = clock.now() + timedelta(hours=1)
    await store.put_many([Due(f"idle:{i}", "bench", later + timedelta(seconds=i)) for i in range(count)])
    dispatcher = Dispatcher(store, clock, Shards())
    dispatcher.on("bench", lambda due: asyncio.sleep(0))
    dispatcher.start()
    await asyncio.sleep(1)  # past start-up
    cpu, wall = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    used = (time.process_time() - cpu) / (time.monotonic() - wall)
    await dispatcher.close()
    await database.close()
    return {"idle_cpu_share_of_core": round(used, 5),
            "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def two_processes(admin_url: str, count: int, window: float) -> dict[str, Any]:
    import asyncpg

    name = f"mockloop_bench_{uuid.uuid4().hex[:10]}"
    plain = admin_url.replace("postgresql+asyncpg://", "postgresql://")

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(plain)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        asyncio.run(fire_all(url, 0, 0, create=False))  # migrate only
        asyncio.run(_seed(url, count, window))
        with tempfile.TemporaryDirectory() as tmp:
            outs = [Path(tmp) / f"fired-{i}.txt" for i in range(2)]
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            procs = [subprocess.Popen([sys.executable, "-m", "benchmarks.scheduler", "--worker", url, "--window",
                                       str(window), "--out", str(out)], env=env, cwd=ROOT) for out in outs]
            for proc in procs:
                proc.wait(timeout=window + 120)
            ids = [line for out in outs for line in out.read_text().split("\n") if line]
            per = [len([x for x in out.read_text().split("\n") if x]) for out in outs]
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return {"two_process_fired": len(ids), "duplicates": len(ids) - len(set(ids)),
            "missed": count - len(set(ids)), "per_process": per}


async def _seed(url: str, count: int, window: float) -> None:
    database = open_database(url)
    start = SystemClock().now() + timedelta(seconds=5)
    await SqlTimers(database).put_many([Due(f"pg:{i}", "bench", start + timedelta(seconds=i * window / count))
                                        for i in range(count)])
    await database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the timers come due")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle CPU measurement")
    parser.add_argument("--postgres", help="an asyncpg URL of a server where a scratch database may be created")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one of the two processes of part 3
        asyncio.run(fire_all(args.worker, 0, args.window, create=False, out=Path(args.out)))
        return
    result: dict[str, Any] = {"benchmark": "scheduler", "timers": args.timers, "window_s": args.window}
    with tempfile.TemporaryDirectory() as tmp:
        result |= asyncio.run(fire_all(f"sqlite+aiosqlite:///{tmp}/a.db", args.timers, args.window, create=True))
        result |= asyncio.run(idle(f"sqlite+aiosqlite:///{tmp}/b.db", args.timers, args.idle))
    if args.postgres:
        result |= two_processes(args.postgres, args.timers, args.window)
    result |= {"python": sys.version.split()[0], "machine": f"{os.uname().machine}, {os.cpu_count()} cores"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
