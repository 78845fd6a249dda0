"""What the engine tells adapters: each event is rendered by the console or Discord as it likes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.engine.models import CodeCheck, Question, RoundKind, ScoreResult


@dataclass(frozen=True)
class RoundStarted:
    round_pos: int
    kind: RoundKind
    minutes: int
    questions: int
    rounds_total: int
    deadline_at: datetime


@dataclass(frozen=True)
class QuestionAsked:
    round_pos: int
    question_pos: int
    number: int
    total: int
    question: Question
    deadline_at: datetime
    round_deadline_at: datetime


@dataclass(frozen=True)
class FollowUpAsked:
    round_pos: int
    question_pos: int
    text: str
    criterion: str


@dataclass(frozen=True)
class HintGiven:
    round_pos: int
    question_pos: int
    text: str
    criterion_name: str


@dataclass(frozen=True)
class NoHintLeft:
    round_pos: int
    question_pos: int


@dataclass(frozen=True)
class AnswerRecorded:
    round_pos: int
    question_pos: int
    late: bool


@dataclass(frozen=True)
class SkipConfirmationNeeded:
    """An empty answer is never scored silently: the adapter asks whether to skip."""

    round_pos: int
    question_pos: int


@dataclass(frozen=True)
class AnswerRejected:
    reason: str


@dataclass(frozen=True)
class TimeWarning:
    round_pos: int
    kind: str  # "halfway" or "two_minutes"
    remaining_seconds: int


@dataclass(frozen=True)
class QuestionClosed:
    round_pos: int
    question_pos: int
    reason: str  # "answered", "skipped", "timed_out"
    result: ScoreResult | None


@dataclass(frozen=True)
class RoundEnded:
    round_pos: int
    kind: RoundKind
    score: int | None
    reason: str  # "completed", "timed_out", "ended"


@dataclass(frozen=True)
class SessionEnded:
    session_id: str
    score: int | None
    reason: str  # "completed", "ended"


@dataclass(frozen=True)
class Notice:
    text: str


@dataclass(frozen=True)
class CodeChecked:
    """A coding answer was run against its tests; shown at once, before any follow-up."""

    round_pos: int
    question_pos: int
    check: CodeCheck


@dataclass(frozen=True)
class ClockPaused:
    """The bot waited ``seconds`` on the model (or another slow grader); the clock was stopped meanwhile,
    so the deadlines moved by that much.  Adapters showing a countdown take the new ones."""

    round_pos: int
    question_pos: int | None
    seconds: float
    deadline_at: datetime | None  # the current question's, if one is open
    round_deadline_at: datetime


Event = (
    RoundStarted
    | QuestionAsked
    | FollowUpAsked
    | HintGiven
    | NoHintLeft
    | AnswerRecorded
    | SkipConfirmationNeeded
    | AnswerRejected
    | TimeWarning
    | QuestionClosed
    | RoundEnded
    | SessionEnded
    | Notice
    | CodeChecked
    | ClockPaused
)
