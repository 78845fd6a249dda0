"""Session leases: a running session is held by one process at a time.

Two terminals on one session used to write the same answer rows and one of them died on the
primary key, losing answers.  Now a lease row names the holder (a random id per process, its
host and pid) and when it last renewed.  Every save checks the lease in its own transaction
(:class:`LeaseFence`), so a process that was taken over cannot write a single row more: its
save fails with :class:`~bot.engine.errors.SessionTaken` instead, and it hands its text back
to the candidate.  A lease whose heartbeat stopped (a killed process) is taken without asking.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.adapters.console.ports import Holder
from bot.engine.errors import SessionTaken
from bot.engine.ports import Clock
from bot.storage import tables as t
from bot.storage.db import Database


def _holder(db: Connection, session_id: str) -> Holder | None:
    row = db.execute(select(t.SessionLease.__table__).where(t.SessionLease.session_id == session_id)).mappings().first()
    if row is None:
        return None
    return Holder(row["owner"], row["host"], int(row["pid"]), row["since"], row["heartbeat_at"])


def _take(db: Connection, session_id: str, me: Holder, now: datetime, *, present: bool) -> None:
    values = {"owner": me.owner, "host": me.host, "pid": me.pid, "since": now, "heartbeat_at": now}
    if present:
        db.execute(update(t.SessionLease).where(t.SessionLease.session_id == session_id).values(values))
    else:
        db.execute(insert(t.SessionLease).values(session_id=session_id, **values))


def _renew(db: Connection, session_id: str, me: Holder, now: datetime) -> bool:
    statement = (update(t.SessionLease).where(t.SessionLease.session_id == session_id, t.SessionLease.owner == me.owner)
                 .values(heartbeat_at=now))
    return db.execute(statement).rowcount == 1


class LeaseFence:
    """Run inside every save's transaction: the save goes through only while this process holds
    the session (its first save takes a lease nobody holds)."""

    def __init__(self, me: Holder, clock: Clock) -> None:
        self.me = me
        self.clock = clock

    def __call__(self, db: Connection, session_id: str) -> None:
        now = self.clock.now()
        if _renew(db, session_id, self.me, now):
            return
        holder = _holder(db, session_id)
        if holder is not None:
            raise SessionTaken(f"This session was taken over by {holder.where()}; nothing more is saved here.")
        _take(db, session_id, self.me, now, present=False)


class SqlLeases:
    def __init__(self, database: Database, me: Holder) -> None:
        self.database = database
        self.me = me

    async def current(self, session_id: str) -> Holder | None:
        return await self.database.run(lambda db: _holder(db, session_id))

    async def claim(self, session_id: str, now: datetime, *, take_over: bool = False) -> Holder | None:
        """Hold the session if it is free, ours, abandoned, or ``take_over`` is set; else the live holder."""

        def work(db: Connection) -> Holder | None:
            holder = _holder(db, session_id)
            if holder is not None and holder.owner != self.me.owner and holder.alive(now, self.me) and not take_over:
                return holder
            _take(db, session_id, self.me, now, present=holder is not None)
            return None

        try:
            return await self.database.run(work)
        except IntegrityError:  # another process inserted the row at the same moment: theirs, unless taken over
            return await self.database.run(work)

    async def renew(self, session_id: str, now: datetime) -> Holder | None:
        """The heartbeat: ``None`` while we hold the session, else who took it."""

        def work(db: Connection) -> Holder | None:
            if _renew(db, session_id, self.me, now):
                return None
            return _holder(db, session_id) or Holder("", "an unknown host", 0)

        return await self.database.run(work)

    async def release(self, session_id: str) -> None:
        """Let go (a clean stop); a lease another process took is left alone."""
        statement = delete(t.SessionLease).where(t.SessionLease.session_id == session_id,
                                                 t.SessionLease.owner == self.me.owner)
        await self.database.run(lambda db: db.execute(statement))
