"""Deadlines and warnings: pure arithmetic over a round's state and the current time."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.state import RoundState
from bot.engine.status import QuestionStatus

TWO_MINUTES = timedelta(minutes=2)
# Rounds shorter than this get no "halfway" or "two minutes left" warnings: they would
# arrive almost together and say nothing the question timer doesn't.
WARN_MIN_ROUND = timedelta(minutes=4)


def question_budget(round_: RoundState, now: datetime) -> timedelta:
    """Split what is left of the round evenly over the questions not yet asked (this one included).

    Time saved on a quick answer carries over to the questions after it.
    """
    assert round_.deadline_at is not None
    left = max(timedelta(0), round_.deadline_at - now)
    waiting = sum(1 for q in round_.questions if q.status in (QuestionStatus.PENDING, QuestionStatus.ACTIVE))
    return left / max(1, waiting)


def warnings_due(round_: RoundState, now: datetime) -> list[str]:
    """Warnings whose time has come and that were not sent; only the latest if several are due."""
    if round_.started_at is None or round_.deadline_at is None:
        return []
    length = round_.deadline_at - round_.started_at
    if length < WARN_MIN_ROUND:
        return []
    due = [
        name
        for name, at in warning_times(round_.started_at, round_.deadline_at)
        if now >= at and name not in round_.warnings_sent
    ]
    return due[-1:]


def warning_times(started: datetime, deadline: datetime) -> list[tuple[str, datetime]]:
    return [("halfway", started + (deadline - started) / 2), ("two_minutes", deadline - TWO_MINUTES)]


def next_wakeup(round_: RoundState) -> datetime | None:
    """The earliest moment something can change without the candidate doing anything."""
    if round_.deadline_at is None or round_.started_at is None:
        return None
    times = [round_.deadline_at]
    current = round_.current()
    if current is not None and current.deadline_at is not None:
        times.append(current.deadline_at)
    if round_.deadline_at - round_.started_at >= WARN_MIN_ROUND:
        times.extend(at for name, at in warning_times(round_.started_at, round_.deadline_at) if name not in round_.warnings_sent)
    return min(times)
