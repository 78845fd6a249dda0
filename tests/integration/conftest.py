"""The repository fixture, used only by the storage tests here: a migrated database on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.storage.db import open_database
from bot.storage.migrate import upgrade
from bot.storage.repository import SqlRepository


@pytest.fixture
async def repo(database_url: str) -> AsyncIterator[SqlRepository]:
    """A migrated, empty database (each backend of ``database_url``) behind the SQL repository."""
    repository = SqlRepository(open_database(database_url))
    await upgrade(repository.database)
    yield repository
    await repository.close()
