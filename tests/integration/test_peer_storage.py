"""Peer interviews on SQLite and PostgreSQL: a whole session saved and reloaded, pairing claimed
exactly once by two processes at the same instant, no-shows, leaving, blocks, export and forget."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.engine.clock import FakeClock
from bot.engine.models import Level, RoundKind, Track
from bot.engine.peer import QueueEntry
from bot.engine.peer_grading import PeerGrader, history_id
from bot.engine.peer_service import PeerService
from bot.engine.peer_state import PeerError, PeerStatus, Phase
from bot.scoring.offline import OfflineScorer
from bot.storage import tables as t
from bot.storage.db import open_database
from bot.storage.migrate import upgrade
from bot.storage.peers import SqlPeers
from bot.storage.privacy import SqlUserData
from bot.storage.repository import SqlRepository
from tests.fakes import synthetic_bank

START = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
FULL = "Alpha matters because of load. Bravo matters because traffic spikes. Charlie matters because we retry."


def service(repo: SqlRepository, clock: FakeClock) -> PeerService:
    return PeerService(SqlPeers(repo.database), synthetic_bank(), PeerGrader(OfflineScorer()), repo, clock, minutes=5)


@pytest.fixture
async def second_process(database_url: str) -> AsyncIterator[SqlRepository]:
    """Another connection pool on the same database, as a second bot process would have."""
    other = SqlRepository(open_database(database_url))
    await upgrade(other.database)
    yield other
    await other.close()


async def play_turn(peers: PeerService, pid: str, interviewer: str, candidate: str, levels: int) -> None:
    await peers.ask(pid, interviewer)
    await peers.answer(pid, candidate, FULL)
    await peers.close(pid, interviewer)
    await peers.rate(pid, interviewer, {"c-alpha": levels, "c-bravo": levels, "c-charlie": levels}, "steady")


async def test_a_whole_peer_session_survives_a_restart_and_lands_in_both_histories(
        repo: SqlRepository, second_process: SqlRepository) -> None:
    clock = FakeClock(START)
    peers = service(repo, clock)
    await peers.join("discord:1", RoundKind.CORE, Level.MID)
    clock.advance(seconds=5)
    await peers.join("discord:2", RoundKind.CORE, Level.MID, Track.DJANGO)
    [session] = await peers.pair("p1")
    pid = session.id
    assert session.members == ("discord:1", "discord:2") and session.track == Track.DJANGO
    assert await repo.database.run(lambda db: db.scalar(select(t.Timer.due_at).where(t.Timer.kind == "peer-confirm"))) \
        == START + timedelta(seconds=65)
    await peers.confirm(pid, "discord:1")
    await peers.confirm(pid, "discord:2")
    await peers.ask(pid, "discord:1")
    await peers.answer(pid, "discord:2", "Alpha matters because of load.")

    restarted = service(second_process, clock)  # the first process is gone: a new one carries on from the rows
    await restarted.follow_up(pid, "discord:1", "c-bravo")
    await restarted.answer(pid, "discord:2", "Bravo matters because traffic spikes.")
    clock.advance(minutes=6)  # time is up; the next step sees it
    await restarted.tick(pid)
    await restarted.rate(pid, "discord:1", {"c-alpha": 3, "c-bravo": 2, "c-charlie": 0}, "good on alpha")
    await play_turn(restarted, pid, "discord:2", "discord:1", 2)
    await restarted.rate_interviewer(pid, "discord:2", 3, 2, 1, "kept time well")

    stored, version = await SqlPeers(repo.database).load(pid)  # type: ignore[misc]
    assert stored.status == PeerStatus.FINISHED and version > 5
    first, second = stored.turns
    assert [a.text for a in first.answers] == ["Alpha matters because of load.", "Bravo matters because traffic spikes."]
    assert first.answers[1].followup == "c-bravo" and first.phase == Phase.DONE
    assert first.rating is not None and first.rating.levels == {"c-alpha": 3, "c-bravo": 2, "c-charlie": 0}
    assert first.offline is not None and first.offline.scorer == "offline"
    assert stored.interviewer_ratings["discord:2"].time_keeping == 1
    for member, turn in (("discord:2", first), ("discord:1", second)):
        user = await repo.ensure_user(member, member)
        [history] = await repo.list_sessions(user, 5)
        assert history.id == history_id(stored, turn.position) and history.score == turn.human_score
        assert history.rounds[0].questions[0].answers and history.rounds[0].questions[0].result is not None


async def test_two_processes_pairing_at_once_never_pair_a_member_twice(
        repo: SqlRepository, second_process: SqlRepository) -> None:
    clock = FakeClock(START)
    one, two = service(repo, clock), service(second_process, clock)
    levels = [Level.JUNIOR, Level.MID, Level.SENIOR]
    for i in range(200):
        await SqlPeers(repo.database).join(QueueEntry(f"discord:{i}", RoundKind.CORE, levels[i % 3], Track.ANY,
                                                      START + timedelta(milliseconds=i), START, "42"))
    made: list[tuple[str, tuple[str, str]]] = []
    while True:
        batch = await asyncio.gather(one.pair("one", limit=40), two.pair("two", limit=40))
        made.extend(("one", s.members) for s in batch[0])
        made.extend(("two", s.members) for s in batch[1])
        if not batch[0] and not batch[1]:
            break
    members = [m for _, pair in made for m in pair]
    assert len(members) == len(set(members)) == 198  # 67/67/66 per level: one odd member left at two levels
    assert await SqlPeers(repo.database).waiting() == 2
    stored = await repo.database.run(lambda db: db.scalar(select(func.count()).select_from(t.PeerPairing)))
    assert stored == len(made) == 99
    if repo.database.url.get_backend_name() == "postgresql":
        assert {who for who, _ in made} == {"one", "two"}  # both processes really paired at once


async def test_a_no_show_is_dropped_and_the_partner_is_served_first_next_time(repo: SqlRepository) -> None:
    clock = FakeClock(START)
    peers = service(repo, clock)
    for member in ("discord:1", "discord:2"):
        await peers.join(member, RoundKind.CORE, Level.MID)
    [session] = await peers.pair("p")
    await peers.confirm(session.id, "discord:2")
    clock.advance(seconds=30)
    _, none_yet = await peers.expire(session.id)
    assert none_yet is None
    for member in ("discord:3", "discord:4"):
        await peers.join(member, RoundKind.CORE, Level.MID)
    clock.advance(seconds=31)
    outcome, no_show = await peers.expire(session.id)
    assert no_show is not None and no_show.dropped == ("discord:1",) and outcome.session.status == PeerStatus.DROPPED
    back = await SqlPeers(repo.database).queued("discord:2")
    assert back is not None and back.front
    assert await SqlPeers(repo.database).queued("discord:1") is None
    [next_pair] = await peers.pair("p")
    assert next_pair.members == ("discord:2", "discord:3")  # ahead of discord:3, who joined first among the rest


async def test_leaving_blocking_and_joining_twice(repo: SqlRepository) -> None:
    clock = FakeClock(START)
    peers = service(repo, clock)
    await peers.join("discord:1", RoundKind.CORE, Level.MID)
    with pytest.raises(PeerError, match="already in the queue"):
        await peers.join("discord:1", RoundKind.DESIGN, Level.SENIOR)
    assert await peers.leave("discord:1") is None  # out of the queue
    with pytest.raises(PeerError, match="not in the peer queue"):
        await peers.leave("discord:1")
    await SqlPeers(repo.database).block("discord:1", "discord:2", clock.now())
    for member in ("discord:1", "discord:2"):
        await peers.join(member, RoundKind.CORE, Level.MID)
    assert await peers.pair("p") == []  # blocked: they wait for someone else
    await peers.join("discord:3", RoundKind.CORE, Level.MID)
    [session] = await peers.pair("p")
    assert session.members == ("discord:1", "discord:3")
    await peers.confirm(session.id, "discord:1")
    await peers.confirm(session.id, "discord:3")
    with pytest.raises(PeerError, match="already in a peer interview"):
        await peers.join("discord:3", RoundKind.CORE, Level.MID)
    left = await peers.leave("discord:3")
    assert left is not None and left.session.status == PeerStatus.ABANDONED and left.session.left_by == "discord:3"
    await peers.join("discord:3", RoundKind.CORE, Level.MID)  # free to queue again


async def test_export_shows_a_members_peer_rows_and_forget_removes_every_one(repo: SqlRepository) -> None:
    clock = FakeClock(START)
    peers = service(repo, clock)
    for member in ("discord:1", "discord:2"):
        await peers.join(member, RoundKind.CORE, Level.MID)
    [session] = await peers.pair("p")
    await peers.confirm(session.id, "discord:1")
    await peers.confirm(session.id, "discord:2")
    await play_turn(peers, session.id, "discord:1", "discord:2", 3)
    await SqlPeers(repo.database).block("discord:2", "discord:9", clock.now())
    await peers.join("discord:9", RoundKind.CORE, Level.SENIOR)
    data = SqlUserData(repo.database)
    bo = await data.find("discord:2")
    assert bo is not None
    whole = await data.export(bo)
    exported = json.loads(json.dumps(whole))["peer_interviews"]  # what /privacy export sends, as JSON
    assert [b["blocked"] for b in exported["blocks"]] == ["discord:9"]
    [interview] = exported["interviews"]
    assert interview["rounds"][0]["answers"][0]["text"] == FULL and interview["ratings"][0]["levels"]["c-alpha"] == 3
    await data.forget(bo)

    def naming_bo(db: Connection) -> int:
        found = 0
        for table in (t.PeerQueueEntry, t.PeerPairing, t.PeerRound, t.PeerRating, t.PeerBlock, t.Timer):
            for row in db.execute(select(table.__table__)).mappings():
                found += any("discord:2" in str(v) or session.id in str(v) for v in row.values())
        return found

    assert await repo.database.run(naming_bo) == 0
    assert await SqlPeers(repo.database).queued("discord:9") is not None  # others' rows stay


async def test_timers_follow_the_session_a_question_on_the_clock_and_a_later_slot(repo: SqlRepository) -> None:
    clock = FakeClock(START)
    peers = service(repo, clock)

    def timers(db: Connection) -> dict[str, datetime]:
        return {row.id.split(":")[0]: row.due_at for row in db.execute(select(t.Timer.id, t.Timer.due_at))}

    await peers.join("discord:1", RoundKind.CORE, Level.MID, when=START + timedelta(hours=1))
    assert await repo.database.run(timers) == {"peer-pair": START + timedelta(hours=1)}
    assert await peers.pair("p") == []
    await peers.leave("discord:1")
    assert await repo.database.run(timers) == {}  # left the queue: no pass for a slot nobody waits for

    for member in ("discord:1", "discord:2"):
        await peers.join(member, RoundKind.CORE, Level.MID)
    [session] = await peers.pair("p")
    assert set(await repo.database.run(timers)) == {"peer-open", "peer-confirm"}
    await peers.confirm(session.id, "discord:1")
    await peers.confirm(session.id, "discord:2")
    await peers.ask(session.id, "discord:1")
    assert (await repo.database.run(timers))["peer-deadline"] == START + timedelta(minutes=5)
    await peers.close(session.id, "discord:1")
    assert "peer-deadline" not in await repo.database.run(timers)  # closed early: the timer went with it
