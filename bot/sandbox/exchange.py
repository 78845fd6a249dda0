"""The bot's side of a run: cases sent one at a time, each timed and measured out of the candidate's reach.

The harness is told nothing before it needs it.  The bot sends the source, waits for the module
to load, then sends one case and waits for that case's frame before sending the next, with the
visible examples first.  So a module that walks the stack or scans memory while loading finds
no hidden input (none has been sent), and anything written after the first hidden case was sent
(printed, written to the raw descriptors, or put in a frame's output) is never shown.

Each frame is judged the moment it arrives (``judge.py``: large ones in another process).  Each
case's time is the bot's own clock from sending the case to its frame arriving, and its
memory the rise of the harness process's kernel high-water mark (``meter.py``): a patched
``time.perf_counter`` or ``tracemalloc`` inside changes neither.  Frames must come in turn (a
case frame only for the case in flight); one out of turn fails the run, like any forged frame.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from bot.engine.models import CodeCase
from bot.sandbox.harness import MAX_FRAME_BYTES
from bot.sandbox.judge import FrameJudge
from bot.sandbox.meter import ProcessMeter, harness_pid
from bot.sandbox.outcome import Frame, RunOutcome, expect, reject
from bot.sandbox.upstream import UpstreamServer
from bot.sandbox.values import BadFrame

_TOO_LONG = b"\0too long"  # stands for a line past the frame limit, which is dropped unread
log = logging.getLogger(__name__)


class FrameSink(asyncio.Protocol):
    """The result channel, split into lines as they arrive, each stamped with its arrival time."""

    def __init__(self, limit: int, on_overflow: Callable[[], None]) -> None:
        self.limit = limit
        self.received = 0
        self.partial = bytearray()
        self.dropping = False  # inside a line already known to be too long
        self.lines: collections.deque[tuple[bytes, float]] = collections.deque()
        self.on_overflow = on_overflow
        self.overflowed = False
        self.eof = False
        self.changed = asyncio.Event()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        arrived = time.perf_counter()
        self.received += len(data)
        if self.received > self.limit and not self.overflowed:
            self.overflowed = True
            if self.transport is not None:
                self.transport.close()
            self.on_overflow()
            return
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            self._append(data[start:end])
            line, self.partial, dropping = bytes(self.partial), bytearray(), self.dropping
            self.dropping = False
            self.lines.append((_TOO_LONG if dropping else line, arrived))
            start = end + 1
        self._append(data[start:])
        self.changed.set()

    def _append(self, part: bytes) -> None:
        if self.dropping:
            return
        self.partial += part
        if len(self.partial) > MAX_FRAME_BYTES:
            self.partial, self.dropping = bytearray(), True

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.changed.set()
        if not self.closed.done():
            self.closed.set_result(None)

    async def next_line(self) -> tuple[bytes, float] | None:
        """The next complete line and when it arrived, or None once the channel is closed."""
        while not self.lines:
            if self.eof:
                return None
            self.changed.clear()
            await self.changed.wait()
        return self.lines.popleft()


class TextSink(asyncio.Protocol):
    """Keeps the first ``limit`` bytes of stdout or stderr, then closes it; shows only what came before ``cut``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.shown: int | None = None  # bytes received before the first hidden case was sent
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        room = self.limit - len(self.data)
        self.data += data[:max(room, 0)]
        if len(data) > room and self.transport is not None:
            self.transport.close()  # the writer gets EPIPE from now on

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def cut(self) -> None:
        if self.shown is None:
            self.shown = len(self.data)

    def text(self) -> str:
        kept = self.data if self.shown is None else self.data[:self.shown]
        return kept.decode("utf-8", errors="replace")


class Exchange:
    """Drives one run: the job, then each case in turn, recording what came back into ``outcome``."""

    def __init__(self, outcome: RunOutcome, stdin: asyncio.StreamWriter, frames: FrameSink,
                 texts: Sequence[TextSink], init_pid: Callable[[], int | None], upstream: UpstreamServer,
                 judge: FrameJudge) -> None:
        self.outcome = outcome
        self.judge = judge
        self.upstream = upstream
        self.stdin = stdin
        self.frames = frames
        self.texts = texts
        self.init_pid = init_pid
        self.meter: ProcessMeter | None = None

    async def _send(self, item: dict[str, Any]) -> None:
        self.stdin.write(json.dumps(item).encode() + b"\n")
        await self.stdin.drain()

    async def _next(self, wanted: str, cases: int, index: int | None = None,
                    expected: str | None = None) -> tuple[Frame, float] | None:
        got = await self.frames.next_line()
        if got is None:
            return None  # the process ended (or was stopped); the exit explains why
        line, arrived = got
        if line == _TOO_LONG:
            raise BadFrame(f"a frame longer than {MAX_FRAME_BYTES:,} bytes")
        frame = await self.judge(line, cases, expected)
        expect(self.outcome, frame, wanted, index)
        return frame, arrived

    async def run(self, job: dict[str, Any], cases: Sequence[CodeCase], visible: int) -> None:
        """Exchange the job for its frames; a forged or out-of-turn frame fails the run, anything else ends it."""
        try:
            await self._exchange(job, cases, visible)
        except BadFrame as exc:
            reject(self.outcome, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the harness is gone; its exit says why
        except Exception:  # a decoder bug the frames reached still fails the run closed
            log.exception("reading a run's result frames failed")
            reject(self.outcome, "a frame the bot could not read")
        finally:
            if self.meter is not None:
                self.meter.sample()
                self.outcome.max_rss_kb = self.meter.peak_kb

    async def _exchange(self, job: dict[str, Any], cases: Sequence[CodeCase], visible: int) -> None:
        await self._send(job)
        hello = await self._next("hello", len(cases))
        if hello is None:
            return
        self._find_meter()
        loaded = await self._next("load", len(cases))
        if loaded is None:
            return
        self._find_meter()
        if loaded[0].step is not None:
            loaded[0].step.ms = max(loaded[1] - hello[1], 0.0) * 1000
        if loaded[0].step is not None and loaded[0].step.ok:
            for index, case in enumerate(cases):
                if not await self._case(index, case, visible, len(cases)):
                    return
        self.stdin.close()  # no more cases
        await self._next("done", len(cases))

    def _find_meter(self) -> None:
        """Find the harness process if it was not found yet, and sample its memory while it is alive.

        The run's peak is read from the kernel, which knows nothing of a process that has exited, so
        it is sampled after every frame rather than only at the end (a quick run was gone, and
        reported 0 KB); a harness not yet visible at hello is looked for again at the next frame.
        """
        if self.meter is None:
            init = self.init_pid()
            pid = harness_pid(init) if init is not None else None
            self.meter = ProcessMeter(pid) if pid is not None else None
        if self.meter is not None:
            self.meter.sample()

    async def _case(self, index: int, case: CodeCase, visible: int, total: int) -> bool:
        if index == visible:
            self.outcome.hidden_from = index
            for sink in self.texts:
                sink.cut()
        # resetting the kernel's high-water mark walks the process's pages: only for a case with a memory bound
        measured = self.meter if case.max_memory_kb is not None else None
        start_kb = measured.start_window() if measured is not None else None
        self.upstream.start(case.upstream)
        sent = time.perf_counter()
        await self._send({"setup": case.setup, "call": case.call})
        got = await self._next("case", total, index, case.expected)
        served = self.upstream.finish()
        if got is None:
            return False
        self._find_meter()  # and sampled: the harness may be gone by the time "done" arrives
        frame, arrived = got
        if arrived < sent:  # written before the case existed: only a forger knows a case in advance
            raise BadFrame(f"a case {index + 1} frame written before the case was sent")
        if frame.step is not None:
            frame.step.served = served if case.upstream is not None else None
            frame.step.ms = max(arrived - sent, 0.0) * 1000
            frame.step.peak_kb = measured.rise_since(start_kb) if measured is not None else None
        return True
