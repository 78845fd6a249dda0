"""Holding a practice session in this terminal: claiming it, the heartbeat, noticing a take-over.

A session resumed while another terminal still runs it would have two writers; the second
one is told where the session is open and may take it over (``--take-over``, or "y" at the
question on a terminal).  The first notices at its next heartbeat or save and stops; what it
had typed but not saved is printed for the candidate to paste in the other terminal.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from rich.console import Console
from rich.markup import escape

from bot.adapters.console.ports import Leases
from bot.engine.errors import EngineError, SessionTaken
from bot.engine.ports import Clock

HEARTBEAT = timedelta(seconds=5)


class Heartbeat:
    """Renews the lease every few seconds; ``taken`` is set (with ``reason``) once another process holds it."""

    def __init__(self, leases: Leases, session_id: str, clock: Clock, every: timedelta = HEARTBEAT) -> None:
        self.leases = leases
        self.session_id = session_id
        self.clock = clock
        self.every = every
        self.taken = asyncio.Event()
        self.reason = ""

    def lost(self, reason: str) -> None:
        if not self.taken.is_set():
            self.reason = reason
            self.taken.set()

    async def run(self) -> None:
        """The owned task's body: renew until the lease is lost (then return) or the task is cancelled."""
        while True:
            await self.clock.sleep_until(self.clock.now() + self.every)
            holder = await self.leases.renew(self.session_id, self.clock.now())
            if holder is not None:
                self.lost(str(SessionTaken(f"This session was taken over by {holder.where()}; nothing more is saved here.")))
                return


async def claim(leases: Leases, session_id: str, clock: Clock, console: Console, *, take_over: bool,
                interactive: bool) -> None:
    """Hold ``session_id`` for this process, asking first if another live process holds it."""
    before = await leases.current(session_id)
    holder = await leases.claim(session_id, clock.now(), take_over=take_over)
    if holder is not None:
        where = f"Session {session_id[:8]} is open in {holder.where()}"
        if not (interactive and await _confirm(console, f"{where}. Take it over here (that one stops)? [y/N] ")):
            raise EngineError(f"{where}; continue it there, or add --take-over to move it here (that one then "
                              "stops and keeps what was saved).")
        await leases.claim(session_id, clock.now(), take_over=True)
    if before is not None and before.owner != leases.me.owner and before.alive(clock.now(), leases.me):
        console.print(f"[dim]Taken over from {escape(before.where())}; it stops at its next heartbeat or save.[/dim]")


async def _confirm(console: Console, question: str) -> bool:
    console.print(question, end="", markup=False, highlight=False)
    answer = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return answer.strip().lower() in {"y", "yes"}
