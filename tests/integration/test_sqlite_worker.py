"""The SQLite worker keeps one connection between units of work: what that must not change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection, make_url

from bot.storage.db import SqliteDatabase


def _open(folder: Path) -> SqliteDatabase:
    return SqliteDatabase(make_url(f"sqlite+aiosqlite:///{folder}/worker.db"))


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    db = _open(tmp_path)
    await db.run(lambda c: c.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield db
    await db.close()


async def _count(db: SqliteDatabase) -> int:
    return int(await db.run(lambda c: c.exec_driver_sql("SELECT count(*) FROM notes").scalar() or 0))


async def _write(db: SqliteDatabase, body: str) -> None:
    await db.run(lambda c: c.exec_driver_sql("INSERT INTO notes (body) VALUES (?)", (body,)))


async def test_a_unit_of_work_that_fails_leaves_nothing_and_the_next_one_runs(database: SqliteDatabase) -> None:
    def half_then_fail(c: Connection) -> None:
        c.exec_driver_sql("INSERT INTO notes (body) VALUES ('first')")
        raise RuntimeError("the work failed after writing")

    with pytest.raises(RuntimeError):
        await database.run(half_then_fail)
    assert await _count(database) == 0  # rolled back, not left pending on the kept connection
    await _write(database, "second")
    assert await _count(database) == 1


async def test_each_unit_is_committed_and_writes_go_on_after_a_checkpoint(database: SqliteDatabase,
                                                                        tmp_path: Path) -> None:
    other = _open(tmp_path)  # another connection sees only what was committed
    try:
        await _write(database, "before")
        assert await _count(other) == 1
        await database.scrub()  # the checkpoint needs the pool's only connection: the worker gives its own back
        await _write(database, "after")
        assert await _count(other) == 2
    finally:
        await other.close()
