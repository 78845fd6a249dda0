"""The shape of a STAR analysis, validated, so the CLI, Discord and the LLM judge agree on it.

The first five fields are the `star --json` contract in interfaces.md; the rest are what the
coaching loop shows next to them (time split, length, one event or a habit, lesson).  A story
that could not be analysed carries ``score = None`` and says why in ``status`` and
``feedback``: a number it could not earn would mislead the candidate.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

COMPONENTS: tuple[str, ...] = ("situation", "task", "action", "result")
Status = Literal["analysed", "too_short", "empty", "not_english", "no_sentences"]
LengthVerdict = Literal["none", "much too short", "short", "on target", "long", "much too long"]

WORDS_PER_MINUTE = 140  # the middle of the 130-150 words a minute people speak in an interview
TARGET_SECONDS = (90, 120)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Component(_Strict):
    present: bool
    score: int = Field(ge=0, le=3)
    excerpt: str | None = None


class Components(_Strict):
    situation: Component
    task: Component
    action: Component
    result: Component


class TimeSplit(_Strict):
    """Share of the analysed words spent on each part; ``other`` is talk no part claims."""

    situation: float = Field(ge=0, le=1)
    task: float = Field(ge=0, le=1)
    action: float = Field(ge=0, le=1)
    result: float = Field(ge=0, le=1)
    other: float = Field(ge=0, le=1)


class Length(_Strict):
    words: int = Field(ge=0)
    analysed_words: int = Field(ge=0)
    seconds: int = Field(ge=0, description=f"the recording's length, or the words spoken at {WORDS_PER_MINUTE} a minute")
    words_per_minute: int = WORDS_PER_MINUTE
    target_seconds: tuple[int, int] = TARGET_SECONDS
    verdict: LengthVerdict
    truncated: bool = False
    measured: bool = False  # True when ``seconds`` is a recording's real length, not an estimate from the words


class StarAnalysis(_Strict):
    components: Components
    metrics: list[str] = Field(description="quantified results, as the candidate said them")
    first_person_ratio: float | None = Field(ge=0, le=1, description="share of action sentences told as I, not we")
    score: int | None = Field(ge=0, le=100, description="None when the story could not be analysed fairly")
    feedback: list[str] = Field(description="most important first")
    status: Status
    time_split: TimeSplit
    length: Length
    specific_event: bool | None = Field(description="one event (True) or a habit told in general (False)")
    generalisations: list[str] = Field(default_factory=list)
    lesson: str | None = Field(default=None, description="the sentence that draws a lesson, if any")
    vague_results: list[str] = Field(default_factory=list)
    scorer: Literal["offline", "llm"] = "offline"  # which analyser judged the parts
    fallback_reason: str | None = None  # why the LLM was asked for and not used
