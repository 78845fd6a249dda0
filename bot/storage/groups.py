"""Group rounds and who joined them, in the database (the Discord adapter's own storage)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from bot.adapters.discord.ports import Group
from bot.storage import tables as t
from bot.storage.db import Database

G, M = t.GroupRound, t.GroupMember


class SqlGroups:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, group: Group) -> None:
        await self.database.run(lambda db: db.execute(insert(G).values(asdict(group))))

    async def get(self, group_id: str) -> Group | None:
        found = await self.database.run(lambda db: db.execute(select(G.__table__).where(G.id == group_id))
                                        .mappings().first())
        return None if found is None else Group(**{k: found[k] for k in Group.__dataclass_fields__})

    async def set(self, group_id: str, **values: object) -> None:
        await self.database.run(lambda db: db.execute(update(G).where(G.id == group_id).values(values)))

    async def toggle(self, group_id: str, discord_user_id: int, at: datetime) -> tuple[bool, int]:
        """Join, or leave if already in; returns (now a member, how many are in)."""

        def work(db: Connection) -> tuple[bool, int]:
            key = (M.group_id == group_id, M.discord_user_id == str(discord_user_id))
            if db.execute(select(M.group_id).where(*key)).first() is None:
                db.execute(insert(M).values(group_id=group_id, discord_user_id=str(discord_user_id), joined_at=at))
                joined = True
            else:
                db.execute(delete(M).where(*key))
                joined = False
            count = db.execute(select(func.count()).where(M.group_id == group_id)).scalar() or 0
            return joined, int(count)

        return await self.database.run(work)

    async def members(self, group_id: str) -> list[int]:
        query = select(M.discord_user_id).where(M.group_id == group_id).order_by(M.joined_at)
        return await self.database.run(lambda db: [int(x) for x in db.execute(query).scalars()])
