"""Scheduled rounds and users' timezones in the database."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from bot.scheduling.ports import PlanRow, ScheduleRow
from bot.storage import tables as t
from bot.storage.db import Database

S = t.Schedule
FIELDS = tuple(ScheduleRow.__dataclass_fields__)


def _row(found: RowMapping) -> ScheduleRow:
    return ScheduleRow(**{name: found[name] for name in FIELDS})


class SqlSchedules:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, row: ScheduleRow, created_at: datetime) -> None:
        values = asdict(row) | {"created_at": created_at}
        await self.database.run(lambda db: db.execute(insert(S).values(values)))

    async def get(self, schedule_id: str) -> ScheduleRow | None:
        query = select(S.__table__).where(S.id == schedule_id)
        found = await self.database.run(lambda db: db.execute(query).mappings().first())
        return None if found is None else _row(found)

    async def active(self, user_id: str) -> list[ScheduleRow]:
        query = select(S.__table__).where(S.user_id == user_id, S.state == "active").order_by(S.next_at)
        return await self.database.run(lambda db: [_row(r) for r in db.execute(query).mappings().all()])

    async def update(self, schedule_id: str, **values: Any) -> None:
        statement = update(S).where(S.id == schedule_id).values(values)
        await self.database.run(lambda db: db.execute(statement))

    async def add_plan(self, plan: PlanRow) -> None:
        await self.database.run(lambda db: db.execute(insert(t.Plan).values(asdict(plan))))

    async def active_plan(self, user_id: str) -> PlanRow | None:
        query = (select(t.Plan.__table__).where(t.Plan.user_id == user_id, t.Plan.state == "active")
                 .order_by(t.Plan.created_at.desc()))
        found = await self.database.run(lambda db: db.execute(query).mappings().first())
        return None if found is None else PlanRow(**{k: found[k] for k in PlanRow.__dataclass_fields__})

    async def end_plan(self, plan_id: str, state: str) -> list[str]:
        def work(db: Connection) -> list[str]:
            db.execute(update(t.Plan).where(t.Plan.id == plan_id).values(state=state))
            ids = list(db.execute(select(S.id).where(S.plan_id == plan_id, S.state == "active")).scalars())
            if ids:
                db.execute(update(S).where(S.id.in_(ids)).values(state="cancelled", next_at=None))
                db.execute(delete(t.Timer).where(t.Timer.schedule_id.in_(ids)))
            return ids

        return await self.database.run(work)

    async def drills(self, plan_id: str) -> list[tuple[ScheduleRow, int | None]]:
        query = (select(S.__table__, t.Session.score.label("session_score"))
                 .outerjoin(t.Session, t.Session.id == S.session_id)
                 .where(S.plan_id == plan_id).order_by(S.week, S.created_at, S.id))
        rows = await self.database.run(lambda db: db.execute(query).mappings().all())
        return [(_row(r), r["session_score"]) for r in rows]

    async def link_session(self, schedule_id: str, session_id: str) -> None:
        statement = update(S).where(S.id == schedule_id).values(session_id=session_id)
        await self.database.run(lambda db: db.execute(statement))

    async def timezone(self, user_id: str) -> str | None:
        query = select(t.UserSettings.timezone).where(t.UserSettings.user_id == user_id)
        found: str | None = await self.database.run(lambda db: db.execute(query).scalar())
        return found

    async def set_timezone(self, user_id: str, name: str, at: datetime) -> None:
        def work(db: Connection) -> None:
            db.execute(delete(t.UserSettings).where(t.UserSettings.user_id == user_id))
            db.execute(insert(t.UserSettings).values(user_id=user_id, timezone=name, updated_at=at))

        await self.database.run(work)
