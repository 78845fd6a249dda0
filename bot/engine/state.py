"""The state of a running or finished session: what was asked, answered and scored, and when.

The engine mutates these objects and hands them, with a :class:`Changes` record of what was
touched, to the Repository port, which persists exactly that in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from bot.engine.models import Level, RoundKind, ScoreResult, Track
from bot.engine.status import QuestionStatus, RoundStatus, SessionStatus

if TYPE_CHECKING:  # named in a dataclass field only; a scorecard needs the state without the thirty event classes
    from bot.engine.events import Event


class AnswerRecord(BaseModel):
    seq: int
    kind: Literal["main", "followup"]
    prompt: str | None = None  # the follow-up question this answers
    text: str
    submitted_at: datetime
    late: bool = False


class FollowUpAsked(BaseModel):
    criterion: str
    text: str


class AskedQuestion(BaseModel):
    position: int
    question_id: str
    rubric_version: int
    status: QuestionStatus = QuestionStatus.PENDING
    asked_at: datetime | None = None
    deadline_at: datetime | None = None
    hints: list[str] = Field(default_factory=list)  # criterion ids revealed by /hint
    followups: list[FollowUpAsked] = Field(default_factory=list)
    answers: list[AnswerRecord] = Field(default_factory=list)
    draft: str | None = None  # unfinished text saved when the user interrupted
    result: ScoreResult | None = None

    @property
    def awaiting_followup(self) -> bool:
        """True when the last thing asked was a follow-up that has no answer yet."""
        answered = sum(1 for a in self.answers if a.kind == "followup" and not a.late)
        return answered < len(self.followups)

    @property
    def score(self) -> int:
        return self.result.score if self.result else 0

    @property
    def counted(self) -> bool:
        """Whether this question counts towards the round score (it was put to the candidate)."""
        return self.status in (QuestionStatus.ANSWERED, QuestionStatus.SKIPPED, QuestionStatus.TIMED_OUT)


class RoundState(BaseModel):
    position: int
    kind: RoundKind
    minutes: int
    status: RoundStatus = RoundStatus.PENDING
    started_at: datetime | None = None
    deadline_at: datetime | None = None
    ended_at: datetime | None = None
    warnings_sent: list[str] = Field(default_factory=list)
    questions: list[AskedQuestion]
    score: int | None = None

    def current(self) -> AskedQuestion | None:
        for question in self.questions:
            if question.status == QuestionStatus.ACTIVE:
                return question
        return None


class SessionState(BaseModel):
    id: str
    user_id: str
    mode: Literal["round", "loop"]
    level: Level
    guild_id: str | None = None  # the chat server it runs in (budgets per server); None in the terminal
    track: Track
    seed: int
    status: SessionStatus = SessionStatus.ACTIVE
    created_at: datetime
    ended_at: datetime | None = None
    last_active_at: datetime
    rounds: list[RoundState]
    score: int | None = None

    def current_round(self) -> RoundState | None:
        for round_ in self.rounds:
            if round_.status == RoundStatus.ACTIVE:
                return round_
        return None

    def locate(self, round_pos: int, question_pos: int) -> AskedQuestion:
        return self.rounds[round_pos].questions[question_pos]

    @property
    def finished(self) -> bool:
        return self.status in (SessionStatus.COMPLETED, SessionStatus.ENDED_EARLY)


@dataclass
class Changes:
    """What one engine step touched, so the repository writes only that."""

    session: bool = False  # the session row itself (status, score, last activity)
    rounds: set[int] = field(default_factory=set)
    questions: set[tuple[int, int]] = field(default_factory=set)
    answers: list[tuple[int, int, AnswerRecord]] = field(default_factory=list)
    final: set[tuple[int, int]] = field(default_factory=set)  # questions whose grade is settled
    regraded: set[tuple[int, int]] = field(default_factory=set)  # settled before, settled again (late answers)
    # What the step announces, stored with it when the notifier delivers from storage (an outbox):
    # then a crash between saving and showing cannot leave the user looking at an old question.
    events: list[Event] = field(default_factory=list)

    def touch(self, round_pos: int, question_pos: int | None = None) -> None:
        """Mark a round row (no ``question_pos``) or one question row as changed."""
        if question_pos is None:
            self.rounds.add(round_pos)
        else:
            self.questions.add((round_pos, question_pos))
