"""The state of a peer mock interview: two members, two turns, roles swapped between them.

Kept as plain pydantic data so storage can write it whole and a restarted bot can carry on from
exactly where the pair was; the rules that move it live in :mod:`bot.engine.peer_round`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from bot.engine.errors import EngineError
from bot.engine.models import Level, RoundKind, ScoreResult, Track


class PeerError(EngineError):
    """A peer action that does not fit the moment (wrong person, wrong phase); one sentence."""


class PeerStatus(StrEnum):
    CONFIRMING = "confirming"  # paired, waiting for both to say they are here
    RUNNING = "running"
    FINISHED = "finished"  # both turns rated
    ABANDONED = "abandoned"  # someone left mid-session
    DROPPED = "dropped"  # someone did not confirm in time


class Phase(StrEnum):
    WAITING = "waiting"  # the interviewer has not posted the question yet
    ASKED = "asked"  # the candidate is answering, the clock runs
    RATING = "rating"  # time is up or the interviewer closed it; the interviewer rates
    DONE = "done"


class HumanRating(BaseModel):
    """The interviewer's grade: a level 0-3 per rubric criterion, and an optional note."""

    levels: dict[str, int]
    note: str | None = None
    rated_at: datetime


class InterviewerRating(BaseModel):
    """How the candidate found their interviewer, each 0-3."""

    clarity: int = Field(ge=0, le=3)
    followups: int = Field(ge=0, le=3)
    time_keeping: int = Field(ge=0, le=3)
    note: str | None = None
    rated_at: datetime


class PeerAnswer(BaseModel):
    text: str
    at: datetime
    followup: str | None = None  # the follow-up this answers, when it was one


class PeerTurn(BaseModel):
    """One direction of the session: who asks, who answers, what, and how it went."""

    position: int
    interviewer: str
    candidate: str
    question_id: str
    minutes: int
    phase: Phase = Phase.WAITING
    asked_at: datetime | None = None
    deadline_at: datetime | None = None
    ended_at: datetime | None = None
    followups: list[str] = Field(default_factory=list)  # criterion ids whose follow-up was posted
    answers: list[PeerAnswer] = Field(default_factory=list)
    rating: HumanRating | None = None
    offline: ScoreResult | None = None
    human_score: int | None = None


class PeerSession(BaseModel):
    id: str
    guild: str | None = None
    channel: str | None = None  # where the thread opens: the channel the first member asked from
    members: tuple[str, str]  # the first interviews first
    round: RoundKind
    level: Level
    track: Track
    created_at: datetime
    confirm_by: datetime
    confirmed: list[str] = Field(default_factory=list)
    status: PeerStatus = PeerStatus.CONFIRMING
    left_by: str | None = None
    ended_at: datetime | None = None
    turns: list[PeerTurn]
    interviewer_ratings: dict[str, InterviewerRating] = Field(default_factory=dict)  # by the rater

    def current(self) -> PeerTurn | None:
        """The turn in play: the first not yet done, while the session runs."""
        if self.status != PeerStatus.RUNNING:
            return None
        return next((turn for turn in self.turns if turn.phase != Phase.DONE), None)

    def partner(self, member: str) -> str:
        if member not in self.members:
            raise PeerError("You are not part of this peer interview.")
        return self.members[1] if member == self.members[0] else self.members[0]

    @property
    def live(self) -> bool:
        return self.status in (PeerStatus.CONFIRMING, PeerStatus.RUNNING)
