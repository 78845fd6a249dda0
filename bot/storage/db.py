"""Opening the database and running units of work on it; errors never show a password.

Every repository operation is a plain function over a SQLAlchemy ``Connection``, run in one
transaction by a :class:`Database`:

- SQLite runs on one dedicated thread, one thread hop per transaction.  (An async SQLite
  driver hops threads for every statement; measured here at about 0.4 ms each, that alone
  capped the engine near 250 answers/s.)  One connection also means one writer, in order,
  instead of pooled connections fighting over SQLite's lock.
- PostgreSQL runs the same function through asyncpg with ``AsyncConnection.run_sync``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DataError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

T = TypeVar("T")
log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database cannot be opened, migrated or written; the message names it, password masked."""


def safe_url(url: str | URL) -> str:
    """The URL as it may be shown to users and logs: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


@contextmanager
def refusals(url: URL) -> Iterator[None]:
    """A database that refuses work (locked too long, read-only, full, a value out of range) is one
    sentence naming it; the statement and its parameters (user text) stay out of the message."""
    try:
        yield
    except (OperationalError, DataError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None and str(exc.orig).strip() else type(exc).__name__
        raise StorageError(f"The database {safe_url(url)} could not be used: {reason.rstrip('.')}.") from exc


class Database(Protocol):
    url: URL

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction, committed when it returns, rolled back if it raises."""
        ...

    async def scrub(self) -> None:
        """Make rows deleted so far unreadable from the database's files (after a privacy request)."""
        ...

    async def close(self) -> None: ...


class SqliteDatabase:
    """SQLite through the standard library driver on one dedicated worker thread."""

    def __init__(self, url: URL) -> None:
        self.url = url
        sync_url = url.set(drivername="sqlite+pysqlite")
        self._engine: Engine = create_engine(sync_url, pool_size=1, max_overflow=0, connect_args={"timeout": 30})
        event.listen(self._engine, "connect", _sqlite_pragmas)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockloop-sqlite")
        # The worker thread's connection, kept between transactions: checking one out of the pool and
        # back in (with the pool's rollback on return) was about a fifth of this thread's work per
        # transaction, and that thread shares the interpreter lock with the event loop.
        self._connection: Connection | None = None

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        if self._connection is None or self._connection.invalidated:
            self._connection = self._engine.connect()
        with self._connection.begin():
            return work(self._connection)

    def _release(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def run(self, work: Callable[[Connection], T]) -> T:
        with refusals(self.url):
            return await asyncio.get_running_loop().run_in_executor(self._thread, self._transaction, work)

    def _checkpoint(self) -> None:
        # Outside a transaction: the WAL's frames still hold the deleted rows as they were, so they are
        # copied into the file (where secure_delete has zeroed them) and the WAL is cut to 0 bytes.
        self._release()  # the pool holds one connection: the checkpoint takes it, the next transaction takes it back
        with self._engine.connect() as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            log.warning("the SQLite WAL could not be truncated (another connection is reading); "
                        "deleted rows stay in it until the next checkpoint")

    async def scrub(self) -> None:
        with refusals(self.url):
            await asyncio.get_running_loop().run_in_executor(self._thread, self._checkpoint)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._shut)
        self._thread.shutdown(wait=True)

    def _shut(self) -> None:
        self._release()
        self._engine.dispose()


class AsyncDatabase:
    """PostgreSQL (or any async driver) through SQLAlchemy's asyncio engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.url = engine.url
        self._engine = engine

    async def run(self, work: Callable[[Connection], T]) -> T:
        with refusals(self.url):
            async with self._engine.begin() as connection:
                return await connection.run_sync(work)

    async def scrub(self) -> None:
        """Nothing to do: PostgreSQL's files are not the place a user's data is read back from; deleted
        tuples are unreachable through SQL at once and their space is reclaimed by (auto)vacuum."""

    async def close(self) -> None:
        await self._engine.dispose()


def open_database(url: str) -> Database:
    """A :class:`Database` for ``url``; for SQLite the folder is created first."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError("DATABASE_URL is not a valid database URL.") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"Cannot create the folder for the database {safe_url(parsed)}: {exc.strerror}.") from exc
        return SqliteDatabase(parsed)
    options: dict[str, Any] = {"pool_pre_ping": True}
    if "sslmode" in parsed.query and parsed.get_driver_name() == "asyncpg":
        # libpq's spelling, as hosting providers hand it out; asyncpg takes the same values as ``ssl``.
        options["connect_args"] = {"ssl": parsed.query["sslmode"]}
        parsed = parsed.difference_update_query(["sslmode"])
    try:
        return AsyncDatabase(create_async_engine(parsed, **options))
    except (ArgumentError, ImportError) as exc:
        raise StorageError(f"Cannot use the database {safe_url(parsed)}: {exc}.") from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer commits; NORMAL sync is durable against a
    # process crash (kill -9), which is the failure this app must survive.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Deleted content is overwritten with zeros, so a forgotten user's answers cannot be read back
    # from free pages or page slack of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
