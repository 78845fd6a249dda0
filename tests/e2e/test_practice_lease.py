"""One session, two terminals: the second is told where it is open and may take it over; the first
then stops cleanly and hands back what it had not saved.  Real ``mockloop practice`` processes, on
SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bot.storage import tables as t
from bot.storage.db import StorageError, open_database
from tests.e2e.test_cli import env_for
from tests.e2e.test_terminal import practice as terminal
from tests.e2e.test_terminal import read_until

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ["First: a generator yields lazily, so memory stays flat.", "Second: the GIL serialises bytecode.",
           "Third: a context manager closes the file even on error."]
UNSENT = "Half an answer typed in the first terminal"


async def answers(url: str) -> list[str]:
    database = open_database(url)
    query = sa.select(t.Answer.text).order_by(t.Answer.round_pos, t.Answer.question_pos, t.Answer.seq)
    try:
        return await database.run(lambda db: [str(x) for x in db.scalars(query)])
    except (StorageError, sa.exc.ProgrammingError):  # the tables are not there yet
        return []
    finally:
        await database.close()


async def practice(tmp_path: Path, url: str, *args: str) -> asyncio.subprocess.Process:
    pipe = asyncio.subprocess.PIPE
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "practice", *args, stdin=pipe, stdout=pipe,
                                                stderr=pipe, cwd=tmp_path, env=env_for(tmp_path, DATABASE_URL=url))


async def until(check: object, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_a_second_process_is_told_where_the_session_is_open_and_taking_over_loses_nothing(
        tmp_path: Path, database_url: str) -> None:
    first = await practice(tmp_path, database_url, "--round", "core", "--minutes", "30", "--questions", "6", "--seed", "3")
    assert first.stdin is not None
    try:
        for text in ANSWERS:
            first.stdin.write(f"{text}\n/send\n".encode())
        first.stdin.write(f"{UNSENT}\n".encode())  # typed, not sent
        await first.stdin.drain()

        async def three_saved() -> bool:
            return len(await answers(database_url)) == 3

        await until(three_saved)

        # Without --take-over: one sentence saying where it is open; nothing changes.
        refused = await practice(tmp_path, database_url, "--resume")
        out, err = await asyncio.wait_for(refused.communicate(b""), 60)
        assert refused.returncode == 1, (out, err)
        message = err.decode()
        assert f"is open in mockloop on {socket.gethostname()} (pid {first.pid}) since" in message
        assert "--take-over" in message and "Traceback" not in message and len(message.strip().splitlines()) == 1
        assert first.returncode is None

        # With --take-over: the second process continues; the first stops with its unsent text handed back.
        second = await practice(tmp_path, database_url, "--resume", "--take-over")
        assert second.stdin is not None and second.stdout is not None
        said = b""
        while b"Resuming session" not in said:
            line = await asyncio.wait_for(second.stdout.readline(), 60)
            assert line, "the second process ended early"
            said += line
        second.stdin.write(b"Fourth, answered in the second terminal.\n/send\n")
        await second.stdin.drain()
        first.stdin.write(b"/send\n")  # the first one tries to save: refused, never half-written
        await first.stdin.drain()
        first_out, first_err = await asyncio.wait_for(first.communicate(), 30)
        assert first.returncode == 1, (first_out, first_err)
        assert f"taken over by mockloop on {socket.gethostname()} (pid {second.pid})" in first_err.decode()
        # Its unsent text is handed over: printed to paste, or (if a checkpoint had saved it) shown there as the draft.
        as_draft = "moved with the session" in first_out.decode()
        assert as_draft or ("Not saved here" in first_out.decode() and UNSENT in first_out.decode()), first_out
        assert "Traceback" not in first_err.decode() + first_out.decode()

        second.stdin.write(b"/end\n")
        second_out, second_err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 0, (second_out, second_err)
        assert f"Taken over from mockloop on {socket.gethostname()} (pid {first.pid})" in (said + second_out).decode()
        assert "Traceback" not in second_err.decode()
        saved = await answers(database_url)
        fourth = f"{UNSENT}\nFourth, answered in the second terminal." if as_draft else "Fourth, answered in the second terminal."
        assert saved == [*ANSWERS, fourth]  # each once, none lost
        assert (UNSENT in (said + second_out).decode()) == as_draft
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()



def test_on_a_terminal_the_second_process_asks_before_taking_over(tmp_path: Path) -> None:
    first = subprocess.Popen([sys.executable, "-m", "bot", "practice", "--questions", "3", "--seed", "4"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=tmp_path, env=env_for(tmp_path))
    assert first.stdin is not None
    try:
        first.stdin.write(f"{ANSWERS[0]}\n/send\n")
        first.stdin.flush()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not _saved_rows(tmp_path):
            time.sleep(0.2)
        with terminal(tmp_path, "--resume") as (second, fd):
            asked = read_until(fd, "Take it over here (that one stops)? [y/N]")
            assert f"is open in mockloop on {socket.gethostname()} (pid {first.pid})" in asked
            os.write(fd, b"y\r")
            read_until(fd, "Resuming session")
            _, err = first.communicate(timeout=30)  # stops at its next heartbeat (every 5 s)
            assert first.returncode == 1 and f"(pid {second.pid})" in err and "Traceback" not in err
            os.write(fd, b"/end\r")
            read_until(fd, "Overall:")
            assert second.wait(timeout=20) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert _saved_rows(tmp_path) == [(ANSWERS[0],)]


def _saved_rows(tmp_path: Path) -> list[tuple[str]]:
    try:
        with sqlite3.connect(tmp_path / "db" / "m.db") as db:
            return db.execute("select text from answers").fetchall()
    except sqlite3.OperationalError:
        return []
