"""A helper process the bot spawns ends when the bot does, however the bot ended.

The bot's helpers (the chart worker, the grading process, the frame judges) are process-pool workers
that wait on a queue the bot feeds.  A bot that is killed outright (SIGKILL, the out-of-memory killer)
closes nothing, and a spawned worker holds both ends of its own queue, so it would wait for ever: each
crash or hard stop left one more process of 40-60 MB behind.  A daemon thread in the worker notices that
its parent is gone (it is re-parented) and ends the process.
"""

from __future__ import annotations

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
