"""Turning the harness's tagged values back into data, and comparing them with expected ones.

This runs in the bot, on data that crossed the sandbox boundary, so it trusts nothing: a
malformed node is an error, and an object the harness could only name (``other``) or could
not send (``too_big``) becomes an opaque value that equals nothing.  The work must also stay in
proportion to the bytes, whatever they are, which rules out the obvious decoding:

* nothing from the sandbox is ever put in a set or used as a dict key here.  Integers that are
  all multiples of 2**61 - 1 share one hash, so building a set of 20,000 of them takes seconds
  and a forged frame of a few MB took minutes.  Sets and dicts stay lists of items, and
  equality compares canonical keys (nested tuples, set items and dict entries sorted), which
  costs a sort, not a hash table;
* integers stay the decimal digits the harness sent, since converting between digits and int
  is quadratic in their number; only a comparison turns them into numbers, each bounded;
* sizes and depth are capped as the harness caps them, so an honest value always fits.

No candidate code runs here, so rendering the decoded tree is safe.  Equality is Python's ``==``
on plain data, with two deliberate choices:

* tuples and lists are different, as in Python: the case data writes a tuple exactly where the
  call builds one (``(flaky(), len(calls))``) and a list where the function must return a list
  (``bad_rows``), so returning the other kind is a real mistake;
* ``True``/``False`` only equal booleans, although Python says ``1 == True``: a function that
  should answer a yes/no question and returns ``1`` has not answered it.

Numbers otherwise follow Python (``20 == 20.0``), and floats are compared exactly, because
questions such as ``coding.parse-orders`` test precisely that ``59.97`` is not
``59.970000000000006``; NaN equals NaN.  Dicts and sets ignore order (a case that cares uses
``list(d.items())``), and a set equals a frozenset with the same items.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, NamedTuple

from bot.sandbox.harness import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES, MAX_TEXT

MAX_SHOWN = 300
_INT = re.compile(r"0|-?[1-9][0-9]*")  # exactly what int.__repr__ writes: no "+", "_", spaces or "-0"
_FLOAT = re.compile(r"-?(?:inf|nan|[0-9]+\.[0-9]+(?:e[-+][0-9]+)?|[0-9]+e[-+][0-9]+)")  # float.__repr__
_HEX = re.compile(r"(?:[0-9a-f]{2})*")
# how each container is written when empty, and around its items otherwise
_CONTAINERS = {"list": ("[]", "[", "]"), "tuple": ("()", "(", ")"), "set": ("set()", "{", "}"),
               "frozenset": ("frozenset()", "frozenset({", "})")}
_HASHABLE_CONTAINERS = ("tuple", "frozenset")
_TAGS = frozenset({"none", "bool", "int", "float", "str", "bytes", "dict", "other", "too_big", *_CONTAINERS})
_unique = itertools.count()  # opaque values get keys that equal nothing, themselves included


class Value(NamedTuple):
    """One decoded value.

    ``kind`` is the harness's tag (``none``, ``bool``, ``int``, ``float``, ``str``, ``bytes``,
    ``list``, ``tuple``, ``set``, ``frozenset``, ``dict``) or ``opaque``.  ``data`` is a bool,
    the digits of an int, a float, str or bytes, a tuple of Values for the containers, a tuple
    of ``(key, value)`` pairs for ``dict``, and a description for ``opaque``.
    """

    kind: str
    data: Any


class BadFrame(ValueError):
    """The harness sent something that is not a valid encoded value."""


def decode(node: Any) -> Value:
    """The value an encoded node stands for; :class:`BadFrame` if it is not exactly what the harness writes."""
    return _decode(node, 0, False, [MAX_NODES])


def _decode(node: Any, depth: int, hashable: bool, budget: list[int]) -> Value:
    budget[0] -= 1
    if budget[0] < 0:
        raise BadFrame(f"a value with more than {MAX_NODES:,} parts")
    if depth > MAX_DEPTH or type(node) is not dict or type(node.get("t")) is not str:
        raise BadFrame("malformed value")
    tag, raw = node["t"], node.get("v")
    if tag not in _TAGS:  # and from here on ``tag`` is one of ours: messages never repeat the sandbox's text
        raise BadFrame("a value of an unknown kind")
    if len(node) != (1 if tag in ("none", "too_big") else 2):
        raise BadFrame(f"malformed {tag} value")
    if tag == "none":
        return Value("none", None)
    if tag == "bool" and type(raw) is bool:
        return Value("bool", raw)
    if tag == "int" and type(raw) is str and len(raw) - raw.startswith("-") <= MAX_INT_DIGITS and _INT.fullmatch(raw):
        return Value("int", raw)
    if tag == "float" and type(raw) is str and len(raw) <= 40 and _FLOAT.fullmatch(raw):
        return Value("float", float(raw))
    if tag == "str" and type(raw) is str and len(raw) <= MAX_TEXT:
        return Value("str", raw)
    if tag == "bytes" and type(raw) is str and len(raw) <= 2 * MAX_TEXT and _HEX.fullmatch(raw):
        return Value("bytes", bytes.fromhex(raw))
    if tag in _CONTAINERS and type(raw) is list:
        if hashable and tag not in _HASHABLE_CONTAINERS:
            raise BadFrame(f"a {tag} inside a set or a dict key")
        inner = hashable or tag in ("set", "frozenset")
        return Value(tag, tuple(_decode(item, depth + 1, inner, budget) for item in raw))
    if tag == "dict" and type(raw) is list:
        if hashable:
            raise BadFrame("a dict inside a set or a dict key")
        return Value("dict", tuple(_pair(pair, depth + 1, budget) for pair in raw))
    if tag == "other" and type(node.get("type")) is str and len(node["type"]) <= 200:
        return Value("opaque", f"{node['type']} object")
    if tag == "too_big":
        return Value("opaque", "a value too big to send back")
    raise BadFrame(f"malformed {tag} value")


def _pair(pair: Any, depth: int, budget: list[int]) -> tuple[Value, Value]:
    if type(pair) is not list or len(pair) != 2:
        raise BadFrame("malformed dict entry")
    return _decode(pair[0], depth, True, budget), _decode(pair[1], depth, False, budget)


def of(data: Any) -> Value:
    """A trusted Python value (an expected literal from the case data) in the decoded form."""
    kind = type(data)
    if data is None:
        return Value("none", None)
    if kind is int:
        return Value("int", str(data))
    if kind in (bool, float, str, bytes):
        return Value(kind.__name__, data)
    if kind in (list, tuple, set, frozenset):
        return Value(kind.__name__, tuple(of(item) for item in data))
    if kind is dict:
        return Value("dict", tuple((of(k), of(v)) for k, v in data.items()))
    return Value("opaque", f"{kind.__name__} object")  # e.g. a complex literal: the harness never sends one


def same(expected: Any, got: Value | None) -> bool:
    """Whether ``got`` (decoded from the sandbox) matches ``expected`` (a literal from the case data)."""
    return got is not None and _key(expected if isinstance(expected, Value) else of(expected)) == _key(got)


def _key(value: Value) -> tuple[Any, ...]:
    """A canonical form: equal exactly when the values are equal under the rules above.

    Numbers share one tag so that 20 and 20.0 meet; within a tag the payloads are always of
    one comparable type, so sorting never compares, say, a str with an int.
    """
    kind, data = value
    if kind == "int":
        return ("number", int(data))  # at most MAX_INT_DIGITS digits, under Python's own limit
    if kind == "float":
        return ("nan",) if data != data else ("number", data)
    if kind in ("list", "tuple"):
        return (kind, tuple(_key(item) for item in data))
    if kind in ("set", "frozenset"):
        ordered = sorted(_key(item) for item in data)  # duplicates can only be forged; a set holds each once
        return ("set", tuple(k for i, k in enumerate(ordered) if i == 0 or k != ordered[i - 1]))
    if kind == "dict":
        return ("dict", tuple(sorted((_key(k), _key(v)) for k, v in data)))
    if kind == "opaque":
        return ("opaque", next(_unique))
    return (kind, data)  # none, bool, str, bytes


def show(value: Value | None, limit: int = MAX_SHOWN) -> str:
    """A short, one-line picture of a decoded value, as Python would write it (trimmed in the middle if long)."""
    parts: list[str] = []
    _render(value if value is not None else Value("none", None), parts)
    text = "".join(parts)
    if len(text) > limit:
        half = limit // 2 - 2
        text = f"{text[:half]} … {text[-half:]}"
    return text


def _render(value: Value, out: list[str]) -> None:
    kind, data = value
    if kind in _CONTAINERS:
        empty, opening, closing = _CONTAINERS[kind]
        if not data:
            out.append(empty)
            return
        out.append(opening)
        for i, item in enumerate(data):
            out.append(", " if i else "")
            _render(item, out)
        out.append(("," if kind == "tuple" and len(data) == 1 else "") + closing)
    elif kind == "dict":
        out.append("{")
        for i, (key, item) in enumerate(data):
            out.append(", " if i else "")
            _render(key, out)
            out.append(": ")
            _render(item, out)
        out.append("}")
    elif kind == "opaque":
        out.append(f"<{data}>")
    else:
        out.append(data if kind == "int" else repr(data))
