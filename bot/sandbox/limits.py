"""How much a single run may use.  One place, so the bot, the CLI and the tests agree.

The defaults fit the coding bank: the slowest reference solution (``coding.async-fanout``,
whose cases sleep on purpose) needs about 4 s of wall clock and almost no CPU; everything
else runs in well under a second and a few tens of MB.

``memory_mb`` bounds the whole run, not each process.  RLIMIT_AS is per process, so the bound
holds because the seccomp filter keeps a run to one process (threads share its address space
and count towards ``processes``).  Where no filter can be applied, processes are allowed and
each gets ``memory_mb / processes``, so their sum still cannot pass the stated bound.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-run limits; each is enforced by the kernel or by the runner, never by the candidate's process alone."""

    wall_seconds: float = 15.0  # the runner kills the whole sandbox after this, whatever it is doing
    case_seconds: float = 5.0  # a soft per-case alarm inside, so one endless case does not cost the rest
    cpu_seconds: int = 10  # RLIMIT_CPU: SIGXCPU, then SIGKILL a second later
    memory_mb: int = 512  # the whole run's address space (see the module docstring)
    file_mb: int = 8  # RLIMIT_FSIZE: the largest file a submission may write
    tmp_mb: int = 16  # size of the private /tmp (the only writable place)
    open_files: int = 64  # RLIMIT_NOFILE
    processes: int = 16  # RLIMIT_NPROC: threads (and processes where forking is allowed), per run (see bwrap.py)
    output_chars: int = 8_000  # candidate output kept per case by the harness
    stream_bytes: int = 64 * 1024  # raw stdout/stderr kept per run; the pipe is closed after that
    result_bytes: int = 4 * MB  # the result channel; a run that overflows it is stopped
    source_chars: int = 64_000  # a submission longer than this is not run at all

    def per_process_mb(self, single_process: bool) -> int:
        """RLIMIT_AS for each process: the whole bound for one process, a share of it for several."""
        return self.memory_mb if single_process else max(self.memory_mb // self.processes, 1)

    def for_harness(self, single_process: bool = True) -> dict[str, int]:
        """The limits the harness applies to itself with setrlimit before any candidate code exists."""
        return {
            "cpu_seconds": self.cpu_seconds,
            "memory_bytes": self.per_process_mb(single_process) * MB,
            "file_bytes": self.file_mb * MB,
            "open_files": self.open_files,
            "processes": self.processes,
        }
