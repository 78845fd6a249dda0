"""Starting a sandbox run without holding the event loop, and learning of its exit on the loop.

``asyncio.create_subprocess_exec`` forks and waits for the child's ``exec`` on the event loop's
thread.  That wait is short on an idle machine, but on a busy one the child may wait for a CPU
before it gets to ``exec``, and the whole bot waits with it: in the Discord load benchmark it was
the largest single blocking call the loop made for a coding answer.  So the process is started
in a worker thread; only wiring its stdin to the loop and watching for its exit happen here.

The exit is a pidfd the loop watches (Linux 5.3 and later), or else a worker thread waiting on
it.  bwrap's ``--die-with-parent`` follows the thread that started it; the event loop's default
executor keeps its threads for the loop's lifetime, so that is when a run is killed this way,
as before.  A start that finishes after its caller gave up (a cancelled check) is killed at once, whole
process group included, so no run is ever left behind unwatched.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import subprocess
from collections.abc import Sequence


class Child:
    """A started run: its pid, its stdin as a stream, and its exit status once it has ended."""

    def __init__(self, popen: subprocess.Popen[bytes], stdin: asyncio.StreamWriter, exited: asyncio.Future[int]) -> None:
        self._popen = popen
        self.pid = popen.pid
        self.stdin = stdin
        self._exited = exited

    @property
    def returncode(self) -> int | None:
        return self._exited.result() if self._exited.done() else None

    async def wait(self) -> int:
        """The exit status, once the process has ended (waiting does not stop it)."""
        return await asyncio.shield(self._exited)


def _kill_abandoned(loop: asyncio.AbstractEventLoop, started: asyncio.Future[subprocess.Popen[bytes]]) -> None:
    if started.cancelled() or started.exception() is not None:
        return
    popen = started.result()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, signal.SIGKILL)
    loop.run_in_executor(None, popen.wait)  # reaped off the loop


async def spawn(argv: Sequence[str], *, stdout: int, stderr: int, pass_fds: Sequence[int]) -> Child:
    """Start ``argv`` in a new session with an empty environment, from a worker thread."""
    loop = asyncio.get_running_loop()

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(list(argv), stdin=subprocess.PIPE, stdout=stdout, stderr=stderr, env={},
                                pass_fds=tuple(pass_fds), start_new_session=True)

    started: asyncio.Future[subprocess.Popen[bytes]] = loop.run_in_executor(None, start)
    try:
        popen = await asyncio.shield(started)
    except asyncio.CancelledError:
        started.add_done_callback(functools.partial(_kill_abandoned, loop))
        raise
    try:
        assert popen.stdin is not None
        transport, protocol = await loop.connect_write_pipe(
            lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader()), popen.stdin)
    except BaseException:
        _kill_abandoned(loop, started)
        raise
    stdin = asyncio.StreamWriter(transport, protocol, None, loop)
    return Child(popen, stdin, _exit_of(loop, popen))


def _exit_of(loop: asyncio.AbstractEventLoop, popen: subprocess.Popen[bytes]) -> asyncio.Future[int]:
    try:
        pidfd = os.pidfd_open(popen.pid)
    except (AttributeError, OSError):  # no pidfds here: a worker thread waits instead
        return loop.run_in_executor(None, popen.wait)
    exited: asyncio.Future[int] = loop.create_future()

    def reap() -> None:
        loop.remove_reader(pidfd)
        os.close(pidfd)
        status = popen.wait()  # it has exited: this returns at once
        if not exited.done():
            exited.set_result(status)

    loop.add_reader(pidfd, reap)
    return exited
