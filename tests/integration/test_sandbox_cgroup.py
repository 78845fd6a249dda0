"""A cgroup per run where the host delegates one, and the fallback bound where it does not.

This machine (like CI) has no cgroup v2 memory controller to delegate, so the cgroup side is checked
against a directory laid out like one: what is written, how a run enters it, what is read back.
The fallback is what every run here uses, and the hostile corpus checks it for real.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine.models import CodeCase
from bot.sandbox.cgroup import EXTRA_PIDS, RunCgroup, unusable
from bot.sandbox.limits import MB, Limits
from bot.sandbox.runner import SandboxRunner, describe


def delegated(tmp_path: Path, controllers: str = "cpu memory pids") -> Path:
    (tmp_path / "cgroup.subtree_control").write_text(controllers + "\n")
    return tmp_path


def test_a_directory_that_does_not_delegate_memory_and_pids_is_not_used(tmp_path) -> None:
    assert unusable(tmp_path) == f"{tmp_path} is not a cgroup v2 directory this process can read"
    assert unusable(delegated(tmp_path, "cpu pids")) == f"{tmp_path} does not delegate the memory controller " \
                                                        "(cgroup.subtree_control)"
    assert unusable(delegated(tmp_path)) is None


def test_a_run_cgroup_carries_the_whole_runs_bounds_and_is_entered_before_bwrap(tmp_path) -> None:
    limits = Limits(memory_mb=256, processes=16)
    group = RunCgroup.create(delegated(tmp_path), limits)
    assert group.path.parent == tmp_path and group.path.name.startswith("run-")
    assert (group.path / "memory.max").read_text() == str(256 * MB)
    assert (group.path / "pids.max").read_text() == str(16 + EXTRA_PIDS)
    argv = group.wrap(["/usr/bin/bwrap", "--unshare-all"])
    assert argv[:3] == ["/bin/sh", "-c", 'echo 0 > "$0/cgroup.procs" && exec "$@"']
    assert argv[3:] == [str(group.path), "/usr/bin/bwrap", "--unshare-all"]
    assert group.peak_kb() is None  # a kernel without memory.peak: the process's own peak is reported instead
    (group.path / "memory.peak").write_text(f"{300 * MB}\n")
    assert group.peak_kb() == 300 * 1024


def test_an_unusable_cgroup_falls_back_to_one_process_and_says_so(tmp_path) -> None:
    runner = SandboxRunner(Limits(memory_mb=256), cgroup=tmp_path / "missing")
    assert runner._cgroup is None and "not a cgroup v2 directory" in runner._memory_note


async def test_a_run_goes_through_the_cgroup_wrapper(tmp_path) -> None:
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: apt-get install bubblewrap")
    runner = SandboxRunner(Limits(memory_mb=256), cgroup=delegated(tmp_path))
    probe = await runner.probe()
    assert probe.sandbox == "bwrap" and probe.memory == f"256 MB per run in a cgroup under {tmp_path}"
    assert "memory: 256 MB per run in a cgroup" in describe(probe)
    outcome = await runner.run("def f():\n    return 42\n", [CodeCase(call="f()", expected="42")])
    assert outcome.finished and outcome.cases[0].judged == (True, "42")
    entered = [p / "cgroup.procs" for p in tmp_path.iterdir() if p.is_dir()]
    assert entered and all(path.read_text() == "0\n" for path in entered)  # the shell moved itself in, then ran bwrap


async def test_without_a_cgroup_one_process_holds_the_whole_bound() -> None:
    probe = await SandboxRunner(Limits(memory_mb=256)).probe()
    assert probe.memory == "256 MB per run, one process"
    assert Limits(memory_mb=256, processes=16).per_process_mb(single_process=False) == 16  # no filter: a share each
