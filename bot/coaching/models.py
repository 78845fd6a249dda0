"""The coaching loop's data: its state, which an adapter stores between messages, and its replies.

Everything here is a validated pydantic model so that a Discord session can write the state
as JSON after one message and read it back, unchanged, when the next message arrives (maybe in
another process, after a restart).  The analysis of every attempt is kept inside the state
rather than recomputed: if the analyser changes between two messages, a comparison must still
compare what the candidate was shown.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bot.scoring.star_models import StarAnalysis

STATE_VERSION = 1
REVISIONS = 3  # revisions per round of coaching; more() grants this many again
Change = Literal["better", "worse", "same"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Theme(StrEnum):
    """What the story is about: the behavioral themes of the loop, or a topic the user picked."""

    INCIDENT = "incident"
    OWNERSHIP = "ownership"
    MENTORING = "mentoring"
    CONFLICT = "conflict"
    OWN = "own"


class Phase(StrEnum):
    """Where the loop is; see ``bot.coaching.coach`` for the transitions between them."""

    AWAITING_STORY = "awaiting_story"  # the prompt is out, no usable story yet
    REVISING = "revising"  # a story was analysed and a suggestion is out
    WRAPPED_UP = "wrapped_up"  # revisions used up or the user finished; more() reopens it


class ReplyKind(StrEnum):
    PROMPT = "prompt"  # the opening question
    ANALYSED = "analysed"  # the first usable telling, with its first suggestion
    REVISED = "revised"  # a revision, compared with the one before it
    UNUSABLE = "unusable"  # the text could not be analysed; nothing changed
    MORE = "more"  # more revisions granted
    WRAPPED_UP = "wrapped_up"  # the summary of the whole loop
    NOT_NOW = "not_now"  # a request that does not fit the current phase; nothing changed


class Suggestion(_Frozen):
    """One thing to change next: why (what was found) and a question that invites the change."""

    key: str = Field(description="stable id, e.g. 'measure'; tests and adapters may rely on it")
    question: str
    why: str
    repeated: bool = Field(default=False, description="the same suggestion was out for the previous version")


class PartChange(_Frozen):
    part: str
    before: int = Field(ge=0, le=3, description="0 when the part was missing")
    after: int = Field(ge=0, le=3)
    change: Change


class Comparison(_Frozen):
    """What changed from one version of the story to the next, as data and as sentences."""

    parts: list[PartChange]
    metrics_added: list[str]
    metrics_removed: list[str]
    first_person_before: float | None
    first_person_after: float | None
    seconds_before: int
    seconds_after: int
    length_change: Change
    score_before: int
    score_after: int
    improved: list[str] = Field(description="what got better, most important first")
    worse: list[str] = Field(description="what got worse, most important first")
    addressed: bool | None = Field(default=None, description="whether the suggestion given before this version was taken")

    @property
    def score_delta(self) -> int:
        return self.score_after - self.score_before


class Attempt(_Frozen):
    """One usable telling of the story and what the analysis made of it."""

    text: str
    analysis: StarAnalysis
    at: AwareDatetime
    saved: bool = Field(default=False, description="already a version in the story bank")

    @property
    def score(self) -> int:
        return self.analysis.score or 0


class CoachState(_Frozen):
    """Everything needed to carry on the loop later; ``model_dump_json`` / ``model_validate_json``."""

    version: Literal[1] = 1  # STATE_VERSION; bump both when a stored state needs migrating
    phase: Phase
    theme: Theme
    topic: str | None = None
    prompt: str
    attempts: list[Attempt] = Field(default_factory=list)
    revision_limit: int = Field(default=REVISIONS, ge=0)
    asked: list[str] = Field(default_factory=list, description="suggestion keys given, oldest first")
    pending: str | None = Field(default=None, description="the suggestion the next revision answers, if one is out")
    story_id: str | None = Field(default=None, description="the bank story being revised, if any")
    started_at: AwareDatetime

    @property
    def revisions(self) -> int:
        """Revisions made so far; the first attempt is the story itself, not a revision."""
        return max(0, len(self.attempts) - 1)

    @property
    def revisions_left(self) -> int:
        return max(0, self.revision_limit - self.revisions)

    @property
    def latest(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None


class WrapUp(_Frozen):
    """The end of a round of coaching: where the story started, where it is, what is still open."""

    revisions: int
    first_score: int | None
    final_score: int | None
    best_attempt: int | None = Field(description="1-based index of the highest-scoring version")
    overall: Comparison | None = Field(description="the first version against the last, when there were revisions")
    still_open: Suggestion | None
    worth_saving: bool


class Turn(_Frozen):
    """The coach's reply to one call: the new state to keep and what to show the user."""

    state: CoachState
    kind: ReplyKind
    message: str = Field(description="short, polite, ready to show as is")
    analysis: StarAnalysis | None = None
    suggestion: Suggestion | None = None
    comparison: Comparison | None = None
    wrap_up: WrapUp | None = None
