"""Applying Alembic migrations from code, on the app's own async engine (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.storage.db import Database, StorageError, safe_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(database: Database) -> None:
    """Bring the schema to the newest revision; one clear error if the database refuses."""

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), "head")

    try:
        await database.run(run)
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        text = str(reason).splitlines()[0] if str(reason) else type(reason).__name__
        raise StorageError(f"Cannot open or migrate the database {safe_url(database.url)}: {text}.") from exc
