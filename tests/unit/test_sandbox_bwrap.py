"""The sandbox's command line shows only what Python needs; without a working sandbox nothing runs."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

import bot.sandbox.seccomp as seccomp
from bot.engine.models import CodeCase, CodingTask
from bot.sandbox.bwrap import BwrapLauncher, Launch, find_python, python_prefix
from bot.sandbox.limits import Limits
from bot.sandbox.runner import SandboxRunner

PROJECT = Path(__file__).resolve().parents[2]


def test_the_command_line_isolates_everything_and_mounts_nothing_of_the_project() -> None:
    launcher = BwrapLauncher(bwrap="/usr/bin/bwrap", python=Path("/usr/bin/python3"), limits=Limits(tmp_mb=4))
    launch = launcher.prepare(info_fd=99)
    try:
        argv = launch.argv
        for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--clearenv",
                     "--new-session", "--seccomp"):
            assert flag in argv
        assert argv[argv.index("--uid") + 1] == "65534" and argv[argv.index("--gid") + 1] == "65534"
        assert argv[argv.index("--tmpfs") - 1] == str(4 * 1024 * 1024)
        assert argv[argv.index("--remount-ro") + 1] == "/dev" and argv[-9:-7] == ["--remount-ro", "/"]
        sources = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--ro-bind"]
        assert "/usr" in sources
        for source in sources:
            assert not source.startswith(("/work", "/root", "/home", "/etc", str(PROJECT)))
        assert "--bind" not in argv  # nothing of the host is writable
    finally:
        for fd in launch.pass_fds:
            os.close(fd)


def test_root_starts_bwrap_as_nobody() -> None:
    launcher = BwrapLauncher(bwrap="/usr/bin/bwrap", python=Path("/usr/bin/python3"), limits=Limits(),
                             setpriv="/usr/bin/setpriv")
    launch = launcher.prepare(info_fd=99)
    for fd in launch.pass_fds:
        os.close(fd)
    assert launch.argv[:3] == ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534"]


def test_the_interpreter_comes_from_a_prefix_the_sandbox_can_reach() -> None:
    python = find_python(dropping_privileges=True)
    assert python is not None and not python.is_relative_to(PROJECT)
    assert python_prefix(Path("/usr/bin/python3")) is None
    assert python_prefix(Path("/opt/python/bin/python3.12")) == Path("/opt/python")


def test_seccomp_program_is_a_whole_number_of_instructions_ending_in_allow() -> None:
    for machine in ("x86_64", "aarch64"):
        program = seccomp.program(machine)
        assert program is not None and len(program) % 8 == 0 and len(program) // 8 < 4096
        code, _, _, k = struct.unpack("=HBBI", program[-8:])
        assert (code, k) == (0x06, 0x7FFF0000)
        assert "ptrace" in seccomp.denied(machine) and "memfd_create" in seccomp.denied(machine)
    assert seccomp.program("sparc") is None and seccomp.denied("sparc") == []


async def test_without_bubblewrap_nothing_runs_and_the_result_says_why(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap to be found
    runner = SandboxRunner(Limits())
    task = CodingTask(function="f", signature="def f():", statement="Return one, nothing more to it.",
                      examples=[CodeCase(call="f()", expected="1")], hidden=[CodeCase(call="f()", expected="1")])
    probe = await runner.probe()
    check = await runner.check("coding.x", task, "open('/tmp/ran', 'w')\ndef f():\n    return 1\n")
    assert probe.sandbox is None and probe.reason is not None and "bubblewrap is not installed" in probe.reason
    assert (check.sandbox, check.ran, check.passed) == ("none", False, 0)
    assert check.error is not None and "bubblewrap is not installed" in check.error


async def test_a_sandbox_that_cannot_start_is_refused_with_bwraps_reason() -> None:
    @dataclass(frozen=True)
    class Broken:
        name: str = "bwrap"
        python: Path = Path("/usr/bin/python3")
        filtered: bool = False

        def prepare(self, info_fd: int) -> Launch:
            message = "bwrap: No permissions to creating new namespace, likely because the kernel does not allow it"
            return Launch(["/bin/sh", "-c", f"echo '{message}' >&2; exit 1"])

    probe = await SandboxRunner(launcher=Broken()).probe()
    assert probe.sandbox is None and probe.reason is not None
    assert probe.reason.startswith("user namespaces are not permitted here (Docker's default seccomp profile")


async def test_a_check_before_any_probe_refuses_a_sandbox_that_cannot_start_and_says_why() -> None:
    @dataclass(frozen=True)
    class Broken:
        name: str = "bwrap"
        python: Path = Path("/usr/bin/python3")
        filtered: bool = False

        def prepare(self, info_fd: int) -> Launch:
            message = "bwrap: No permissions to creating new namespace, likely because the kernel does not allow it"
            return Launch(["/bin/sh", "-c", f"echo '{message}' >&2; exit 1"])

    task = CodingTask(function="f", signature="def f():", statement="Return one, nothing more to it.",
                      examples=[CodeCase(call="f()", expected="1")], hidden=[CodeCase(call="f()", expected="1")])
    check = await SandboxRunner(launcher=Broken()).check("coding.x", task, "def f():\n    return 1\n")
    assert (check.sandbox, check.ran, check.passed) == ("none", False, 0)
    assert check.error is not None and "user namespaces are not permitted here" in check.error
