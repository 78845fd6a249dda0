"""The session state machine, driven with a fake clock, fake repository and synthetic questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import events as ev
from bot.engine.clock import FakeClock
from bot.engine.errors import EngineError, SessionFinished
from bot.engine.limits import MAX_ANSWER_CHARS, clean_text
from bot.engine.loop import LOOP_ORDER
from bot.engine.models import Level, RoundKind, Signal
from bot.engine.session import InterviewEngine, SessionRequest
from bot.engine.signals import mean_score
from bot.engine.status import QuestionStatus, SessionStatus
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from tests.fakes import MemoryRepository, RecordingNotifier, synthetic_bank

FULL = "Alpha matters because of load. Bravo matters because traffic spikes. Charlie matters because we retry."


def _full_score() -> int:
    """What FULL earns on every synthetic question: each criterion at its top level, plus its reach."""
    bank = synthetic_bank()
    question = bank.get("core.q0")
    result = OfflineScorer().grade(question, bank.rubric(question.id), FULL)
    assert all(c.score == 3 for c in result.criteria) and result.score >= 85
    return result.score


FULL_SCORE = _full_score()


@pytest.fixture
def parts() -> tuple[InterviewEngine, FakeClock, MemoryRepository, RecordingNotifier]:
    clock = FakeClock()
    repo = MemoryRepository()
    notes = RecordingNotifier()
    engine = InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), repo, notes, clock)
    return engine, clock, repo, notes


async def start(engine: InterviewEngine, **kw: object) -> str:
    request = SessionRequest(user_id="u1", rounds=kw.pop("rounds", (RoundKind.CORE,)), level=Level.MID, **kw)  # type: ignore[arg-type]
    return (await engine.start(request)).id


async def test_start_asks_first_question_and_saves_before_publishing(parts) -> None:
    engine, clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=2, seed=7)
    asked = notes.of(ev.QuestionAsked)
    assert len(asked) == 1 and asked[0].number == 1 and asked[0].total == 2
    stored = repo.sessions[sid]
    assert stored.rounds[0].questions[0].status == QuestionStatus.ACTIVE
    # the two questions share the 10 minutes evenly
    assert asked[0].deadline_at - clock.now() == timedelta(minutes=5)


async def test_full_answer_moves_on_weak_answer_gets_a_follow_up(parts) -> None:
    engine, _clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=2, seed=1)
    await engine.answer(sid, "I am not sure, something about alpha I guess.")
    follow = notes.of(ev.FollowUpAsked)
    assert len(follow) == 1 and follow[0].criterion == "c-alpha"  # heaviest missed criterion first
    await engine.answer(sid, FULL)
    state = repo.sessions[sid]
    first = state.rounds[0].questions[0]
    assert [a.kind for a in first.answers] == ["main", "followup"]
    assert first.status == QuestionStatus.ANSWERED and first.result is not None and first.result.signal == Signal.STRONG_YES
    assert len(notes.of(ev.QuestionAsked)) == 2


async def test_at_most_two_follow_ups(parts) -> None:
    engine, _clock, repo, notes = parts
    sid = await start(engine, minutes=30, questions=1, seed=1)
    for _ in range(3):
        await engine.answer(sid, "Hmm, I would have to look that up.")
    assert len(notes.of(ev.FollowUpAsked)) == 2
    assert repo.sessions[sid].finished


async def test_empty_answer_asks_to_confirm_skip_and_saves_nothing(parts) -> None:
    engine, _clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=2)
    saves = repo.saves
    await engine.answer(sid, "   \n ")
    assert notes.of(ev.SkipConfirmationNeeded)
    assert repo.saves == saves and not repo.sessions[sid].rounds[0].questions[0].answers
    await engine.skip(sid)
    first = repo.sessions[sid].rounds[0].questions[0]
    assert first.status == QuestionStatus.SKIPPED and first.score == 0


async def test_over_long_answer_is_refused_with_the_limit(parts) -> None:
    engine, _clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=2)
    await engine.answer(sid, "x" * (MAX_ANSWER_CHARS + 1))
    rejected = notes.of(ev.AnswerRejected)
    assert rejected and f"{MAX_ANSWER_CHARS:,}" in rejected[0].reason
    assert not repo.sessions[sid].rounds[0].questions[0].answers


async def test_question_times_out_and_round_moves_on(parts) -> None:
    engine, clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=2)
    clock.advance(minutes=5, seconds=1)
    await engine.tick(sid)
    state = repo.sessions[sid]
    assert state.rounds[0].questions[0].status == QuestionStatus.TIMED_OUT
    assert state.rounds[0].questions[1].status == QuestionStatus.ACTIVE
    assert [e.reason for e in notes.of(ev.QuestionClosed)] == ["timed_out"]


async def test_warnings_come_once_each_and_the_round_closes_on_time(parts) -> None:
    engine, clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=1)
    clock.advance(minutes=5)
    await engine.tick(sid)
    await engine.tick(sid)
    clock.advance(minutes=3)
    await engine.tick(sid)
    assert [w.kind for w in notes.of(ev.TimeWarning)] == ["halfway", "two_minutes"]
    clock.advance(minutes=2)
    await engine.tick(sid)
    assert repo.sessions[sid].status == SessionStatus.COMPLETED
    assert notes.of(ev.RoundEnded)[0].reason in ("timed_out", "completed")


async def test_next_wakeup_is_the_earliest_deadline(parts) -> None:
    engine, clock, _repo, _notes = parts
    sid = await start(engine, minutes=10, questions=4)
    wake = await engine.next_wakeup(sid)
    assert wake == clock.now() + timedelta(minutes=2, seconds=30)


async def test_hint_lowers_the_ceiling_of_that_criterion(parts) -> None:
    engine, _clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=1)
    await engine.hint(sid)
    hint = notes.of(ev.HintGiven)[0]
    assert hint.criterion_name == "alpha point"
    await engine.answer(sid, FULL)
    result = repo.sessions[sid].rounds[0].questions[0].result
    assert result is not None
    alpha = next(c for c in result.criteria if c.id == "c-alpha")
    assert alpha.score == 2 and alpha.max == 2 and result.score < 100


async def test_end_closes_session_counting_the_open_question(parts) -> None:
    engine, _clock, repo, _notes = parts
    sid = await start(engine, minutes=20, questions=3)
    await engine.answer(sid, FULL)
    await engine.end(sid)
    state = repo.sessions[sid]
    statuses = [q.status for q in state.rounds[0].questions]
    assert statuses == [QuestionStatus.ANSWERED, QuestionStatus.SKIPPED, QuestionStatus.UNASKED]
    assert state.status == SessionStatus.ENDED_EARLY and state.score == mean_score([FULL_SCORE, 0])
    with pytest.raises(SessionFinished):
        await engine.answer(sid, "too late")


async def test_late_answer_is_kept_graded_and_marked(parts) -> None:
    engine, clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=2)
    clock.advance(minutes=6)
    await engine.tick(sid)
    await engine.answer(sid, FULL, question=(0, 0))
    first = repo.sessions[sid].rounds[0].questions[0]
    assert first.answers[0].late and first.status == QuestionStatus.ANSWERED and first.score == FULL_SCORE
    assert notes.of(ev.AnswerRecorded)[-1].late
    assert repo.sessions[sid].rounds[0].questions[1].status == QuestionStatus.ACTIVE


async def test_interrupt_and_resume_pauses_the_clock(parts) -> None:
    engine, clock, repo, notes = parts
    sid = await start(engine, minutes=10, questions=2)
    clock.advance(minutes=1)
    await engine.checkpoint(sid)
    await engine.interrupt(sid, draft="half an answer")
    before = repo.sessions[sid].rounds[0].questions[0]
    assert repo.sessions[sid].status == SessionStatus.INTERRUPTED and before.draft == "half an answer"
    left = before.deadline_at - clock.now()
    clock.advance(hours=3)
    await engine.resume(sid, pause_clock=True)
    after = repo.sessions[sid].rounds[0].questions[0]
    assert after.deadline_at - clock.now() == left
    assert any("half an answer" in n.text for n in notes.of(ev.Notice))


async def test_resume_without_pause_expires_what_passed(parts) -> None:
    engine, clock, repo, _notes = parts
    sid = await start(engine, minutes=10, questions=2)
    await engine.interrupt(sid)
    clock.advance(minutes=11)
    await engine.resume(sid, pause_clock=False)
    await engine.tick(sid)
    assert repo.sessions[sid].status == SessionStatus.COMPLETED


async def test_loop_runs_the_six_rounds_in_order(parts) -> None:
    engine, _clock, repo, notes = parts
    sid = await start(engine, rounds=LOOP_ORDER, minutes=4, questions=1)
    for _ in range(30):
        if repo.sessions[sid].finished:
            break
        await engine.answer(sid, FULL)
    assert [e.kind for e in notes.of(ev.RoundStarted)] == list(LOOP_ORDER)
    state = repo.sessions[sid]
    assert state.status == SessionStatus.COMPLETED and state.score == FULL_SCORE and state.mode == "loop"


async def test_recently_seen_questions_are_avoided(parts) -> None:
    engine, _clock, repo, _notes = parts
    first = await start(engine, minutes=10, questions=2, seed=3)
    await engine.end(first)
    second = await start(engine, minutes=10, questions=2, seed=3)
    seen = {q.question_id for q in repo.sessions[first].rounds[0].questions if q.counted}
    again = {q.question_id for q in repo.sessions[second].rounds[0].questions}
    assert seen and not (seen & again)


async def test_loop_leaves_out_rounds_without_questions_at_that_level(parts) -> None:
    engine, _clock, repo, notes = parts
    engine.bank.questions = {k: q for k, q in engine.bank.questions.items() if not k.startswith("design.")}
    request = SessionRequest(user_id="u1", rounds=LOOP_ORDER, level=Level.JUNIOR, minutes=4, questions=1)
    state = await engine.start(request)
    assert [r.kind for r in repo.sessions[state.id].rounds] == [k for k in LOOP_ORDER if k != RoundKind.DESIGN]
    assert any("design" in n.text for n in notes.of(ev.Notice))
    with pytest.raises(EngineError, match="levels with design questions: none"):
        await engine.start(SessionRequest(user_id="u1", rounds=(RoundKind.DESIGN,), level=Level.JUNIOR))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=MAX_ANSWER_CHARS + 200))
async def test_any_text_is_kept_exactly_or_refused_whole(text: str) -> None:
    engine = InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), MemoryRepository(),
                             RecordingNotifier(), FakeClock())
    sid = await start(engine, minutes=10, questions=2)
    await engine.answer(sid, text)
    stored = [a.text for r in (await engine.state(sid)).rounds for q in r.questions for a in q.answers]
    cleaned = clean_text(text)
    if not cleaned.strip() or len(cleaned) > MAX_ANSWER_CHARS:
        assert stored == []
    else:
        assert stored == [cleaned]


async def test_a_code_question_stays_open_for_new_versions_until_the_candidate_moves_on() -> None:
    from bot.content.bank import QuestionBank
    from bot.content.paths import content_root

    clock, repo, notes = FakeClock(), MemoryRepository(), RecordingNotifier()
    engine = InterviewEngine(QuestionBank.load(content_root()), OfflineScorer(), OfflineInterviewer(), repo, notes, clock)
    state = await engine.start(SessionRequest(user_id="u1", rounds=(RoundKind.CODING,), level=Level.MID, questions=1))
    first = "```python\ndef flatten(data, sep='.'):\n    return dict(data)\n```"
    for version in range(4):  # more answers than follow-ups: never closed by answering
        await engine.answer(state.id, first + f"\n# version {version}")
    current = (await engine.state(state.id)).current_round().current()  # type: ignore[union-attr]
    assert current is not None and current.status == QuestionStatus.ACTIVE and len(current.answers) == 4
    assert any("improved version" in n.text for n in notes.of(ev.Notice))
    await engine.skip(state.id)
    closed = (await engine.state(state.id)).rounds[0].questions[0]
    assert closed.status == QuestionStatus.ANSWERED and closed.result is not None  # moving on keeps the grade


async def test_a_checkpoint_keeps_the_typed_draft_of_the_current_question_only(parts) -> None:
    engine, _clock, repo, _notes = parts
    sid = await start(engine, minutes=10, questions=2, seed=7)
    await engine.checkpoint(sid, "typed so far", (0, 0))
    assert repo.sessions[sid].rounds[0].questions[0].draft == "typed so far"
    await engine.checkpoint(sid, "meant for another question", (0, 1))  # that question is not on screen
    assert repo.sessions[sid].rounds[0].questions[0].draft == "typed so far"
    await engine.answer(sid, FULL)
    assert repo.sessions[sid].rounds[0].questions[0].draft is None  # sent: no longer a draft


class OutboxRepository(MemoryRepository):
    def __init__(self) -> None:
        super().__init__()
        self.stored: list[ev.Event] = []

    async def save(self, state, changes) -> None:
        await super().save(state, changes)
        self.stored += changes.events


async def test_with_an_outbox_every_event_is_saved_with_its_step_before_it_is_published() -> None:
    repo, notes = OutboxRepository(), RecordingNotifier()
    engine = InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), repo, notes, FakeClock(),
                             outbox=True)
    sid = await start(engine, minutes=10, questions=2, seed=7)
    await engine.answer(sid, "x" * (MAX_ANSWER_CHARS + 1))  # refused: only the refusal is stored
    await engine.answer(sid, FULL)
    assert repo.stored == notes.events and any(isinstance(e, ev.AnswerRejected) for e in repo.stored)
