"""The LLM judge's grade cache in the database, shared by every process and kept across restarts."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.engine.context import current_actor
from bot.engine.models import ScoreResult
from bot.storage import tables as t
from bot.storage.db import Database


class SqlGradeCache:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, key: str) -> ScoreResult | None:
        def work(db: Connection) -> ScoreResult | None:
            found = db.scalar(select(t.GradeCache.result).where(t.GradeCache.key == key))
            return ScoreResult.model_validate(found) if found else None

        return await self.database.run(work)

    async def put(self, key: str, result: ScoreResult) -> None:
        actor = current_actor.get()  # the grade quotes this user's words: /privacy forget removes it with them
        row = {"key": key, "result": result.model_dump(mode="json"), "created_at": datetime.now(UTC),
               "user_id": actor.user_id if actor else None}
        with suppress(IntegrityError):  # another process cached the same grade first; theirs stands
            await self.database.run(lambda db: db.execute(insert(t.GradeCache).values(row)))
