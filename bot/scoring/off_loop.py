"""Grading runs on one worker thread of its own, so the event loop serving everyone keeps turning.

The offline scorer and the STAR analysis are pure Python and take a few milliseconds an answer
(more for a long story); done in place, each answer was a stall of that length for every member
of a Discord server at once, and under load several landed in one turn of the loop.  Handed to a
thread, the loop gets the interpreter back at every switch interval instead of waiting for the
whole grade.  One thread, not a pool: gradings still share the one interpreter, so running them
side by side would only make each of them, and the loop, wait longer; in a line they finish in
the order they came.  The thread starts with the first grade and ends with the process.

The Discord bot grades in a process of its own instead (:mod:`bot.scoring.grading_process`), which
shares no interpreter lock with the loop; this thread is where terminal commands grade, and where the
bot grades while that process is being replaced.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

P = ParamSpec("P")
T = TypeVar("T")
_grading: ThreadPoolExecutor | None = None


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` on the grading thread; the caller awaits its result (or its exception)."""
    # Imported here, not at the top: ``mockloop score`` grades one typed answer without an event loop and
    # must not pay for loading asyncio (about 30 ms); a caller that awaits has asyncio loaded already.
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    global _grading
    if _grading is None:
        _grading = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockloop-grading")
    return await asyncio.get_running_loop().run_in_executor(_grading, functools.partial(work, *args, **kwargs))
