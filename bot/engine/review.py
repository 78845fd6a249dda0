"""What to practise again: questions scored low come back after a growing interval, and
"weak spots" are the questions whose key points the candidate keeps missing.

Both read only the candidate's past sessions, so they need no storage of their own and explain
themselves: a question is back for review because its last grade was below the "yes" band and
enough days have passed; it is a weak spot because the same criterion scored 0 or 1 in each of
its last attempts (or in its only one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.engine.state import SessionState

REVIEW_AFTER = (timedelta(days=1), timedelta(days=3), timedelta(days=7), timedelta(days=14))
BELOW = 65  # the floor of the "yes" band: lower grades come back for review
MISSED_LEVEL = 1  # a criterion at 0 or 1 of 3 counts as missed
HISTORY_SESSIONS = 50  # how far back review and weak spots look


@dataclass(frozen=True)
class Attempt:
    question_id: str
    at: datetime
    score: int
    missed: frozenset[str]  # criteria at level 0-1


def attempts(sessions: Iterable[SessionState]) -> list[Attempt]:
    """Every graded answer in these sessions, oldest first."""
    found: list[Attempt] = []
    for state in sessions:
        for round_ in state.rounds:
            for asked in round_.questions:
                result = asked.result
                if not asked.counted or result is None or result.scorer == "none" or not asked.answers:
                    continue
                missed = frozenset(c.id for c in result.criteria if c.score <= MISSED_LEVEL)
                found.append(Attempt(asked.question_id, asked.asked_at or state.created_at, result.score, missed))
    return sorted(found, key=lambda a: a.at)


def _by_question(tried: Iterable[Attempt]) -> dict[str, list[Attempt]]:
    grouped: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in tried:
        grouped[attempt.question_id].append(attempt)
    return grouped


def due_for_review(tried: Iterable[Attempt], now: datetime) -> list[str]:
    """Questions whose latest grade is below the "yes" band and whose interval has passed, most overdue first.

    The interval grows with each low grade in a row: 1, 3, 7, then 14 days."""
    due: list[tuple[timedelta, str]] = []
    for question_id, history in _by_question(tried).items():
        low_run = 0
        for attempt in reversed(history):
            if attempt.score >= BELOW:
                break
            low_run += 1
        if low_run == 0:
            continue
        wait = REVIEW_AFTER[min(low_run, len(REVIEW_AFTER)) - 1]
        overdue = now - history[-1].at - wait
        if overdue >= timedelta(0):
            due.append((overdue, question_id))
    return [q for _, q in sorted(due, reverse=True)]


def weak_spots(tried: Iterable[Attempt], limit: int = 6) -> list[str]:
    """Questions where the same criterion was missed in each of the last two attempts (or the only
    one), those missing the most first, then the lowest latest grade."""
    ranked: list[tuple[int, int, str]] = []
    for question_id, history in _by_question(tried).items():
        recent = history[-2:]
        kept_missing = frozenset.intersection(*(a.missed for a in recent))
        if kept_missing:
            ranked.append((-len(kept_missing), history[-1].score, question_id))
    return [q for *_, q in sorted(ranked)[:limit]]


@dataclass(frozen=True)
class TopicProgress:
    question_id: str
    scores: tuple[int, ...]  # oldest first
    missed: dict[str, int]  # criterion id -> attempts in which it scored 0-1


def progress(tried: Iterable[Attempt]) -> list[TopicProgress]:
    """Per question: its grades over time and how often each key point was missed."""
    found: list[TopicProgress] = []
    for question_id, history in sorted(_by_question(tried).items()):
        counts: dict[str, int] = defaultdict(int)
        for attempt in history:
            for criterion in attempt.missed:
                counts[criterion] += 1
        found.append(TopicProgress(question_id, tuple(a.score for a in history), dict(counts)))
    return found
