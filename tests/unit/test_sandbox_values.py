"""Returned values cross the sandbox as plain data and are judged outside with fixed equality rules.

Forged nodes (what a submission could write to the result channel itself) are in
``test_sandbox_forged.py``.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, OrderedDict, namedtuple

import pytest

from bot.sandbox.harness import MAX_FRAME_BYTES, Channel, encode
from bot.sandbox.outcome import parse_frame
from bot.sandbox.values import BadFrame, Value, decode, same, show


def round_trip(value) -> Value:
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 10**200, 1.5, -0.0, "", "héllo\n", b"\x00\xff", [], (), {}, set(), frozenset({1}),
    {"a": [1, (2, 3)], 4: {None: {"b": b"x"}}, (1, 2): {1.5, 2.5}},
])
def test_plain_values_come_back_equal_of_the_same_kind_and_shown_as_python_writes_them(value) -> None:
    back = round_trip(value)
    assert same(value, back) and show(back, 10_000) == repr(value)
    assert back.kind == type(value).__name__.replace("NoneType", "none")


def test_special_floats_survive() -> None:
    assert show(round_trip(float("inf"))) == "inf" and show(round_trip(float("-inf"))) == "-inf"
    assert same(math.nan, round_trip(math.nan)) and not same(math.inf, round_trip(math.nan))


def test_subclasses_are_refused_so_an_overridden_eq_fools_nobody() -> None:
    class Liar(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    class LyingList(list):
        def __iter__(self):
            return iter([42])

    class AgreeableDict(dict):  # as reported: a dict subclass whose __eq__ says yes gained a case
        def __eq__(self, other):
            return True

    for liar in (Liar(3), LyingList([1, 2]), AgreeableDict(a=1), {"k": AgreeableDict(a=1)}):
        assert not same(liar, round_trip(liar))
    assert show(round_trip(AgreeableDict(a=1))) == "<AgreeableDict object>"
    # the standard subclasses an honest answer returns are read through their dict storage
    assert same({"a": 2, "b": 1}, round_trip(Counter("aab")))
    assert same({"x": 1}, round_trip(OrderedDict(x=1)))
    Point = namedtuple("Point", "x y")  # a tuple subclass
    assert not same((1, 2), round_trip(Point(1, 2)))


def test_other_objects_are_only_named_and_equal_nothing() -> None:
    class Anything:
        def __eq__(self, other):
            return True

    back = round_trip(Anything())
    assert back.kind == "opaque" and "Anything" in show(back)
    twice = round_trip([Anything()])
    assert not same(back, back) and not same(1, back) and not same(twice, twice)


def test_values_too_big_deep_or_cyclic_are_refused_without_hanging() -> None:
    cyclic: list = []
    cyclic.append(cyclic)
    deep: list = []
    for _ in range(200):
        deep = [deep]
    escaped = ["\x00" * 20_000] * 2  # within every count, but six bytes a character once written as JSON
    for value in (cyclic, deep, list(range(100_000)), "x" * 1_000_000, 10**20_000, ["x" * 20_000] * 20, escaped):
        assert show(round_trip(value)) == "<a value too big to send back>"


@pytest.mark.parametrize(("expected", "got", "equal"), [
    ((1, 2), [1, 2], False),  # the case data writes a tuple where the call builds one
    ([1, 2], (1, 2), False),
    (True, 1, False),  # a yes/no answer must be a bool
    (1, True, False),
    (20.0, 20, True),  # numbers otherwise compare as in Python
    (59.97, 59.970000000000006, False),  # floats are exact: coding.parse-orders tests exactly this
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),  # dict order is not part of the answer
    ({"a": True}, {"a": 1}, False),
    ({True: "a"}, {1: "a"}, False),
    ({1: "a"}, {1.0: "a"}, True),
    ({1, 2}, frozenset({1, 2}), True),
    ({1, 2}, {1.0, 2.0}, True),
    ({(1, 2)}, {(1, 2.0)}, True),
    ({(1, True)}, {(1, 1)}, False),
    ({1, 2}, {1, 2, 3}, False),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    (2**53 + 1, float(2**53), False),  # exact, as in Python
    (0, -0.0, True),
    (frozenset({frozenset({1})}), {frozenset({1})}, True),
    ([{"a": (1,)}], [{"a": [1]}], False),
    ("x", b"x", False),
    (None, 0, False),
])
def test_equality_rules(expected, got, equal) -> None:
    assert same(expected, round_trip(got)) is equal


@pytest.mark.parametrize("node", [
    None, [], {"t": 3}, {"t": "int", "v": "12x"}, {"t": "list", "v": "abc"}, {"t": "dict", "v": [[{"t": "none"}]]},
    {"t": "set", "v": [{"t": "list", "v": []}]}, {"t": "nope"},
])
def test_malformed_values_from_the_sandbox_are_rejected(node) -> None:
    with pytest.raises(BadFrame):
        decode(node)


def test_show_is_one_bounded_line() -> None:
    shown = show(round_trip(list(range(3_000))))
    assert len(shown) <= 300 and shown.startswith("[0, 1") and shown.endswith("2999]") and "\n" not in shown


def test_the_harness_never_writes_a_frame_the_bot_would_refuse() -> None:
    read, write = os.pipe()
    wide = "\U0001f600" * 30_000  # twelve bytes a character as ASCII JSON
    try:
        Channel(write).send({"kind": "case", "index": 0, "ok": True, "value": encode(wide[:20_000]),
                             "output": wide})
        data = os.read(read, MAX_FRAME_BYTES * 2)
    finally:
        os.close(read)
        os.close(write)
    frame = parse_frame(data.rstrip(b"\n"), 1)
    assert len(data) <= MAX_FRAME_BYTES and frame.step is not None
    assert show(frame.step.value) == "<a value too big to send back>"
    assert frame.step.output == "[the output was too long to send back]"
