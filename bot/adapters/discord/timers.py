"""One owned task per running session that sleeps until the engine's next deadline and ticks it.

The engine says when something can next happen without the candidate (a warning, a question
or round running out); this task sleeps until then on the injected clock and calls ``tick``.
``poke`` wakes it early when the schedule may have moved (a new question).  Tasks are owned:
kept in a dict, their errors logged, all cancelled on shutdown.  (Issue 6's dispatcher will
move these deadlines into the database; the engine API stays the same.)
"""

from __future__ import annotations

import asyncio
import logging

from bot.engine.errors import EngineError
from bot.engine.ports import Clock
from bot.engine.session import InterviewEngine

log = logging.getLogger(__name__)


class SessionTimers:
    def __init__(self, engine: InterviewEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._pokes: dict[str, asyncio.Event] = {}

    def watch(self, session_id: str) -> None:
        """Keep this session's clock running (idempotent)."""
        if session_id in self._tasks:
            self.poke(session_id)
            return
        self._pokes[session_id] = asyncio.Event()
        task = asyncio.create_task(self._run(session_id), name=f"timer-{session_id[:8]}")
        self._tasks[session_id] = task
        task.add_done_callback(lambda t: self._done(session_id, t))

    def poke(self, session_id: str) -> None:
        event = self._pokes.get(session_id)
        if event is not None:
            event.set()

    def stop(self, session_id: str) -> None:
        task = self._tasks.pop(session_id, None)
        self._pokes.pop(session_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._pokes.clear()

    def _done(self, session_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(session_id) is task:
            self._tasks.pop(session_id, None)
            self._pokes.pop(session_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("the timer of session %s failed", session_id[:8], exc_info=task.exception())

    async def _run(self, session_id: str) -> None:
        poke = self._pokes[session_id]
        while True:
            try:
                wake = await self.engine.next_wakeup(session_id)
            except EngineError:  # the session is gone (forgotten)
                return
            if wake is None:
                return
            poke.clear()
            sleeper = asyncio.ensure_future(self.clock.sleep_until(wake))
            poked = asyncio.ensure_future(poke.wait())
            try:
                await asyncio.wait({sleeper, poked}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                poked.cancel()
            if self.clock.now() >= wake:
                await self.engine.tick(session_id)
