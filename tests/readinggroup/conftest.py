"""Fixtures for the reading-group tests: a migrated database per test (each test runs on SQLite and on
PostgreSQL), a manual clock, the service."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.readinggroup.service import ReadingGroupService
from bot.storage.database import Database
from tests.postgres_server import Databases

from .support import CHANNEL, GUILD, ROLE, START, FakePublisher, make_service, open_copy, sqlite_url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file migrated once (0001 + 0002); each test gets a copy, which is much faster."""
    path = tmp_path_factory.mktemp("rg-template") / "template.db"

    async def migrate() -> None:
        database = await Database.open(sqlite_url(path))
        await database.close()  # closing checkpoints the WAL into the .db file

    asyncio.run(migrate())
    return path


@pytest.fixture
async def db_url(databases: Databases, tmp_path: Path, migrated_template: Path) -> str:
    """A migrated database: a copy of the SQLite template file, or of the PostgreSQL template database."""
    if databases.backend == "postgresql":
        return await databases.new()
    path = tmp_path / "rg.db"
    shutil.copyfile(migrated_template, path)
    return sqlite_url(path)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await open_copy(db_url)
    yield database
    await database.close()


@pytest.fixture
def rg(db: Database, clock: ManualClock) -> ReadingGroupService:
    return make_service(db, clock)


@pytest.fixture
async def group(rg: ReadingGroupService) -> ReadingGroupService:
    """A group set up for Thursdays 16:00 Europe/Zurich with a role, in #reading-group."""
    await rg.setup(GUILD, CHANNEL, weekday="thursday", time="16:00", timezone="Europe/Zurich", role_id=ROLE)
    return rg


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()
