"""Scheduled rounds: create, list, cancel, and what happens when their timers fire.

Each active schedule has at most two timers: ``remind:<id>`` some minutes before and
``fire:<id>`` at the time.  When ``fire`` runs, the user is offered the round (or told it was
missed, if the bot was away for longer than the grace period), and a weekly schedule puts its
next occurrence; a one-off one is done.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from bot.engine.ports import Clock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.ports import Due, ScheduleNotifier, ScheduleRow, ScheduleStore
from bot.scheduling.when import Once, Rule, ScheduleError, decode, next_occurrence, zone

MAX_ACTIVE = 20
GRACE = timedelta(minutes=15)  # a round due while the bot was down still starts if it is back this soon
DEFAULT_REMINDER_MINUTES = 15


class Scheduler:
    def __init__(self, store: ScheduleStore, dispatcher: Dispatcher, notifier: ScheduleNotifier, clock: Clock, *,
                 grace: timedelta = GRACE) -> None:
        self.store = store
        self.dispatcher = dispatcher
        self.notifier = notifier
        self.clock = clock
        self.grace = grace
        dispatcher.on("remind", self.on_remind)
        dispatcher.on("fire", self.on_fire)

    async def create(self, row: ScheduleRow, rule: Rule) -> ScheduleRow:
        """Save a new schedule (``row.id``, ``rule``, ``next_at`` are filled in here) and set its timers."""
        if len(await self.store.active(row.user_id)) >= MAX_ACTIVE:
            raise ScheduleError(f"You already have {MAX_ACTIVE} active schedules; remove one with `/mock unschedule` "
                                "first.")
        now = self.clock.now()
        where = zone(row.timezone)
        first = rule.at if isinstance(rule, Once) else next_occurrence(rule, now, where)
        saved = replace(row, id=uuid.uuid4().hex, rule="once" if isinstance(rule, Once) else rule.encode(),
                        next_at=first, state="active")
        await self.store.add(saved, now)
        await self._arm(saved, first)
        return saved

    async def cancel(self, user_id: str, prefix: str) -> ScheduleRow:
        wanted = prefix.strip().lower()
        found = [s for s in await self.store.active(user_id) if wanted and s.id.startswith(wanted)]
        if len(found) != 1:
            raise ScheduleError("No active schedule of yours matches that id; `/mock schedules` lists them.")
        await self.store.update(found[0].id, state="cancelled", next_at=None)
        await self.dispatcher.store.cancel(f"remind:{found[0].id}")
        await self.dispatcher.store.cancel(f"fire:{found[0].id}")
        return found[0]

    async def _arm(self, row: ScheduleRow, at: datetime) -> None:
        guild = int(row.guild_id) if row.guild_id else None
        remind_at = at - timedelta(minutes=row.remind_minutes)
        if row.remind_minutes > 0 and remind_at > self.clock.now():
            await self.dispatcher.put(Due(f"remind:{row.id}", "remind", remind_at, guild, {"at": at.isoformat()},
                                          schedule_id=row.id))
        await self.dispatcher.put(Due(f"fire:{row.id}", "fire", at, guild, schedule_id=row.id))

    async def on_remind(self, due: Due) -> None:
        row = await self.store.get(due.schedule_id or "")
        if row is None or row.state != "active" or self.clock.now() - due.due_at > self.grace:
            return  # cancelled, or the reminder itself is stale: the fire timer will speak
        await self.notifier.remind(row, datetime.fromisoformat(due.payload["at"]))

    async def on_fire(self, due: Due) -> None:
        row = await self.store.get(due.schedule_id or "")
        if row is None or row.state != "active":
            return
        now = self.clock.now()
        late = now - due.due_at > self.grace
        if late:
            await self.notifier.missed(row, due.due_at)
        else:
            await self.notifier.due(row)
        counts = {"missed": row.missed + 1} if late else {"fired": row.fired + 1}
        weekly = decode(row.rule)
        if weekly is None:
            await self.store.update(row.id, state="done", next_at=None, **counts)
            return
        upcoming = next_occurrence(weekly, max(now, due.due_at), zone(row.timezone))
        await self.store.update(row.id, next_at=upcoming, **counts)
        await self._arm(replace(row, next_at=upcoming), upcoming)
