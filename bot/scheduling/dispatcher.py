"""One task per process that fires timers when they come due.

It asks the database for the earliest pending timer, sleeps on the injected clock until then (or
until :meth:`Dispatcher.wake` says a sooner one was added), claims what is due in one atomic
statement, and runs each claimed timer's handler.  No fixed-interval polling: while idle it sleeps
until the next due time, checking the database at most every ``recheck`` seconds for timers other
processes added.  A claimed timer whose process died before finishing it is returned to the pool
after ``lease`` (by the store), so a crash can repeat a reminder but never lose one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.engine.ports import Clock
from bot.scheduling.ports import Due, Shards, TimerStore

log = logging.getLogger(__name__)
Handler = Callable[[Due], Awaitable[None]]
BATCH = 100
RECHECK = timedelta(seconds=60)
CONCURRENT_HANDLERS = 16


class Dispatcher:
    def __init__(self, store: TimerStore, clock: Clock, shards: Shards, *, batch: int = BATCH,
                 recheck: timedelta = RECHECK) -> None:
        self.store = store
        self.clock = clock
        self.handlers: dict[str, Handler] = {}
        self.shards = shards
        self.batch = batch
        self.recheck = recheck
        self.name = uuid.uuid4().hex  # this process's name on the timers it claims
        self.fired = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._limit = asyncio.Semaphore(CONCURRENT_HANDLERS)

    def on(self, kind: str, handler: Handler) -> None:
        """Run ``handler`` for timers of ``kind`` (register every kind before :meth:`start`)."""
        self.handlers[kind] = handler

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="timer-dispatcher")
            self._task.add_done_callback(self._stopped)

    def wake(self) -> None:
        """A timer was added or moved: look again now rather than at the old next due time."""
        self._wake.set()

    async def put(self, timer: Due) -> None:
        await self.store.put(timer)
        self.wake()

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _stopped(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("the timer dispatcher stopped", exc_info=task.exception())

    async def _run(self) -> None:
        while True:
            self._wake.clear()  # before looking: a wake() from now on is not lost
            try:
                claimed = await self.store.claim(self.clock.now(), self.shards, self.name, self.batch)
                if claimed:
                    await asyncio.gather(*(self._fire(item) for item in claimed))
                    if len(claimed) == self.batch:
                        continue  # more may be due already
                next_due = await self.store.earliest(self.shards)
            except Exception:  # the database is away: log, wait a little, try again
                log.exception("the timer dispatcher could not read its timers; retrying shortly")
                next_due = self.clock.now() + timedelta(seconds=5)
            until = self.clock.now() + self.recheck
            if next_due is not None and next_due < until:
                until = next_due
            await self._sleep(until)

    async def _sleep(self, until: datetime) -> None:
        sleeper = asyncio.ensure_future(self.clock.sleep_until(until))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            woken.cancel()

    async def _fire(self, item: Due) -> None:
        async with self._limit:
            handler = self.handlers.get(item.kind)
            try:
                if handler is None:
                    log.warning("no handler for timer kind %r (%s); dropped", item.kind, item.id)
                else:
                    await handler(item)
                    self.fired += 1
            except Exception:
                log.exception("timer %s failed", item.id)
            finally:
                await self.store.finish(item.id, self.name)
