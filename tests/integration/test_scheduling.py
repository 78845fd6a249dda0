"""Timers fire when due and only then, once across processes; scheduled rounds remind, fire, repeat,
and are marked missed when the bot was away too long."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.engine.clock import FakeClock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.ports import Due, ScheduleRow, Shards
from bot.scheduling.schedules import Scheduler
from bot.scheduling.when import Once, ScheduleError, Weekly
from bot.storage.db import Database, open_database
from bot.storage.migrate import upgrade
from bot.storage.repository import SqlRepository
from bot.storage.schedules import SqlSchedules
from bot.storage.timers import SqlTimers

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = open_database(database_url)
    await upgrade(db)
    yield db
    await db.close()


async def settle(condition: object, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.01)


async def test_a_timer_fires_when_due_not_before_and_a_sooner_one_wakes_the_dispatcher(database: Database) -> None:
    clock = FakeClock(START)
    fired: list[tuple[str, datetime]] = []
    dispatcher = Dispatcher(SqlTimers(database), clock, Shards())

    async def record(due: Due) -> None:
        fired.append((due.id, clock.now()))

    dispatcher.on("ping", record)
    dispatcher.start()
    try:
        await dispatcher.put(Due("ping:later", "ping", START + timedelta(hours=1)))
        await asyncio.sleep(0.1)
        assert fired == []
        await dispatcher.put(Due("ping:soon", "ping", START + timedelta(minutes=5)))  # sooner: wakes the sleeper
        clock.advance(minutes=4)
        await asyncio.sleep(0.1)
        assert fired == []
        clock.advance(minutes=1)
        await settle(lambda: len(fired) == 1)
        assert fired == [("ping:soon", START + timedelta(minutes=5))]
        clock.advance(hours=1)
        await settle(lambda: len(fired) == 2)
        assert await SqlTimers(database).pending() == 0
    finally:
        await dispatcher.close()


async def test_shards_fire_only_their_own_guilds_timers(database: Database) -> None:
    clock = FakeClock(START)
    store = SqlTimers(database)
    on_shard_1 = (1 << 22) * 3 + 1  # (id >> 22) % 2 == 1
    on_shard_0 = (1 << 22) * 4
    await store.put(Due("a", "k", START, on_shard_0))
    await store.put(Due("b", "k", START, on_shard_1))
    await store.put(Due("dm", "k", START, None))
    zero = await store.claim(clock.now(), Shards(frozenset({0}), 2), "p0", 10)
    one = await store.claim(clock.now(), Shards(frozenset({1}), 2), "p1", 10)
    assert {d.id for d in zero} == {"a", "dm"} and {d.id for d in one} == {"b"}


async def test_two_dispatchers_fire_a_thousand_timers_exactly_once(database: Database) -> None:
    clock = FakeClock(START)
    store = SqlTimers(database)
    await store.put_many([Due(f"t:{i}", "count", START + timedelta(seconds=i % 60)) for i in range(1000)])
    seen: list[str] = []
    dispatchers = [Dispatcher(SqlTimers(database), clock, Shards(), batch=50) for _ in range(2)]
    by: dict[str, str] = {}
    for dispatcher in dispatchers:
        async def count(due: Due, name: str = dispatcher.name) -> None:
            seen.append(due.id)
            by[due.id] = name

        dispatcher.on("count", count)
    for dispatcher in dispatchers:
        dispatcher.start()
    try:
        clock.advance(seconds=60)
        await settle(lambda: len(seen) >= 1000, seconds=60)
        await asyncio.sleep(0.2)
    finally:
        for dispatcher in dispatchers:
            await dispatcher.close()
    assert len(seen) == 1000 and len(set(seen)) == 1000  # none twice, none missed
    assert await store.pending() == 0
    if database.url.get_backend_name() == "postgresql":
        assert len(set(by.values())) == 2  # both processes took part


async def test_a_claim_held_by_a_dead_process_is_fired_after_its_lease(database: Database) -> None:
    clock = FakeClock(START)
    store = SqlTimers(database, lease=timedelta(minutes=5))
    await store.put(Due("x", "k", START))
    assert [d.id for d in await store.claim(clock.now(), Shards(), "dead", 10)] == ["x"]
    assert await store.claim(clock.now() + timedelta(minutes=1), Shards(), "alive", 10) == []
    assert [d.id for d in await store.claim(clock.now() + timedelta(minutes=6), Shards(), "alive", 10)] == ["x"]


class Told:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    async def remind(self, schedule: ScheduleRow, starts_at: datetime) -> None:
        self.events.append(("remind", schedule.id))

    async def due(self, schedule: ScheduleRow) -> None:
        self.events.append(("due", schedule.id))

    async def missed(self, schedule: ScheduleRow, was_at: datetime) -> None:
        self.events.append(("missed", schedule.id))


async def scheduler_for(database: Database, clock: FakeClock) -> tuple[Scheduler, Dispatcher, Told, str]:
    repo = SqlRepository(database)
    user = await repo.ensure_user("discord:42", "ada")
    dispatcher = Dispatcher(SqlTimers(database), clock, Shards())
    told = Told()
    return Scheduler(SqlSchedules(database), dispatcher, told, clock), dispatcher, told, user


def row(user: str, **changes: object) -> ScheduleRow:
    base = dict(id="", user_id=user, discord_user_id="42", guild_id="77", channel_id="88", round="core", level="mid",
                track="any", timezone="Europe/Berlin", rule="", next_at=None, remind_minutes=15, state="")
    return ScheduleRow(**(base | changes))  # type: ignore[arg-type]


async def test_a_weekly_round_reminds_fires_and_comes_back_next_week(database: Database) -> None:
    clock = FakeClock(START)  # Tuesday 11:00 in Berlin
    scheduler, dispatcher, told, user = await scheduler_for(database, clock)
    saved = await scheduler.create(row(user), Weekly(frozenset({1}), time(12, 0)))  # every Tuesday 12:00
    assert saved.next_at == START + timedelta(hours=1)
    dispatcher.start()
    try:
        clock.advance(minutes=45)
        await settle(lambda: told.events == [("remind", saved.id)])
        clock.advance(minutes=15)
        await settle(lambda: told.events[-1:] == [("due", saved.id)])
        [again] = await SqlSchedules(database).active(user)
        assert again.next_at == START + timedelta(days=7, hours=1) and again.fired == 1
        clock.advance(days=7)
        await settle(lambda: told.events.count(("due", saved.id)) == 2)
    finally:
        await dispatcher.close()


async def test_down_past_the_grace_period_the_round_is_missed_and_said_once(database: Database) -> None:
    clock = FakeClock(START)
    scheduler, dispatcher, told, user = await scheduler_for(database, clock)
    saved = await scheduler.create(row(user), Once(START + timedelta(hours=1)))
    clock.advance(hours=3)  # the bot was down; it starts again now
    dispatcher.start()
    try:
        await settle(lambda: ("missed", saved.id) in told.events)
        await asyncio.sleep(0.1)
        assert told.events == [("missed", saved.id)]  # neither the stale reminder nor the round itself
        assert await SqlSchedules(database).active(user) == []
    finally:
        await dispatcher.close()


async def test_within_the_grace_period_a_late_round_still_starts(database: Database) -> None:
    clock = FakeClock(START)
    scheduler, dispatcher, told, user = await scheduler_for(database, clock)
    saved = await scheduler.create(row(user, remind_minutes=0), Once(START + timedelta(hours=1)))
    clock.advance(hours=1, minutes=10)
    dispatcher.start()
    try:
        await settle(lambda: told.events == [("due", saved.id)])
    finally:
        await dispatcher.close()


async def test_limits_and_cancelling(database: Database) -> None:
    clock = FakeClock(START)
    scheduler, dispatcher, told, user = await scheduler_for(database, clock)
    created = [await scheduler.create(row(user), Once(START + timedelta(days=1, minutes=i))) for i in range(20)]
    with pytest.raises(ScheduleError, match="20 active schedules"):
        await scheduler.create(row(user), Once(START + timedelta(days=2)))
    gone = await scheduler.cancel(user, created[0].id[:8])
    assert gone.id == created[0].id
    with pytest.raises(ScheduleError, match="No active schedule"):
        await scheduler.cancel(user, created[0].id[:8])
    dispatcher.start()
    try:
        clock.advance(hours=23, minutes=40)
        for _ in range(45):  # minute by minute through the reminders and the rounds
            clock.advance(minutes=1)
            await asyncio.sleep(0.02)
        await settle(lambda: len(told.events) == 19 * 2, seconds=10)
        assert {kind for kind, _ in told.events} == {"remind", "due"}
        assert created[0].id not in {schedule for _, schedule in told.events}
    finally:
        await dispatcher.close()


async def test_processes_starting_together_migrate_once(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share PostgreSQL only; a SQLite file has one bot process")
    databases = [open_database(database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade(db) for db in databases))  # no "table already exists" from the losers
        assert await SqlTimers(databases[0]).pending() == 0
    finally:
        for db in databases:
            await db.close()
