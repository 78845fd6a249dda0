"""A user's own data: everything we hold about them as one JSON document, or none of it.

Deleting the user row cascades (foreign keys) to sessions, rounds, questions, answers,
criterion scores and Discord rooms; usage rows and cached grades carry the user's id
without a foreign key (they outlive sessions), so they are deleted explicitly, in the
same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from bot.storage import tables as t
from bot.storage.db import Database
from bot.storage.peers import export_peer, forget_peer
from bot.storage.repository import load_state
from bot.storage.stories import export_stories  # stories go on forget through the users -> stories cascade


class SqlUserData:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def find(self, external_id: str) -> str | None:
        found = await self.database.run(lambda db: db.scalar(select(t.User.id).where(t.User.external_id == external_id)))
        return None if found is None else str(found)

    async def export(self, user_id: str) -> dict[str, Any]:
        def work(db: Connection) -> dict[str, Any]:
            user = db.execute(select(t.User.__table__).where(t.User.id == user_id)).mappings().first()
            if user is None:
                return {}
            ids = db.scalars(select(t.Session.id).where(t.Session.user_id == user_id).order_by(t.Session.created_at))
            sessions = [s.model_dump(mode="json") for s in (load_state(db, str(i)) for i in ids) if s is not None]
            usage = db.execute(select(t.LlmUsage.__table__).where(t.LlmUsage.user_id == user_id)
                               .order_by(t.LlmUsage.at)).mappings().all()
            rooms = db.execute(select(t.DiscordRoom.__table__).join(t.Session, t.Session.id == t.DiscordRoom.session_id)
                               .where(t.Session.user_id == user_id)).mappings().all()
            schedules = db.execute(select(t.Schedule.__table__).where(t.Schedule.user_id == user_id)
                                   .order_by(t.Schedule.created_at)).mappings().all()
            zone = db.scalar(select(t.UserSettings.timezone).where(t.UserSettings.user_id == user_id))
            plans = db.execute(select(t.Plan.__table__).where(t.Plan.user_id == user_id)
                               .order_by(t.Plan.created_at)).mappings().all()
            return {
                "user": {"id": user["id"], "external_id": user["external_id"], "display_name": user["display_name"],
                         "created_at": user["created_at"].isoformat()},
                "sessions": sessions,
                "llm_usage": [{**dict(u), "at": u["at"].isoformat()} for u in usage],
                "discord_threads": [{**dict(r), "created_at": r["created_at"].isoformat()} for r in rooms],
                "timezone": zone,
                "schedules": [{k: v.isoformat() if isinstance(v, datetime) else v for k, v in s.items()}
                              for s in schedules],
                "plans": [{k: v.isoformat() if isinstance(v, datetime) else v for k, v in p.items()} for p in plans],
                "stories": export_stories(db, user_id),
                "star_rehearsals": [{"thread_id": r["thread_id"], "state": r["state"],
                                     "updated_at": r["updated_at"].isoformat()}
                                    for r in db.execute(select(t.CoachRoom.__table__)
                                                        .where(t.CoachRoom.user_id == user_id)).mappings()],
                "peer_interviews": export_peer(db, user["external_id"]),
            }

        return await self.database.run(work)

    async def forget(self, user_id: str) -> int:
        """Delete every row of this user; returns how many sessions went with them."""

        def work(db: Connection) -> int:
            sessions = db.scalar(select(func.count()).select_from(t.Session).where(t.Session.user_id == user_id)) or 0
            db.execute(delete(t.GradeCache).where(t.GradeCache.user_id == user_id))
            db.execute(delete(t.LlmUsage).where(t.LlmUsage.user_id == user_id))
            external = db.scalar(select(t.User.external_id).where(t.User.id == user_id)) or ""
            if external.startswith("discord:"):  # group rounds know members by their Discord id only
                db.execute(delete(t.GroupMember).where(t.GroupMember.discord_user_id == external.removeprefix("discord:")))
            forget_peer(db, external)  # peer rows name members by external id, without a foreign key
            db.execute(delete(t.User).where(t.User.id == user_id))
            return int(sessions)

        return await self.database.run(work)
