"""Writes to a session that another process may have deleted (``/privacy forget``) meanwhile.

Each bot process caches its running sessions; a member's forget can run in a different process
(another shard), which cannot empty that cache.  The stale process's next write then breaks a
foreign key, because the session row is gone.  That is said as :class:`SessionNotFound`, which the
adapters answer politely, rather than as a database error with the statement in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.engine.errors import SessionNotFound
from bot.storage import tables as t
from bot.storage.db import Database

T = TypeVar("T")
DELETED = "This session was deleted at its owner's request."


async def run_on_session(database: Database, session_id: str, work: Callable[[Connection], T]) -> T:
    """Run ``work`` (a write to this session's rows); a refusal because the session is gone is
    :class:`SessionNotFound`, any other refusal stays what it is."""
    try:
        return await database.run(work)
    except IntegrityError as exc:
        query = select(t.Session.id).where(t.Session.id == session_id)
        if await database.run(lambda db: db.scalar(query)) is None:
            raise SessionNotFound(DELETED) from exc
        raise
