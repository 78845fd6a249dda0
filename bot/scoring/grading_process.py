"""Offline grading in a process of its own, so the bot's event loop shares no interpreter lock with it.

Grading on a thread (:class:`bot.scoring.offline.OnThread`) keeps a grade from running *on* the event loop, but
the thread still shares the loop's interpreter lock and its garbage collector.  Under the Discord load
benchmark (100 members, 30 coding answers, half of them hostile) that was what still held the loop for
more than 20 ms: the wake-ups that late came while another thread of the bot had the CPU and the loop's
thread did not, and the young collections that grading's allocations set off ran in the bot's process
(5-29 ms each, most of them started on the grading thread).  In a process of its own a grade costs the
loop two small pickles; while results were decoded, 15 runs had 2 wake-ups past 20 ms between them,
against 18 in 11 runs with the thread (``benchmarks/RESULTS.md``, issue 13).

The process holds its own copy of the scorer (the catalogue's topics cross once, at start) and keeps
each question and rubric it has been sent, so a rubric crosses once per process, not with every
answer, and stays compiled there.  It is spawned, not forked (the bot has threads), from a worker
thread (starting an interpreter is no work for the event loop), and closed with the bot.  If it cannot
start or dies, the grade is made on the grading thread instead and the next grade starts a new process:
an answer is never lost to the process, only slower.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from bot.engine.models import Question, Rubric
from bot.processes import follow_parent, settle_heap
from bot.scoring.offline import ON_THREAD

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from bot.scoring.offline import Assessment, OfflineScorer
    from bot.scoring.topicality import Topics

T = TypeVar("T")
log = logging.getLogger(__name__)
# Question and rubric pairs one process keeps: far more than a catalogue holds.  Past it the process is
# replaced, so a caller that makes new rubric objects endlessly cannot grow it without bound.
KNOWN_PAIRS = 4096
# Starts that failed in a row before the bot stops trying and grades on its thread for good (a host that
# forbids new processes would otherwise pay a failed start with every answer).
GIVE_UP_AFTER = 3

# In the grading process: its scorer, and the pairs it was sent, by the number the bot gave each.
_scorer: OfflineScorer | None = None
_known: dict[int, tuple[Question, Rubric]] = {}


def _begin(parent: int, topics: Topics | None) -> None:
    """The process's start: it ends with the bot; its scorer; the start-up objects kept out of every later collection."""
    global _scorer
    from bot.scoring.offline import OfflineScorer

    follow_parent(parent)
    _scorer = OfflineScorer(topics)
    settle_heap()  # as the bot's own process


def _ready() -> None:
    """Run once at start: the process is up and has imported the scorer."""


class Unknown(Exception):
    """The process was asked to grade against a pair it was never sent: the caller sends it again."""


def _assess(number: int, pair: tuple[Question, Rubric] | None, text: str, hinted: frozenset[str]) -> Assessment:
    if pair is not None:
        _known[number] = pair
    found = _known.get(number)
    if found is None or _scorer is None:
        raise Unknown(number)
    return _scorer.assess(*found, text, hinted)


class GradingProcess:
    """One spawned process that grades for the bot; ``start`` it early, ``close`` it with the bot."""

    def __init__(self, topics: Topics | None) -> None:
        self.topics = topics
        self._pool: ProcessPoolExecutor | None = None
        self._starting: asyncio.Lock | None = None
        self._warming: asyncio.Task[Any] | None = None
        # (id(question), id(rubric)) -> (number, question, rubric): the objects are kept, so an id is never reused
        self._numbers: dict[tuple[int, int], tuple[int, Question, Rubric]] = {}
        self._sent: set[int] = set()  # numbers whose pair the current process holds
        self.sent_pairs = 0  # pairs sent so far, over every process (a rubric should cross once per process)
        self.fallbacks = 0  # grades made on the grading thread because the process was not there
        self._failed_starts = 0  # in a row: a host that cannot start one at all stops trying (GIVE_UP_AFTER)

    def start(self) -> None:
        """Begin starting the process now, so the first answer does not wait for it."""
        if self._warming is None:
            self._warming = asyncio.get_running_loop().create_task(self._started(), name="grading-process-start")
            self._warming.add_done_callback(_quiet)

    async def assess(self, scorer: OfflineScorer, question: Question, rubric: Rubric, text: str,
                     hinted: frozenset[str]) -> Assessment:
        """``scorer.assess`` made in the process (``scorer`` grades on the thread when the process is not there)."""
        if len(self._numbers) >= KNOWN_PAIRS:
            self._replace()

        async def in_process(pool: ProcessPoolExecutor) -> Assessment:
            number, send = self._number(question, rubric)
            loop = asyncio.get_running_loop()
            try:
                found = await loop.run_in_executor(pool, _assess, number, (question, rubric) if send else None, text, hinted)
            except Unknown:  # not expected (the process got every pair it is asked about), but never a lost grade
                send = True
                found = await loop.run_in_executor(pool, _assess, number, (question, rubric), text, hinted)
            self.sent_pairs += send
            return found

        return await self._in_process(in_process, lambda: ON_THREAD.assess(scorer, question, rubric, text, hinted))

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in the process; ``work`` is a module-level function and its arguments plain data."""
        return await self._in_process(lambda pool: asyncio.get_running_loop().run_in_executor(pool, work, *args),
                                      lambda: ON_THREAD.run(work, *args))

    async def _in_process(self, call: Callable[[ProcessPoolExecutor], Awaitable[T]],
                          on_thread: Callable[[], Awaitable[T]]) -> T:
        """``call`` with the process, started if need be; on the grading thread when it is lost or cannot start."""
        if self._failed_starts >= GIVE_UP_AFTER:
            return await on_thread()
        try:
            return await call(await self._started())
        except (BrokenProcessPool, OSError) as exc:
            self._lost(exc)
        return await on_thread()

    async def close(self) -> None:
        """Stop the process; gradings still in it finish first (the answers they grade are not lost)."""
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True)

    def _number(self, question: Question, rubric: Rubric) -> tuple[int, bool]:
        """The pair's number, and whether the current process has yet to be sent the pair."""
        key = (id(question), id(rubric))
        found = self._numbers.get(key)
        if found is None:
            found = (len(self._numbers), question, rubric)
            self._numbers[key] = found
        number = found[0]
        if number in self._sent:
            return number, False
        self._sent.add(number)
        return number, True

    async def _started(self) -> ProcessPoolExecutor:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._pool is None:
                import multiprocessing  # here: a terminal command never grades in a process
                from concurrent.futures import ProcessPoolExecutor

                # spawn, not fork: the bot has threads, and a forked copy of it would hold their locks.  Made on
                # a thread, as the start below: the first pool of a process also starts multiprocessing's
                # resource tracker, an interpreter of its own.
                pool = await asyncio.to_thread(ProcessPoolExecutor, 1, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=_begin, initargs=(os.getpid(), self.topics))
                try:
                    # starting an interpreter is no work for the event loop: from a thread
                    await asyncio.to_thread(lambda: pool.submit(_ready).result())
                except BaseException as exc:
                    pool.shutdown(wait=False, cancel_futures=True)
                    if isinstance(exc, (BrokenProcessPool, OSError)):
                        self._failed_starts += 1
                        if self._failed_starts == GIVE_UP_AFTER:
                            log.warning("the grading process failed to start %d times; grading stays on a thread",
                                        GIVE_UP_AFTER)
                    raise
                self._pool, self._sent, self._failed_starts = pool, set(), 0
        return self._pool

    def _lost(self, exc: BaseException) -> None:
        """The process died or would not start: this grade is made on the thread, the next one starts a new process."""
        self.fallbacks += 1
        log.warning("the grading process is not available (%s); grading on a thread instead", type(exc).__name__)
        self._replace()

    def _replace(self) -> None:
        """Let the current process go (what was already handed to it is still graded there); the next grade starts another."""
        pool, self._pool = self._pool, None
        self._numbers, self._sent = {}, set()
        if pool is not None:
            pool.shutdown(wait=False)


def _quiet(task: asyncio.Task[Any]) -> None:
    """A start that failed is logged when a grade first needs the process; here it is only retrieved."""
    if not task.cancelled():
        task.exception()
