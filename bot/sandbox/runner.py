"""Runs candidate code in the sandbox: one child process tree per run, killed whole, read with bounds.

The child is started with ``start_new_session=True`` (never ``preexec_fn``, which is unsafe in
a threaded process) and an empty environment, so it leads its own process group.  That group
is bwrap; everything the candidate starts lives in bwrap's pid namespace, whose init is
tied to bwrap (``--die-with-parent``), and the kernel kills every process in a pid namespace
when its init dies.  So one ``killpg(SIGKILL)`` on timeout or cancellation ends all of it,
including anything that called ``setsid`` and forked to escape the group.

Output never grows without bound in the bot: stdout and stderr keep their first
``stream_bytes`` and are then closed (the writer gets EPIPE), and the result channel, a pipe
of its own that stdout cannot reach, stops the run when flooded.  What is said to the harness
and when (one case at a time, timed and measured here) is ``exchange.py``.  A semaphore bounds
how many runs share the machine at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.engine.models import CodeCase, CodeCheck, CodingTask
from bot.sandbox.bwrap import Launch, build_launcher
from bot.sandbox.cgroup import RunCgroup, unusable
from bot.sandbox.exchange import Exchange, FrameSink, TextSink
from bot.sandbox.judge import FrameJudge
from bot.sandbox.limits import Limits
from bot.sandbox.outcome import RunOutcome
from bot.sandbox.results import failed_run, grade, refused
from bot.sandbox.spawn import Child, spawn
from bot.sandbox.upstream import UpstreamServer

SETTLE_SECONDS = 1.0  # after the process exits, how long to wait for its pipes to drain
log = logging.getLogger(__name__)


class Launcher(Protocol):
    """Turns a run into a command line; :class:`bot.sandbox.bwrap.BwrapLauncher` is the only one the bot uses."""

    @property
    def name(self) -> str: ...

    @property
    def python(self) -> Path: ...

    @property
    def filtered(self) -> bool:
        """Whether a seccomp filter is applied."""
        ...

    def prepare(self, info_fd: int) -> Launch:
        """A command line; it may write ``{"child-pid": N}`` to ``info_fd``, the process to kill first."""
        ...


@dataclass(frozen=True)
class Probe:
    """Which sandbox works here, or why none does."""

    sandbox: str | None
    reason: str | None = None
    python: str | None = None
    seccomp: bool = False
    memory: str = ""  # how the whole run's memory is bounded


def _kill_sandbox(proc: Child, info: TextSink) -> None:
    """Kill the sandbox's init (which empties its pid namespace), or bwrap's whole group if its pid is unknown."""
    child = _init_pid(info)
    if child is not None and proc.returncode is None:
        try:
            os.kill(child, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            pass
    _kill_group(proc.pid)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class SandboxRunner:
    """Checks coding answers in the sandbox; refuses (and says why) when no sandbox works here."""

    def __init__(self, limits: Limits | None = None, concurrency: int = 2, launcher: Launcher | None = None,
                 cgroup: Path | None = None) -> None:
        self.limits = limits or Limits()
        self._slots = asyncio.Semaphore(concurrency)
        self._judge = FrameJudge(1)  # one low-priority process: the event loop keeps a core (judge.py)
        self._launcher = launcher
        self._cgroup = cgroup
        self._memory_note = ""
        if cgroup is not None and (why := unusable(cgroup)) is not None:
            log.warning("not using a cgroup per run: %s", why)
            self._cgroup, self._memory_note = None, f" ({why})"
        self.running = 0  # checks in flight, for the bot's event-loop watch (loop_watch.py)
        self.decoding = self._judge.mark  # and whether results were decoded meanwhile
        self._probe: Probe | None = None
        self._probing = asyncio.Lock()  # concurrent first checks share one probe
        if launcher is None:
            built, reason = build_launcher(self.limits)
            self._launcher = built
            if built is None:
                self._probe = Probe(None, reason)

    async def probe(self) -> Probe:
        """Whether the sandbox actually works here: runs a trivial job through it once and remembers."""
        async with self._probing:
            if self._probe is not None:
                return self._probe
            assert self._launcher is not None
            outcome = await self._run(self._launcher, "", [CodeCase(call="6 * 7", expected="42")], wall=10.0)
            python = str(self._launcher.python)
            step = outcome.cases.get(0)
            if step is not None and step.ok and step.judged is not None and step.judged[0]:
                self._probe = Probe(self._launcher.name, None, python, self._launcher.filtered, self._memory_bound())
            else:
                self._probe = Probe(None, _why_not(outcome), python)
            return self._probe

    def close(self) -> None:
        """Stop the frame judges' worker processes, if any were started."""
        self._judge.close()

    def _memory_bound(self) -> str:
        assert self._launcher is not None
        if self._cgroup is not None:
            return f"{self.limits.memory_mb} MB per run in a cgroup under {self._cgroup}"
        if self._launcher.filtered:
            return f"{self.limits.memory_mb} MB per run, one process{self._memory_note}"
        share = self.limits.per_process_mb(False)
        return f"{share} MB for each of up to {self.limits.processes} processes{self._memory_note}"

    async def check(self, question_id: str, task: CodingTask, source: str) -> CodeCheck:
        """Run ``source`` against the task's examples, then its hidden cases, and grade the returned values.

        Before any probe, the check itself is the probe: a run whose harness never reported its
        limits in place had no candidate code executed (the source is loaded only after that
        report), so the sandbox did not work and the run is refused with the probe's reason.  A
        one-shot `mockloop check-code` so starts the sandbox once, not twice.
        """
        too_long = len(source) > self.limits.source_chars
        probe = await self.probe() if too_long else self._probe  # (no launcher here: already a failed probe)
        if probe is not None and probe.sandbox is None:
            return refused(question_id, task, f"Code was not run: {probe.reason}.")
        if too_long:
            assert probe is not None and probe.sandbox is not None
            return refused(question_id, task, f"The submission has {len(source):,} characters; the limit is "
                                              f"{self.limits.source_chars:,}.", sandbox=probe.sandbox)
        self.running += 1
        try:
            return await self._check(question_id, task, source, probe)
        finally:
            self.running -= 1

    async def _check(self, question_id: str, task: CodingTask, source: str, probe: Probe | None) -> CodeCheck:
        outcome = await self.run(source, [*task.examples, *task.hidden], visible=len(task.examples))
        if probe is None:
            if not outcome.started:  # not remembered: a run starved by a busy machine may work next time
                return refused(question_id, task, f"Code was not run: {_why_not(outcome)}.")
            self._remember_working()
        try:
            # comparing and rendering the values costs time in proportion to them: off the event loop
            return await asyncio.to_thread(grade, question_id, task, outcome, self.limits)
        except Exception:  # a result the checks above let through must still fail the run, never skip its tests
            log.exception("grading a run of %s failed", question_id)
            return failed_run(question_id, task, "The run's result could not be read, so no case counts as passed.",
                              outcome.sandbox)

    def _remember_working(self) -> None:
        """A run's harness reported its limits in place: the sandbox works, as a probe would have found."""
        assert self._launcher is not None
        if self._probe is None:
            self._probe = Probe(self._launcher.name, None, str(self._launcher.python), self._launcher.filtered,
                                self._memory_bound())

    def _run_cgroup(self) -> RunCgroup | None:
        """A fresh cgroup for one run, when one is delegated; a failure to make one leaves the fallback bounds."""
        if self._cgroup is None:
            return None
        try:
            return RunCgroup.create(self._cgroup, self.limits)
        except OSError as exc:
            log.warning("could not create a cgroup for a run under %s: %s", self._cgroup, exc)
            return None

    async def run(self, source: str, cases: Sequence[CodeCase], visible: int | None = None) -> RunOutcome:
        """One sandboxed run, waiting for a free slot first; output from case ``visible`` on is never kept."""
        assert self._launcher is not None
        async with self._slots:
            return await self._run(self._launcher, source, cases, wall=self.limits.wall_seconds, visible=visible)

    async def _run(self, launcher: Launcher, source: str, cases: Sequence[CodeCase], wall: float,
                   visible: int | None = None) -> RunOutcome:
        outcome = RunOutcome(sandbox=launcher.name)
        started = time.perf_counter()
        pipes = [os.pipe() for _ in range(6)]  # stdout, stderr, results, sandbox info, upstream requests and replies
        (out_r, out_w), (err_r, err_w), (res_r, res_w), (info_r, info_w), (ask_r, ask_w), (reply_r, reply_w) = pipes
        try:
            launch = launcher.prepare(info_w)
        except BaseException:
            for pair in pipes:
                os.close(pair[0])
                os.close(pair[1])
            raise
        job = {"source": source, "limits": self.limits.for_harness(launcher.filtered), "result_fd": res_w,
               "case_seconds": self.limits.case_seconds, "output_chars": self.limits.output_chars,
               "upstream_fds": [ask_w, reply_r]}
        group = self._run_cgroup()
        argv = group.wrap(launch.argv) if group is not None else launch.argv
        try:
            proc = await spawn(argv, stdout=out_w, stderr=err_w, pass_fds=(res_w, info_w, ask_w, reply_r, *launch.pass_fds))
        except BaseException:
            for fd in (out_r, err_r, res_r, info_r, ask_r, reply_w):
                os.close(fd)
            if group is not None:
                group.remove(wait=0)
            raise
        finally:
            for fd in (out_w, err_w, res_w, info_w, ask_w, reply_r, *launch.pass_fds):
                os.close(fd)
        os.set_blocking(reply_w, False)

        loop = asyncio.get_running_loop()
        info = TextSink(4096)

        def stop() -> None:
            if group is not None:
                group.kill()
            _kill_sandbox(proc, info)

        def flooded() -> None:
            outcome.overflowed = True
            stop()

        texts = [TextSink(self.limits.stream_bytes), TextSink(self.limits.stream_bytes)]
        frames = FrameSink(self.limits.result_bytes, flooded)
        upstream = UpstreamServer(reply_w)
        sinks: list[Any] = [*texts, frames, info, upstream]
        files = [os.fdopen(fd, "rb", buffering=0) for fd in (out_r, err_r, res_r, info_r, ask_r)]
        transports = []
        exchange = Exchange(outcome, proc.stdin, frames, texts, lambda: _init_pid(info), upstream, self._judge)
        try:
            for file, sink in zip(files, sinks, strict=True):
                transport, _ = await loop.connect_read_pipe(lambda s=sink: s, file)  # type: ignore[misc]
                transports.append(transport)
            try:
                async with asyncio.timeout(wall):
                    await exchange.run(job, cases, len(cases) if visible is None else visible)
                    if outcome.bad_frame:
                        stop()  # nothing more it says can count
                    await proc.wait()
            except TimeoutError:
                outcome.timed_out = True
        finally:
            if proc.returncode is None:
                stop()
                try:
                    async with asyncio.timeout(SETTLE_SECONDS):
                        await proc.wait()  # bwrap reaps its init and exits by itself
                except TimeoutError:
                    _kill_group(proc.pid)
            await proc.wait()
            proc.stdin.close()  # the exchange closes it after the last case; a run that ended early may not have
            await asyncio.wait([s.closed for s in sinks], timeout=SETTLE_SECONDS)
            for transport in transports:
                transport.close()
            for file in files[len(transports):]:  # never connected (cancelled or failed on the way)
                file.close()
            upstream.finish()
            os.close(reply_w)
            if group is not None:
                outcome.max_rss_kb = max(outcome.max_rss_kb, group.peak_kb() or 0)
                await asyncio.to_thread(group.remove)
        outcome.exit_code = proc.returncode
        outcome.wall_ms = (time.perf_counter() - started) * 1000
        outcome.stdout, outcome.stderr = texts[0].text(), texts[1].text()
        return outcome


def watch_children_without_threads() -> None:
    """On Python 3.11, learn of sandbox exits through pidfds on the event loop instead of a thread per run.

    3.11's default child watcher starts a thread for every subprocess, and starting it waits on
    the event loop's thread until the new thread has run.  On a busy machine that wait is a stall
    of the whole bot, once per coding answer.  A pidfd (Linux 5.3 and later) is just one more
    descriptor the loop watches; 3.12 and later use one by default when the kernel has them.
    Call it from the running loop of a long-lived process (the bot, the runner service).
    """
    if sys.version_info >= (3, 12) or not hasattr(os, "pidfd_open"):
        return
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:  # a kernel without pidfds: keep the default
        return
    watcher = asyncio.PidfdChildWatcher()
    watcher.attach_loop(asyncio.get_running_loop())
    asyncio.set_child_watcher(watcher)


def _init_pid(info: TextSink) -> int | None:
    """The host pid of the sandbox's init, as bwrap reported it on the info descriptor."""
    try:
        child = json.loads(bytes(info.data).split(b"}")[0] + b"}")["child-pid"]
    except (ValueError, KeyError, TypeError):
        return None
    return child if isinstance(child, int) and child > 1 else None


def _why_not(outcome: RunOutcome) -> str:
    said = " ".join(outcome.stderr.strip().split())[:300]
    lowered = said.lower()
    if any(part in lowered for part in ("namespace", "uid map", "operation not permitted", "permission denied")):
        return ("user namespaces are not permitted here (Docker's default seccomp profile blocks them; run the "
                f"runner where they are allowed, see the README): bwrap said {said!r}")
    if outcome.timed_out:
        return "the sandbox did not answer a trivial job within 10 s"
    return f"the sandbox does not work here: {said or 'a trivial job did not return its value'}"


def describe(probe: Probe) -> str:
    """One line for the bot's start-up log and for `mockloop check-code` when execution is refused."""
    if probe.sandbox is None:
        return f"Code execution is off: {probe.reason}."
    extra = ", seccomp filter on" if probe.seccomp else ", no seccomp filter"
    memory = f"; memory: {probe.memory}" if probe.memory else ""
    return f"Code runs in {probe.sandbox} with {probe.python}{extra}{memory}."


def as_dict(probe: Probe) -> dict[str, Any]:
    return {"sandbox": probe.sandbox, "reason": probe.reason, "python": probe.python, "seccomp": probe.seccomp,
            "memory": probe.memory}
