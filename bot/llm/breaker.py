"""A circuit breaker: after several failures in a row, stop calling the LLM for a cool-down.

While open, callers go straight to the offline path instead of waiting on timeouts, and the
user is told once per opening rather than on every answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.ports import Clock


class CircuitBreaker:
    def __init__(self, clock: Clock, failures: int = 3, cooldown: timedelta = timedelta(minutes=2)) -> None:
        self.clock = clock
        self.threshold = failures
        self.cooldown = cooldown
        self._failures = 0
        self._open_until: datetime | None = None
        self._announced = False

    @property
    def open(self) -> bool:
        """True while calls should not be attempted; after the cool-down one trial call is let through."""
        return self._open_until is not None and self.clock.now() < self._open_until

    def success(self) -> None:
        self._failures = 0
        self._open_until = None
        self._announced = False

    def failure(self) -> None:
        self._failures += 1
        if self._failures >= self.threshold:
            self._open_until = self.clock.now() + self.cooldown
            self._failures = 0
            self._announced = False

    def announce(self) -> bool:
        """True the first time it is asked during an opening, so the user hears about it once."""
        if self.open and not self._announced:
            self._announced = True
            return True
        return False
