"""Low grades come back after 1, 3, 7, 14 days; weak spots are key points missed again and again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.engine import events as ev
from bot.engine.clock import FakeClock
from bot.engine.models import Level, RoundKind
from bot.engine.review import Attempt, due_for_review, weak_spots
from bot.engine.session import InterviewEngine, SessionRequest
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from tests.fakes import MemoryRepository, RecordingNotifier, synthetic_bank

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def tried(question: str, day: float, score: int, missed: frozenset[str] | set[str] = frozenset()) -> Attempt:
    return Attempt(question, T0 + timedelta(days=day), score, frozenset(missed))


def test_a_low_grade_comes_back_after_a_growing_interval() -> None:
    once = [tried("q1", 0, 40)]
    assert due_for_review(once, T0 + timedelta(hours=23)) == []
    assert due_for_review(once, T0 + timedelta(days=1)) == ["q1"]
    twice = [*once, tried("q1", 1, 50)]  # low again: wait 3 days now
    assert due_for_review(twice, T0 + timedelta(days=3)) == []
    assert due_for_review(twice, T0 + timedelta(days=4)) == ["q1"]
    mastered = [*twice, tried("q1", 4, 80)]
    assert due_for_review(mastered, T0 + timedelta(days=60)) == []


def test_the_most_overdue_comes_first() -> None:
    history = [tried("a", 0, 30), tried("b", 5, 30)]
    assert due_for_review(history, T0 + timedelta(days=10)) == ["a", "b"]


def test_weak_spots_are_the_same_point_missed_each_time() -> None:
    history = [tried("gil", 0, 40, {"io", "cpu"}), tried("gil", 3, 55, {"cpu"}),
               tried("mro", 0, 30, {"c3"}), tried("mro", 2, 70, {"super"}),  # a different miss each time: not weak
               tried("slots", 1, 20, {"memory", "dict", "limits"})]  # one attempt, three misses
    assert weak_spots(history) == ["slots", "gil"]


async def test_a_question_graded_low_is_asked_first_the_next_day_and_says_why() -> None:
    clock, repo, notes = FakeClock(), MemoryRepository(), RecordingNotifier()
    engine = InterviewEngine(synthetic_bank(per_round=6), OfflineScorer(), OfflineInterviewer(), repo, notes, clock)
    first = await engine.start(SessionRequest(user_id="u", rounds=(RoundKind.CORE,), level=Level.MID, questions=1,
                                              seed=1))
    weak_id = first.rounds[0].questions[0].question_id
    await engine.answer(first.id, "I am not sure about this one.")
    await engine.end(first.id)
    clock.advance(days=1)
    for seed in (2, 3, 4):  # whatever the shuffle, the review question leads
        again = await engine.start(SessionRequest(user_id="u", rounds=(RoundKind.CORE,), level=Level.MID,
                                                  questions=2, seed=seed))
        assert again.rounds[0].questions[0].question_id == weak_id
        await engine.end(again.id)
    assert any("back for review" in n.text for n in notes.of(ev.Notice))
