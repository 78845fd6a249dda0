"""The interactive prompt on a real pseudo-terminal: Ctrl-C saves the session, resuming keeps the draft."""

from __future__ import annotations

import os
import pty
import re
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.test_cli import env_for

ROOT = Path(__file__).resolve().parents[2]


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r")


def read_until(fd: int, needle: str, seconds: float = 20) -> str:
    """Terminal output (escape sequences removed) up to and including ``needle``."""
    raw = ""
    deadline = time.monotonic() + seconds
    while needle not in ANSI.sub("", raw) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                raw += os.read(fd, 65536).decode("utf-8", "replace")
            except OSError:
                break
    seen = ANSI.sub("", raw)
    assert needle in seen, f"never saw {needle!r}; screen ended with {seen[-400:]!r}"
    return seen


@contextmanager
def practice(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``mockloop practice`` on a fresh pseudo-terminal; yields the process and the terminal's fd."""
    leader, follower = pty.openpty()
    # a bare pty cannot answer cursor-position requests; without them prompt_toolkit skips the toolbar
    env = env_for(tmp_path, TERM="xterm", COLUMNS="100", LINES="30", PROMPT_TOOLKIT_NO_CPR="1")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "practice", *args], stdin=follower, stdout=follower,
                            stderr=follower, cwd=tmp_path, env=env, close_fds=True)
    os.close(follower)
    try:
        yield proc, leader
    finally:
        proc.kill()
        os.close(leader)


def test_ctrl_c_at_the_prompt_saves_the_draft_and_resume_keeps_it(tmp_path: Path) -> None:
    with practice(tmp_path, "--round", "core", "--minutes", "10", "--questions", "2", "--seed", "2") as (proc, fd):
        read_until(fd, "Question 1 of 2")
        os.write(fd, b"half of my answer\r")
        time.sleep(0.5)
        os.write(fd, b"\x03")
        read_until(fd, "Session saved")
        assert proc.wait(timeout=10) == 130
    with sqlite3.connect(tmp_path / "db" / "m.db") as db:
        assert db.execute("select status from sessions").fetchone() == ("interrupted",)
        assert db.execute("select draft from asked_questions where status = 'active'").fetchone() == ("half of my answer",)

    with practice(tmp_path, "--resume") as (proc, fd):
        read_until(fd, "half of my answer")
        os.write(fd, b"and the rest of it.\r/send\r")
        read_until(fd, "Saved")
        os.write(fd, b"/end\r")
        read_until(fd, "Overall:")
        assert proc.wait(timeout=10) == 0
    with sqlite3.connect(tmp_path / "db" / "m.db") as db:
        [(text,)] = db.execute("select text from answers").fetchall()
    assert text == "half of my answer\nand the rest of it."
