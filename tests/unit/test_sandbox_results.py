"""The verdict: values compared outside, only visible examples explained, hidden cases only counted."""

from __future__ import annotations

import json
import signal
from typing import Any

from bot.engine.models import CodeCase, CodingTask
from bot.sandbox.harness import encode
from bot.sandbox.limits import Limits
from bot.sandbox.outcome import RunOutcome, read_frames
from bot.sandbox.results import grade, refused
from bot.sandbox.values import same

TASK = CodingTask(
    function="double", signature="def double(x):", statement="Return twice the number you are given.",
    examples=[CodeCase(call="double(1)", expected="2", label="one"), CodeCase(call="double(5)", expected="10")],
    hidden=[CodeCase(call="double(31337)", expected="62674", label="secret big"),
            CodeCase(setup="value = 4242", call="double(value)", expected="8484")],
)
INTERFACE_KEYS = {"question", "sandbox", "passed", "failed", "total", "error", "first_failure", "time_ms", "max_rss_kb"}


def frames(*items: dict) -> bytes:
    """Result-channel bytes, as the harness writes them."""
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


def returned(index: int, value, **extra) -> dict:
    return {"kind": "case", "index": index, "ok": True, "value": encode(value), "output": "", **extra}


def raised(index: int, kind: str, message: str, tb: str = "") -> dict:
    return {"kind": "case", "index": index, "ok": False, "output": "",
            "error": {"type": kind, "message": message, "traceback": tb}}


def outcome_of(*items: dict, **fields) -> RunOutcome:
    """The outcome of a run whose cases reported ``items`` in order (and then ended, unless ``items`` is short)."""
    outcome = RunOutcome(sandbox="bwrap", **fields)
    load = {"kind": "load", "ok": True, "value": encode(None), "output": ""}
    read_frames(outcome, frames({"kind": "hello"}, load, *items), 4)
    return outcome


def test_all_passing_has_no_failure_and_matches_the_interface() -> None:
    run = outcome_of(*(returned(i, v) for i, v in enumerate([2, 10, 62674, 8484])), {"kind": "done"},
                     max_rss_kb=9000)
    for step in run.cases.values():
        step.ms = 1.5  # what the bot measured
    check = grade("coding.double", TASK, run, Limits())
    data = check.model_dump(mode="json")
    assert data.keys() >= INTERFACE_KEYS
    assert (check.passed, check.failed, check.total, check.error, check.first_failure) == (4, 0, 4, None, None)
    assert check.max_rss_kb == 9000 and check.time_ms == 6


def test_the_first_failing_visible_example_is_shown_with_expected_and_got() -> None:
    run = outcome_of(returned(0, 2), returned(1, 11), returned(2, 1), returned(3, 8484), {"kind": "done"})
    check = grade("coding.double", TASK, run, Limits())
    assert check.first_failure is not None
    assert (check.first_failure.example, check.first_failure.expected, check.first_failure.got) == ("double(5)", "10", "11")
    assert (check.examples_passed, check.hidden_passed, check.passed) == (1, 1, 2)


def test_hidden_failures_reveal_nothing_but_their_count() -> None:
    leak = "double(31337) with value = 4242"
    run = outcome_of(returned(0, 2), returned(1, 10), raised(2, "KeyError", "31337", f'File "<case 3>"\n{leak}'),
                     {**returned(3, 1), "output": "I was called with 4242"}, {"kind": "done"})
    check = grade("coding.double", TASK, run, Limits())
    text = check.model_dump_json()
    assert check.first_failure is None and check.hidden_passed == 0 and check.hidden_total == 2
    for secret in ("31337", "4242", "KeyError"):
        assert secret not in text
    assert [(case.label, case.passed) for case in check.hidden] == [("secret big", False), ("hidden case 2", False)]


def test_an_exception_in_an_example_shows_its_type_message_and_traceback() -> None:
    tb = 'File "solution.py", line 2, in double\n    return x / 0\nZeroDivisionError: division by zero\n'
    run = outcome_of(raised(0, "ZeroDivisionError", "division by zero", tb))
    check = grade("coding.double", TASK, run, Limits())
    assert check.first_failure is not None and check.first_failure.got == "ZeroDivisionError: division by zero"
    assert check.traceback is not None and "solution.py" in check.traceback


def test_a_module_that_does_not_load_says_so() -> None:
    outcome = RunOutcome(sandbox="bwrap")
    read_frames(outcome, frames({"kind": "hello"}, {"kind": "load", "ok": False, "output": "", "error": {
        "type": "SyntaxError", "message": "invalid syntax (solution.py, line 3)",
        "traceback": '  File "solution.py", line 3\n    def f(:\n          ^\nSyntaxError: invalid syntax\n'}},
        {"kind": "done"}), 4)
    check = grade("coding.double", TASK, outcome, Limits())
    assert check.error == "Your code did not load: SyntaxError: invalid syntax (solution.py, line 3)"
    assert check.passed == 0 and check.traceback is not None and "def f(:" in check.traceback
    assert check.first_failure is not None and "did not load" in check.first_failure.got


def test_a_run_cut_short_explains_why_and_counts_the_rest_as_failed() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"timed_out": True}, "wall-clock"),
        ({"exit_code": 128 + signal.SIGXCPU}, "CPU time"),
        ({"exit_code": 128 + signal.SIGSEGV}, "segmentation fault"),
        ({"exit_code": 0}, "earns nothing"),
    ]
    for fields, phrase in cases:
        check = grade("coding.double", TASK, outcome_of(returned(0, 2), **fields), Limits())
        assert check.error is not None and phrase in check.error
        assert check.passed == 1 and check.failed == 3


def test_frames_are_parsed_defensively() -> None:
    load = {"kind": "load", "ok": True, "value": encode(None), "output": ""}
    outcome = RunOutcome(sandbox="bwrap")
    read_frames(outcome, frames({"kind": "hello"}, load, returned(0, 2)) + b'{"kind": "case", "ind', 4)
    assert same(2, outcome.cases[0].value) and 1 not in outcome.cases  # a cut line is ignored
    for out_of_turn in (returned(0, 99), returned(7, 2), returned(2, 10)):  # a second report, or not the case in flight
        outcome = RunOutcome(sandbox="bwrap")
        read_frames(outcome, frames({"kind": "hello"}, load, returned(0, 2), out_of_turn), 4)
        assert outcome.bad_frame and not outcome.cases
    outcome = RunOutcome(sandbox="bwrap")
    read_frames(outcome, b"PASS 4/4\n", 4)
    assert outcome.bad_frame and not outcome.started


def test_refusing_runs_nothing_and_says_why() -> None:
    check = refused("coding.double", TASK, "Code was not run: bubblewrap is not installed.")
    assert (check.sandbox, check.ran, check.passed, check.total) == ("none", False, 0, 4)
    assert check.error == "Code was not run: bubblewrap is not installed."
