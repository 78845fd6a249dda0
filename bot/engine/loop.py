"""Rounds, their lengths and question counts, and choosing questions for a new session."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.engine.models import Level, Question, RoundKind, Track

MIN_MINUTES = 1
MAX_MINUTES = 180
MAX_QUESTIONS = 12


@dataclass(frozen=True)
class RoundSpec:
    kind: RoundKind
    real_length: str  # what real interviews take, shown for reference
    default_minutes: int
    minutes_per_question: float


ROUNDS: dict[RoundKind, RoundSpec] = {
    spec.kind: spec
    for spec in (
        RoundSpec(RoundKind.SCREEN, "30 min", 15, 5),
        RoundSpec(RoundKind.CORE, "45-60 min", 30, 5),
        RoundSpec(RoundKind.FRAMEWORK, "45-60 min", 30, 6),
        RoundSpec(RoundKind.CODING, "45-90 min", 45, 22),
        RoundSpec(RoundKind.DESIGN, "45-60 min", 30, 30),
        RoundSpec(RoundKind.BEHAVIORAL, "30-45 min", 20, 6),
    )
}
LOOP_ORDER: tuple[RoundKind, ...] = tuple(ROUNDS)


def question_count(kind: RoundKind, minutes: int, requested: int | None = None) -> int:
    """How many questions fit: the user's choice, else the round's pace over ``minutes``."""
    if requested is not None:
        return max(1, min(MAX_QUESTIONS, requested))
    pace = ROUNDS[kind].minutes_per_question
    return max(1, min(MAX_QUESTIONS, round(minutes / pace)))


def level_matches(question: Question, level: Level) -> bool:
    return level in question.levels


def track_matches(question: Question, track: Track) -> bool:
    """Track-specific questions go to that track; ``any`` questions and ``any`` users see all."""
    return track == Track.ANY or Track.ANY in question.tracks or track in question.tracks


def choose_questions(
    candidates: list[Question], count: int, seed: int, recently_seen: set[str]
) -> list[Question]:
    """Pick ``count`` questions, unseen ones first, in an order fixed by ``seed``.

    Questions the user saw in recent sessions are used only when the fresh ones run out.
    """
    rng = random.Random(seed)
    fresh = [q for q in candidates if q.id not in recently_seen]
    stale = [q for q in candidates if q.id in recently_seen]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    return (fresh + stale)[:count]
