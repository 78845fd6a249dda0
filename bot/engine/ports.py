"""The engine's needs, as Protocols. Adapters (console, Discord, storage, LLM) implement them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.engine.models import CodeCheck, CodingTask, Level, Question, RoundKind, Rubric, ScoreResult, Track

if TYPE_CHECKING:  # named in signatures only: a command that grades one answer needs no session or event classes
    from bot.engine.events import Event
    from bot.engine.review import Attempt
    from bot.engine.state import Changes, FollowUpAsked, SessionState


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep_until(self, when: datetime) -> None: ...


class QuestionBank(Protocol):
    def get(self, question_id: str) -> Question: ...

    def rubric(self, question_id: str) -> Rubric: ...

    def eligible(self, round_: RoundKind, level: Level, track: Track) -> list[Question]: ...


@dataclass(frozen=True)
class AnswerText:
    """Everything the candidate said for one question, answer by answer, in order."""

    parts: Sequence[str]

    @property
    def joined(self) -> str:
        return "\n\n".join(p for p in self.parts if p.strip())


class Scorer(Protocol):
    """Grades an answer against a rubric; ``hinted`` criteria are capped (the idea was given).

    ``instant`` scorers (no network) grade inside the same commit as the answer; for slow
    ones the engine commits the answer first, so a hung model can never lose it.
    """

    name: str
    instant: bool

    async def score(
        self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]
    ) -> ScoreResult: ...


@dataclass(frozen=True)
class Hint:
    criterion: str
    text: str


class Interviewer(Protocol):
    """Decides what the interviewer says beyond the question itself."""

    async def follow_up(
        self,
        question: Question,
        rubric: Rubric,
        answer: AnswerText,
        result: ScoreResult,
        asked: Sequence[FollowUpAsked],
        *,
        level: Level,
    ) -> FollowUpAsked | None: ...

    async def hint(
        self, question: Question, rubric: Rubric, answer: AnswerText, result: ScoreResult | None, hinted: Sequence[str],
        *, level: Level,
    ) -> Hint | None:
        """A nudge toward one key point not yet shown; ``answer`` is what was said so far (maybe nothing)."""
        ...


class Repository(Protocol):
    async def ensure_user(self, external_id: str, display_name: str) -> str:
        """Return the internal user id for an external identity, creating the user once."""
        ...

    async def create_session(self, state: SessionState) -> None: ...

    async def save(self, state: SessionState, changes: Changes) -> None:
        """Persist the session row and everything ``changes`` names, in one transaction."""
        ...

    async def load_session(self, session_id: str) -> SessionState | None: ...

    async def resumable_session(self, user_id: str) -> str | None:
        """The newest active or interrupted session of this user, if any."""
        ...

    async def recent_question_ids(self, user_id: str, sessions: int) -> set[str]: ...

    async def attempts(self, user_id: str, sessions: int) -> list[Attempt]:
        """The graded answers of the user's last ``sessions`` sessions, oldest first."""
        ...

    async def list_sessions(self, user_id: str, limit: int) -> list[SessionState]: ...


class Notifier(Protocol):
    async def publish(self, session_id: str, event: Event) -> None: ...


@dataclass(frozen=True)
class DebriefPart:
    """A piece of the closing debrief as it arrives; ``source`` says who wrote it and, if the
    model could not, ``fallback_reason`` says why, so the adapter can tell the user."""

    text: str
    source: str  # "llm" or "offline"
    fallback_reason: str | None = None


class Debriefer(Protocol):
    """The interviewer's closing words after the scorecard: what went well, what to work on."""

    def debrief(self, state: SessionState) -> AsyncIterator[DebriefPart]: ...


class UserData(Protocol):
    """A user's own data, for privacy requests."""

    async def find(self, external_id: str) -> str | None:
        """Our user id for an external identity, without creating one."""
        ...

    async def export(self, user_id: str) -> dict[str, Any]: ...

    async def forget(self, user_id: str) -> int:
        """Delete everything of this user; returns how many sessions were deleted."""
        ...

    async def forget_external(self, external_id: str) -> int | None:
        """Delete everything stored about an external identity, with or without a user row (its id
        may sit in rows no user owns); how many sessions went, or None when nothing was stored."""
        ...


class CodeRunner(Protocol):
    """Runs a coding answer against its task's examples and hidden cases, isolated from the bot."""

    async def check(self, question_id: str, task: CodingTask, source: str) -> CodeCheck:
        """Grade ``source``; when no sandbox works the result says ``sandbox="none"`` and nothing ran."""
        ...
