"""Opening the database: the async engine, SQLite settings, and errors that never show a password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool


class StorageError(Exception):
    """The database cannot be opened, migrated or written; the message names it, password masked."""


def safe_url(url: str | URL) -> str:
    """The URL as it may be shown to users and logs: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def open_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``; for SQLite the folder is created and WAL mode enabled."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError("DATABASE_URL is not a valid database URL.") from exc
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"Cannot create the folder for the database {safe_url(parsed)}: {exc.strerror}.") from exc
        options["connect_args"] = {"timeout": 30}
        # SQLite has one writer at a time: a single shared connection queues statements in
        # order instead of letting pooled connections fight over the lock and back off.
        options["poolclass"] = AsyncAdaptedQueuePool
        options["pool_size"] = 1
        options["max_overflow"] = 0
        options["pool_timeout"] = 60
    else:
        options["pool_pre_ping"] = True
    try:
        engine = create_async_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        raise StorageError(f"Cannot use the database {safe_url(parsed)}: {exc}.") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer commits; NORMAL sync is durable against a
    # process crash (kill -9), which is the failure this app must survive.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
