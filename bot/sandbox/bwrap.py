"""The bubblewrap command line: what the sandbox can see, and who it runs as.

Inside, a run sees a read-only ``/usr`` (with the ``/lib*`` links), the interpreter's own
prefix when it lives elsewhere, the harness file, ``/proc`` of its own pid namespace, a
minimal read-only ``/dev`` and a small private ``/tmp``, which is its working directory and
the only writable place.  Not ``/etc``, not ``/home`` or ``/root``, not the project, its
``.env`` or its database.  Every namespace is new (user, pid, network, ipc, uts, mount,
cgroup), so there is no network at all and no other process to see or signal.

Who runs it matters for RLIMIT_NPROC.  The kernel (5.14 and later) counts processes per user
*namespace* and uid, so each run, having its own user namespace, has its own count and a
fork bomb in one run cannot starve another.  But the check is skipped entirely for processes
whose real uid is host root.  So when the bot runs as root (as in some containers), bwrap is
started through ``setpriv`` as host uid 65534 (nobody), which also means the sandbox is
"other" to every file on the host.  When the bot runs as an ordinary user, that user's uid is
used: it is not root, and nothing of the user's is mounted.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import bot.sandbox.seccomp as seccomp
from bot.sandbox.limits import MB, Limits

HARNESS = Path(__file__).with_name("harness.py")
INSIDE_HARNESS = "/sandbox/harness.py"
NOBODY = 65534
PIPE_BUF_SAFE = 60_000  # data written into a pipe before the reader exists must fit its buffer


@dataclass
class Launch:
    """One prepared start: the argv, and the descriptors the child inherits (closed by the runner after spawn)."""

    argv: list[str]
    pass_fds: list[int] = field(default_factory=list)


def _world_reachable(path: Path) -> bool:
    """Whether uid nobody could run ``path``: every directory on the way searchable by others."""
    try:
        for parent in [*reversed(path.parents)]:
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                return False
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IXOTH and mode & stat.S_IROTH)


def find_python(dropping_privileges: bool) -> Path | None:
    """The interpreter to run inside: the bot's own base interpreter if the sandbox can reach it.

    A virtualenv's ``python`` is only a link to a base interpreter, whose prefix is what gets
    mounted (never the venv with the bot's dependencies).  When that prefix is out of reach for
    uid nobody (pyenv under ``/root``), a system ``python3`` under ``/usr`` is used instead.
    """
    base = getattr(sys, "_base_executable", None) or sys.executable
    candidates = [Path(os.path.realpath(base)), Path("/usr/local/bin/python3"), Path("/usr/bin/python3")]
    for candidate in candidates:
        real = Path(os.path.realpath(candidate))
        if not real.is_file():
            continue
        if dropping_privileges and not _world_reachable(real):
            continue
        if not dropping_privileges and not os.access(real, os.X_OK):
            continue
        return real
    return None


def python_prefix(python: Path) -> Path | None:
    """The directory to mount for ``python`` (its install prefix), or None when ``/usr`` already holds it."""
    if python.is_relative_to("/usr"):
        return None
    return python.parent.parent


def _pipe_with(data: bytes) -> int:
    if len(data) > PIPE_BUF_SAFE:
        raise ValueError("data too large to pass through a pipe before the reader starts")
    read, write = os.pipe()
    try:
        os.write(write, data)
    finally:
        os.close(write)
    return read


@dataclass(frozen=True)
class BwrapLauncher:
    """Builds the bubblewrap command line for one run."""

    bwrap: str
    python: Path
    limits: Limits
    setpriv: str | None = None  # set when the bot is root: bwrap then runs as host uid nobody
    use_seccomp: bool = True
    name: str = "bwrap"

    @property
    def filtered(self) -> bool:
        return self.use_seccomp and seccomp.program() is not None

    def prepare(self, info_fd: int) -> Launch:
        """The argv and inherited descriptors for a fresh run (the harness travels as data, not as a mount).

        bwrap writes the host pid of the sandbox's init to ``info_fd``: killing that process
        empties the whole pid namespace and lets bwrap reap it, leaving no zombie behind.
        """
        fds: list[int] = []
        try:
            harness_fd = _pipe_with(HARNESS.read_bytes())
            fds.append(harness_fd)
            argv: list[str] = []
            if self.setpriv:
                argv += [self.setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                         "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
            argv += [self.bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                     "--new-session", "--clearenv", "--info-fd", str(info_fd), "--uid", str(NOBODY), "--gid", str(NOBODY),
                     "--hostname", "sandbox", "--ro-bind", "/usr", "/usr",
                     # one malloc arena per thread would reserve 64 MB of the run's address space each
                     "--setenv", "MALLOC_ARENA_MAX", "2"]
            for name in ("/bin", "/lib", "/lib32", "/lib64", "/libx32"):
                if os.path.islink(name):
                    argv += ["--symlink", os.readlink(name), name]
                elif os.path.isdir(name) and name.startswith("/lib"):
                    argv += ["--ro-bind", name, name]
            prefix = python_prefix(self.python)
            if prefix is not None:
                argv += ["--ro-bind", str(prefix), str(prefix)]
            argv += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
                     "--size", str(self.limits.tmp_mb * MB), "--tmpfs", "/tmp", "--chdir", "/tmp",
                     "--ro-bind-data", str(harness_fd), INSIDE_HARNESS]
            program = seccomp.program() if self.use_seccomp else None
            if program is not None:
                seccomp_fd = _pipe_with(program)
                fds.append(seccomp_fd)
                argv += ["--seccomp", str(seccomp_fd)]
            argv += ["--remount-ro", "/", str(self.python), "-I", "-S", "-B", "-X", "utf8", INSIDE_HARNESS]
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        return Launch(argv, fds)


def build_launcher(limits: Limits) -> tuple[BwrapLauncher | None, str | None]:
    """A launcher for this host, or None and the reason one cannot be built (nothing is run here)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None, "bubblewrap is not installed (apt-get install bubblewrap)"
    root = os.geteuid() == 0
    setpriv = shutil.which("setpriv") if root else None
    if root and setpriv is None:
        return None, ("the bot runs as root and setpriv (util-linux) is missing, so the sandbox could not drop to "
                      "an unprivileged uid")
    python = find_python(dropping_privileges=root)
    if python is None:
        return None, "no Python interpreter the sandbox can reach was found (looked for the bot's own and python3 in /usr)"
    return BwrapLauncher(bwrap=bwrap, python=python, limits=limits, setpriv=setpriv), None
