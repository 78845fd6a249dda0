"""Waiting on the model is the bot's time, not the candidate's: the clock stops meanwhile.

A local model can take tens of seconds to grade an answer or phrase a follow-up.  Counting that
against the question would punish the candidate for the bot's hardware, so every wait on a slow
collaborator (the LLM judge or interviewer) is measured with the injected clock and given back:
the current question's and round's deadlines move later by exactly that much.  The wait happens
inside the session's step (under its lock), so a timer firing meanwhile sees the moved deadlines.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from bot.engine import events as ev
from bot.engine.flow import Step
from bot.engine.ports import Clock

T = TypeVar("T")


async def paused(step: Step, clock: Clock, work: Awaitable[T]) -> T:
    """Await ``work`` with the session's clock stopped: the time it took is added back to the deadlines."""
    started = clock.now()
    try:
        return await work
    finally:
        give_back(step, clock.now() - started)


def give_back(step: Step, spent: timedelta) -> None:
    """Move the current round's (and open question's) deadlines later by ``spent``."""
    round_ = step.state.current_round()
    if spent <= timedelta(0) or round_ is None or round_.deadline_at is None or step.state.finished:
        return
    round_.deadline_at += spent
    if round_.started_at is not None:  # warnings (halfway, two minutes) keep their place in the round
        round_.started_at += spent
    step.changes.touch(round_.position)
    current = round_.current()
    if current is not None and current.deadline_at is not None:
        current.deadline_at += spent
        step.changes.touch(round_.position, current.position)
    step.emit(ev.ClockPaused(round_.position, current.position if current else None, spent.total_seconds(),
                             current.deadline_at if current else None, round_.deadline_at))
