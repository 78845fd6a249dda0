"""Scheduled rounds: create, list, cancel, and what happens when their timers fire.

Each active schedule has at most two timers: ``remind:<id>`` some minutes before and
``fire:<id>`` at the time.  When ``fire`` runs, the user is offered the round (or told it was
missed, if the bot was away for longer than the grace period), and a weekly schedule puts its
next occurrence; a one-off one is done.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from bot.engine.ports import Clock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.plans import drills_for, weeks_for
from bot.scheduling.ports import Due, PlanRow, PlanStore, ScheduleNotifier, ScheduleRow, ScheduleStore
from bot.scheduling.when import Once, Rule, ScheduleError, decode, next_occurrence, zone

MAX_ACTIVE = 20
GRACE = timedelta(minutes=15)  # a round due while the bot was down still starts if it is back this soon
DEFAULT_REMINDER_MINUTES = 15


class Scheduler:
    def __init__(self, store: ScheduleStore, dispatcher: Dispatcher, notifier: ScheduleNotifier, clock: Clock, *,
                 plans: PlanStore | None = None, grace: timedelta = GRACE) -> None:
        self.store = store
        self.plans = plans
        self.dispatcher = dispatcher
        self.notifier = notifier
        self.clock = clock
        self.grace = grace
        dispatcher.on("remind", self.on_remind)
        dispatcher.on("fire", self.on_fire)

    async def create(self, row: ScheduleRow, rule: Rule) -> ScheduleRow:
        """Save a new schedule (``row.id``, ``rule``, ``next_at`` are filled in here) and set its timers."""
        if row.plan_id is None and len([s for s in await self.store.active(row.user_id)
                                        if s.plan_id is None]) >= MAX_ACTIVE:  # a plan's drills don't count
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
            await self.store.update(row.id, state="done", **counts)  # next_at stays: when it was due
            return
        upcoming = next_occurrence(weekly, max(now, due.due_at), zone(row.timezone))
        await self.store.update(row.id, next_at=upcoming, **counts)
        await self._arm(replace(row, next_at=upcoming), upcoming)

    async def create_plan(self, template: ScheduleRow, weeks: int, days: frozenset[int], at: time) -> PlanRow:
        """Lay out a plan's drills as schedules (ending any active plan of the user first)."""
        assert self.plans is not None
        old = await self.plans.active_plan(template.user_id)
        if old is not None:
            await self.plans.end_plan(old.id, "replaced")
        layout = weeks_for(weeks)
        where = zone(template.timezone)
        now = self.clock.now()
        local_today = now.astimezone(where).date()
        monday = local_today - timedelta(days=local_today.weekday())
        drills = drills_for(layout, monday, days, at, where)
        if drills[0].at <= now:  # this week's first practice day has passed: begin next week
            monday += timedelta(days=7)
            drills = drills_for(layout, monday, days, at, where)
        plan = PlanRow(id=uuid.uuid4().hex, user_id=template.user_id, weeks=weeks, titles=[w.title for w in layout],
                       state="active", created_at=now)
        await self.plans.add_plan(plan)
        for drill in drills:
            row = replace(template, round=drill.round.value, plan_id=plan.id, week=drill.week,
                          focus=sorted(drill.focus))
            await self.create(row, Once(drill.at))
        return plan

    async def progress(self, user_id: str) -> tuple[PlanRow, list[WeekProgress]] | None:
        """The active plan, week by week: drills done, skipped, still to come, and the scores."""
        assert self.plans is not None
        plan = await self.plans.active_plan(user_id)
        if plan is None:
            return None
        weeks = [WeekProgress(n + 1, title) for n, title in enumerate(plan.titles)]
        for row, score in await self.plans.drills(plan.id):
            week = weeks[(row.week or 1) - 1]
            if row.session_id is not None:
                week.done += 1
                if score is not None:
                    week.scores.append(score)
            elif row.state == "active":
                week.upcoming += 1
            else:
                week.skipped += 1
        return plan, weeks


@dataclass
class WeekProgress:
    number: int
    title: str
    done: int = 0
    skipped: int = 0
    upcoming: int = 0
    scores: list[int] = field(default_factory=list)

    def line(self) -> str:
        mean = f", mean score {round(sum(self.scores) / len(self.scores))}" if self.scores else ""
        return (f"Week {self.number} ({self.title}): {self.done} done, {self.skipped} skipped, "
                f"{self.upcoming} to come{mean}")
