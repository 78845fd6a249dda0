"""A user's own data: everything we hold about them as one JSON document, or none of it.

Deleting the user row cascades (foreign keys) to sessions, rounds, questions, answers,
criterion scores, Discord rooms, schedules, stories and the rest; usage rows and cached
grades carry the user's id without a foreign key (they outlive sessions), so they are
deleted explicitly, in the same transaction, and group rounds know members by their
Discord id alone.  Then the database's files are scrubbed (see ``Database.scrub``): on
SQLite the deleted text would otherwise stay readable in the write-ahead log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
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
        external = await self.database.run(lambda db: db.scalar(select(t.User.external_id).where(t.User.id == user_id)))
        if external is None:
            return 0
        return await self.forget_external(external) or 0

    async def forget_external(self, external_id: str) -> int | None:
        """Delete everything stored about this identity (``discord:<id>`` or a local name), then scrub
        the files; returns how many sessions went, or None when nothing at all was stored.

        A Discord member who only joined or announced a group round has no user row, yet their id is
        stored there, so the identity is forgotten too, not only the user row."""

        def work(db: Connection) -> int | None:
            user_id = db.scalar(select(t.User.id).where(t.User.external_id == external_id))
            touched = _forget_identity(db, external_id)
            forget_peer(db, external_id)  # peer rows name members by external id, without a foreign key
            if user_id is None:
                return 0 if touched else None
            sessions = list(db.scalars(select(t.Session.id).where(t.Session.user_id == user_id)))
            db.execute(delete(t.GradeCache).where(t.GradeCache.user_id == user_id))
            db.execute(delete(t.LlmUsage).where(t.LlmUsage.user_id == user_id))
            if sessions:  # a call recorded without the user (no actor) still names the session
                db.execute(delete(t.LlmUsage).where(t.LlmUsage.session_id.in_(sessions)))
            db.execute(delete(t.User).where(t.User.id == user_id))  # cascades to everything keyed by the user
            return len(sessions)

        count = await self.database.run(work)
        await self.database.scrub()
        return count


FORGOTTEN = "forgotten"  # stands where a forgotten member's Discord id was, in rows that outlive them


def _forget_identity(db: Connection, external_id: str) -> bool:
    """Rows that know a member by their Discord id only (group rounds); True when there were any."""
    if not external_id.startswith("discord:"):
        return False
    discord_id = external_id.removeprefix("discord:")
    left = db.execute(delete(t.GroupMember).where(t.GroupMember.discord_user_id == discord_id)).rowcount
    # The round itself belongs to everyone who joined it; only who announced it is forgotten.
    announced = db.execute(update(t.GroupRound).where(t.GroupRound.created_by == discord_id)
                           .values(created_by=FORGOTTEN)).rowcount
    return bool(left or announced)
