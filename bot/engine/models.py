"""Plain data the interview is made of: rounds, levels, questions, rubrics and scores.

These models are the contract between the content files (validated on load with
``extra="forbid"`` so a typo in a data file is an error, not a silently ignored key),
the scorers, the storage layer and every adapter.  They import nothing but pydantic.
"""

from __future__ import annotations

import ast
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class RoundKind(StrEnum):
    """The six rounds of a Python interview loop, in hiring order."""

    SCREEN = "screen"
    CORE = "core"
    FRAMEWORK = "framework"
    CODING = "coding"
    DESIGN = "design"
    BEHAVIORAL = "behavioral"


class Level(StrEnum):
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    FULLSTACK = "fullstack"


class Track(StrEnum):
    DJANGO = "django"
    FASTAPI = "fastapi"
    FLASK = "flask"
    ANY = "any"


class Signal(StrEnum):
    """Hire signal; thresholds live in :mod:`bot.engine.signals` only."""

    STRONG_NO = "strong_no"
    NO = "no"
    LEAN_YES = "lean_yes"
    YES = "yes"
    STRONG_YES = "strong_yes"


Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=48)]
QuestionId = Annotated[str, Field(pattern=r"^[a-z]+\.[a-z0-9][a-z0-9-]*$", max_length=64)]


class Strict(BaseModel):
    """Base for data-file models: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- questions


class FollowUp(Strict):
    """A follow-up an interviewer asks when the answer missed ``criterion``."""

    criterion: Slug
    text: str = Field(min_length=10)


class CodeCase(Strict):
    """One test of a coding answer.

    ``setup`` runs first in the candidate's module namespace, then ``call`` is evaluated
    and its value compared, outside the sandbox, with ``expected`` (a Python literal).
    Anything the candidate's code can reach can be patched (``time``, ``tracemalloc``, a value's
    ``__eq__``), so a case never compares or measures inside: time and memory bounds are
    declared here and measured by the bot around the whole case (setup and call).
    """

    call: str = Field(min_length=1)
    expected: str
    setup: str = ""
    label: str = ""
    max_ms: int | None = Field(default=None, gt=0)  # the case's wall-clock time must be below this
    min_ms: int | None = Field(default=None, ge=0)  # ...and at least this
    max_memory_kb: int | None = Field(default=None, gt=0)  # the rise of the process's peak memory during the case
    # sources the bot itself serves through ``served_fetch_one`` (name -> delay in seconds, negative: down),
    # so it can count the calls in flight at once and see which sources were really answered
    upstream: dict[str, float] | None = None
    max_in_flight: int | None = Field(default=None, gt=0)
    answered: list[str] | None = None

    @model_validator(mode="after")
    def _served(self) -> CodeCase:
        if (self.max_in_flight is not None or self.answered is not None) and self.upstream is None:
            raise ValueError("max_in_flight and answered need upstream: only served sources can be counted")
        unknown = set(self.answered or ()) - set(self.upstream or {})
        if unknown:
            raise ValueError(f"answered names sources not in upstream: {sorted(unknown)}")
        return self

    @field_validator("expected")
    @classmethod
    def _literal(cls, value: str) -> str:
        try:
            ast.literal_eval(value)
        except (ValueError, SyntaxError) as exc:
            raise ValueError(f"expected must be a Python literal: {exc}") from exc
        return value

    @field_validator("call")
    @classmethod
    def _expression(cls, value: str) -> str:
        ast.parse(value, mode="eval")
        return value

    @field_validator("setup")
    @classmethod
    def _statements(cls, value: str) -> str:
        ast.parse(value, mode="exec")
        return value


class CodingTask(Strict):
    """What a coding question asks the candidate to write, and how it is checked."""

    function: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    signature: str
    statement: str = Field(min_length=20)
    starter: str = ""
    examples: list[CodeCase] = Field(min_length=1)
    hidden: list[CodeCase] = Field(min_length=1)

    @field_validator("signature", "starter")
    @classmethod
    def _parses(cls, value: str) -> str:
        if value.strip():
            source = value if not value.rstrip().endswith(":") else value + "\n    ..."
            ast.parse(source)
        return value


class Question(Strict):
    """A question as the interviewer asks it, with the outline shown after scoring."""

    id: QuestionId
    round: RoundKind
    title: str = Field(min_length=3, max_length=80)
    levels: list[Level] = Field(min_length=1)
    tracks: list[Track] = Field(default_factory=lambda: [Track.ANY], min_length=1)
    answer_format: Literal["prose", "code", "story"] = "prose"
    prompt: str = Field(min_length=20)
    followups: list[FollowUp] = Field(min_length=2)
    strong_answer: list[str] = Field(min_length=2)
    coding: CodingTask | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if not self.id.startswith(f"{self.round.value}."):
            raise ValueError(f"id {self.id!r} must start with its round {self.round.value!r}.")
        if (self.answer_format == "code") != (self.coding is not None):
            raise ValueError("a code question needs a [coding] table, and only code questions have one")
        return self


# --------------------------------------------------------------------------- rubrics


class Indicator(Strict):
    """A concept that evidences a criterion, with the ways candidates usually phrase it.

    Each phrase is matched after normalisation and stemming, its words in order with a
    few other words allowed between them, so "evaluated only once" matches "evaluated once".
    """

    id: Slug
    phrases: list[str] = Field(min_length=1)
    # Facts about the answer's code (see bot.scoring.code_facts) that evidence the concept too.
    code: list[Slug] = Field(default_factory=list)

    @field_validator("phrases")
    @classmethod
    def _has_words(cls, phrases: list[str]) -> list[str]:
        for phrase in phrases:
            if not re.search(r"[A-Za-z0-9]", phrase):
                raise ValueError(f"phrase {phrase!r} has no words to match")
        return phrases


class Criterion(Strict):
    """One rubric criterion, scored 0-3."""

    id: Slug
    name: str = Field(min_length=3, max_length=80)
    weight: float = Field(gt=0, le=1)
    levels: list[str] = Field(min_length=4, max_length=4)
    indicators: list[Indicator] = Field(min_length=1)
    hint: str = Field(min_length=10)
    # distinct indicators needed for levels 1, 2 and 3
    needs: tuple[int, int, int] = (1, 2, 3)
    # For story answers: the STAR part this criterion grades, so a concrete story told in the
    # candidate's own words earns it through the STAR analysis, not only through phrases.
    star: Literal["situation", "task", "action", "result", "lesson"] | None = None
    # Levels 2 and 3 ask for a number ("one measured result", "before and after numbers"): an answer that gives
    # none earns at most level 1, a qualitative outcome, however its result is worded.
    measured: bool = False

    @field_validator("needs")
    @classmethod
    def _ascending(cls, needs: tuple[int, int, int]) -> tuple[int, int, int]:
        if not (1 <= needs[0] <= needs[1] <= needs[2]):
            raise ValueError("needs must be ascending counts starting at 1 or more")
        return needs


def claim_parts(claim: str) -> tuple[list[str], list[str]]:
    """A red flag's claim split into its groups of wordings and the groups set apart ("~a|b", without the "~")."""
    groups = [g.strip() for g in claim.split(" + ")]
    return [g for g in groups if not g.startswith("~")], [g[1:] for g in groups if g.startswith("~")]


class RedFlag(Strict):
    """A misconception that caps the score unless the candidate negates or corrects it."""

    id: Slug
    text: str = Field(min_length=5)
    phrases: list[str] = Field(min_length=1)
    cap: int = Field(ge=0, le=100)
    correction: str = Field(min_length=10)
    # The same misconception as a claim, however it is worded: groups joined by " + ", each a
    # "|"-separated choice of words, all found in one clause ("protocol + check|enforce + runtime").  A group
    # written "~a|b" instead names words that, in the same sentence, make it speak of another case.
    claims: list[str] = Field(default_factory=list)

    @field_validator("claims")
    @classmethod
    def _claim_shape(cls, claims: list[str]) -> list[str]:
        for claim in claims:
            groups, elsewhere = claim_parts(claim)
            if len(groups) < 2 or any(not re.search(r"[A-Za-z0-9]", g) for g in groups + elsewhere):
                raise ValueError(f"claim {claim!r} needs two or more groups of words joined by ' + '")
        return claims


class Rubric(Strict):
    """How answers to one question are graded; ``version`` changes whenever grading does."""

    question: QuestionId
    version: int = Field(ge=1)
    criteria: list[Criterion] = Field(min_length=3, max_length=5)
    red_flags: list[RedFlag] = Field(default_factory=list)

    @model_validator(mode="after")
    def _weights(self) -> Rubric:
        total = sum(c.weight for c in self.criteria)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"criterion weights sum to {total:.3f}, not 1")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids repeat")
        for criterion in self.criteria:
            if criterion.needs[2] > len(criterion.indicators):
                raise ValueError(f"criterion {criterion.id!r} needs more indicators than it lists")
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)


# --------------------------------------------------------------------------- scores


class CriterionScore(BaseModel):
    id: str
    score: int = Field(ge=0, le=3)
    max: int = Field(default=3, ge=0, le=3)
    evidence: str | None = None


class HiddenCase(BaseModel):
    """A hidden case as the candidate may see it: its label and whether it passed, never its input."""

    label: str
    passed: bool


class FirstFailure(BaseModel):
    """The first visible example that did not return the expected value."""

    example: str
    expected: str
    got: str
    label: str = ""


class CodeCheck(BaseModel):
    """A coding answer run against its examples and hidden cases (``check-code --json``).

    Hidden cases only ever appear as counts; ``sandbox`` is ``"none"`` (and ``ran`` false) when
    execution was refused, with ``error`` saying why."""

    question: str
    sandbox: str
    passed: int
    failed: int
    total: int
    error: str | None
    first_failure: FirstFailure | None
    time_ms: int
    max_rss_kb: int
    ran: bool = True
    examples_passed: int = 0
    examples_total: int = 0
    hidden_passed: int = 0
    hidden_total: int = 0
    traceback: str | None = None  # of the load error or the first failing example, candidate frames only
    output: str = ""  # what the code printed while loading and in the visible examples
    hidden: list[HiddenCase] = Field(default_factory=list)  # each hidden case's label and verdict, in order


class ScoreResult(BaseModel):
    """The grade of one answer, in the shape ``mockloop score --json`` prints."""

    question: str
    scorer: str
    score: int = Field(ge=0, le=100)
    signal: Signal
    criteria: list[CriterionScore]
    red_flags: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    fallback_reason: str | None = None
    notes: list[str] = Field(default_factory=list)
    tests: CodeCheck | None = None  # a coding answer's run against its tests, when it was run
    # Why the scorer doubts its own grade (an on-topic answer it could not read well), or None.
    unsure: str | None = None
