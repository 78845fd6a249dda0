"""/privacy forget leaves nothing of the member: no id of theirs in any column of any table (the
database's own list of tables, not the code's), on SQLite and PostgreSQL; and on SQLite the
deleted text cannot be read back from the database files either (write-ahead log, free pages)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Connection

from bot.adapters.discord.ports import Group, Room
from bot.coaching.story import NewStory, NewVersion
from bot.engine.clock import FakeClock
from bot.engine.context import Actor, current_actor
from bot.engine.models import Level, RoundKind
from bot.engine.peer_grading import PeerGrader
from bot.engine.peer_service import PeerService
from bot.engine.session import InterviewEngine, SessionRequest
from bot.interviewer.offline import OfflineInterviewer
from bot.llm.usage import UsageRecord
from bot.scheduling.ports import Due, PlanRow, ScheduleRow
from bot.scoring.offline import OfflineScorer
from bot.storage import tables as t
from bot.storage.db import open_database
from bot.storage.discord_rooms import SqlCoachRooms, SqlRooms
from bot.storage.grades import SqlGradeCache
from bot.storage.groups import SqlGroups
from bot.storage.leases import Holder, LeaseFence
from bot.storage.migrate import upgrade
from bot.storage.peers import SqlPeers
from bot.storage.privacy import SqlUserData
from bot.storage.repository import SqlRepository
from bot.storage.schedules import SqlSchedules
from bot.storage.stories import SqlStories
from bot.storage.timers import SqlTimers
from bot.storage.usage import SqlUsageStore
from tests.fakes import RecordingNotifier, synthetic_bank

# Tables that hold nobody's data: the migration marker and per-server settings.
NOBODYS = {"alembic_version", "guild_settings"}


@dataclass
class Member:
    """One member's footprint: the values that must all be gone once they are forgotten."""

    discord_id: int
    words: str  # distinctive text of theirs: answers, stories
    user_id: str = ""
    ids: set[str] = field(default_factory=set)  # their sessions, stories, schedules, plans

    def needles(self) -> set[str]:
        return {str(self.discord_id), self.user_id, self.words, *self.ids}


async def _leave_traces(repo: SqlRepository, clock: FakeClock, member: Member, guild: int) -> None:
    """Use every feature that stores something, as this member, through the code that stores it."""
    db = repo.database
    member.user_id = await repo.ensure_user(f"discord:{member.discord_id}", f"name-{member.discord_id}")
    repo.fence = LeaseFence(Holder.this_process(), clock)  # the session's lease row
    engine = InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), repo, RecordingNotifier(), clock,
                             outbox=True)
    state = await engine.start(SessionRequest(user_id=member.user_id, rounds=(RoundKind.CORE,), level=Level.MID,
                                              minutes=10, questions=2, seed=3, guild_id=str(guild)))
    member.ids.add(state.id)
    current_actor.set(Actor(member.user_id, state.id, str(guild)))
    try:
        await engine.answer(state.id, f"Alpha matters because of load; {member.words} is how I remember it.")
        await engine.end(state.id)  # settled grades: criterion rows quoting the answer
        graded = (await engine.state(state.id)).rounds[0].questions[0].result
        assert graded is not None
        await SqlGradeCache(db).put(f"grade-{member.discord_id}", graded)
        await SqlUsageStore(db).add(UsageRecord(clock.now(), member.user_id, str(guild), state.id, "grade", "m", 9, 4,
                                                False))
    finally:
        current_actor.set(None)
    await SqlRooms(db).add(Room(state.id, thread_id=member.discord_id + 1, guild_id=guild,
                                discord_user_id=member.discord_id))
    await SqlRooms(db).set_messages(state.id, status=member.discord_id + 2, question=member.discord_id + 3)
    await SqlCoachRooms(db).put(member.discord_id + 4, member.user_id, member.discord_id, {"draft": member.words})
    story = await SqlStories(db).save(member.user_id, NewStory(
        title="The night the queue filled", themes=["incident", "ownership"],
        first=NewVersion(text=f"I owned it: {member.words}.", score=70, created_at=clock.now())))
    member.ids.add(story)

    schedules = SqlSchedules(db)
    await schedules.set_timezone(member.user_id, "Europe/Berlin", clock.now())
    plan = PlanRow(uuid.uuid4().hex, member.user_id, 2, ["core", "design"], "active", clock.now())
    await schedules.add_plan(plan)
    schedule = ScheduleRow(uuid.uuid4().hex, member.user_id, str(member.discord_id), str(guild), str(guild + 1), "core",
                           "mid", "any", "Europe/Berlin", "once", clock.now() + timedelta(days=1), 10, "active",
                           plan_id=plan.id, week=1, session_id=state.id)
    await schedules.add(schedule, clock.now())
    member.ids |= {plan.id, schedule.id}
    timers = SqlTimers(db)
    await timers.put(Due(f"fire:{schedule.id}", "fire", clock.now() + timedelta(days=1), guild, schedule_id=schedule.id))
    await timers.put(Due(f"session:{state.id}", "session", clock.now() + timedelta(minutes=5), guild,
                         session_id=state.id))

    groups = SqlGroups(db)
    group = Group(uuid.uuid4().hex, str(guild), str(guild + 1), str(member.discord_id + 5), "core", "mid",
                  clock.now() + timedelta(hours=1), "open", str(member.discord_id), clock.now())
    await groups.add(group)
    await groups.toggle(group.id, member.discord_id, clock.now())
    await _peer_traces(repo, clock, member)


async def _peer_traces(repo: SqlRepository, clock: FakeClock, member: Member) -> None:
    """A peer interview both ways with a partner, a block, and a place in the queue for another round."""
    peers = PeerService(SqlPeers(repo.database), synthetic_bank(), PeerGrader(OfflineScorer()), repo, clock, minutes=5)
    me, partner = f"discord:{member.discord_id}", f"discord:{member.discord_id + 7}"
    await peers.join(me, RoundKind.CORE, Level.MID)
    await peers.join(partner, RoundKind.CORE, Level.MID)
    [session] = await peers.pair(f"claimer-{member.discord_id}")
    for who in (me, partner):
        await peers.confirm(session.id, who)
    # Her own answers carry her words; what the partner said, and her rating of the partner (feedback kept in
    # the partner's history of that turn), are the partner's.
    for interviewer, candidate, words in ((me, partner, "bravo matters"), (partner, me, member.words)):
        await peers.ask(session.id, interviewer)
        await peers.answer(session.id, candidate, f"Alpha matters because of load; {words} again.")
        await peers.close(session.id, interviewer)
        await peers.rate(session.id, interviewer, {"c-alpha": 2, "c-bravo": 1, "c-charlie": 0}, "steady")
    await peers.rate_interviewer(session.id, me, 3, 2, 2, "clear")
    await peers.block(me, f"discord:{member.discord_id + 8}")
    await peers.join(me, RoundKind.DESIGN, Level.SENIOR)  # waiting for another kind of round


def _tables_holding(database_rows: dict[str, list[str]], needles: set[str]) -> dict[str, list[str]]:
    """Per table, which of the needles occur anywhere in its rows (every column, JSON included)."""
    found: dict[str, list[str]] = {}
    for table, rows in database_rows.items():
        hits = sorted({n for n in needles for row in rows if n in row})
        if hits:
            found[table] = hits
    return found


async def _every_row(repo: SqlRepository) -> dict[str, list[str]]:
    """Each table the database has (read from the database itself) and each of its rows as text."""

    def work(db: Connection) -> dict[str, list[str]]:
        meta = MetaData()
        meta.reflect(bind=db)
        out: dict[str, list[str]] = {}
        for table in meta.sorted_tables:
            rows = db.execute(select(table)).mappings().all()
            out[table.name] = [json.dumps({k: _plain(v) for k, v in r.items()}, default=str) for r in rows]
        return out

    return await repo.database.run(work)


def _plain(value: Any) -> Any:
    return value if isinstance(value, (dict, list, str, int, float, bool)) or value is None else str(value)


async def test_a_forgotten_member_leaves_no_id_or_words_in_any_table(repo: SqlRepository) -> None:
    clock = FakeClock()
    ada = Member(804512345678901234, "quokka-zanzibar-4471")
    bo = Member(805598765432109876, "pangolin-reykjavik-9302")
    for member in (ada, bo):
        await _leave_traces(repo, clock, member, guild=913000000000000001)
    # Ada also joined the group round Bo announced: her id sits in a row that is Bo's.
    bo_group = await _group_of(repo, bo)
    await SqlGroups(repo.database).toggle(bo_group, ada.discord_id, clock.now())

    before = await _every_row(repo)
    covered = set(_tables_holding(before, ada.needles()))
    assert set(before) - NOBODYS <= covered, f"tables this test does not fill for the member: {set(before) - covered}"

    # her practice round and the peer turn she was interviewed in (kept in history as a round)
    assert await SqlUserData(repo.database).forget_external(f"discord:{ada.discord_id}") == 2

    after = await _every_row(repo)
    assert _tables_holding(after, ada.needles()) == {}
    # Bo keeps everything, the group round he announced included (with Ada no longer in it).
    assert set(_tables_holding(after, bo.needles())) == covered
    groups = SqlGroups(repo.database)
    assert await groups.members(bo_group) == [bo.discord_id]
    assert await SqlUserData(repo.database).forget_external(f"discord:{ada.discord_id}") is None  # nothing left


async def _group_of(repo: SqlRepository, member: Member) -> str:
    """The group round this member announced."""
    query = select(t.GroupRound.id).where(t.GroupRound.created_by == str(member.discord_id))
    found = await repo.database.run(lambda db: db.scalar(query))
    assert found is not None
    return str(found)


async def test_a_member_known_only_from_a_group_round_is_forgotten_too(repo: SqlRepository) -> None:
    clock = FakeClock()
    bo = Member(805598765432109876, "pangolin-reykjavik-9302")
    await _leave_traces(repo, clock, bo, guild=913000000000000001)
    bo_group = await _group_of(repo, bo)
    joined_only = 806611122233344455  # pressed Join, never used anything else: no user row
    await SqlGroups(repo.database).toggle(bo_group, joined_only, clock.now())
    data = SqlUserData(repo.database)
    assert await data.find(f"discord:{joined_only}") is None

    assert await data.forget_external(f"discord:{joined_only}") == 0  # something was stored, no session
    assert _tables_holding(await _every_row(repo), {str(joined_only)}) == {}
    assert await data.forget_external(f"discord:{joined_only}") is None


def _raw(path: Path) -> bytes:
    """The database file and its write-ahead log, as bytes on disk."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


async def test_forgotten_words_cannot_be_read_from_the_sqlite_files(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    repo = SqlRepository(open_database(f"sqlite+aiosqlite:///{path}"))
    await upgrade(repo.database)
    clock = FakeClock()
    ada = Member(804512345678901234, "quokka-zanzibar-4471")
    bo = Member(805598765432109876, "pangolin-reykjavik-9302")
    try:
        await _leave_traces(repo, clock, ada, guild=913000000000000001)
        await repo.database.scrub()  # settle the answers into the main file, where deleting must zero them
        await _leave_traces(repo, clock, bo, guild=913000000000000001)  # and fresh frames in the WAL
        assert ada.words.encode() in path.read_bytes()
        assert bo.words.encode() in _raw(path)

        await SqlUserData(repo.database).forget_external(f"discord:{ada.discord_id}")

        assert ada.words.encode() not in _raw(path)
        assert str(ada.discord_id).encode() not in _raw(path)
        assert bo.words.encode() in _raw(path)  # the rest is still there, readable as before
        assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    finally:
        await repo.close()

