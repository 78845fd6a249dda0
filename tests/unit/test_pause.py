"""Waiting on a slow grader or interviewer (a model) stops the question's clock: the time comes back."""

from __future__ import annotations

from datetime import timedelta

from bot.engine import events as ev
from bot.engine.clock import FakeClock
from bot.engine.models import Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from tests.fakes import MemoryRepository, RecordingNotifier, synthetic_bank

WAIT = timedelta(seconds=20)


class SlowScorer(OfflineScorer):
    """The offline grade, arriving 20 s later as a local model's would."""

    instant = False

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    async def score(self, *args, **kwargs):
        self.clock.advance(WAIT.total_seconds())
        return await super().score(*args, **kwargs)


class SlowInterviewer(OfflineInterviewer):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    async def follow_up(self, *args, **kwargs):
        self.clock.advance(WAIT.total_seconds())
        return await super().follow_up(*args, **kwargs)

    async def hint(self, *args, **kwargs):
        self.clock.advance(WAIT.total_seconds())
        return await super().hint(*args, **kwargs)


async def test_the_question_keeps_its_time_while_the_model_grades_and_phrases() -> None:
    clock, repo, notes = FakeClock(), MemoryRepository(), RecordingNotifier()
    engine = InterviewEngine(synthetic_bank(), SlowScorer(clock), SlowInterviewer(clock), repo, notes, clock)
    state = await engine.start(SessionRequest(user_id="u1", rounds=(RoundKind.CORE,), level=Level.MID, minutes=10,
                                              questions=2, seed=1))
    asked = state.rounds[0].questions[0]
    assert asked.deadline_at is not None and state.rounds[0].deadline_at is not None
    clock.advance(30)  # the candidate types for 30 s
    before = asked.deadline_at - clock.now(), state.rounds[0].deadline_at - clock.now()

    await engine.answer(state.id, "I am not sure, something about alpha I guess.")  # graded, then a follow-up
    saved = repo.sessions[state.id].rounds[0]
    assert notes.of(ev.FollowUpAsked) and clock.now() == asked.asked_at + timedelta(seconds=30) + WAIT * 2  # type: ignore[operator]
    assert saved.questions[0].deadline_at is not None and saved.deadline_at is not None
    after = saved.questions[0].deadline_at - clock.now(), saved.deadline_at - clock.now()
    assert after == before  # 40 s spent waiting on the model, none of it taken from the candidate
    paused = notes.of(ev.ClockPaused)
    assert [p.seconds for p in paused] == [20.0, 20.0] and paused[-1].deadline_at == saved.questions[0].deadline_at

    await engine.hint(state.id)
    hinted = repo.sessions[state.id].rounds[0].questions[0]
    assert hinted.deadline_at is not None and hinted.deadline_at - clock.now() == before[0]
    await engine.tick(state.id)  # a timer that fired at the old deadline finds nothing due
    assert repo.sessions[state.id].rounds[0].current() is not None
    assert not notes.of(ev.QuestionClosed)


async def test_an_instant_scorer_moves_no_deadline() -> None:
    clock, repo, notes = FakeClock(), MemoryRepository(), RecordingNotifier()
    engine = InterviewEngine(synthetic_bank(), OfflineScorer(), OfflineInterviewer(), repo, notes, clock)
    state = await engine.start(SessionRequest(user_id="u1", rounds=(RoundKind.CORE,), level=Level.MID, minutes=10,
                                              questions=2, seed=1))
    await engine.answer(state.id, "I am not sure, something about alpha I guess.")
    assert not notes.of(ev.ClockPaused)
