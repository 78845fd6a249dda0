"""Peer interviews in the engine: who is paired, and a whole two-sided session on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.engine.clock import FakeClock
from bot.engine.models import Level, RoundKind, Track
from bot.engine.peer import QueueEntry, blocked_key, no_show, pick_pairs, requeued
from bot.engine.peer_grading import InterviewerBrief, PeerGrader, answer_text, as_history, brief_for, compare
from bot.engine.peer_round import (
    answer,
    ask,
    close,
    confirm,
    expire,
    follow_up,
    leave,
    new_session,
    pick_questions,
    rate_interviewer,
    tick,
)
from bot.engine.peer_state import HumanRating, PeerError, PeerSession, PeerStatus, Phase
from bot.engine.ports import AnswerText
from bot.scoring.offline import OfflineScorer
from tests.fakes import synthetic_bank

T0 = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
FULL = "Alpha matters because of load. Bravo matters because traffic spikes. Charlie matters because we retry."


def entry(member: str, minute: int = 0, round_: RoundKind = RoundKind.CORE, level: Level = Level.MID,
          track: Track = Track.ANY, start: int = 0, guild: str | None = "g") -> QueueEntry:
    return QueueEntry(member, round_, level, track, T0 + timedelta(minutes=minute), T0 + timedelta(minutes=start),
                      guild)


def test_pairs_need_the_same_round_level_and_server_and_tracks_that_fit() -> None:
    queue = [entry("a", 0), entry("b", 1, round_=RoundKind.DESIGN), entry("c", 2, level=Level.SENIOR),
             entry("d", 3, track=Track.DJANGO), entry("e", 4, track=Track.FASTAPI), entry("f", 5, guild="other")]
    pairs = pick_pairs(queue, [], T0 + timedelta(minutes=10))
    assert [p.members for p in pairs] == [("a", "d")]  # any fits django; nobody else has a match
    assert pairs[0].track == Track.DJANGO
    assert pick_pairs([entry("d", 0, track=Track.DJANGO), entry("e", 1, track=Track.FASTAPI)], [], T0) == []


def test_blocked_members_are_never_paired_whoever_blocked_whom() -> None:
    queue = [entry("a", 0), entry("b", 1), entry("c", 2)]
    pairs = pick_pairs(queue, [blocked_key("b", "a")], T0)
    assert [p.members for p in pairs] == [("a", "c")]
    assert pick_pairs(queue[:2], [blocked_key("a", "b")], T0) == []


def test_the_queue_is_served_in_order_with_requeued_members_first_and_future_slots_waiting() -> None:
    queue = [entry("a", 0), entry("b", 1), entry("c", 2, start=30), requeued(entry("z", 9))]
    pairs = pick_pairs(queue, [], T0)
    assert [p.members for p in pairs] == [("z", "a")]  # z was sent back after a no-show: served first
    later = pick_pairs(queue, [], T0 + timedelta(minutes=30))
    assert sorted(m for p in later for m in p.members) == ["a", "b", "c", "z"]


def test_nobody_is_in_two_pairs_of_one_pass() -> None:
    queue = [entry(f"m{i}", i % 7, level=[Level.MID, Level.SENIOR][i % 2]) for i in range(101)]
    pairs = pick_pairs(queue, [blocked_key("m0", "m2")], T0 + timedelta(hours=1))
    members = [m for p in pairs for m in p.members]
    assert len(members) == len(set(members)) and len(pairs) == 50  # one left over, by parity of the levels
    assert all(p.first.level == p.second.level for p in pairs)


def test_a_no_show_is_dropped_and_the_other_goes_back() -> None:
    outcome = no_show(("a", "b"), ["b"])
    assert outcome is not None and outcome.dropped == ("a",) and outcome.requeued == ("b",)
    assert no_show(("a", "b"), ["a", "b"]) is None


def _session(clock: FakeClock, minutes: int = 5) -> tuple[PeerSession, dict[str, object]]:
    bank = synthetic_bank()
    pair = pick_pairs([entry("ann", 0), entry("bob", 1)], [], T0)[0]
    questions = pick_questions(bank.eligible(RoundKind.CORE, Level.MID, Track.ANY), (set(), {"core.q0"}), "seed")
    return new_session("p" * 32, pair, questions, minutes, clock.now()), {"bank": bank}


async def test_a_whole_peer_session_both_ways_with_grades_side_by_side() -> None:
    clock = FakeClock(T0)
    session, ctx = _session(clock)
    bank = ctx["bank"]
    first, second = session.turns
    assert first.question_id != second.question_id and first.question_id != "core.q0"  # bob met core.q0 lately
    assert (first.interviewer, first.candidate) == ("ann", "bob")
    assert confirm(session, "ann", clock.now()) == []
    assert [e.kind for e in confirm(session, "bob", clock.now())] == ["ready"]
    with pytest.raises(PeerError, match="interviewer"):
        ask(session, "bob", clock.now())
    ask(session, "ann", clock.now())
    with pytest.raises(PeerError, match="candidate"):
        answer(session, "ann", "I answer my own question", clock.now())
    question, rubric = bank.get(first.question_id), bank.rubric(first.question_id)  # type: ignore[attr-defined]
    answer(session, "bob", "Alpha matters because of load.", clock.now())
    follow_up(session, "ann", question, "c-bravo", clock.now())
    answer(session, "bob", "Bravo matters because traffic spikes.", clock.now())
    assert first.answers[1].followup == "c-bravo"
    close(session, "ann", clock.now())
    grader = PeerGrader(OfflineScorer())
    with pytest.raises(PeerError, match="missing: c-charlie"):
        await grader.grade(session, "ann", question, rubric, {"c-alpha": 3, "c-bravo": 3}, None, clock.now())
    events = await grader.grade(session, "ann", question, rubric, {"c-alpha": 3, "c-bravo": 3, "c-charlie": 3},
                                "Clear and concrete.", clock.now())
    assert [e.kind for e in events] == ["swapped"] and session.current() is second
    comparison = compare(rubric, first.rating, first.offline)  # type: ignore[arg-type]
    assert comparison.human_score == 100 and comparison.offline_score < 100
    assert [c.id for c in comparison.disagreements] == ["c-charlie"]  # never mentioned, rated 3 by ann

    clock.advance(minutes=1)
    ask(session, "bob", clock.now())
    answer(session, "ann", FULL, clock.now())
    clock.advance(minutes=5)  # time runs out
    with pytest.raises(PeerError, match="no open question"):
        answer(session, "ann", "one more thing", clock.now())
    assert second.phase == Phase.RATING and second.ended_at == second.deadline_at
    q2, r2 = bank.get(second.question_id), bank.rubric(second.question_id)  # type: ignore[attr-defined]
    events = await grader.grade(session, "bob", q2, r2, {"c-alpha": 2, "c-bravo": 2, "c-charlie": 2}, None,
                                clock.now())
    assert [e.kind for e in events] == ["finished"] and session.status == PeerStatus.FINISHED
    rate_interviewer(session, "bob", 3, 2, 3, "good pacing", clock.now())
    with pytest.raises(PeerError, match="already"):
        rate_interviewer(session, "bob", 3, 3, 3, None, clock.now())
    with pytest.raises(PeerError, match="0 to 3"):
        rate_interviewer(session, "ann", 4, 3, 3, None, clock.now())

    history = as_history(session, first, "u-bob", question, rubric)
    assert history.user_id == "u-bob" and history.score == 100 and history.rounds[0].kind == RoundKind.CORE
    asked = history.rounds[0].questions[0]
    assert [a.kind for a in asked.answers] == ["main", "followup"] and (asked.answers[1].prompt or "").startswith("What about")
    assert asked.result is not None and asked.result.scorer == "peer" and "Clear and concrete." in asked.result.notes[1]


def test_confirmation_runs_out_and_the_silent_member_is_dropped() -> None:
    clock = FakeClock(T0)
    session, _ = _session(clock)
    confirm(session, "bob", clock.now())
    assert expire(session, clock.now() + timedelta(seconds=59)) is None
    outcome = expire(session, clock.now() + timedelta(minutes=1))
    assert outcome is not None and outcome.dropped == ("ann",) and session.status == PeerStatus.DROPPED
    with pytest.raises(PeerError, match="over"):
        confirm(session, "ann", clock.now() + timedelta(minutes=2))


def test_leaving_mid_session_ends_it_for_both_and_strangers_cannot_act() -> None:
    clock = FakeClock(T0)
    session, _ = _session(clock)
    confirm(session, "ann", clock.now())
    confirm(session, "bob", clock.now())
    ask(session, "ann", clock.now())
    with pytest.raises(PeerError, match="not part"):
        leave(session, "eve", clock.now())
    assert [e.kind for e in leave(session, "bob", clock.now())] == ["left"]
    assert session.status == PeerStatus.ABANDONED and session.left_by == "bob" and session.current() is None
    with pytest.raises(PeerError, match="not running"):
        answer(session, "bob", "too late", clock.now())


def test_the_clock_closes_the_question_exactly_at_its_deadline() -> None:
    clock = FakeClock(T0)
    session, _ = _session(clock, minutes=2)
    confirm(session, "ann", clock.now())
    confirm(session, "bob", clock.now())
    ask(session, "ann", clock.now())
    assert tick(session, clock.now() + timedelta(seconds=119)) == []
    closed = tick(session, clock.now() + timedelta(minutes=3))
    assert [e.kind for e in closed] == ["closed"] and closed[0].text == "time is up"


async def test_the_human_scorer_port_supplies_the_interviewers_levels() -> None:
    clock = FakeClock(T0)
    session, ctx = _session(clock)
    bank = ctx["bank"]
    turn = session.turns[0]
    question, rubric = bank.get(turn.question_id), bank.rubric(turn.question_id)  # type: ignore[attr-defined]
    seen: list[tuple[str, str]] = []

    class Human:
        async def rate(self, brief: InterviewerBrief, answer: AnswerText) -> HumanRating:
            seen.append((brief.question_id, answer.joined))
            return HumanRating(levels={c.id: 1 for c in brief.criteria}, note=None, rated_at=clock.now())

    confirm(session, "ann", clock.now())
    confirm(session, "bob", clock.now())
    ask(session, "ann", clock.now())
    answer(session, "bob", FULL, clock.now())
    close(session, "ann", clock.now())
    await PeerGrader(OfflineScorer()).ask_and_grade(session, Human(), question, rubric, clock.now())
    assert seen == [(turn.question_id, answer_text(turn).joined)] and turn.human_score == 33
    brief = brief_for(question, rubric)
    assert brief.strong_answer and all(len(c.levels) == 4 for c in brief.criteria)
