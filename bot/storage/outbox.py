"""The session outbox: engine events stored as rows until the Discord thread has shown them.

The repository writes a step's events in the step's own transaction (:func:`insert_events`), so
the database never says "question 2 is being asked" without also holding "show question 2".
The Discord notifier reads the pending rows in order, shows each, and only then marks it
delivered; a process killed in between leaves the row pending, and the next process shows it.
Events are stored as JSON (the event's class name and its fields), read back through pydantic.
"""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.engine import events as ev
from bot.storage import tables as t
from bot.storage.db import Database
from bot.storage.deleted import run_on_session

KINDS: dict[str, type[Any]] = {kind.__name__: kind for kind in typing.get_args(ev.Event)}


@cache
def _adapter(kind: str) -> TypeAdapter[Any]:
    return TypeAdapter(KINDS[kind])


def encode(event: ev.Event) -> tuple[str, dict[str, Any]]:
    """The event as (kind, JSON-ready fields)."""
    kind = type(event).__name__
    return kind, _adapter(kind).dump_python(event, mode="json")


def decode(kind: str, body: dict[str, Any]) -> ev.Event:
    event: ev.Event = _adapter(kind).validate_python(body)
    return event


# Built once: a statement built per call is turned into SQL (its cache key, its coercions) on the
# database's worker thread every time, and that thread shares the interpreter lock with the event loop.
_INSERT_EVENT = insert(t.SessionOutbox)
_PENDING = (select(t.SessionOutbox.id, t.SessionOutbox.kind, t.SessionOutbox.body)
            .where(t.SessionOutbox.session_id == bindparam("k_session"), t.SessionOutbox.delivered_at.is_(None))
            .order_by(t.SessionOutbox.id))
_DELIVERED = update(t.SessionOutbox).where(t.SessionOutbox.id == bindparam("k_row")).values(delivered_at=bindparam("k_at"))


def insert_events(db: Connection, session_id: str, events: list[ev.Event]) -> None:
    """Queue ``events`` for the session's thread, inside the caller's transaction."""
    now = datetime.now(UTC)
    rows = []
    for event in events:
        kind, body = encode(event)
        rows.append({"session_id": session_id, "kind": kind, "body": body, "created_at": now})
    for row in rows:  # one by one: the ids (the delivery order) follow the order of the events
        db.execute(_INSERT_EVENT, row)


class SqlOutbox:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, session_id: str, event: ev.Event) -> None:
        """Queue one event that no engine step produced (an adapter's own note in the thread)."""
        await run_on_session(self.database, session_id, lambda db: insert_events(db, session_id, [event]))

    async def pending(self, session_id: str) -> list[tuple[int, ev.Event]]:
        """The session's undelivered events, oldest first, with their row ids."""
        key = {"k_session": session_id}
        rows = await self.database.run(lambda db: list(db.execute(_PENDING, key)))
        return [(int(row.id), decode(row.kind, dict(row.body))) for row in rows]

    async def delivered(self, row_id: int) -> None:
        key = {"k_row": row_id, "k_at": datetime.now(UTC)}
        await self.database.run(lambda db: db.execute(_DELIVERED, key))

    async def prune(self, session_id: str) -> None:
        """Drop the delivered rows of a finished session: nothing of it will be shown again."""
        statement = delete(t.SessionOutbox).where(t.SessionOutbox.session_id == session_id,
                                                  t.SessionOutbox.delivered_at.is_not(None))
        await self.database.run(lambda db: db.execute(statement))

    async def sessions_with_pending(self) -> list[str]:
        """Sessions with something not yet shown (finished ones included: their scorecard may be pending)."""
        query = select(t.SessionOutbox.session_id).where(t.SessionOutbox.delivered_at.is_(None)).distinct()
        return await self.database.run(lambda db: [str(s) for s in db.scalars(query)])
