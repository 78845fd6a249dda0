"""Peer pairing under a rush: 200 members queue at once and two bot processes pair them.

    python -m benchmarks.peer_pairing [--members 200] [--url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

A fresh database is made on the PostgreSQL server (and dropped afterwards).  Two worker processes
each join half the members (all their joins at once) and then run pairing passes, as two bot
processes would, until the queue is empty.  The clock starts when both are told to go and stops
when the last pairing is committed.  The result is read back from the database: every member
paired, nobody in two pairings, and how many pairings each process made.  Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import uuid

from bot.bootstrap import load_bank
from bot.engine.clock import SystemClock
from bot.engine.models import Level, RoundKind, Track
from bot.engine.peer import QueueEntry
from bot.engine.peer_grading import PeerGrader
from bot.engine.peer_service import PeerService
from bot.scoring.offline import OfflineScorer
from bot.storage import tables as t
from bot.storage.db import open_database
from bot.storage.migrate import upgrade
from bot.storage.peers import SqlPeers
from bot.storage.repository import SqlRepository

LEVELS = (Level.JUNIOR, Level.MID, Level.SENIOR, Level.FULLSTACK)  # four groups of equal size: nobody left over


async def worker(url: str, name: str, members: list[int]) -> None:
    """One bot process: wait for go, queue its members at once, pair until the queue is empty."""
    repo = SqlRepository(open_database(url))
    clock = SystemClock()
    store = SqlPeers(repo.database)
    peers = PeerService(store, load_bank(warm=False), PeerGrader(OfflineScorer()), repo, clock)
    # A running bot has its connections open already: open them before the clock starts.
    await asyncio.gather(*(store.waiting() for _ in range(15)))
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    now = clock.now()
    await asyncio.gather(*(store.join(QueueEntry(f"bench:{i}", RoundKind.CORE, LEVELS[i % 4], Track.ANY, now, now))
                           for i in members))
    joined_at = time.time()
    made, deadline = 0, time.monotonic() + 30
    while time.monotonic() < deadline:
        made += len(await peers.pair(name, limit=50))
        if await store.waiting() == 0:
            break
    print(json.dumps({"worker": name, "pairings": made, "joined_at": joined_at, "done_at": time.time()}), flush=True)
    await repo.close()


async def create_database(admin_url: str) -> str:
    import asyncpg

    name = f"mockloop_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return name


async def drop_database(admin_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def verify(url: str, members: int) -> dict[str, object]:
    database = open_database(url)
    from sqlalchemy import select

    rows = await database.run(lambda db: db.execute(select(t.PeerPairing.first_member, t.PeerPairing.second_member,
                                                           t.PeerPairing.paired_by)).all())
    await database.close()
    paired = [m for a, b, _ in rows for m in (a, b)]
    return {"pairings": len(rows), "members_paired": len(set(paired)), "paired_twice": len(paired) - len(set(paired)),
            "unpaired": members - len(set(paired)), "processes_pairing": len({p for _, _, p in rows})}


async def main(members: int, admin_url: str) -> None:
    name = await create_database(admin_url)
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        database = open_database(url)
        await upgrade(database)
        await database.close()
        halves = {"one": list(range(0, members, 2)), "two": list(range(1, members, 2))}
        procs = {n: subprocess.Popen([sys.executable, "-m", "benchmarks.peer_pairing", "--worker", n, "--url", url,
                                      "--ids", ",".join(map(str, ids))], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True) for n, ids in halves.items()}
        for proc in procs.values():
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        started = time.time()
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs.values():
            out, _ = proc.communicate(timeout=60)
            reports.append(json.loads(out.strip().splitlines()[-1]))
        elapsed = max(r["done_at"] for r in reports) - started
        queueing = max(r["joined_at"] for r in reports) - started
        result = {"benchmark": "peer_pairing", "backend": "postgresql", "members": members, "processes": 2,
                  "seconds_to_all_paired": round(elapsed, 3),
                  "seconds_queueing": round(queueing, 3),
                  "per_process": {r["worker"]: r["pairings"] for r in reports}, **await verify(url, members)}
        print(json.dumps(result))
    finally:
        await drop_database(admin_url, name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--worker")
    parser.add_argument("--ids", default="")
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker(args.url, args.worker, [int(i) for i in args.ids.split(",") if i]))
    else:
        asyncio.run(main(args.members, args.url))
