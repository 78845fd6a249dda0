"""Which functions hold the bot's event loop: a sampler of the loop thread's stack during stalls.

The loop watch (``loop_watch.py``) can say that the loop woke late, and whether the process was on
a CPU meanwhile, but not what it was doing.  Finding that out under a real load is what this is
for: a daemon thread wakes every ``interval_ms`` and, while the watch's heartbeat is older than
``threshold_ms`` (the loop has not come back to the watch for that long), reads the loop thread's
current frame with ``sys._current_frames`` and counts where it is.  Several samples fall in a
long stall, so the counts weigh each place by how long it held the loop.

Each sample is filed three ways: the innermost function (``leaf``, often a library's), the
innermost function of the bot's own code on the stack (``ours``, what to change), and the task or
callback the loop was running (``task``, the outermost frame below asyncio's own).  The sampler
needs the interpreter (the GIL) to look, so a sample lands where the loop's thread next lets go
of it: ``leaf`` leans to system calls (a socket write, ``epoll``) that may only be where the loop
waited to get the interpreter back; ``task`` and ``ours`` are steadier.  Garbage collections
(which stop every thread) are timed beside the samples, and each report gives the CPU time of
each of the process's threads, to tell the loop's own work from another thread's, and how many
objects each generation holds, which is what its next collection will walk.  Off unless
``MOCKLOOP_LOOP_STACKS`` is set: it is a diagnostic for load runs, and the thread's wake-ups cost
a little GIL traffic.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

OURS = str(Path(__file__).resolve().parents[2])  # the bot package's directory
ASYNCIO = str(Path(asyncio.__file__).resolve().parent)
DEPTH = 64  # frames walked per sample at most; deeper stacks are recursion, the top says enough


def _where(frame: FrameType) -> str:
    code = frame.f_code
    name = frame.f_globals.get("__name__", Path(code.co_filename).stem)
    return f"{name}.{code.co_qualname}:{frame.f_lineno}"


class StackSampler:
    """A daemon thread counting where the loop thread is whenever the loop misses its heartbeat."""

    def __init__(self, threshold_ms: float = 20.0, interval_ms: float = 5.0, top: int = 8) -> None:
        self.threshold = threshold_ms / 1000
        self.interval = interval_ms / 1000
        self.top = top
        self._beat = time.monotonic()
        self._loop_thread: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._leaf: Counter[str] = Counter()
        self._ours: Counter[str] = Counter()
        self._task: Counter[str] = Counter()
        self._samples = 0
        self._gc_started = (0.0, 0.0)
        self._gc_ms: list[tuple[int, float, float]] = []

    def start(self) -> None:
        """Watch the calling thread (the event loop's) from a new daemon thread."""
        if self._thread is not None:
            return
        self._loop_thread = threading.get_ident()
        self._beat = time.monotonic()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="loop-stacks", daemon=True)
        self._thread.start()
        gc.callbacks.append(self._collecting)

    def _collecting(self, phase: str, info: dict[str, int]) -> None:
        """Garbage collections stop every thread; their pauses are timed beside the samples."""
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.thread_time())
        else:
            wall, cpu = self._gc_started
            self._gc_ms.append((info.get("generation", 0), (time.perf_counter() - wall) * 1000,
                                (time.thread_time() - cpu) * 1000))

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=1)
            if self._collecting in gc.callbacks:
                gc.callbacks.remove(self._collecting)

    def beat(self) -> None:
        """The loop came back to the watch: called from the loop's thread at every wake-up."""
        self._beat = time.monotonic()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if time.monotonic() - self._beat > self.threshold and self._loop_thread is not None:
                frame = sys._current_frames().get(self._loop_thread)
                if frame is not None:
                    self._record(frame)
                del frame  # a frame keeps its locals alive; do not hold on to it

    def _record(self, frame: FrameType) -> None:
        leaf = _where(frame)
        ours: str | None = None
        task: str | None = None
        current: FrameType | None = frame
        for _ in range(DEPTH):
            if current is None:
                break
            filename = current.f_code.co_filename
            if ours is None and filename.startswith(OURS) and not filename.endswith("loop_stacks.py"):
                ours = _where(current)
            if not filename.startswith(ASYNCIO):
                task = _where(current)  # the outermost non-asyncio frame seen so far
            elif task is not None:
                break  # asyncio's own frames (Handle._run, the loop) are below the task's
            current = current.f_back
        with self._lock:
            self._samples += 1
            self._leaf[leaf] += 1
            self._ours[ours or "(no bot frame)"] += 1
            self._task[task or "(asyncio itself)"] += 1

    @staticmethod
    def thread_cpu() -> dict[str, float]:
        """CPU seconds each of the process's Python threads has used so far, by name (Linux only, else empty)."""
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        used: dict[str, float] = {}
        for thread in threading.enumerate():
            try:
                fields = Path(f"/proc/self/task/{thread.native_id}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            name = thread.name.rstrip("_0123456789-") or thread.name  # one line per pool, not per worker
            used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
        return {name: round(seconds, 2) for name, seconds in sorted(used.items(), key=lambda kv: -kv[1])}

    @staticmethod
    def heap() -> dict[str, int]:
        """How many objects the collector tracks in each generation now, and how many start-up froze.

        A collection's pause grows with the objects it walks, so these say what the next one of each
        generation will cost; walking them all is why this is only for the diagnostic reports."""
        sizes = {name: len(gc.get_objects(generation)) for generation, name in enumerate(("young", "middle", "old"))}
        return {**sizes, "frozen": gc.get_freeze_count()}

    def take(self) -> dict[str, Any]:
        """The places seen since the last call, most samples first, then start counting afresh."""
        with self._lock:
            summary = {"samples": self._samples, "interval_ms": round(self.interval * 1000, 1),
                       "leaf": self._leaf.most_common(self.top), "ours": self._ours.most_common(self.top),
                       "task": self._task.most_common(self.top),
                       "thread_cpu_s": self.thread_cpu(), "heap": self.heap(),
                       "gc_pauses": {f"generation_{g}": {"collections": len(ms), "max_ms": round(max(ms), 1),
                                                         "total_ms": round(sum(ms), 1), "cpu_ms": round(sum(cpu), 1)}
                                     for g in (0, 1, 2)
                                     if (ms := [t for gen, t, _ in self._gc_ms if gen == g])
                                     and (cpu := [c for gen, _, c in self._gc_ms if gen == g])}}
            self._leaf, self._ours, self._task, self._samples = Counter(), Counter(), Counter(), 0
            self._gc_ms = []
        return summary
