"""Applying Alembic migrations from code, on the app's own async engine (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.storage.db import Database, StorageError, safe_url

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x6D6F636B6C6F6F70  # any constant shared by every MockLoop process ("mockloop")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(database: Database) -> None:
    """Bring the schema to the newest revision; one clear error if the database refuses."""

    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Several bot processes start together on one database: one migrates, the others wait
            # for it and then find nothing to do.  The lock ends with this transaction.
            connection.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), "head")

    try:
        await database.run(run)
    except CommandError as exc:  # the database names a revision this version does not have
        raise StorageError(f"The database {safe_url(database.url)} was set up by a newer version of MockLoop "
                           f"({str(exc).rsplit(' ', 1)[-1]}); upgrade MockLoop to use it.") from exc
    except TypeError as exc:  # an option in the URL the driver does not take
        raise StorageError(f"Cannot connect to the database {safe_url(database.url)}: the URL has an option the "
                           f"driver does not take ({str(exc).rsplit(' ', 1)[-1]}).") from exc
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        text = str(reason).splitlines()[0] if str(reason) else type(reason).__name__
        raise StorageError(f"Cannot open or migrate the database {safe_url(database.url)}: {text}.") from exc
