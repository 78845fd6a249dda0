"""Bytes that are not UTF-8, piped into the real ``mockloop`` process.

Practice keeps every answer (bad bytes become U+FFFD, said once) under both ways Python may decode
standard input: strictly (a UTF-8 locale) and with surrogates (the C locale, UTF-8 mode). The
one-shot commands treat ``-`` exactly as ``--file`` with the same bytes: exit 2, one sentence.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_cli import env_for, rows

BAD = b"caf\xe9 \xff\xfe"  # Latin-1 text and two bytes that never occur in UTF-8
DECODINGS = {
    "strict": {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"},
    "surrogateescape": {"PYTHONIOENCODING": "utf-8:surrogateescape", "PYTHONUTF8": "1"},
}


def run_bytes(tmp_path: Path, *args: str, stdin: bytes, **extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=tmp_path,
                          env=env_for(tmp_path, **extra), timeout=90)


@pytest.mark.parametrize("decoding", sorted(DECODINGS))
def test_practice_keeps_every_answer_and_says_so_once(tmp_path: Path, decoding: str) -> None:
    script = (b"First answer, " + BAD + b" with bad bytes.\n/send\n"
              b"Second answer " + BAD + b" again.\n/send\n"
              b"Third answer is clean.\n/send\n/end\n")
    done = run_bytes(tmp_path, "practice", "--round", "core", "--minutes", "10", "--questions", "4", "--seed", "3",
                     stdin=script, **DECODINGS[decoding])
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, err
    assert "Traceback" not in err and err.count("not UTF-8 text") == 1
    texts = [r[0] for r in rows(tmp_path, "select text from answers order by round_pos, question_pos, seq")]
    assert texts == ["First answer, caf\ufffd \ufffd\ufffd with bad bytes.", "Second answer caf\ufffd \ufffd\ufffd again.",
                     "Third answer is clean."]


def _same_as_file(tmp_path: Path, data: bytes, command: list[str], file_flag: str, stdin_args: list[str]) -> None:
    """``stdin_args`` (``-``) and ``file_flag PATH`` with the same bytes: both exit 2, one sentence naming the input."""
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    for decoding in DECODINGS.values():
        piped = run_bytes(tmp_path, *command, *stdin_args, stdin=data, **decoding)
        filed = run_bytes(tmp_path, *command, file_flag, str(path), stdin=b"", **decoding)
        for done, named in ((piped, "standard input"), (filed, str(path))):
            err = done.stderr.decode()
            assert done.returncode == 2, err
            assert err.startswith("mockloop: ") and err.count("\n") == 1 and "Traceback" not in err
            assert "is not UTF-8 text" in err and named in err
        assert piped.stdout == filed.stdout == b""


def test_check_code_stdin_with_bad_bytes_is_the_usage_error_of_file(tmp_path: Path) -> None:
    code = b"def flatten(d, parent=''):\n    return {}  # " + BAD + b"\n"
    _same_as_file(tmp_path, code, ["check-code", "--question", "coding.flatten-dict"], "--file", ["-"])


def test_score_answer_file_stdin_with_bad_bytes_is_the_usage_error_of_file(tmp_path: Path) -> None:
    _same_as_file(tmp_path, b"The GIL " + BAD + b" serialises bytecode.\n", ["score", "--question", "core.gil"],
                  "--answer-file", ["--answer-file", "-"])


def test_star_stdin_with_bad_bytes_is_the_usage_error_of_file(tmp_path: Path) -> None:
    story = b"Last year I fixed " + BAD + b" our deploys.\n"
    _same_as_file(tmp_path, story, ["star"], "--answer-file", ["-"])
    _same_as_file(tmp_path, story, ["star"], "--answer-file", ["--answer-file", "-"])
