"""Time for the engine: always injected, always timezone-aware UTC.

``SystemClock`` is the real one; ``FakeClock`` lets tests and benchmarks move time by hand
and wakes sleepers when they advance it, so timers can be tested without waiting.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        delay = (when - self.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)


class FakeClock:
    """A clock that only moves when told to; ``sleep_until`` returns once time has passed."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._moved = asyncio.Event() if _has_loop() else None

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        self._now += timedelta(seconds=seconds, **kwargs)
        if self._moved is not None:
            self._moved.set()
            self._moved = asyncio.Event()
        return self._now

    async def sleep_until(self, when: datetime) -> None:
        while self._now < when:
            if self._moved is None:
                self._moved = asyncio.Event()
            await self._moved.wait()


def _has_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
