"""The Discord adapter's storage: session threads and per-server settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from bot.adapters.discord.ports import GuildConfig, Room
from bot.storage import tables as t
from bot.storage.db import Database
from bot.storage.repository import LIVE


def _room(row: RowMapping) -> Room:
    def num(value: Any) -> int | None:
        return None if value is None else int(value)

    return Room(session_id=row["session_id"], thread_id=int(row["thread_id"]), guild_id=num(row["guild_id"]),
                discord_user_id=int(row["discord_user_id"]), status_message_id=num(row["status_message_id"]),
                question_message_id=num(row["question_message_id"]))


class SqlRooms:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, room: Room) -> None:
        row = {"session_id": room.session_id, "thread_id": str(room.thread_id),
               "guild_id": None if room.guild_id is None else str(room.guild_id),
               "discord_user_id": str(room.discord_user_id), "created_at": datetime.now(UTC)}
        await self.database.run(lambda db: db.execute(insert(t.DiscordRoom).values(row)))

    async def _one(self, column: Any, value: str) -> Room | None:
        query = select(t.DiscordRoom.__table__).where(column == value)
        found = await self.database.run(lambda db: db.execute(query).mappings().first())
        return None if found is None else _room(found)

    async def by_session(self, session_id: str) -> Room | None:
        return await self._one(t.DiscordRoom.session_id, session_id)

    async def by_thread(self, thread_id: int) -> Room | None:
        return await self._one(t.DiscordRoom.thread_id, str(thread_id))

    async def set_messages(self, session_id: str, *, status: int | None = None, question: int | None = None) -> None:
        values = {k: str(v) for k, v in (("status_message_id", status), ("question_message_id", question)) if v is not None}
        if values:
            statement = update(t.DiscordRoom).where(t.DiscordRoom.session_id == session_id).values(values)
            await self.database.run(lambda db: db.execute(statement))

    async def live(self) -> list[Room]:
        query = (select(t.DiscordRoom.__table__).join(t.Session, t.Session.id == t.DiscordRoom.session_id)
                 .where(t.Session.status.in_(LIVE)))
        return await self.database.run(lambda db: [_room(r) for r in db.execute(query).mappings().all()])

    async def of_user(self, user_id: str) -> list[Room]:
        query = (select(t.DiscordRoom.__table__).join(t.Session, t.Session.id == t.DiscordRoom.session_id)
                 .where(t.Session.user_id == user_id).order_by(t.DiscordRoom.created_at))
        return await self.database.run(lambda db: [_room(r) for r in db.execute(query).mappings().all()])


class SqlGuildSettings:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, guild_id: int) -> GuildConfig:
        query = select(t.GuildSettings.__table__).where(t.GuildSettings.guild_id == str(guild_id))
        found = await self.database.run(lambda db: db.execute(query).mappings().first())
        if found is None:
            return GuildConfig(guild_id)
        channel = found["group_channel_id"]
        return GuildConfig(guild_id, None if channel is None else int(channel), found["tokens_per_member"],
                           found["code_execution"] is not False)

    async def update(self, guild_id: int, **values: Any) -> GuildConfig:
        """Set some settings (``group_channel_id``, ``tokens_per_member``); others keep their values."""
        stored = {k: (str(v) if k == "group_channel_id" and v is not None else v) for k, v in values.items()}

        def work(db: Connection) -> None:
            key = t.GuildSettings.guild_id == str(guild_id)
            now = datetime.now(UTC)
            if db.scalar(select(t.GuildSettings.guild_id).where(key)) is None:
                db.execute(insert(t.GuildSettings).values(guild_id=str(guild_id), updated_at=now, **stored))
            else:
                db.execute(update(t.GuildSettings).where(key).values(updated_at=now, **stored))

        await self.database.run(work)
        return await self.get(guild_id)


class SqlCoachRooms:
    """Where each STAR rehearsal thread keeps its coach state (JSON) between messages."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def put(self, thread_id: int, user_id: str, discord_user_id: int, state: dict[str, Any]) -> None:
        row = {"thread_id": str(thread_id), "user_id": user_id, "discord_user_id": str(discord_user_id),
               "state": state, "updated_at": datetime.now(UTC)}

        def work(db: Connection) -> None:
            db.execute(delete(t.CoachRoom).where(t.CoachRoom.thread_id == str(thread_id)))
            db.execute(insert(t.CoachRoom).values(row))

        await self.database.run(work)

    async def get(self, thread_id: int) -> tuple[str, int, dict[str, Any]] | None:
        """(user id, Discord user id, state) of the rehearsal in this thread, if it is one."""
        query = select(t.CoachRoom.__table__).where(t.CoachRoom.thread_id == str(thread_id))
        found = await self.database.run(lambda db: db.execute(query).mappings().first())
        if found is None:
            return None
        return found["user_id"], int(found["discord_user_id"]), dict(found["state"])

    async def threads_of(self, user_id: str) -> list[int]:
        query = select(t.CoachRoom.thread_id).where(t.CoachRoom.user_id == user_id).order_by(t.CoachRoom.updated_at)
        return await self.database.run(lambda db: [int(x) for x in db.scalars(query)])
