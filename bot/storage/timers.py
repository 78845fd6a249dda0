"""Timers in the database, claimed atomically so each fires in exactly one process.

A claim is one transaction: stale claims (a process died holding them) go back to pending, then
``SELECT … FOR UPDATE SKIP LOCKED`` picks due rows no other transaction holds and marks them
claimed by this process.  On PostgreSQL two dispatchers asking at the same instant get disjoint
rows; SQLite has one writer at a time, so the same statements are already exclusive there
(SQLAlchemy leaves the ``FOR UPDATE`` out for SQLite).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, RowMapping

from bot.scheduling.ports import DM_SHARD, Due, Shards
from bot.storage import tables as t
from bot.storage.db import Database

LEASE = timedelta(minutes=5)  # a handler runs for seconds; a claim this old belongs to a dead process
T = t.Timer


def _owned(shards: Shards) -> Any:
    if shards.ids is None:
        return True
    clauses = [(T.guild_id // (1 << 22) % shards.count).in_(sorted(shards.ids))]  # the shard of a guild id
    if DM_SHARD in shards.ids:
        clauses.append(T.guild_id.is_(None))
    return or_(*clauses)


def _due(row: RowMapping) -> Due:
    return Due(id=row["id"], kind=row["kind"], due_at=row["due_at"], guild_id=row["guild_id"],
               payload=dict(row["payload"] or {}), schedule_id=row["schedule_id"], session_id=row["session_id"])


class SqlTimers:
    def __init__(self, database: Database, lease: timedelta = LEASE) -> None:
        self.database = database
        self.lease = lease

    async def put(self, timer: Due) -> None:
        row = {"id": timer.id, "kind": timer.kind, "due_at": timer.due_at, "state": "pending",
               "guild_id": timer.guild_id, "payload": timer.payload, "schedule_id": timer.schedule_id,
               "session_id": timer.session_id, "claimed_by": None, "claimed_at": None}

        def work(db: Connection) -> None:
            db.execute(delete(T).where(T.id == timer.id))
            db.execute(insert(T).values(row))

        await self.database.run(work)

    async def put_many(self, timers: list[Due]) -> None:
        rows = [{"id": x.id, "kind": x.kind, "due_at": x.due_at, "state": "pending", "guild_id": x.guild_id,
                 "payload": x.payload, "schedule_id": x.schedule_id, "session_id": x.session_id,
                 "claimed_by": None, "claimed_at": None} for x in timers]
        if rows:
            await self.database.run(lambda db: db.execute(insert(T), rows))

    async def cancel(self, timer_id: str) -> None:
        await self.database.run(lambda db: db.execute(delete(T).where(T.id == timer_id)))

    async def earliest(self, shards: Shards) -> datetime | None:
        query = select(func.min(T.due_at)).where(T.state == "pending", _owned(shards))
        found: datetime | None = await self.database.run(lambda db: db.execute(query).scalar())
        return found  # min() keeps the column's type, so this comes back timezone-aware

    async def claim(self, now: datetime, shards: Shards, claimer: str, limit: int) -> list[Due]:
        def work(db: Connection) -> list[Due]:
            db.execute(update(T).where(T.state == "claimed", T.claimed_at < now - self.lease)
                       .values(state="pending", claimed_by=None, claimed_at=None))
            picked = (select(T.id).where(T.state == "pending", T.due_at <= now, _owned(shards))
                      .order_by(T.due_at).limit(limit).with_for_update(skip_locked=True))
            ids = list(db.execute(picked).scalars())
            if not ids:
                return []
            db.execute(update(T).where(T.id.in_(ids)).values(state="claimed", claimed_by=claimer, claimed_at=now))
            rows = db.execute(select(T.__table__).where(T.id.in_(ids)).order_by(T.due_at)).mappings().all()
            return [_due(r) for r in rows]

        return await self.database.run(work)

    async def finish(self, timer_id: str, claimer: str) -> None:
        statement = delete(T).where(T.id == timer_id, T.state == "claimed", T.claimed_by == claimer)
        await self.database.run(lambda db: db.execute(statement))

    async def pending(self) -> int:
        return await self.database.run(lambda db: int(db.execute(select(func.count()).where(T.state == "pending"))
                                                      .scalar() or 0))
