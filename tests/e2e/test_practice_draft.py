"""Text typed but not sent survives kill -9: the checkpoint every few seconds saves it as the draft,
and ``--resume`` gives it back to finish and send (the README's promise)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.test_cli import env_for, mockloop, rows

DRAFT = "A generator keeps its frame between next() calls, so the loop state survives"


def test_a_draft_typed_seconds_before_kill_9_is_given_back_on_resume(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "bot", "practice", "--round", "core", "--minutes", "20",
                             "--questions", "2", "--seed", "5"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env_for(tmp_path))
    assert proc.stdin is not None
    try:
        proc.stdin.write(f"{DRAFT}\n")  # typed, never sent
        proc.stdin.flush()
        deadline = time.monotonic() + 30  # one checkpoint (5 s) and a busy machine's slack
        saved: list[tuple[str]] = []
        while time.monotonic() < deadline and not saved:
            with contextlib.suppress(sqlite3.OperationalError):
                saved = rows(tmp_path, "select draft from asked_questions where draft is not null")
            time.sleep(0.2)
        assert saved == [(DRAFT,)], "the draft was not saved by a checkpoint"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    resumed = mockloop(tmp_path, "practice", "--resume", stdin="and so it resumes where it stopped.\n/send\n/end\n")
    assert resumed.returncode == 0, resumed.stderr
    assert "Your unfinished answer was kept" in resumed.stdout and DRAFT in resumed.stdout
    [(text,)] = rows(tmp_path, "select text from answers")
    assert text == f"{DRAFT}\nand so it resumes where it stopped."
