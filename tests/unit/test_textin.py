"""Text from the command line: strict for one-shot commands, lenient for typed practice lines."""

from __future__ import annotations

import asyncio
import io

import pytest

from bot.adapters.console.reader import BAD_BYTES, PlainLines
from bot.errors import UsageError
from bot.textin import lenient, read_text


def test_lenient_replaces_bad_bytes_and_escaped_surrogates_and_says_whether_it_did() -> None:
    assert lenient(b"caf\xc3\xa9\n") == ("café\n", False)
    assert lenient("café") == ("café", False)
    assert lenient(b"caf\xe9\xff") == ("caf\ufffd\ufffd", True)
    assert lenient(b"caf\xe9\xff".decode("utf-8", "surrogateescape")) == ("caf\ufffd\ufffd", True)
    text, damaged = lenient("lone \ud800 surrogate")
    assert damaged and "\ud800" not in text and text.startswith("lone ") and text.endswith(" surrogate")


def test_stdin_that_is_not_utf8_is_the_usage_error_of_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    strict = io.TextIOWrapper(io.BytesIO(b"ok \xff bad"), encoding="utf-8", errors="strict")
    monkeypatch.setattr("sys.stdin", strict)
    with pytest.raises(UsageError, match=r"the code on standard input is not UTF-8 text \(the first bad byte is byte 4\)"):
        read_text("-", "code")
    escaped = io.StringIO(b"ok \xff bad".decode("utf-8", "surrogateescape"))  # a text stdin without bytes under it
    monkeypatch.setattr("sys.stdin", escaped)
    with pytest.raises(UsageError, match="not UTF-8 text"):
        read_text("-", "answer")


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_plain_lines_keep_every_line_and_say_so_once(errors: str) -> None:
    data = b"one \xff\n/send\r\ntwo \xe9\nthree\n"
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors)
    notices: list[str] = []

    async def read_all() -> list[str | None]:
        lines = PlainLines(stream, notices.append)
        return [await lines.readline() for _ in range(5)]

    assert asyncio.run(read_all()) == ["one \ufffd", "/send", "two \ufffd", "three", None]
    assert notices == [BAD_BYTES]
