"""How much a single run may use.  One place, so the bot, the CLI and the tests agree.

The defaults fit the coding bank: the slowest reference solution (``coding.async-fanout``,
whose cases sleep on purpose) needs about 4 s of wall clock and almost no CPU; everything
else runs in well under a second and a few tens of MB.
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
    memory_mb: int = 512  # RLIMIT_AS per process
    file_mb: int = 8  # RLIMIT_FSIZE: the largest file a submission may write
    tmp_mb: int = 16  # size of the private /tmp (the only writable place)
    open_files: int = 64  # RLIMIT_NOFILE
    processes: int = 16  # RLIMIT_NPROC, counted inside the run's own user namespace (see runner.py)
    output_chars: int = 8_000  # candidate output kept per case by the harness
    stream_bytes: int = 64 * 1024  # raw stdout/stderr kept per run; the pipe is closed after that
    result_bytes: int = 4 * MB  # the result channel; a run that overflows it is stopped
    source_chars: int = 64_000  # a submission longer than this is not run at all

    def for_harness(self) -> dict[str, int]:
        """The limits the harness applies to itself with setrlimit before any candidate code exists."""
        return {
            "cpu_seconds": self.cpu_seconds,
            "memory_bytes": self.memory_mb * MB,
            "file_bytes": self.file_mb * MB,
            "open_files": self.open_files,
            "processes": self.processes,
        }
