"""Each frame judged as it arrives, and the large ones in another process, so the event loop never waits.

A frame is judged against the case in flight the moment it arrives: decoded, compared with the
expected literal, and turned into the short text a failure shows; the decoded value is then
dropped.  Small frames (all an honest run writes) cost well under a millisecond and are judged
in place.  A large one costs up to tens of milliseconds whatever its bytes (``values.py`` keeps
that linear), and a thread is no help there: the decoder holds the GIL, and on a busy machine
the event loop sharing it stalled for 50 ms or more behind one.  So frames above
``INLINE_FRAME_BYTES`` go to another process, and only a verdict and a line of text come back.
One process, at a lower priority: decoding forged frames still takes CPU, and on a two-core
machine two busy judges left the event loop waiting for a core (stalls of 40-60 ms under load,
against 13-22 ms with one niced judge, the same as with no judging at all).  It is started on
first use, from a worker thread, and closed with the runner.
"""

from __future__ import annotations

import ast
import asyncio
import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.processes import follow_parent
from bot.sandbox.harness import encode, encoded_bytes
from bot.sandbox.outcome import Frame, parse_frame
from bot.sandbox.values import same, show

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

INLINE_FRAME_BYTES = 16 * 1024  # an honest frame is far smaller; judging this much takes under a millisecond


@lru_cache(maxsize=512)
def _expected(literal: str) -> Any:
    return ast.literal_eval(literal)


@lru_cache(maxsize=512)
def _value_bytes(literal: str) -> int:
    """The most bytes a value equal to ``literal`` can take as the harness encodes it, with room to spare.

    Equal values encode to the same text but for a float's ".0" and the order of a dict's or a set's items,
    so twice the size plus 4 KiB never fails an equal value; anything larger is not decoded at all."""
    return 2 * encoded_bytes(encode(_expected(literal))) + 4096


def judge_frame(line: bytes, cases: int, expected: str | None) -> Frame:
    """``line`` parsed (``BadFrame`` if forged) and, for a returned value, compared with ``expected``; no value kept."""
    frame = parse_frame(line, cases, _value_bytes(expected) if expected is not None else None)
    step = frame.step
    if step is not None and step.oversized:
        step.judged = (False, f"a value of {step.oversized:,} bytes once encoded, far larger than the expected one")
    elif step is not None and step.value is not None:
        step.judged = (expected is not None and same(_expected(expected), step.value), show(step.value))
        step.value = None  # the verdict and its text are all that is needed: nothing large crosses back
    return frame


def _ready() -> None:
    """Run in a new worker: importing this module is the start-up cost, paid before the first real frame."""


def _lower_priority(parent: int) -> None:
    """Judging a forged frame is the attacker's cost: on a small machine the event loop must win the CPU.
    The judge also ends with the process that started it (see :mod:`bot.processes`)."""
    os.nice(10)
    follow_parent(parent)


class FrameJudge:
    """Judges frames in place or in the pool; one per runner."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._starting: asyncio.Lock | None = None
        # For the event-loop watch: frames being judged now, and every frame whose judging began, so a
        # late wake-up can tell whether a result was decoded meanwhile (in place or in the pool).
        self.in_flight = 0
        self.started = 0

    async def __call__(self, line: bytes, cases: int, expected: str | None) -> Frame:
        self.started += 1
        if len(line) <= INLINE_FRAME_BYTES:
            return judge_frame(line, cases, expected)
        self.in_flight += 1
        try:
            pool = await self._started()
            return await asyncio.get_running_loop().run_in_executor(pool, judge_frame, line, cases, expected)
        finally:
            self.in_flight -= 1

    def mark(self) -> tuple[int, int]:
        """(frames in flight, frames begun): two marks taken around an interval say whether it saw any judging."""
        return self.in_flight, self.started

    async def _started(self) -> ProcessPoolExecutor:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._pool is None:
                import multiprocessing  # here: most runs never need the pool, and every start would pay for it
                from concurrent.futures import ProcessPoolExecutor

                # spawn, not fork: the bot has threads, and a forked copy of it would hold their locks
                pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_lower_priority, initargs=(os.getpid(),))
                # starting a worker runs an interpreter: done from a thread, never on the event loop
                await asyncio.to_thread(lambda: [f.result() for f in [pool.submit(_ready) for _ in range(self.workers)]])
                self._pool = pool
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
