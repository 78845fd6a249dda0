"""Sources the bot serves to a case, so concurrency is counted by something the candidate does not own.

A question about a concurrency limit cannot be judged by a clock or a counter inside the sandbox:
the candidate can patch both, or skip the work and pad the time.  So for such a case
(``CodeCase.upstream``) the harness's ``served_fetch_one`` sends each call here as a request, and
this server answers it after that source's delay, measured on the bot's clock, never the delay
the sandbox names.  It knows at every moment how many requests are open, and which sources it
actually answered.  A payload the code returns without having been answered, or a limit it broke,
shows up in those two figures (``results.py`` compares them with the case's ``max_in_flight``
and ``answered``).  Requests are bounded in size and number; anything malformed marks the case.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from typing import Any

MAX_REQUEST_BYTES = 1024
MAX_REQUESTS = 1_000  # per case: far more than any case has sources


@dataclass
class Served:
    """What the server saw during one case."""

    max_in_flight: int = 0
    answered: list[str] = field(default_factory=list)  # sources answered with a payload, in order
    refused: str | None = None  # the first request the server could not serve, if any


class UpstreamServer(asyncio.Protocol):
    """Reads requests from the sandbox's request pipe and answers on its reply pipe, for one case at a time."""

    def __init__(self, reply_fd: int) -> None:
        self.reply_fd = reply_fd
        self.partial = b""
        self.sources: dict[str, float] | None = None
        self.served = Served()
        self.open: dict[int, tuple[str, asyncio.TimerHandle | None]] = {}
        self.seen = 0
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def start(self, sources: dict[str, float] | None) -> None:
        """Serve ``sources`` (name -> delay in seconds, negative for a source that is down) until :meth:`finish`."""
        self.finish()
        self.sources, self.served, self.seen = sources, Served(), 0

    def finish(self) -> Served:
        """Stop serving the current case; requests still open are never answered."""
        for _, timer in self.open.values():
            if timer is not None:
                timer.cancel()
        self.open.clear()
        served, self.sources = self.served, None
        return served

    def data_received(self, data: bytes) -> None:
        *lines, rest = (self.partial + data).split(b"\n")
        self.partial = rest
        if len(rest) > MAX_REQUEST_BYTES:
            self.partial = b""
            self._refuse("a request longer than the bot accepts")
        for line in lines:
            if self.sources is not None:  # between cases, and for cases without sources, nothing is served
                self._request(line)

    def _refuse(self, reason: str) -> None:
        if self.sources is not None and self.served.refused is None:
            self.served.refused = reason

    def _request(self, line: bytes) -> None:
        assert self.sources is not None
        self.seen += 1
        try:
            request: Any = json.loads(line) if len(line) <= MAX_REQUEST_BYTES else None
        except ValueError:
            request = None
        if self.seen > MAX_REQUESTS or type(request) is not dict or type(request.get("id")) is not int:
            self._refuse("a request the bot could not read")
            return
        ident = request["id"]
        if request.get("cancel") is True:
            self._close(ident)
            return
        name = request.get("name")
        if type(name) is not str or name not in self.sources or ident in self.open:
            self._refuse("a request for a source the case does not have")
            return
        delay = self.sources[name]
        if delay < 0:  # a source that is down answers at once, with an error
            self._reply(ident, "down")
            return
        timer = asyncio.get_running_loop().call_later(delay, self._answer, ident)
        self.open[ident] = (name, timer)
        self.served.max_in_flight = max(self.served.max_in_flight, len(self.open))

    def _answer(self, ident: int) -> None:
        if ident in self.open:
            name, _ = self.open.pop(ident)
            self.served.answered.append(name)
            self._reply(ident, "ok")

    def _close(self, ident: int) -> None:
        if ident in self.open:
            _, timer = self.open.pop(ident)
            if timer is not None:
                timer.cancel()

    def _reply(self, ident: int, answer: str) -> None:
        try:
            os.write(self.reply_fd, json.dumps({"id": ident, "answer": answer}).encode() + b"\n")
        except (BlockingIOError, BrokenPipeError, OSError):
            self._refuse("the sandbox stopped reading the answers")  # the pipe is full or gone: the case fails
