"""A live "waiting for the model… 12 s" line while the bot waits on a model.

A local model can take tens of seconds to grade an answer; a silent terminal looks hung.  The
engine stops the question's clock meanwhile, and this line says both things: that the bot is
waiting and that the wait is not the candidate's time.  Quick replies (under a second) show
nothing.  On a terminal the line counts up in place and is replaced by a one-line summary; piped
output gets one line when the wait starts and one when it ends, never a line per second.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeVar

from rich.console import Console

GRACE_SECONDS = 1.0
T = TypeVar("T")


class Waiting:
    def __init__(self, console: Console, grace: float = GRACE_SECONDS) -> None:
        self.console = console
        self.grace = grace
        self._drawn = False  # the live line is on screen, without a newline after it
        self._quiet = False  # other output came during this wait: stop redrawing until it ends

    def interrupt(self) -> None:
        """Other output is about to be printed: take the live line off the screen so it does not run into it."""
        self._quiet = True
        if self._drawn:
            self.console.file.write("\r\x1b[2K")
            self.console.file.flush()
            self._drawn = False

    @asynccontextmanager
    async def __call__(self, clock_paused: bool = True) -> AsyncIterator[None]:
        """Show the line for as long as the body runs (only if it runs past the grace period)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        shown = asyncio.Event()
        note = " (your clock is paused)" if clock_paused else ""
        self._quiet = False
        task = asyncio.create_task(self._count(started, shown, note), name="waiting-line")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if shown.is_set():
                took = f"The model took {loop.time() - started:.0f} s"
                self._line(f"{took}; your clock was paused meanwhile." if clock_paused else f"{took}.", final=True)

    async def first(self, items: AsyncIterator[T]) -> AsyncIterator[T]:
        """``items`` with the line shown until the first one arrives (a streamed debrief's first words)."""
        async with self(clock_paused=False):
            head = await anext(items, None)
        if head is None:
            return
        yield head
        async for item in items:
            yield item

    async def _count(self, started: float, shown: asyncio.Event, note: str) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.sleep(self.grace)
        shown.set()
        if not self.console.is_terminal:
            self.console.print(f"[dim]Waiting for the model…{note}[/dim]")
            return
        while True:
            if not self._quiet:
                self._line(f"waiting for the model… {loop.time() - started:.0f} s{note}", final=False)
            await asyncio.sleep(1.0)

    def _line(self, text: str, *, final: bool) -> None:
        if self.console.is_terminal:
            # Rewritten in place: carriage return and erase-line, then the text; a newline only at the end.
            self.console.file.write(f"\r\x1b[2K\x1b[2m{text}\x1b[0m" + ("\n" if final else ""))
            self.console.file.flush()
            self._drawn = not final
        elif final:
            self.console.print(f"[dim]{text}[/dim]")
