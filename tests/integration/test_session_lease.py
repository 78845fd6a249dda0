"""Session leases on SQLite and PostgreSQL: one holder at a time, a heartbeat on an injected clock,
and a save from a process that was taken over refused whole (nothing half-written)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.adapters.console.lease import Heartbeat
from bot.adapters.console.ports import STALE_AFTER, Holder
from bot.engine.clock import FakeClock
from bot.engine.errors import SessionTaken
from bot.engine.models import Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from bot.storage.leases import LeaseFence, SqlLeases
from bot.storage.repository import SqlRepository
from tests.fakes import RecordingNotifier, synthetic_bank


async def started(repo: SqlRepository, clock: FakeClock, me: Holder) -> tuple[InterviewEngine, str]:
    repo.fence = LeaseFence(me, clock)
    engine = InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), repo, RecordingNotifier(), clock)
    user = await repo.ensure_user("local:ada", "Ada")
    state = await engine.start(SessionRequest(user_id=user, rounds=(RoundKind.CORE,), level=Level.MID, minutes=10,
                                              questions=2, seed=1))
    return engine, state.id


async def test_a_taken_over_process_notices_at_its_heartbeat_and_cannot_save(repo: SqlRepository) -> None:
    clock = FakeClock()
    me, other = Holder("a" * 32, "here", 1), Holder("b" * 32, "elsewhere", 2)
    engine, session_id = await started(repo, clock, me)  # the first save took the lease
    mine, theirs = SqlLeases(repo.database, me), SqlLeases(repo.database, other)

    held = await theirs.claim(session_id, clock.now())
    assert held is not None and held.owner == me.owner  # alive: refused, and told who holds it
    assert await theirs.claim(session_id, clock.now(), take_over=True) is None

    heartbeat = Heartbeat(mine, session_id, clock, every=timedelta(seconds=5))
    task = asyncio.create_task(heartbeat.run())
    try:
        await asyncio.sleep(0)
        assert not heartbeat.taken.is_set()
        clock.advance(seconds=5)
        await asyncio.wait_for(heartbeat.taken.wait(), 5)
        assert "taken over by mockloop on elsewhere (pid 2)" in heartbeat.reason
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    before = (await repo.load_session(session_id))
    assert before is not None
    with pytest.raises(SessionTaken):
        await engine.answer(session_id, "An answer the old process must not write.")
    after = await repo.load_session(session_id)
    assert after is not None and after.model_dump() == before.model_dump()  # nothing half-written


async def test_a_lease_whose_heartbeat_stopped_is_taken_without_asking(repo: SqlRepository) -> None:
    clock = FakeClock()
    gone, me = Holder("c" * 32, "elsewhere", 3), Holder("d" * 32, "here", 4)
    _, session_id = await started(repo, clock, gone)
    clock.advance(seconds=STALE_AFTER.total_seconds() + 1)
    assert await SqlLeases(repo.database, me).claim(session_id, clock.now()) is None
    current = await SqlLeases(repo.database, me).current(session_id)
    assert current is not None and current.owner == me.owner and current.since == clock.now()
