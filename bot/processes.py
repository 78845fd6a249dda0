"""How the bot's long-lived processes behave: their start-up objects stay out of the collector's way,
and a helper process the bot spawns ends when the bot does, however the bot ended.

The bot's helpers (the chart worker, the grading process, the frame judges) are process-pool workers
that wait on a queue the bot feeds.  A bot that is killed outright (SIGKILL, the out-of-memory killer)
closes nothing, and a spawned worker holds both ends of its own queue, so it would wait for ever: each
crash or hard stop left one more process of 40-60 MB behind.  A daemon thread in the worker notices that
its parent is gone (it is re-parented) and ends the process.
"""

from __future__ import annotations

import gc
import os
import threading
import time

CHECK_SECONDS = 1.0


def follow_parent(parent: int) -> None:
    """In a worker started by process ``parent``: exit as soon as that process is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def settle_heap(*, full: bool = True) -> None:
    """After a long-lived process has loaded what it keeps for good: those objects leave the collector's view.

    They live as long as the process, so ``gc.freeze`` keeps every later collection from walking them.
    A collection's pause grows with the objects it walks, so the thresholds bound each generation's walk:
    a young collection every 5,000 allocations (about 4 ms of the bot's objects on this class of machine)
    and a middle one every 5 young ones (the survivors of about 25,000 allocations, 6-14 ms).  Python's
    defaults (700, 10, 10) run many short collections but send more to the old generation, whose full
    collections walk every live session (30 ms at 300 live rounds); 20,000 young with 20 middle kept
    young pauses under 20 ms only at light load, and its middle collection, due every 400,000 allocations,
    took 72 ms when a 600-member run met it.  Measured in ``benchmarks/RESULTS.md`` (issue 13, fourteenth session).

    The garbage among them is collected first.  ``full=False`` collects the young and middle generations only,
    where a process that has just built its objects holds nearly all of it: in the Discord bot that takes
    0.2-0.3 ms where the full collection over everything (172,000 objects) took 61-63 ms on the event loop."""
    gc.collect(2 if full else 1)
    gc.freeze()
    gc.set_threshold(5_000, 5, 20)
