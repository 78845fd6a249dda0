"""One owned delivery task per session, woken whenever its outbox has something new.

The rows to show live in the database (:mod:`bot.storage.outbox`); what is kept in memory
here is only "session X may have something pending", so a lost wake-up costs nothing that the
next wake-up or the next process start does not repair.  Per-session tasks keep each
session's messages in order while a slow or rate-limited thread never holds up another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
RETRIES = 4  # a failed delivery (network, database) is tried again after 1, 2, 4 and 8 seconds


class Relay:
    def __init__(self, deliver: Callable[[str], Awaitable[bool]]) -> None:
        """``deliver(session_id)`` shows what is pending and returns True once the session has ended."""
        self._deliver = deliver
        self._queues: dict[str, asyncio.Queue[None]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def wake(self, session_id: str) -> None:
        queue = self._queues.get(session_id)
        if queue is None:
            queue = self._queues[session_id] = asyncio.Queue()
            task = asyncio.create_task(self._run(session_id, queue), name=f"outbox-{session_id[:8]}")
            self._tasks[session_id] = task
            task.add_done_callback(lambda t: self._done(session_id, t))
        queue.put_nowait(None)

    async def idle(self) -> None:
        """Wait until every wake-up so far has been handled (tests and shutdown)."""
        await asyncio.gather(*(q.join() for q in list(self._queues.values())))

    async def close(self, grace: float = 5.0) -> None:
        """Deliver what is pending for at most ``grace`` seconds, then stop; the rest waits in the database."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), grace)
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, session_id: str, queue: asyncio.Queue[None]) -> None:
        failures = 0
        while True:
            await queue.get()
            woken = 1
            while not queue.empty():  # wake-ups that came meanwhile are served by the same read
                queue.get_nowait()
                woken += 1
            try:
                ended = await self._deliver(session_id)
            except Exception:
                failures += 1
                if failures > RETRIES:
                    raise
                log.warning("could not deliver to session %s; trying again", session_id[:8], exc_info=True)
                await asyncio.sleep(2 ** (failures - 1))
                queue.put_nowait(None)
                continue
            finally:
                for _ in range(woken):
                    queue.task_done()
            failures = 0
            if ended and queue.empty():
                return

    def _done(self, session_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(session_id) is task:
            self._tasks.pop(session_id, None)
            queue = self._queues.pop(session_id, None)
            while queue is not None and not queue.empty():  # a failed task leaves nobody to wait for
                queue.get_nowait()
                queue.task_done()
        if not task.cancelled() and task.exception() is not None:
            log.error("the outbox of session %s failed; its rows wait for the next wake-up", session_id[:8],
                      exc_info=task.exception())
