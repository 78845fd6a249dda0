"""A cgroup v2 for each run, where the host delegates one: the kernel's own bound on the whole run.

Without it the run is still bounded: the seccomp filter keeps it to one process, whose address
space is limited to the stated memory (``limits.py``), and the bot reads that process's peak from
``/proc`` (``meter.py``).  A delegated cgroup adds what those cannot see: memory the kernel
charges to the run but not to a process's address space (the files it writes to its ``/tmp``,
kernel buffers), a hard ``pids.max`` whatever the filter allows, ``memory.peak`` as the run's
peak, and ``cgroup.kill`` to end every process in it at once.

The operator delegates a directory (``MOCKLOOP_SANDBOX_CGROUP``): a cgroup v2 the bot may write,
with ``memory`` and ``pids`` enabled in its ``cgroup.subtree_control`` (systemd: ``Delegate=yes``;
a container: a writable cgroup namespace).  Each run gets ``run-<random>`` under it, entered by a
one-line shell before bwrap starts, so nothing of the run ever lives outside it.  A directory
that is not usable is reported once and the run goes ahead on the fallback; nothing is silently
unbounded either way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

from bot.sandbox.limits import MB, Limits

ENTER = 'echo 0 > "$0/cgroup.procs" && exec "$@"'  # the shell moves itself in, then becomes the sandbox
EXTRA_PIDS = 3  # the shell that becomes bwrap, bwrap's own child, and the sandbox's init


def unusable(parent: Path) -> str | None:
    """Why ``parent`` cannot hold the runs' cgroups, or None when it can."""
    try:
        enabled = (parent / "cgroup.subtree_control").read_text().split()
    except OSError:
        return f"{parent} is not a cgroup v2 directory this process can read"
    missing = [name for name in ("memory", "pids") if name not in enabled]
    if missing:
        return f"{parent} does not delegate the {' and '.join(missing)} controller (cgroup.subtree_control)"
    if not os.access(parent, os.W_OK):
        return f"{parent} is not writable by this process"
    return None


class RunCgroup:
    """One run's cgroup: created with its limits, entered before bwrap starts, read and removed after."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, parent: Path, limits: Limits) -> RunCgroup:
        path = parent / f"run-{os.urandom(6).hex()}"
        path.mkdir()
        group = cls(path)
        try:
            group._write("memory.max", str(limits.memory_mb * MB))
            group._write("pids.max", str(limits.processes + EXTRA_PIDS))
            if (path / "memory.swap.max").exists():
                group._write("memory.swap.max", "0")  # the bound is on memory, not memory plus swap
        except OSError:
            group.remove()
            raise
        return group

    def _write(self, name: str, value: str) -> None:
        (self.path / name).write_text(value)

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` started inside this cgroup."""
        return ["/bin/sh", "-c", ENTER, str(self.path), *argv]

    def peak_kb(self) -> int | None:
        """The run's peak memory as the kernel charged it (``memory.peak``, Linux 5.19 and later), or None."""
        try:
            return int((self.path / "memory.peak").read_text()) // 1024
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        """Every process in the run, at once (``cgroup.kill``, Linux 5.14 and later)."""
        with contextlib.suppress(OSError):
            self._write("cgroup.kill", "1")

    def remove(self, wait: float = 1.0) -> None:
        """Remove the cgroup once it is empty (killing what is left first)."""
        deadline = time.monotonic() + wait
        while True:
            try:
                self.path.rmdir()
                return
            except OSError as exc:
                if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                    return  # gone already, or left for the operator to see; the next runs use new names
                self.kill()  # still has processes
                time.sleep(0.02)
