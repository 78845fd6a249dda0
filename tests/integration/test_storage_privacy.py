"""Migrations build exactly the tables the code declares; a user's data exports whole and forgets whole."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.adapters.discord.ports import Room
from bot.engine.clock import FakeClock
from bot.engine.context import Actor, current_actor
from bot.engine.models import Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.interviewer.offline import OfflineInterviewer
from bot.llm.usage import UsageRecord
from bot.scoring.offline import OfflineScorer
from bot.storage import tables as t
from bot.storage.discord_rooms import SqlGuildSettings, SqlRooms
from bot.storage.grades import SqlGradeCache
from bot.storage.privacy import SqlUserData
from bot.storage.repository import SqlRepository
from bot.storage.usage import SqlUsageStore
from tests.fakes import RecordingNotifier, synthetic_bank


async def test_migrations_match_the_declared_tables(repo: SqlRepository) -> None:
    def diff(db: Connection) -> list:
        return compare_metadata(MigrationContext.configure(db), t.Base.metadata)

    assert await repo.database.run(diff) == []


async def test_export_then_forget_leaves_no_row_of_that_user(repo: SqlRepository) -> None:
    clock = FakeClock()
    engine = InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), repo, RecordingNotifier(), clock)
    ada = await repo.ensure_user("discord:1", "Ada")
    bo = await repo.ensure_user("discord:2", "Bo")
    sessions = {}
    for user in (ada, bo):
        state = await engine.start(SessionRequest(user_id=user, rounds=(RoundKind.CORE,), level=Level.MID, minutes=10,
                                                  questions=2, seed=1, guild_id="77"))
        await engine.answer(state.id, f"Alpha matters because of load, says {user}.")
        await engine.end(state.id)
        sessions[user] = state.id
        await SqlRooms(repo.database).add(Room(state.id, thread_id=int(user[:6], 16), guild_id=77,
                                                discord_user_id=1 if user == ada else 2))
        current_actor.set(Actor(user, state.id, "77"))
        await SqlUsageStore(repo.database).add(UsageRecord(clock.now(), user, "77", state.id, "grade", "m", 10, 5, False))
        graded = (await engine.state(state.id)).rounds[0].questions[0].result
        assert graded is not None
        await SqlGradeCache(repo.database).put(f"key-{user}", graded)
    current_actor.set(None)
    assert (await repo.load_session(sessions[ada])).guild_id == "77"  # type: ignore[union-attr]

    data = SqlUserData(repo.database)
    exported = await data.export(ada)
    json.dumps(exported)  # the file a user downloads is plain JSON
    assert exported["user"]["external_id"] == "discord:1" and len(exported["sessions"]) == 1
    assert "says " + ada in json.dumps(exported) and bo not in json.dumps(exported)
    assert len(exported["llm_usage"]) == 1 and len(exported["discord_threads"]) == 1

    assert await data.forget(ada) == 1
    assert await data.export(ada) == {}

    def remaining(db: Connection) -> dict[str, int]:
        counts = {}
        for table in t.Base.metadata.sorted_tables:
            text_columns = [c for c in table.columns if c.name in ("user_id", "session_id", "id", "key")]
            rows = db.execute(select(table)).mappings().all()
            counts[table.name] = sum(1 for r in rows if any(ada in str(r[c.name]) or sessions[ada] == r[c.name]
                                                            for c in text_columns))
        return counts

    assert set((await repo.database.run(remaining)).values()) == {0}
    assert (await data.export(bo))["sessions"][0]["id"] == sessions[bo]  # the other user is untouched
    assert await repo.database.run(lambda db: db.scalar(select(func.count()).select_from(t.GradeCache))) == 1


async def test_guild_settings_update_only_what_is_given(repo: SqlRepository) -> None:
    settings = SqlGuildSettings(repo.database)
    assert (await settings.get(5)).tokens_per_member is None
    await settings.update(5, group_channel_id=900)
    updated = await settings.update(5, tokens_per_member=20000)
    assert (updated.group_channel_id, updated.tokens_per_member) == (900, 20000)
