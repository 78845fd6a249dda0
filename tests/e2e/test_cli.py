"""The mockloop command as a user runs it: real processes, a real SQLite file, piped input."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG = ("The default list is evaluated only once when def runs, so it lives on the function object and every "
          "call shares it.")


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "DISCORD", "DATABASE"))}
    env.update({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db' / 'm.db'}", "MOCKLOOP_USER": "tester",
                "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


def mockloop(tmp_path: Path, *args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=tmp_path, env=env_for(tmp_path, **extra), timeout=60)


def rows(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "db" / "m.db") as db:
        return db.execute(sql).fetchall()


def test_piped_practice_round_is_saved_with_answers_and_scores(tmp_path: Path) -> None:
    script = f"{STRONG}\n/send\nUse None as the default and build a fresh list inside.\n/send\n/end\n"
    done = mockloop(tmp_path, "practice", "--round", "core", "--level", "mid", "--minutes", "5", stdin=script)
    assert done.returncode == 0, done.stderr
    assert "Scorecard" in done.stdout and "Overall:" in done.stdout
    [(status, score)] = rows(tmp_path, "select status, score from sessions")
    assert status in ("completed", "ended_early") and score is not None
    answers = rows(tmp_path, "select text from answers order by round_pos, question_pos, seq")
    assert answers[0][0] == STRONG
    [(question_id,)] = rows(tmp_path, "select question_id from asked_questions where round_pos = 0 and position = 0")
    saved = rows(tmp_path, f"select criterion_id from criterion_scores where question_id = '{question_id}'")
    assert len(saved) >= 3  # one row per rubric criterion, settled when the question closed
    history = mockloop(tmp_path, "history", "--json")
    listed = json.loads(history.stdout)
    assert listed[0]["answers"] == len(answers) and listed[0]["score"] == score
    table = mockloop(tmp_path, "history")
    assert "grades, oldest first" in table.stdout and "key points missed" in table.stdout


def test_kill_9_after_two_answers_then_resume_keeps_answers_and_clock(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "bot", "practice", "--round", "core", "--level", "mid",
                             "--minutes", "20", "--questions", "3", "--seed", "5"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, env=env_for(tmp_path))
    assert proc.stdin is not None
    for text in ("First answer: I would reach for a generator here.", "Second answer: because of memory use."):
        proc.stdin.write(f"{text}\n/send\n")
        proc.stdin.flush()
    deadline = time.monotonic() + 45  # generous: CI machines can be busy
    saved = 0
    while time.monotonic() < deadline and saved < 2:
        with contextlib.suppress(sqlite3.OperationalError):  # the file exists before migrations create the tables
            saved = rows(tmp_path, "select count(*) from answers")[0][0]
        time.sleep(0.1)
    assert saved == 2, "the two answers were not saved in time"
    time.sleep(0.5)
    before = rows(tmp_path, "select round_pos, position, deadline_at from asked_questions where status = 'active'")
    last_active = rows(tmp_path, "select last_active_at from sessions")[0][0]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    away = 3
    time.sleep(away)
    resumed = mockloop(tmp_path, "practice", "--resume", stdin="/end\n")
    resumed_by = datetime.now(UTC)  # the resume happened before this, however busy the machine was
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming session" in resumed.stdout
    texts = [r[0] for r in rows(tmp_path, "select text from answers")]
    assert texts == ["First answer: I would reach for a generator here.", "Second answer: because of memory use."]
    # the clock was paused while the process was dead: the deadline moved by the time from the last
    # checkpoint to the resume. At least the time away; at most what this test measured from that
    # checkpoint to the end of the resuming process (a bound that grows with the load, not a fixed slack).
    [(rpos, qpos, old_deadline)] = before
    new_deadline = rows(tmp_path, f"select deadline_at from asked_questions where round_pos={rpos} and position={qpos}")[0][0]
    shift = (_utc(new_deadline) - _utc(old_deadline)).total_seconds()
    killed_after = (_utc(old_deadline) - _utc(last_active)).total_seconds()
    measured = (resumed_by - _utc(last_active)).total_seconds()
    assert killed_after > 0 and away <= shift <= measured, (shift, measured)


def _utc(stored: str) -> datetime:
    moment = datetime.fromisoformat(stored)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_usage_errors_exit_2_with_the_choices(tmp_path: Path) -> None:
    bad_round = mockloop(tmp_path, "practice", "--round", "cor")
    assert bad_round.returncode == 2 and "core" in bad_round.stderr and "Traceback" not in bad_round.stderr
    bad_id = mockloop(tmp_path, "score", "--question", "core.gill", "--answer", "x")
    assert bad_id.returncode == 2 and "Did you mean core.gil" in bad_id.stderr
    bad_minutes = mockloop(tmp_path, "practice", "--minutes", "0")
    assert bad_minutes.returncode == 2 and "minutes" in bad_minutes.stderr


def test_score_json_has_the_documented_shape(tmp_path: Path) -> None:
    done = mockloop(tmp_path, "score", "--question", "core.mutable-default", "--answer-file", "-", "--json", stdin=STRONG)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) >= {"question", "scorer", "score", "signal", "criteria", "red_flags", "missed", "fallback_reason"}
    assert payload["scorer"] == "offline" and payload["fallback_reason"] is None
    assert all(set(c) == {"id", "score", "max", "evidence"} for c in payload["criteria"])
    llm = mockloop(tmp_path, "score", "--question", "core.mutable-default", "--answer", STRONG, "--scorer", "llm", "--json")
    assert json.loads(llm.stdout)["fallback_reason"]


def test_questions_json_lists_the_bank(tmp_path: Path) -> None:
    done = mockloop(tmp_path, "questions", "--json")
    ids = {q["id"] for q in json.loads(done.stdout)}
    assert "core.mutable-default" in ids


def test_run_without_token_explains_how_to_get_one(tmp_path: Path) -> None:
    done = mockloop(tmp_path, "run")
    assert done.returncode == 1 and "DISCORD_TOKEN" in done.stderr and "mockloop practice" in done.stderr


@pytest.mark.parametrize("url", ["postgresql+asyncpg://bob:hunter2@127.0.0.1:1/x", "not a url at all :// hunter2"])
def test_bad_database_is_one_sentence_without_the_password(tmp_path: Path, url: str) -> None:
    done = mockloop(tmp_path, "history", DATABASE_URL=url)
    assert done.returncode == 1
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
    assert "DATABASE_URL" in done.stderr or "database" in done.stderr


def test_unwritable_database_path_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = mockloop(tmp_path, "history", DATABASE_URL=f"sqlite+aiosqlite:///{blocker}/m.db")
    assert done.returncode == 1 and str(blocker) in done.stderr and "Traceback" not in done.stderr


def test_star_coaching_in_the_terminal_saves_each_version_to_the_story_bank(tmp_path: Path) -> None:
    first = ("Last spring our checkout API timed out every evening at peak. I was on call. I profiled the endpoint, "
             "found an N+1 query in the discount lookup and rewrote it with a join.")
    second = first + " My goal was to get p99 under 300 ms before the holiday sale. Afterwards p99 went from 2.4 s to 180 ms."
    done = mockloop(tmp_path, "star", "--coach", stdin=f"{first}\n/send\n{second}\n/send\n/done\n")
    assert done.returncode == 0, done.stderr
    assert "scores" in done.stdout and "Saved to your story bank (2 versions)" in done.stdout
    assert rows(tmp_path, "select count(*) from story_versions")[0][0] == 2
    listed = mockloop(tmp_path, "star", "--stories")
    assert "2 version(s)" in listed.stdout


def test_a_behavioral_round_can_be_answered_with_a_saved_story(tmp_path: Path) -> None:
    story = ("Last spring our checkout API timed out every evening at peak. I was on call and had to fix it before the "
             "sale. I profiled the endpoint and rewrote the N+1 query with a join. Afterwards p99 went from 2.4 s to "
             "180 ms.")
    assert mockloop(tmp_path, "star", "--coach", stdin=f"{story}\n/send\n/done\n").returncode == 0
    [(saved,)] = rows(tmp_path, "select id from stories")
    done = mockloop(tmp_path, "practice", "--round", "behavioral", "--level", "mid", "--minutes", "10",
                    stdin=f"/story nope\n/story {saved[:8]}\n/end\n")
    assert done.returncode == 0, done.stderr
    assert "No saved story of yours starts with that id" in done.stdout and "Answering with your saved story" in done.stdout
    assert rows(tmp_path, "select text from answers") == [(story,)]


def test_star_on_a_too_short_story_prints_its_analysis_and_exits_0(tmp_path: Path) -> None:
    as_json = mockloop(tmp_path, "star", "--answer", "I fixed the outage.", "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["status"] == "too_short" and data["score"] is None
    report = mockloop(tmp_path, "star", "-", stdin="I fixed the outage.\n")
    assert report.returncode == 0 and "not scored" in report.stdout and report.stderr == ""
