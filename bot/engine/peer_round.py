"""The rules of a peer session: who may do what, when, and what it leads to.

Every step takes the time it happens at (injected, never read here) and returns the events the
pair should hear about; a step that does not fit raises :class:`PeerError` with one sentence and
changes nothing, so a stray button press cannot knock the session out of shape.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.engine.limits import MAX_ANSWER_CHARS, MAX_FOLLOWUPS, clean_text
from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.peer import CONFIRM_WITHIN, NoShow, Pair, no_show
from bot.engine.peer_state import (
    HumanRating,
    InterviewerRating,
    PeerAnswer,
    PeerError,
    PeerSession,
    PeerStatus,
    PeerTurn,
    Phase,
)
from bot.engine.signals import combine

MAX_NOTE_CHARS = 1_000


@dataclass(frozen=True)
class PeerEvent:
    """Something the pair should be told; ``kind`` names it for the adapters' wording."""

    kind: str  # ready, asked, followup, closed, swapped, finished, left, dropped
    turn: int | None = None
    text: str | None = None
    member: str | None = None


def new_session(session_id: str, pair: Pair, questions: tuple[str, str], minutes: int, now: datetime) -> PeerSession:
    """A freshly paired session: both must confirm within :data:`CONFIRM_WITHIN`."""
    first, second = pair.members
    turns = [PeerTurn(position=0, interviewer=first, candidate=second, question_id=questions[0], minutes=minutes),
             PeerTurn(position=1, interviewer=second, candidate=first, question_id=questions[1], minutes=minutes)]
    return PeerSession(id=session_id, guild=pair.first.guild, channel=pair.first.channel or pair.second.channel,
                       members=pair.members, round=pair.first.round,
                       level=pair.first.level, track=pair.track, created_at=now, confirm_by=now + CONFIRM_WITHIN,
                       turns=turns)


def pick_questions(eligible: Sequence[Question], seen: tuple[set[str], set[str]], seed: str) -> tuple[str, str]:
    """Two different questions, the first for the first candidate (the second member), each
    preferably one its candidate has not met lately.  ``seed`` makes the choice repeatable."""
    if len(eligible) < 2:
        raise PeerError("There are not two questions for this round and level; try another level or track.")

    def rank(question: Question, candidate_seen: set[str]) -> tuple[bool, str]:
        return (question.id in candidate_seen, hashlib.sha256(f"{seed}:{question.id}".encode()).hexdigest())

    first = min(eligible, key=lambda q: rank(q, seen[1]))
    second = min((q for q in eligible if q.id != first.id), key=lambda q: rank(q, seen[0]))
    return (first.id, second.id)


def confirm(session: PeerSession, member: str, now: datetime) -> list[PeerEvent]:
    """Say 'I am here'; once both have, the first turn can begin."""
    session.partner(member)
    if session.status != PeerStatus.CONFIRMING:
        if session.status == PeerStatus.RUNNING:
            return []
        raise PeerError("This pairing is over; join the queue again with /peer join.")
    if now >= session.confirm_by:
        raise PeerError("The minute to confirm has passed; this pairing was dropped.")
    if member not in session.confirmed:
        session.confirmed.append(member)
    if set(session.confirmed) != set(session.members):
        return []
    session.status = PeerStatus.RUNNING
    return [PeerEvent("ready", turn=0, member=session.turns[0].interviewer)]


def expire(session: PeerSession, now: datetime) -> NoShow | None:
    """At the confirmation deadline: drop the pairing if someone stayed silent."""
    if session.status != PeerStatus.CONFIRMING or now < session.confirm_by:
        return None
    outcome = no_show(session.members, session.confirmed)
    if outcome is not None:
        session.status = PeerStatus.DROPPED
        session.ended_at = now
    return outcome


def _turn_for(session: PeerSession, member: str, role: str) -> PeerTurn:
    turn = session.current()
    if turn is None:
        raise PeerError("This peer interview is not running.")
    if getattr(turn, role) != member:
        raise PeerError(f"Only the {role} can do that in this turn.")
    return turn


def ask(session: PeerSession, member: str, now: datetime) -> list[PeerEvent]:
    """The interviewer posts the question; the candidate's clock starts."""
    turn = _turn_for(session, member, "interviewer")
    if turn.phase != Phase.WAITING:
        raise PeerError("The question is already posted.")
    turn.phase = Phase.ASKED
    turn.asked_at = now
    turn.deadline_at = now + timedelta(minutes=turn.minutes)
    return [PeerEvent("asked", turn=turn.position, text=turn.question_id)]


def follow_up(session: PeerSession, member: str, question: Question, criterion: str, now: datetime) -> list[PeerEvent]:
    """The interviewer posts one of the question's follow-ups (at most :data:`MAX_FOLLOWUPS`)."""
    turn = _turn_for(session, member, "interviewer")
    tick(session, now)
    if turn.phase != Phase.ASKED:
        raise PeerError("Follow-ups can be posted only while the candidate is answering.")
    chosen = next((f for f in question.followups if f.criterion == criterion), None)
    if chosen is None:
        raise PeerError("That follow-up does not belong to this question.")
    if criterion in turn.followups:
        raise PeerError("That follow-up was already asked.")
    if len(turn.followups) >= MAX_FOLLOWUPS:
        raise PeerError(f"{MAX_FOLLOWUPS} follow-ups is the limit for one question; move on when ready.")
    turn.followups.append(criterion)
    return [PeerEvent("followup", turn=turn.position, text=chosen.text)]


def answer(session: PeerSession, member: str, text: str, now: datetime) -> list[PeerEvent]:
    """The candidate's words (text or code), kept in order; nothing is taken after time is up."""
    turn = _turn_for(session, member, "candidate")
    closed = tick(session, now)
    if turn.phase != Phase.ASKED:
        raise PeerError("There is no open question for you to answer right now.")
    cleaned = clean_text(text)[:MAX_ANSWER_CHARS]
    if not cleaned.strip():
        raise PeerError("That answer is empty.")
    latest = turn.followups[-1] if turn.followups else None
    answered = {a.followup for a in turn.answers}
    turn.answers.append(PeerAnswer(text=cleaned, at=now, followup=latest if latest not in answered else None))
    return closed


def close(session: PeerSession, member: str, now: datetime) -> list[PeerEvent]:
    """The interviewer moves on before the clock runs out."""
    turn = _turn_for(session, member, "interviewer")
    if turn.phase != Phase.ASKED:
        raise PeerError("There is no open question to close.")
    return _close(turn, now, "moved on")


def tick(session: PeerSession, now: datetime) -> list[PeerEvent]:
    """Close the open question when its time is up (called by the timer, and before each step)."""
    turn = session.current()
    if turn is None or turn.phase != Phase.ASKED or turn.deadline_at is None or now < turn.deadline_at:
        return []
    return _close(turn, turn.deadline_at, "time is up")


def _close(turn: PeerTurn, now: datetime, why: str) -> list[PeerEvent]:
    turn.phase = Phase.RATING
    turn.ended_at = now
    return [PeerEvent("closed", turn=turn.position, text=why, member=turn.interviewer)]


def check_levels(rubric: Rubric, levels: dict[str, int]) -> None:
    """Every criterion rated once, 0-3; nothing else."""
    wanted = {c.id for c in rubric.criteria}
    if set(levels) != wanted:
        missing = sorted(wanted - set(levels))
        raise PeerError(f"Rate every criterion before submitting (missing: {', '.join(missing) or 'none'}).")
    if any(not 0 <= level <= 3 for level in levels.values()):
        raise PeerError("Each criterion is rated from 0 to 3.")


def human_score(rubric: Rubric, levels: dict[str, int]) -> int:
    """The interviewer's levels as 0-100, by the same weights as every other scorer."""
    return combine([(c.weight, levels[c.id]) for c in rubric.criteria])


def rate(session: PeerSession, member: str, rubric: Rubric, levels: dict[str, int], note: str | None,
         offline: ScoreResult, now: datetime) -> list[PeerEvent]:
    """The interviewer's grade lands beside the offline scorer's; then roles swap, or it ends."""
    tick(session, now)
    turn = _turn_for(session, member, "interviewer")
    if turn.phase != Phase.RATING:
        raise PeerError("Rate the answer once the question is closed.")
    check_levels(rubric, levels)
    clean_note = clean_text(note)[:MAX_NOTE_CHARS].strip() if note else None
    turn.rating = HumanRating(levels=dict(levels), note=clean_note or None, rated_at=now)
    turn.offline = offline
    turn.human_score = human_score(rubric, levels)
    turn.phase = Phase.DONE
    if turn.position == 0:
        return [PeerEvent("swapped", turn=1, member=session.turns[1].interviewer)]
    session.status = PeerStatus.FINISHED
    session.ended_at = now
    return [PeerEvent("finished")]


def rate_interviewer(session: PeerSession, member: str, clarity: int, followups: int, time_keeping: int,
                     note: str | None, now: datetime) -> None:
    """A candidate's view of their interviewer, once, after they have been interviewed."""
    session.partner(member)
    mine = next(t for t in session.turns if t.candidate == member)
    if mine.phase != Phase.DONE:
        raise PeerError("You can rate your interviewer once your own turn is rated.")
    if member in session.interviewer_ratings:
        raise PeerError("You already rated your interviewer.")
    clean_note = clean_text(note)[:MAX_NOTE_CHARS].strip() if note else None
    try:
        rating = InterviewerRating(clarity=clarity, followups=followups, time_keeping=time_keeping,
                                   note=clean_note or None, rated_at=now)
    except ValueError as exc:
        raise PeerError("Each interviewer rating is from 0 to 3.") from exc
    session.interviewer_ratings[member] = rating


def leave(session: PeerSession, member: str, now: datetime) -> list[PeerEvent]:
    """Leaving mid-session ends it for both; turns already rated still count."""
    session.partner(member)
    if not session.live:
        raise PeerError("This peer interview has already ended.")
    session.status = PeerStatus.ABANDONED
    session.left_by = member
    session.ended_at = now
    return [PeerEvent("left", member=member)]
