"""Reading what a user hands the command line: a file, or standard input for ``-``.

One place, so ``score``, ``star`` and ``check-code`` word a bad path the same way (a usage
error: exit 2, one sentence) and all read text as UTF-8. Standard input is read as bytes and
decoded here, not by Python's text layer: that layer is strict under a UTF-8 locale (a
traceback) and lets bad bytes through as surrogates under the C locale or UTF-8 mode (which
fail later, when saved), so ``-`` and ``--file`` with the same bytes gave different results.

Typed practice answers are the exception: an answer is never refused for a stray byte, so
:func:`lenient` replaces bad bytes with U+FFFD and says whether it had to.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bot.errors import UsageError

REPLACEMENT = "\ufffd"


def read_text(path: str, what: str) -> str:
    """The text of ``path`` (``-``: standard input); ``what`` names it in errors ("answer", "code")."""
    if path == "-":
        return _strict(_stdin_bytes(), f"the {what} on standard input")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the {what} file {path}: {exc.strerror}.") from None
    return _strict(data, f"the {what} file {path}")


def lenient(raw: bytes | str) -> tuple[str, bool]:
    """``raw`` as text with every invalid UTF-8 sequence replaced by U+FFFD, and whether any was.

    A ``str`` may carry bad bytes as lone surrogates (``surrogateescape``); those are replaced too,
    since they cannot be stored or printed.
    """
    if isinstance(raw, str):
        if not _SURROGATE.search(raw):
            return raw, False
        raw = _to_bytes(raw)
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), True


_SURROGATE = re.compile("[\ud800-\udfff]")


def _to_bytes(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")  # the bytes the text layer could not decode, back
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")  # other lone surrogates: invalid UTF-8, replaced when decoded


def _stdin_bytes() -> bytes:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        data: bytes = buffer.read()
        return data
    return _to_bytes(sys.stdin.read())  # a replaced stdin without bytes underneath (tests, embedding)


def _strict(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name} is not UTF-8 text (the first bad byte is byte {exc.start + 1}).") from None
