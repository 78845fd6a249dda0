"""Coding answers run in the real bubblewrap sandbox: reference solutions pass, wrong ones are explained.

These tests FAIL (never skip) without a working sandbox: CI installs bubblewrap.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import bot.sandbox.judge as judge_module
import bot.sandbox.runner as runner_module
from bot.adapters.console.check_code import check_code
from bot.bootstrap import load_bank
from bot.content.bank import QuestionBank
from bot.engine.code_report import code_report
from bot.engine.models import CodeCase, CodingTask
from bot.sandbox.bwrap import BwrapLauncher, Launch, build_launcher
from bot.sandbox.limits import Limits
from bot.sandbox.runner import SandboxRunner

SOLUTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "coding_solutions"
INTERFACE_KEYS = {"question", "sandbox", "passed", "failed", "total", "error", "first_failure", "time_ms", "max_rss_kb"}


async def working_runner(limits: Limits | None = None, concurrency: int = 2) -> SandboxRunner:
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: apt-get install bubblewrap")
    runner = SandboxRunner(limits or Limits(), concurrency=concurrency)
    probe = await runner.probe()
    if probe.sandbox != "bwrap":
        pytest.fail(f"the sandbox does not work here: {probe.reason}")
    return runner


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def coding_ids() -> list[str]:
    return sorted(p.stem.replace("coding_", "coding.", 1) for p in SOLUTIONS.glob("coding_*.py"))


def test_every_coding_question_has_a_reference_solution(bank) -> None:
    assert coding_ids() == sorted(q.id for q in bank.all() if q.coding is not None)


@pytest.mark.parametrize("question_id", coding_ids())
async def test_reference_solution_passes_every_example_and_hidden_case(bank, question_id) -> None:
    runner = await working_runner()
    task = bank.get(question_id).coding
    source = (SOLUTIONS / f"{question_id.replace('.', '_', 1)}.py").read_text(encoding="utf-8")
    check = await runner.check(question_id, task, source)
    assert check.error is None, check
    assert (check.passed, check.total) == (len(task.examples) + len(task.hidden),) * 2
    assert check.sandbox == "bwrap" and check.max_rss_kb > 0


WRONG_FLATTEN = '''
def flatten(data, sep="."):
    print("flattening", data)
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            for inner, leaf in value.items():
                out[f"{key}{sep}{inner}"] = leaf
        else:
            out[key] = value
    return out
'''


def hidden_text(task: CodingTask) -> list[str]:
    """What a hidden case must never show: its input (its label and verdict are shown on purpose)."""
    return [text for case in task.hidden for text in (case.call, case.setup) if text.strip()]


async def test_a_wrong_solution_shows_the_first_failing_visible_example_and_no_hidden_input(bank) -> None:
    runner = await working_runner()
    task = bank.get("coding.flatten-dict").coding
    check = await runner.check("coding.flatten-dict", task, WRONG_FLATTEN)
    assert check.first_failure is not None
    assert check.first_failure.example == task.examples[0].call
    assert check.first_failure.expected == task.examples[0].expected
    assert check.first_failure.got == "{'a': 1, 'b.c': 2, 'b.d': {'e': 3}}"
    assert 0 < check.passed < check.total
    shown = check.model_dump_json()
    for text in hidden_text(task):
        assert text not in shown
    assert "flattening {'a': 1" in check.output  # prints from a visible example are shown
    assert "'x': 1, 'y': 'two'" not in check.output  # prints from hidden cases are not


async def test_passing_examples_but_failing_hidden_cases_reveals_only_counts(bank) -> None:
    runner = await working_runner()
    task = bank.get("coding.flatten-dict").coding
    source = (SOLUTIONS / "coding_flatten-dict.py").read_text().replace("if isinstance(value, dict) and value:",
                                                                       "if isinstance(value, dict):")
    check = await runner.check("coding.flatten-dict", task, source)
    assert check.examples_passed == check.examples_total and check.hidden_passed < check.hidden_total
    assert check.first_failure is None and check.error is None
    assert [(case.label, case.passed) for case in check.hidden if not case.passed] == [
        ("empty nested dict is kept", False)]
    assert "Hidden cases that fail: empty nested dict is kept." in code_report(check)


async def test_a_syntax_error_is_reported_with_its_line(bank) -> None:
    runner = await working_runner()
    check = await runner.check("coding.flatten-dict", bank.get("coding.flatten-dict").coding,
                               "def flatten(data, sep='.'):\n    return {k v for k in data}\n")
    assert check.error is not None and check.error.startswith("Your code did not load: SyntaxError")
    assert "line 2" in check.error and check.passed == 0
    assert check.traceback is not None and "return {k v for k in data}" in check.traceback


async def test_a_runtime_error_in_an_example_shows_a_trimmed_traceback_of_the_candidates_code(bank) -> None:
    runner = await working_runner()
    source = "def helper(d):\n    return d['missing']\n\ndef flatten(data, sep='.'):\n    return helper(data)\n"
    check = await runner.check("coding.flatten-dict", bank.get("coding.flatten-dict").coding, source)
    assert check.first_failure is not None and check.first_failure.got == "KeyError: 'missing'"
    assert check.traceback is not None
    assert 'File "solution.py", line 2, in helper' in check.traceback and "harness" not in check.traceback


async def test_concurrent_runs_are_bounded_by_the_semaphore() -> None:
    runner = await working_runner(concurrency=1)
    task = CodingTask(function="f", signature="def f():", statement="Sleep a little, then return one.",
                      examples=[CodeCase(call="f()", expected="1")], hidden=[CodeCase(call="1", expected="1")])
    source = "import time\ndef f():\n    time.sleep(0.3)\n    return 1\n"
    started = time.perf_counter()
    checks = await asyncio.gather(*(runner.check("coding.x", task, source) for _ in range(3)))
    assert all(c.passed == 2 for c in checks) and time.perf_counter() - started >= 0.9


async def test_check_code_json_matches_the_interface() -> None:
    runner = await working_runner()
    out, err = io.StringIO(), io.StringIO()
    source = (SOLUTIONS / "coding_flatten-dict.py").read_text()
    code = await check_code("coding.flatten-dict", source, as_json=True, out=out, err=err, runner=runner)
    data = json.loads(out.getvalue())
    assert code == 0 and err.getvalue() == ""
    assert data.keys() >= INTERFACE_KEYS and data["sandbox"] == "bwrap" and data["passed"] == data["total"] == 12


async def test_check_code_starts_the_sandbox_once_and_the_run_stands_as_the_probe() -> None:
    """The one-shot command pays for one sandbox start, not a probe and then the run."""
    found, reason = build_launcher(Limits())
    assert found is not None, reason
    built: BwrapLauncher = found
    starts: list[int] = []

    @dataclass(frozen=True)
    class Counting:
        name: str = built.name
        python: Path = built.python
        filtered: bool = built.filtered

        def prepare(self, info_fd: int) -> Launch:
            starts.append(info_fd)
            return built.prepare(info_fd)

    runner = SandboxRunner(Limits(), launcher=Counting())
    out, err = io.StringIO(), io.StringIO()
    source = (SOLUTIONS / "coding_flatten-dict.py").read_text()
    try:
        code = await check_code("coding.flatten-dict", source, as_json=True, out=out, err=err, runner=runner)
        probe = await runner.probe()
    finally:
        runner.close()
    assert code == 0 and json.loads(out.getvalue())["passed"] == 12 and len(starts) == 1
    assert probe.sandbox == "bwrap" and probe.seccomp == built.filtered


async def test_runs_that_end_early_leave_no_descriptor_open_in_the_bot(bank) -> None:
    """However a run ends (here: the process exits mid-case), its pipes, stdin and pidfd go back; a bot runs for weeks."""
    runner = await working_runner()
    task = bank.get("coding.flatten-dict").coding
    source = "import os\ndef flatten(data, sep='.'):\n    os._exit(0)\n"
    try:
        await runner.check("coding.flatten-dict", task, source)  # the first run starts the executor's threads
        await asyncio.sleep(0.1)
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(4):
            check = await runner.check("coding.flatten-dict", task, source)
            assert check.ran and check.passed == 0
        await asyncio.sleep(0.1)
        assert len(os.listdir("/proc/self/fd")) <= before
    finally:
        runner.close()


async def test_check_code_prints_a_readable_report() -> None:
    runner = await working_runner()
    out, err = io.StringIO(), io.StringIO()
    code = await check_code("coding.flatten-dict", WRONG_FLATTEN, as_json=False, out=out, err=err, runner=runner)
    text = out.getvalue()
    assert code == 0
    assert "5 of 12 passed (examples 1/3, hidden 4/9)" in text and "First failing example (two levels of nesting):" in text
    assert "expected: {'a': 1, 'b.c': 2, 'b.d.e': 3}" in text and "Time " in text and " KB." in text


async def test_check_code_unknown_id_is_a_usage_error_with_suggestions() -> None:
    out, err = io.StringIO(), io.StringIO()
    runner = SandboxRunner(Limits())  # never reached: the id is refused first
    assert await check_code("coding.flaten-dict", "x = 1", as_json=True, out=out, err=err, runner=runner) == 2
    assert "coding.flatten-dict" in err.getvalue() and out.getvalue() == ""
    assert await check_code("core.gil", "x = 1", as_json=True, out=out, err=err, runner=runner) == 2
    assert "not a coding question" in err.getvalue()


async def test_check_code_reports_a_forged_result_as_a_failed_run(bank) -> None:
    runner = await working_runner()
    out, err = io.StringIO(), io.StringIO()
    source = r'''
import os

def flatten(data, sep="."):
    frame = b'{"kind":"case","index":0,"ok":true,"ms":1e999,"output":"","rss_kb":1,"value":{"t":"none"}}\n'
    for fd in range(3, 32):
        try:
            os.write(fd, frame)
        except OSError:
            pass
    return {}
'''
    code = await check_code("coding.flatten-dict", source, as_json=False, out=out, err=err, runner=runner)
    assert code == 0 and err.getvalue() == ""
    assert "0 of 12 passed" in out.getvalue() and "not a valid result" in out.getvalue()


async def test_a_decoding_or_grading_error_fails_the_run_instead_of_leaving_it_unrun(bank, monkeypatch) -> None:
    runner = await working_runner()
    task = bank.get("coding.flatten-dict").coding
    source = "def flatten(d, sep='.'):\n    return d\n"

    def broken(*args: object) -> None:  # stands for any bug a forged result could reach
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(judge_module, "judge_frame", broken)
    check = await runner.check("coding.flatten-dict", task, source)
    assert check.ran and check.passed == 0
    assert check.error == ("The run wrote something that is not a valid result (a frame the bot could not read), "
                           "so no case counts as passed.")
    monkeypatch.undo()
    monkeypatch.setattr(runner_module, "grade", broken)
    check = await runner.check("coding.flatten-dict", task, source)
    assert check.ran and check.passed == 0 and check.error == "The run's result could not be read, so no case counts as passed."
