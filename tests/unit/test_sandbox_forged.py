"""Forged result bytes: a submission can write anything to the result channel, so the decoder must
reject what the harness never writes, in time proportional to the bytes, and fail the run closed.

Each forged frame below is otherwise a winning report (every case returns the expected value),
so a frame that slipped through would show up as a false pass.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.engine.models import CodeCase, CodingTask
from bot.sandbox import outcome as outcome_module
from bot.sandbox.harness import MAX_DEPTH, MAX_FRAME_BYTES, MAX_INT_DIGITS, MAX_NODES, MAX_TEXT, encode
from bot.sandbox.judge import judge_frame
from bot.sandbox.limits import Limits
from bot.sandbox.outcome import RunOutcome, read_frames, stop_reason
from bot.sandbox.results import grade
from bot.sandbox.values import BadFrame, decode, same, show

SAME_HASH = 2**61 - 1  # every multiple hashes to 0 in CPython: a set of them is quadratic to build
TASK = CodingTask(function="f", signature="def f():", statement="Return 'fine', whatever you are asked.",
                  examples=[CodeCase(call="f()", expected="'fine'", label="the example")],
                  hidden=[CodeCase(call="f()", expected="'fine'")])


def same_hash_ints(count: int) -> list[dict[str, str]]:
    return [{"t": "int", "v": str(SAME_HASH * k)} for k in range(1, count + 1)]


INF = "<1e999>"  # json.dumps writes inf as Infinity; a forger writes 1e999, which the parser reads as inf


def line(item: dict[str, Any]) -> bytes:
    return json.dumps(item).encode().replace(json.dumps(INF).encode(), b"1e999") + b"\n"


def case(index: int, **fields: Any) -> dict[str, Any]:
    """A case frame exactly as the harness writes one, reporting the expected value."""
    return {"kind": "case", "index": index, "ok": True, "value": encode("fine"), "output": "", **fields}


def honest(*middle: dict[str, Any]) -> bytes:
    load = {"kind": "load", "ok": True, "value": encode(None), "output": ""}
    items: list[dict[str, Any]] = [{"kind": "hello"}, load, *middle, {"kind": "done"}]
    return b"".join(line(item) for item in items)


def outcome_of(data: bytes) -> RunOutcome:
    outcome = RunOutcome(sandbox="bwrap", wall_ms=123.4)
    read_frames(outcome, data, 2)
    return outcome


def timed(action: Any) -> float:
    """Best of three, in seconds: what the work costs, not what a busy machine adds to it."""
    spent = []
    for _ in range(3):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return min(spent)


def judged(node: dict[str, Any]) -> Any:
    return lambda: (same({1}, decode(node)), show(decode(node)))


def distinct_ints(count: int) -> list[dict[str, str]]:
    return [{"t": "int", "v": str(SAME_HASH + k)} for k in range(1, count + 1)]  # as long, but each hashes apart


def test_an_honest_report_passes() -> None:  # the baseline every forged variant below departs from
    check = grade("coding.f", TASK, outcome_of(honest(case(0), case(1))), Limits())
    assert (check.passed, check.error) == (2, None)


def test_a_set_of_same_hash_integers_is_decoded_compared_and_shown_in_linear_time() -> None:
    count = MAX_NODES - 1
    colliding = timed(judged({"t": "set", "v": same_hash_ints(count)}))
    spread = timed(judged({"t": "set", "v": distinct_ints(count)}))
    assert colliding < 5 * spread  # building Python sets of them took 200 times longer (seconds), growing with the square
    small = {SAME_HASH * k for k in range(1, 301)}  # small enough to build as the expected value
    assert same(small, decode({"t": "set", "v": same_hash_ints(300)}))
    assert same(frozenset(small), decode({"t": "frozenset", "v": same_hash_ints(300)[::-1]}))
    assert not same(small, decode({"t": "set", "v": same_hash_ints(299)}))


def test_same_hash_dict_keys_and_duplicates_are_judged_without_hashing() -> None:
    count = (MAX_NODES - 1) // 2
    colliding = timed(judged({"t": "dict", "v": [[key, {"t": "none"}] for key in same_hash_ints(count)]}))
    spread = timed(judged({"t": "dict", "v": [[key, {"t": "none"}] for key in distinct_ints(count)]}))
    assert colliding < 5 * spread
    duplicated = {"t": "set", "v": [*same_hash_ints(3), *same_hash_ints(3)]}
    assert same({SAME_HASH, 2 * SAME_HASH, 3 * SAME_HASH}, decode(duplicated))  # a set holds each item once
    twice = {"t": "dict", "v": [[{"t": "str", "v": "a"}, {"t": "int", "v": "1"}]] * 2}
    assert not same({"a": 1}, decode(twice))  # two entries for one key: not a dict the harness could send


def test_integers_stay_digits_until_compared() -> None:
    digits = "9" * MAX_INT_DIGITS
    node = {"t": "list", "v": [{"t": "int", "v": digits}] * 30}
    assert decode(node).data[0].data == digits and same([int(digits)] * 30, decode(node))


@pytest.mark.parametrize("node", [
    {"t": "list", "v": [{"t": "none"}] * MAX_NODES},  # one part too many
    json.loads('{"t": "list", "v": ' * (MAX_DEPTH + 2) + '{"t": "none"}' + "}" * (MAX_DEPTH + 2)),
    {"t": "int", "v": "+1"}, {"t": "int", "v": "01"}, {"t": "int", "v": "-0"}, {"t": "int", "v": "1_000"},
    {"t": "int", "v": " 1"}, {"t": "int", "v": "\u0661"}, {"t": "int", "v": "9" * (MAX_INT_DIGITS + 1)},
    {"t": "int", "v": 5}, {"t": "int"},
    {"t": "float", "v": "1_0.5"}, {"t": "float", "v": "Infinity"}, {"t": "float", "v": " 1.5"},
    {"t": "float", "v": "0x1p3"}, {"t": "float", "v": 1.5}, {"t": "float", "v": "1." + "0" * 50},
    {"t": "str", "v": "x" * (MAX_TEXT + 1)}, {"t": "str", "v": None},
    {"t": "bytes", "v": "ABCD"}, {"t": "bytes", "v": "abc"}, {"t": "bytes", "v": "zz"}, {"t": "bytes", "v": " ab"},
    {"t": "bool", "v": 1}, {"t": "none", "v": 1}, {"t": "too_big", "v": "x"}, {"t": "other", "type": 3},
    {"t": "str", "v": "x", "extra": 1}, {"t": "nope", "v": 1}, {"t": ["int"], "v": "1"}, {"v": "1"}, "1", None,
    {"t": "frozenset", "v": [{"t": "list", "v": []}]},  # unhashable items the harness could never have sent
    {"t": "set", "v": [{"t": "set", "v": []}]},
    {"t": "set", "v": [{"t": "tuple", "v": [{"t": "dict", "v": []}]}]},
    {"t": "dict", "v": [[{"t": "list", "v": []}, {"t": "none"}]]},
    {"t": "dict", "v": [[{"t": "none"}]]}, {"t": "dict", "v": [{"t": "none"}]}, {"t": "dict", "v": {}},
])
def test_nodes_the_harness_never_writes_are_rejected(node) -> None:
    with pytest.raises(BadFrame):
        decode(node)


@pytest.mark.parametrize(("field", "forged"), [  # time and memory are measured by the bot: a frame never carries them
    ("ms", 1.5), ("rss_kb", 9000), ("ms", INF), ("ms", float("inf")), ("ms", float("nan")), ("ms", -1), ("ms", 1e308),
    ("ms", "5"), ("ms", True), ("ms", None),
    ("rss_kb", INF), ("rss_kb", -1), ("rss_kb", 2**41), ("rss_kb", 1.5), ("rss_kb", True), ("rss_kb", "1"),
    ("index", True), ("index", -1), ("index", 2), ("index", "0"), ("index", 0.0),
    ("ok", "yes"), ("ok", 1), ("output", 5), ("output", None), ("value", {"t": "str", "v": 5}), ("value", "fine"),
    ("error", {"type": "E", "message": "", "traceback": ""}), ("timeout", False), ("extra", 1),
])
def test_a_forged_field_fails_the_whole_run_with_a_plain_reason(field, forged) -> None:
    outcome = outcome_of(honest({**case(0), field: forged}, case(1)))
    check = grade("coding.f", TASK, outcome, Limits())
    assert outcome.bad_frame and not outcome.cases
    assert check.passed == 0 and check.ran and check.time_ms == 123  # wall-clock time: the frames' is not trusted
    assert check.error is not None and check.error.startswith("The run wrote something that is not a valid result")
    assert check.first_failure is not None and check.first_failure.got == "(not counted: the run wrote an invalid result)"


@pytest.mark.parametrize("field", ["index", "ok", "output", "value"])
def test_a_missing_field_fails_the_run(field) -> None:
    forged = case(0)
    del forged[field]
    check = grade("coding.f", TASK, outcome_of(honest(forged, case(1))), Limits())
    assert check.passed == 0 and "not a valid result" in (check.error or "")


@pytest.mark.parametrize("error", [None, "boom", {"type": "E", "message": "m"}, {"type": 1, "message": "", "traceback": ""},
                                   {"type": "E", "message": "", "traceback": "", "more": ""}])
def test_a_failed_step_must_carry_a_whole_error(error) -> None:
    forged = {k: v for k, v in case(0, ok=False, error=error).items() if k != "value"}
    assert outcome_of(honest(forged, case(1))).bad_frame


@pytest.mark.parametrize("data", [
    b"NaN\n", b"[]\n", b"null\n", b'"fine"\n', b'{"kind": "hello"}\n', b'{"kind": "done", "rss_kb": 1, "x": 1}\n',
    b'{"kind": "verdict", "rss_kb": 1}\n', b'{"kind": "hello", "rss_kb": 1}{"kind": "done", "rss_kb": 1}\n',
    b'{"kind": "hello", "rss_kb": Infinity}\n', '{"kind": "hello", "rss_kb": 1, "é": 1}\n'.encode(),
    b'{"kind": "case", "ind\n',  # a frame cut short in the middle of the channel (the run wrote a newline into it)
])
def test_frames_that_are_not_frames_fail_the_run(data) -> None:
    outcome = outcome_of(data + honest(case(0), case(1)))
    assert outcome.bad_frame and not outcome.cases
    assert "not a valid result" in (stop_reason(outcome, 15, 10) or "")


def test_a_cut_off_last_line_is_only_the_run_ending() -> None:
    outcome = outcome_of(honest(case(0), case(1))[:-1])  # killed while writing "done"
    assert outcome.bad_frame is None and not outcome.finished and len(outcome.cases) == 2


def test_huge_or_pathological_frames_are_refused_quickly() -> None:
    attack = json.dumps(case(0, value={"t": "set", "v": same_hash_ints(100_000)})).encode()  # 3.9 MB, as reported
    assert len(attack) > MAX_FRAME_BYTES
    room = MAX_FRAME_BYTES - 10  # the rest are just small enough to be parsed
    bombs = [attack, b"[" * room, b"[" + b"1" * room + b"]", b'{"kind": "' + b"\\u0000" * (room // 6 - 2) + b'"}',
             b"[" + b"[]," * (room // 3 - 1) + b"[]]"]
    for bomb in bombs:
        outcome = RunOutcome(sandbox="bwrap")
        started = time.perf_counter()
        read_frames(outcome, bomb + b"\n" + honest(case(0)), 2)
        assert time.perf_counter() - started < 1.0  # the reported frame took 80 s
        assert outcome.bad_frame and not outcome.cases


def test_the_largest_valid_frame_is_decoded_within_bounds() -> None:
    items = same_hash_ints(MAX_NODES - 1)
    while len(json.dumps(case(0, value={"t": "set", "v": items}))) > MAX_FRAME_BYTES:
        items = items[:-100]
    outcome = RunOutcome(sandbox="bwrap")
    data = honest(case(0, value={"t": "set", "v": items}), case(1))
    started = time.perf_counter()
    read_frames(outcome, data, 2)
    check = grade("coding.f", TASK, outcome, Limits())
    assert time.perf_counter() - started < 1.0 and outcome.bad_frame is None and len(outcome.cases) == 2
    assert (check.examples_passed, check.hidden_passed) == (0, 1)
    assert check.first_failure is not None and len(check.first_failure.got) <= 300


def test_a_rejection_never_repeats_the_sandboxs_text() -> None:
    # the reason reaches terminals and Discord as it is, so it is built from the decoder's own words only
    flood = "\x1b[2J\u202e" * 5_000
    outcome = outcome_of(honest(case(0, value={"t": flood, "v": flood}), case(1)))
    assert outcome.bad_frame == "a value of an unknown kind"
    outcome = outcome_of(honest({**case(0), flood: 1}, case(1)))
    assert outcome.bad_frame == "a case frame with a field the harness never writes"


def test_a_value_far_larger_than_the_expected_one_fails_without_being_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    # The largest frame of same-hash integers against a one-word answer: judged on its size alone (the decoder is
    # never called: it would cost the forger's CPU), and shown as a size rather than as the forger's text.
    items = same_hash_ints(MAX_NODES - 1)
    while len(json.dumps(case(0, value={"t": "set", "v": items}))) > MAX_FRAME_BYTES:
        items = items[:-100]
    frame_line = json.dumps(case(0, value={"t": "set", "v": items})).encode()

    def never(node: Any) -> Any:
        raise AssertionError("an oversized value was decoded")

    monkeypatch.setattr(outcome_module, "decode", never)
    frame = judge_frame(frame_line, 2, "'fine'")
    assert frame.step is not None and frame.step.value is None and frame.step.oversized > 100_000
    assert frame.step.judged is not None and frame.step.judged[0] is False and "far larger" in frame.step.judged[1]


@pytest.mark.parametrize(("expected", "returned"), [
    (repr(list(range(3_000))), list(range(3_000))),                     # a large honest answer
    (repr({str(k): k for k in range(1_500)}), {str(k): k for k in reversed(range(1_500))}),  # any order of items
    (repr([20.0] * 4_000), [20] * 4_000),                                # 20 == 20.0, written shorter
])
def test_a_large_value_equal_to_the_expected_one_is_still_decoded_and_passes(expected: str, returned: Any) -> None:
    frame = judge_frame(json.dumps(case(0, value=encode(returned))).encode(), 2, expected)
    assert frame.step is not None and frame.step.oversized == 0
    assert frame.step.judged is not None and frame.step.judged[0] is True


def test_a_value_of_about_the_expected_size_is_decoded_and_shown_when_wrong() -> None:
    frame = judge_frame(json.dumps(case(0, value=encode(list(range(1, 3_001))))).encode(), 2, repr(list(range(3_000))))
    assert frame.step is not None and frame.step.oversized == 0
    assert frame.step.judged is not None and frame.step.judged[0] is False and frame.step.judged[1].startswith("[1, 2, 3")
