"""Storing and summing LLM token usage and transcribed audio (the stores the LLM layer's meters need)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, String, func, insert, select
from sqlalchemy.engine import Connection

from bot.llm.usage import UsageRecord
from bot.storage import tables as t
from bot.storage.db import Database

_TOTAL = func.coalesce(func.sum(t.LlmUsage.prompt_tokens + t.LlmUsage.completion_tokens), 0)


class SqlUsageStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, record: UsageRecord) -> None:
        row = {"at": record.at, "user_id": record.user_id, "guild_id": record.guild_id, "session_id": record.session_id,
               "purpose": record.purpose, "model": record.model, "prompt_tokens": record.prompt_tokens,
               "completion_tokens": record.completion_tokens, "estimated": record.estimated,
               "audio_seconds": record.audio_seconds}
        await self.database.run(lambda db: db.execute(insert(t.LlmUsage).values(row)))

    async def total_since(self, since: datetime, *, user_id: str | None = None, guild_id: str | None = None) -> int:
        query = _scoped(select(_TOTAL), since, user_id, guild_id)

        def work(db: Connection) -> int:
            return int(db.scalar(query) or 0)

        return await self.database.run(work)

    async def audio_seconds_since(self, since: datetime, *, user_id: str | None = None,
                                  guild_id: str | None = None) -> float:
        """Seconds of audio transcribed since ``since`` for a user or a server (the voice budget)."""
        query = _scoped(select(func.coalesce(func.sum(t.LlmUsage.audio_seconds), 0.0)), since, user_id, guild_id)

        def work(db: Connection) -> float:
            return float(db.scalar(query) or 0.0)

        return await self.database.run(work)

    async def report(self, since: datetime) -> list[dict[str, Any]]:
        """Calls and tokens per day, user and purpose since ``since``."""
        day = func.substr(func.cast(t.LlmUsage.at, String), 1, 10)
        query = (select(day.label("day"), t.LlmUsage.user_id, t.LlmUsage.purpose, func.count().label("calls"),
                        func.sum(t.LlmUsage.prompt_tokens).label("prompt_tokens"),
                        func.sum(t.LlmUsage.completion_tokens).label("completion_tokens"),
                        func.max(func.cast(t.LlmUsage.estimated, Integer)).label("estimated"))
                 .where(t.LlmUsage.at >= since)
                 .group_by(day, t.LlmUsage.user_id, t.LlmUsage.purpose).order_by(day, t.LlmUsage.user_id))

        def work(db: Connection) -> list[dict[str, Any]]:
            return [dict(row._mapping) for row in db.execute(query)]

        return await self.database.run(work)


def _scoped(query: Select[Any], since: datetime, user_id: str | None, guild_id: str | None) -> Select[Any]:
    """The budget's window: rows since ``since``, for one user or one server when given."""
    query = query.where(t.LlmUsage.at >= since)
    if user_id is not None:
        query = query.where(t.LlmUsage.user_id == user_id)
    if guild_id is not None:
        query = query.where(t.LlmUsage.guild_id == guild_id)
    return query
