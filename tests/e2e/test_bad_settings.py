"""Settings and databases a user can get wrong: each is one sentence and a failing exit code, never a
traceback and never the SQL or its parameters (which can hold someone's answer).  Real processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_cli import env_for, mockloop

LEAKS = ("Traceback", "[SQL:", "[parameters:", "sqlalche.me")


def one_sentence(done: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert done.returncode == code, (done.stdout, done.stderr)
    err = done.stderr.strip()
    assert not any(leak in err + done.stdout for leak in LEAKS), err
    assert len(err.splitlines()) == 1 and err.startswith("mockloop: "), err
    return err


def test_an_in_memory_sqlite_url_is_refused(tmp_path: Path) -> None:
    err = one_sentence(mockloop(tmp_path, "history", DATABASE_URL="sqlite+aiosqlite:///:memory:"))
    assert "in-memory" in err


def test_a_database_from_a_newer_version_says_so(tmp_path: Path) -> None:
    assert mockloop(tmp_path, "history").returncode == 0
    with sqlite3.connect(tmp_path / "db" / "m.db") as db:
        db.execute("update alembic_version set version_num = '0999'")
    err = one_sentence(mockloop(tmp_path, "history"))
    assert "newer version of MockLoop" in err and "0999" in err


def test_a_read_only_database_is_one_sentence_and_nothing_of_the_answer_is_printed(tmp_path: Path) -> None:
    assert mockloop(tmp_path, "history").returncode == 0
    url = f"sqlite+aiosqlite:///file:{tmp_path / 'db' / 'm.db'}?mode=ro&uri=true"
    done = mockloop(tmp_path, "practice", "--questions", "1", stdin="a secret answer\n/send\n", DATABASE_URL=url)
    err = one_sentence(done)
    assert "readonly" in err and "secret" not in err


@pytest.mark.parametrize("seed", ["18446744073709551616", "2147483648", "-1"])
def test_a_seed_beyond_what_is_stored_is_a_usage_error(tmp_path: Path, seed: str) -> None:
    err = one_sentence(mockloop(tmp_path, "practice", "--seed", seed), code=2)
    assert "from 0 to 2147483647" in err


def test_a_user_name_longer_than_the_column_is_refused(tmp_path: Path) -> None:
    err = one_sentence(mockloop(tmp_path, "history", MOCKLOOP_USER="u" * 300))
    assert "MOCKLOOP_USER" in err and "122" in err


def test_an_empty_discord_token_is_no_token(tmp_path: Path) -> None:
    err = one_sentence(mockloop(tmp_path, "run", DISCORD_TOKEN=""))
    assert "needs a Discord bot token" in err


def test_a_huge_shard_range_is_refused_at_once(tmp_path: Path) -> None:
    began = time.monotonic()
    err = one_sentence(mockloop(tmp_path, "run", DISCORD_TOKEN="x", MOCKLOOP_SHARD_IDS="0-99999999",
                                MOCKLOOP_SHARD_COUNT="2"))
    assert "MOCKLOOP_SHARD_IDS" in err and time.monotonic() - began < 10


def test_discord_unreachable_is_one_logged_sentence(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True, text=True, cwd=tmp_path,
                          env=env_for(tmp_path, DISCORD_TOKEN="x", DISCORD_API_BASE="http://127.0.0.1:9/api/v10"),
                          timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "cannot reach Discord at http://127.0.0.1:9/api/v10" in errors[0]


async def test_sslmode_in_a_postgresql_url_is_understood(tmp_path: Path, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("sslmode is a PostgreSQL option")
    done = mockloop(tmp_path, "history", DATABASE_URL=f"{database_url}?sslmode=disable")
    assert done.returncode == 0 and "No sessions yet" in done.stdout, done.stderr
    refused = one_sentence(mockloop(tmp_path, "history", DATABASE_URL=f"{database_url}?sslmode=require"))
    assert "SSL" in refused  # the local server has no TLS: said in one sentence
