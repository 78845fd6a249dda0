"""Each running session's next deadline as one timer row, fired by the process's dispatcher.

The engine says when something can next happen without the candidate (a warning, a question or
round running out).  That instant is stored as the timer ``session:<id>``; when it comes due the
dispatcher calls ``tick`` and the next instant is stored in its place.  A new question moves it
(``poke``).  Because the row lives in the database, a restart or another process owning the
session's server picks the deadline up where it was: nothing runs in memory that a crash loses.
"""

from __future__ import annotations

from bot.engine.errors import EngineError
from bot.engine.session import InterviewEngine
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.ports import Due

KIND = "session"


class SessionTimers:
    def __init__(self, engine: InterviewEngine, dispatcher: Dispatcher) -> None:
        self.engine = engine
        self.dispatcher = dispatcher
        dispatcher.on(KIND, self._fire)

    async def watch(self, session_id: str, guild_id: int | None) -> None:
        """Store (or move) this session's next deadline; none left means no timer."""
        try:
            wake = await self.engine.next_wakeup(session_id)
        except EngineError:  # the session is gone (forgotten)
            wake = None
        if wake is None:
            await self.stop(session_id)
            return
        await self.dispatcher.put(Due(f"{KIND}:{session_id}", KIND, wake, guild_id, session_id=session_id))

    async def poke(self, session_id: str, guild_id: int | None) -> None:
        """The schedule may have moved (a new question): recompute it."""
        await self.watch(session_id, guild_id)

    async def stop(self, session_id: str) -> None:
        await self.dispatcher.store.cancel(f"{KIND}:{session_id}")

    async def _fire(self, due: Due) -> None:
        assert due.session_id is not None
        try:
            await self.engine.tick(due.session_id)
        except EngineError:
            return
        await self.watch(due.session_id, due.guild_id)
