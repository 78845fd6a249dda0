"""Turning the harness's tagged values back into plain data, and comparing them with expected.

This runs in the bot, on data that crossed the sandbox boundary, so it trusts nothing: a
malformed frame is an error, and an object the harness could only name (``other``) or could
not send (``too_big``) becomes an :class:`Opaque` that equals nothing.  No candidate code runs
here, so ``repr`` of the decoded value is safe.

Equality is Python's ``==`` on plain data, with two deliberate choices:

* tuples and lists are different, as in Python: the case data writes a tuple exactly where the
  call builds one (``(flaky(), len(calls))``) and a list where the function must return a list
  (``bad_rows``), so returning the other kind is a real mistake;
* ``True``/``False`` only equal booleans, although Python says ``1 == True``: a function that
  should answer a yes/no question and returns ``1`` has not answered it.

Numbers otherwise follow Python (``20 == 20.0``), and floats are compared exactly, because
questions such as ``coding.parse-orders`` test precisely that ``59.97`` is not
``59.970000000000006``.  Dicts and sets ignore order (a case that cares uses ``list(d.items())``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MAX_SHOWN = 300


@dataclass(frozen=True, eq=False)  # identity equality: an Opaque equals nothing else
class Opaque:
    """A value the harness could only describe."""

    what: str

    def __repr__(self) -> str:
        return f"<{self.what}>"


class BadFrame(ValueError):
    """The harness sent something that is not a valid encoded value."""


def decode(node: Any, depth: int = 0) -> Any:
    """The plain Python value an encoded node stands for."""
    if depth > 100 or not isinstance(node, dict) or not isinstance(node.get("t"), str):
        raise BadFrame("malformed value")
    tag, raw = node["t"], node.get("v")
    try:
        if tag == "none":
            return None
        if tag == "bool" and isinstance(raw, bool):
            return raw
        if tag == "int" and isinstance(raw, str) and len(raw) <= 5000:
            return int(raw)
        if tag == "float" and isinstance(raw, str) and len(raw) <= 40:
            return float(raw)
        if tag == "str" and isinstance(raw, str):
            return raw
        if tag == "bytes" and isinstance(raw, str):
            return bytes.fromhex(raw)
        if tag in ("list", "tuple", "set", "frozenset") and isinstance(raw, list):
            items = [decode(item, depth + 1) for item in raw]
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
        if tag == "dict" and isinstance(raw, list):
            return {decode(pair[0], depth + 1): decode(pair[1], depth + 1) for pair in raw if _is_pair(pair)}
        if tag == "other":
            name = node.get("type")
            return Opaque(f"{name if isinstance(name, str) else 'unknown'} object")
        if tag == "too_big":
            return Opaque("a value too big to send back")
    except (TypeError, ValueError) as exc:  # e.g. an unhashable key, bad digits
        raise BadFrame(f"malformed {tag} value") from exc
    raise BadFrame(f"unknown value tag {tag!r}")


def _is_pair(pair: Any) -> bool:
    if isinstance(pair, list) and len(pair) == 2:
        return True
    raise BadFrame("malformed dict entry")


def same(expected: Any, got: Any) -> bool:
    """Whether ``got`` (decoded from the sandbox) matches ``expected`` (from the case data)."""
    if isinstance(expected, Opaque) or isinstance(got, Opaque):
        return False
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return expected == got or (isinstance(expected, float) and isinstance(got, float)
                                   and math.isnan(expected) and math.isnan(got))
    if type(expected) is not type(got):
        # sets and frozensets hold the same kind of thing; every other kind must match exactly
        return isinstance(expected, set | frozenset) and isinstance(got, set | frozenset) and _same_set(expected, got)
    if isinstance(expected, list | tuple):
        return len(expected) == len(got) and all(same(e, g) for e, g in zip(expected, got, strict=True))
    if isinstance(expected, dict):
        stored = {key: key for key in got}  # the key object as the candidate built it
        return len(expected) == len(got) and all(
            key in stored and same(key, stored[key]) and same(value, got[key]) for key, value in expected.items())
    if isinstance(expected, set | frozenset):
        return _same_set(expected, got)
    return bool(expected == got) if isinstance(expected, str | bytes | type(None)) else False


def _same_set(expected: set[Any] | frozenset[Any], got: set[Any] | frozenset[Any]) -> bool:
    stored = {item: item for item in got}
    return len(expected) == len(got) and all(item in stored and same(item, stored[item]) for item in expected)


def show(value: Any, limit: int = MAX_SHOWN) -> str:
    """A short, one-line picture of a decoded value (trimmed in the middle if long)."""
    text = repr(value)
    if len(text) > limit:
        half = limit // 2 - 2
        text = f"{text[:half]} … {text[-half:]}"
    return text
