"""Charts are drawn in one separate process, never in the bot's.

Drawing a chart takes 50-150 ms of CPU in matplotlib, most of it holding the GIL: in a thread it
would stall the event loop long enough to push button acknowledgements towards Discord's 3-second
deadline under load, and several threads drawing at once grew the bot by over 100 MB (measured:
``benchmarks/discord_load.py``).  One worker process draws one chart at a time, its memory stays
out of the bot, and if it dies the next chart starts a fresh one.  The scorecard never waits for
its chart: the notifier adds the image to it once drawn.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Any

from bot.adapters.discord import charts
from bot.engine.ports import QuestionBank
from bot.engine.state import SessionState
from bot.processes import follow_parent

log = logging.getLogger(__name__)
CHART_SECONDS = 60.0  # a chart later than this is left out
# Charts waiting for the worker, at most: at 0.13 s a chart (0.2-0.3 s on a busy machine), about a
# minute of work.  Beyond that a scorecard keeps no chart rather than get one minutes late.
MAX_WAITING = 256


def _warm() -> None:
    """Import matplotlib in the worker ahead of the first scorecard."""
    charts.draw_criteria([("warm-up", [("criterion", 1, 3)])], None)


class ChartRenderer:
    def __init__(self, *, timeout: float = CHART_SECONDS, max_waiting: int = MAX_WAITING) -> None:
        self.timeout = timeout
        self.max_waiting = max_waiting
        self._waiting = 0
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # "spawn": a fresh interpreter, not a fork of a process running an event loop and threads
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=follow_parent, initargs=(os.getpid(),))
        return self._pool

    def start(self) -> None:
        """Start the worker now, so the first scorecard does not wait for matplotlib to load."""
        self._executor().submit(_warm)

    async def _draw(self, function: Any, *args: Any) -> bytes | None:
        if self._waiting >= self.max_waiting:
            log.info("chart left out: %d charts are already waiting for the worker", self._waiting)
            return None
        self._waiting += 1
        try:
            future = self._executor().submit(function, *args)
            result: bytes | None = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            return result
        except BrokenProcessPool:
            log.warning("chart left out: the chart worker stopped; a new one starts with the next chart")
            self._restart()
            return None
        except TimeoutError:
            stuck = future.running()  # still drawing (not merely queued): that worker is no use
            log.warning("chart left out: not drawn within %.0f s%s", self.timeout, "; restarting the worker" * stuck)
            if stuck:
                self._restart()
            return None
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if future.cancelled() and task is not None and not task.cancelling():
                return None  # dropped by a restart of the worker, not a cancellation of this task
            raise
        finally:
            self._waiting -= 1

    def _restart(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    async def criterion(self, state: SessionState, bank: QuestionBank) -> bytes | None:
        groups = charts.criterion_groups(state, bank)  # the bank stays here; only plain rows cross over
        return await self._draw(charts.draw_criteria, groups, state.score) if groups else None

    async def topics(self, topics: list[tuple[str, list[int]]]) -> bytes | None:
        return await self._draw(charts.topic_chart, topics) if topics else None

    async def trend(self, points: list[tuple[datetime, int, str]]) -> bytes | None:
        return await self._draw(charts.trend_chart, points) if points else None

    def close(self) -> None:
        self._restart()
