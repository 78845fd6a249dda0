"""The SQL repository on SQLite and PostgreSQL: what the engine saves is exactly what it loads."""

from __future__ import annotations

from bot.engine.clock import FakeClock
from bot.engine.models import Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.engine.status import QuestionStatus, SessionStatus
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from bot.storage.repository import SqlRepository
from tests.fakes import RecordingNotifier, synthetic_bank

ODD = "Tab\there, bell \x07, escape \x1b[31mred\x1b[0m, RTL \u202eevil, emoji 🐍, CJK 生成器, NUL\x00gone"


def make_engine(repo: SqlRepository, clock: FakeClock) -> InterviewEngine:
    return InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), repo, RecordingNotifier(), clock)


async def test_round_trip_of_a_session_with_answers_and_scores(repo: SqlRepository) -> None:
    clock = FakeClock()
    engine = make_engine(repo, clock)
    user = await repo.ensure_user("local:ada", "Ada")
    assert await repo.ensure_user("local:ada", "Ada") == user
    state = await engine.start(SessionRequest(user, (RoundKind.CORE,), Level.MID, minutes=10, questions=2, seed=4))
    await engine.answer(state.id, "Alpha matters because of load.")
    await engine.hint(state.id)
    await engine.answer(state.id, ODD)
    loaded = await repo.load_session(state.id)
    assert loaded is not None
    assert loaded.model_dump() == (await engine.state(state.id)).model_dump()
    first = loaded.rounds[0].questions[0]
    assert [a.text for a in first.answers] == ["Alpha matters because of load.", ODD.replace("\x00", "")]
    assert first.result is not None and first.result.criteria[0].evidence == "Alpha matters because of load."
    assert first.deadline_at is not None and first.deadline_at.tzinfo is not None


async def test_resumable_and_recent_questions(repo: SqlRepository) -> None:
    clock = FakeClock()
    engine = make_engine(repo, clock)
    user = await repo.ensure_user("local:bo", "Bo")
    done = await engine.start(SessionRequest(user, (RoundKind.CORE,), Level.MID, minutes=10, questions=2, seed=1))
    await engine.end(done.id)
    clock.advance(60)
    live = await engine.start(SessionRequest(user, (RoundKind.CORE,), Level.MID, minutes=10, questions=2, seed=1))
    await engine.interrupt(live.id, draft="unfinished")
    assert await repo.resumable_session(user) == live.id
    assert await repo.resumable_session("nobody") is None
    recent = await repo.recent_question_ids(user, sessions=3)
    asked_first = {q.question_id for q in (await repo.load_session(done.id)).rounds[0].questions if q.counted}  # type: ignore[union-attr]
    assert asked_first <= recent
    loaded = await repo.load_session(live.id)
    assert loaded is not None and loaded.status == SessionStatus.INTERRUPTED
    assert loaded.rounds[0].questions[0].draft == "unfinished"
    listed = await repo.list_sessions(user, 10)
    assert [s.id for s in listed] == [live.id, done.id]


async def test_a_new_engine_continues_from_the_database(repo: SqlRepository) -> None:
    clock = FakeClock()
    first_engine = make_engine(repo, clock)
    user = await repo.ensure_user("local:cy", "Cy")
    state = await first_engine.start(SessionRequest(user, (RoundKind.CORE,), Level.MID, minutes=10, questions=2))
    full = "Alpha matters because of load. Bravo matters because of spikes. Charlie matters because."
    await first_engine.answer(state.id, full)
    # a second process (or a restart) picks the session up from storage alone
    second_engine = make_engine(repo, clock)
    await second_engine.answer(state.id, "Alpha matters because of load.")
    loaded = await repo.load_session(state.id)
    assert loaded is not None
    statuses = [q.status for q in loaded.rounds[0].questions]
    assert statuses[0] == QuestionStatus.ANSWERED and sum(len(q.answers) for q in loaded.rounds[0].questions) >= 2


async def test_llm_usage_is_stored_summed_and_reported(repo: SqlRepository) -> None:
    from datetime import timedelta

    from bot.llm.usage import UsageRecord
    from bot.storage.usage import SqlUsageStore

    store = SqlUsageStore(repo.database)
    now = FakeClock().now()
    for user, tokens, at in (("u1", 100, now), ("u1", 50, now - timedelta(days=2)), ("u2", 7, now)):
        await store.add(UsageRecord(at, user, "g1", "s", "grade", "m", tokens, 1, estimated=user == "u2"))
    assert await store.total_since(now - timedelta(hours=1), user_id="u1") == 101
    assert await store.total_since(now - timedelta(days=3), user_id="u1") == 152
    assert await store.total_since(now - timedelta(hours=1), guild_id="g1") == 109
    report = await store.report(now - timedelta(days=3))
    assert sum(r["calls"] for r in report) == 3 and {r["user_id"] for r in report} == {"u1", "u2"}
    assert any(r["estimated"] for r in report if r["user_id"] == "u2")


async def test_graded_attempts_read_by_query_match_those_read_from_whole_sessions(repo: SqlRepository) -> None:
    from bot.engine.review import attempts

    clock = FakeClock()
    engine = make_engine(repo, clock)
    user = await repo.ensure_user("local:ada", "Ada")
    for text in ("Alpha matters because of load.", "", "Bravo matters because traffic spikes. Charlie too."):
        state = await engine.start(SessionRequest(user_id=user, rounds=(RoundKind.CORE,), level=Level.MID,
                                                  questions=2, seed=3))
        if text:
            await engine.answer(state.id, text)
        await engine.skip(state.id)  # the second question: put, never answered
        clock.advance(minutes=5)
        await engine.end(state.id)
        clock.advance(days=1)
    from_sessions = attempts(await repo.list_sessions(user, 50))
    assert from_sessions and any(a.missed for a in from_sessions)  # graded, with key points missed
    assert await repo.attempts(user, 50) == from_sessions
