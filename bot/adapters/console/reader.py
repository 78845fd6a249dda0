"""Where typed lines come from: a prompt with a live countdown on a terminal, plain lines otherwise.

Plain reading happens on a daemon thread so a blocked ``readline`` never keeps the process
alive at exit (an executor thread would: ``asyncio.run`` waits for those). It reads bytes and
decodes them itself, replacing bytes that are not UTF-8: left to the text layer, a bad byte
either killed the thread (strict decoding; the round then ignored all input) or reached the
database as a surrogate and lost the answer there.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from typing import Protocol, TextIO

from bot.textin import lenient

BAD_BYTES = ("mockloop: some of the input was not UTF-8 text; each bad byte is kept as \N{REPLACEMENT CHARACTER} "
             "and every answer is saved.")


class InputInterrupted(Exception):
    """The candidate pressed Ctrl-C at the prompt.

    A plain exception on purpose: asyncio re-raises a ``KeyboardInterrupt`` from inside a task
    straight out of the event loop, past the code that saves the session.
    """


class LineSource(Protocol):
    async def readline(self) -> str | None:
        """The next line without its newline, or ``None`` at end of input."""
        ...


class PlainLines:
    """Lines from a text stream (a pipe, a file, or a terminal without prompt support)."""

    def __init__(self, stream: TextIO | None = None, notice: Callable[[str], None] | None = None) -> None:
        self._stream = stream or sys.stdin
        self._notice = notice or _to_stderr
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._thread: threading.Thread | None = None

    def _pump(self, loop: asyncio.AbstractEventLoop) -> None:
        buffer = getattr(self._stream, "buffer", None)  # bytes underneath, when there are any
        warned = False
        while True:
            try:
                raw: bytes | str = buffer.readline() if buffer is not None else self._stream.readline()
            except (OSError, ValueError):
                raw = ""  # a broken or closed stream ends the input; it must not end the thread silently
            line, damaged = lenient(raw)
            if damaged and not warned:
                warned = True
                loop.call_soon_threadsafe(self._notice, BAD_BYTES)
            loop.call_soon_threadsafe(self._queue.put_nowait, line.rstrip("\r\n") if line else None)
            if not line:
                return

    async def readline(self) -> str | None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._pump, args=(asyncio.get_running_loop(),), daemon=True)
            self._thread.start()
        return await self._queue.get()


def _to_stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class PromptLines:
    """An interactive prompt whose bottom toolbar shows the time left, refreshed every second."""

    def __init__(self, status: Callable[[], str]) -> None:
        from prompt_toolkit import PromptSession

        self._session: PromptSession[str] = PromptSession()
        self._status = status

    async def readline(self) -> str | None:
        try:
            return await self._session.prompt_async("> ", bottom_toolbar=self._status, refresh_interval=1.0)
        except EOFError:
            return None
        except KeyboardInterrupt:
            raise InputInterrupted from None
