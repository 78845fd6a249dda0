"""Memory of a run, read from the kernel by the bot: numbers the candidate's code cannot touch.

A figure the harness reports about itself is one the candidate can choose (replacing
``tracemalloc.get_traced_memory`` once turned a whole-file reader into a pass), so the bot reads
the harness process's ``/proc/PID/status`` itself: ``VmHWM`` is the kernel's high-water mark of
its resident memory.  Writing ``5`` to ``/proc/PID/clear_refs`` resets that mark to the current
size, so the rise over one case is the case's own peak.  The seccomp filter keeps a run to one
process (threads share its memory), so that process's mark is the whole run's real peak.

The bot may read and reset these files: it is root, or the sandbox's uid is its own.  Where the
kernel says no, the figures are simply unknown (``None``), and a case that has a memory bound
then fails rather than passes unmeasured.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PROC = Path("/proc")


def harness_pid(init_pid: int) -> int | None:
    """The harness's host pid: the only child of the sandbox's init (bwrap's pid 1) when it says hello."""
    path = PROC / str(init_pid) / "task" / str(init_pid) / "children"
    try:
        children = path.read_text().split()
    except OSError:  # a kernel without CONFIG_PROC_CHILDREN: look for processes whose parent it is
        children = [entry.name for entry in PROC.iterdir() if entry.name.isdigit() and _parent(entry) == init_pid]
    return int(children[0]) if len(children) == 1 else None


def _parent(entry: Path) -> int | None:
    try:
        for line in (entry / "status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


class ProcessMeter:
    """Peak and current resident memory of one process, in KB, straight from ``/proc``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0  # the highest VmHWM seen: kept after the process has exited

    def _status(self) -> dict[str, int]:
        fields: dict[str, int] = {}
        try:
            text = (PROC / str(self.pid) / "status").read_text()
        except OSError:
            return fields
        for line in text.splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(rest.split()[0])
        return fields

    def sample(self) -> tuple[int, int] | None:
        """(current, high-water mark), or None once the process is gone."""
        fields = self._status()
        if "VmRSS" not in fields or "VmHWM" not in fields:
            return None
        self.peak_kb = max(self.peak_kb, fields["VmHWM"])
        return fields["VmRSS"], fields["VmHWM"]

    def start_window(self) -> int | None:
        """Reset the high-water mark to the current size; the size it starts from, or None if that failed."""
        before = self.sample()
        if before is None:
            return None
        try:
            fd = os.open(PROC / str(self.pid) / "clear_refs", os.O_WRONLY)
        except OSError:
            return None
        with contextlib.closing(os.fdopen(fd, "w")) as handle:
            try:
                handle.write("5")
                handle.flush()
            except OSError:
                return None
        after = self.sample()
        return after[0] if after is not None else None

    def rise_since(self, start_kb: int | None) -> int | None:
        """How far the high-water mark rose above ``start_kb`` since :meth:`start_window`, or None."""
        now = self.sample()
        if start_kb is None or now is None:
            return None
        return max(now[1] - start_kb, 0)
