"""A circuit breaker per purpose: after several failures in a row, stop calling the LLM for a cool-down.

While open, callers go straight to the offline path instead of waiting on timeouts, and the
user is told once per opening rather than on every answer.

Failures are counted per purpose (grade, follow-up, hint, debrief, star...): a small local model
may fail every grade (too long a prompt, JSON it cannot produce) while it phrases follow-ups
fine.  One shared count would be reset by each good follow-up, so the failing grades would be
tried forever; one count per purpose pauses exactly the calls that keep failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.engine.ports import Clock


@dataclass
class _Count:
    failures: int = 0
    open_until: datetime | None = None
    announced: bool = False


class CircuitBreaker:
    def __init__(self, clock: Clock, failures: int = 3, cooldown: timedelta = timedelta(minutes=2)) -> None:
        self.clock = clock
        self.threshold = failures
        self.cooldown = cooldown
        self._counts: dict[str, _Count] = {}

    def _count(self, purpose: str) -> _Count:
        return self._counts.setdefault(purpose, _Count())

    def open_for(self, purpose: str) -> bool:
        """True while calls for ``purpose`` should not be attempted; after the cool-down one trial call goes through."""
        until = self._count(purpose).open_until
        return until is not None and self.clock.now() < until

    @property
    def open(self) -> bool:
        """True while calls for any purpose are paused."""
        return any(self.open_for(purpose) for purpose in self._counts)

    def success(self, purpose: str) -> None:
        self._counts[purpose] = _Count()

    def failure(self, purpose: str) -> None:
        count = self._count(purpose)
        count.failures += 1
        if count.failures >= self.threshold:
            count.open_until = self.clock.now() + self.cooldown
            count.failures = 0
            count.announced = False

    def announce(self, purpose: str | None = None) -> bool:
        """True the first time it is asked during an opening (of ``purpose``, or of any), so the user hears it once."""
        for name in [purpose] if purpose is not None else list(self._counts):
            count = self._count(name)
            if self.open_for(name) and not count.announced:
                count.announced = True
                return True
        return False
