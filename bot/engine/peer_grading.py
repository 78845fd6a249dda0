"""Grading a peer turn: the interviewer's levels beside the offline scorer's, and what each side sees.

The human is a port like the offline scorer: :class:`HumanScorer` hands back a
:class:`~bot.engine.peer_state.HumanRating` (Discord asks with buttons, tests with a fake).  The
scorecard sets the two grades side by side and marks the criteria where they are two or more
levels apart: one level is within the offline scorer's usual spread, two is a real disagreement
worth a look.  A finished turn becomes an ordinary session in the candidate's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.engine.models import CriterionScore, Question, Rubric, ScoreResult
from bot.engine.peer_round import PeerEvent, human_score, rate
from bot.engine.peer_state import HumanRating, PeerError, PeerSession, PeerTurn
from bot.engine.ports import AnswerText, Scorer
from bot.engine.signals import signal_for
from bot.engine.state import (
    AnswerRecord,
    AskedQuestion,
    FollowUpAsked,
    QuestionStatus,
    RoundState,
    RoundStatus,
    SessionState,
    SessionStatus,
)

DISAGREE_AT = 2  # levels apart before the scorecard calls it a disagreement


@dataclass(frozen=True)
class CriterionBrief:
    id: str
    name: str
    levels: tuple[str, str, str, str]  # what 0, 1, 2 and 3 look like


@dataclass(frozen=True)
class InterviewerBrief:
    """What only the interviewer sees: the question, what a strong answer covers, how to grade it
    and what to ask next.  Never posted where the candidate can read it."""

    question_id: str
    title: str
    prompt: str
    strong_answer: tuple[str, ...]
    criteria: tuple[CriterionBrief, ...]
    followups: tuple[tuple[str, str], ...]  # (criterion id, text)


def brief_for(question: Question, rubric: Rubric) -> InterviewerBrief:
    return InterviewerBrief(
        question_id=question.id, title=question.title, prompt=question.prompt,
        strong_answer=tuple(question.strong_answer),
        criteria=tuple(CriterionBrief(c.id, c.name, (c.levels[0], c.levels[1], c.levels[2], c.levels[3]))
                       for c in rubric.criteria),
        followups=tuple((f.criterion, f.text) for f in question.followups))


class HumanScorer(Protocol):
    """The interviewer, asked for a level per criterion once the question is closed."""

    async def rate(self, brief: InterviewerBrief, answer: AnswerText) -> HumanRating: ...


@dataclass(frozen=True)
class CriterionView:
    id: str
    name: str
    human: int
    offline: int
    disagree: bool


@dataclass(frozen=True)
class Comparison:
    """Both grades of one answer, criterion by criterion."""

    human_score: int
    offline_score: int
    criteria: tuple[CriterionView, ...]
    note: str | None

    @property
    def disagreements(self) -> tuple[CriterionView, ...]:
        return tuple(c for c in self.criteria if c.disagree)


def compare(rubric: Rubric, rating: HumanRating, offline: ScoreResult) -> Comparison:
    machine = {c.id: c.score for c in offline.criteria}
    views = tuple(CriterionView(c.id, c.name, rating.levels[c.id], machine.get(c.id, 0),
                                abs(rating.levels[c.id] - machine.get(c.id, 0)) >= DISAGREE_AT)
                  for c in rubric.criteria)
    return Comparison(human_score(rubric, rating.levels), offline.score, views, rating.note)


def answer_text(turn: PeerTurn) -> AnswerText:
    return AnswerText([a.text for a in turn.answers])


class PeerGrader:
    """Runs the offline scorer on the candidate's words and records the interviewer's grade."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    async def grade(self, session: PeerSession, member: str, question: Question, rubric: Rubric,
                    levels: dict[str, int], note: str | None, now: datetime) -> list[PeerEvent]:
        """``member`` (the interviewer) submits ``levels``; the offline grade is taken alongside."""
        offline = await self.scorer.score(question, rubric, answer_text(_turn_of(session)), frozenset())
        return rate(session, member, rubric, levels, note, offline, now)

    async def ask_and_grade(self, session: PeerSession, human: HumanScorer, question: Question, rubric: Rubric,
                            now: datetime) -> list[PeerEvent]:
        """The same, with the levels asked of the :class:`HumanScorer` port."""
        turn = _turn_of(session)
        rating = await human.rate(brief_for(question, rubric), answer_text(turn))
        return await self.grade(session, turn.interviewer, question, rubric, rating.levels, rating.note, now)


def _turn_of(session: PeerSession) -> PeerTurn:
    """The turn being graded; whether this member may grade it is rate()'s call."""
    turn = session.current()
    if turn is None:
        raise PeerError("This peer interview is not running.")
    return turn


def history_id(session: PeerSession, position: int) -> str:
    """The candidate's history session for one turn: stable, so saving it twice is harmless."""
    return f"{session.id[:29]}pr{position}"


def as_history(session: PeerSession, turn: PeerTurn, user_id: str, question: Question, rubric: Rubric) -> SessionState:
    """One rated turn as an ordinary one-question round in the candidate's history.

    The grade of record is the interviewer's (it is a person's judgment, and what the candidate
    practised for); the offline score and any note travel with it in the result's notes.
    """
    if turn.rating is None or turn.offline is None or turn.asked_at is None:
        raise ValueError("only a rated turn goes into history")
    score = human_score(rubric, turn.rating.levels)
    notes = [f"Peer interview: rated by your partner; the offline scorer gave {turn.offline.score}."]
    if turn.rating.note:
        notes.append(f"Interviewer's note: {turn.rating.note}")
    result = ScoreResult(question=turn.question_id, scorer="peer", score=score, signal=signal_for(score),
                         criteria=[CriterionScore(id=c.id, score=turn.rating.levels[c.id]) for c in rubric.criteria],
                         missed=list(turn.offline.missed), notes=notes)
    asked = {f.criterion: f.text for f in question.followups}
    answers = [AnswerRecord(seq=i, kind="followup" if a.followup else "main", prompt=asked.get(a.followup or ""),
                            text=a.text, submitted_at=a.at) for i, a in enumerate(turn.answers)]
    asked_question = AskedQuestion(position=0, question_id=turn.question_id, rubric_version=rubric.version,
                             status=QuestionStatus.ANSWERED if answers else QuestionStatus.TIMED_OUT,
                             asked_at=turn.asked_at, deadline_at=turn.deadline_at,
                             followups=[FollowUpAsked(criterion=f.criterion, text=f.text)
                                        for c in turn.followups for f in question.followups if f.criterion == c],
                             answers=answers, result=result)
    ended = turn.ended_at or turn.rating.rated_at
    round_ = RoundState(position=0, kind=session.round, minutes=turn.minutes, status=RoundStatus.DONE,
                        started_at=turn.asked_at, deadline_at=turn.deadline_at, ended_at=ended,
                        questions=[asked_question], score=score)
    return SessionState(id=history_id(session, turn.position), user_id=user_id, mode="round", level=session.level,
                        guild_id=session.guild, track=session.track, seed=0, status=SessionStatus.COMPLETED,
                        created_at=turn.asked_at, ended_at=turn.rating.rated_at, last_active_at=turn.rating.rated_at,
                        rounds=[round_], score=score)
