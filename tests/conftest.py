"""Suite-wide setup: paper vectors (search by meaning) are cached in one folder per test run, never in
the developer's own cache folder, and every test after the first that needs them loads them from there.

`databases` runs a storage test twice, on SQLite and on PostgreSQL (see tests/postgres_server.py)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.search.meaning import CACHE_ENV
from bot.storage.database import Database
from tests.fake_sources import FakeSources
from tests.postgres_server import (
    TEMPLATE,
    Databases,
    PostgresServer,
    admin,
    missing_binaries,
    needs_postgres,
    run_server,
    unavailable,
)


@pytest.fixture(autouse=True, scope="session")
def _vector_cache() -> Iterator[None]:
    with tempfile.TemporaryDirectory(prefix="paperbot-vectors-") as folder:
        previous = os.environ.get(CACHE_ENV)
        os.environ[CACHE_ENV] = folder  # subprocesses (`paperbot run`, `paperbot ask`) inherit it
        yield
        if previous is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = previous


@pytest.fixture(autouse=True, scope="session")
def _bundled_corpus_vectors(_vector_cache: None) -> None:
    """Compute the bundled corpus's paper vectors once, so no test waits for them against a deadline."""
    from bot.corpus.loader import load_corpus
    from bot.search.index import PaperIndex

    PaperIndex.build(load_corpus(None).papers).warm()


# ------------------------------------------------------------------ SQLite and PostgreSQL, side by side


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Without PostgreSQL, skip its half before any fixture runs: skipped from here (not from a fixture,
    which pytest reports at each test's own line), all its tests share one line in `pytest -ra`."""
    if needs_postgres(item) and (reason := missing_binaries()) is not None:
        unavailable(reason)


@pytest.fixture(scope="session")
def _postgres_server() -> Iterator[PostgresServer | str]:
    """One PostgreSQL server for the whole run, started on first use (or why it could not start)."""
    yield from run_server()


@pytest.fixture(scope="session")
def postgres(_postgres_server: PostgresServer | str) -> PostgresServer:
    """The running test server; skips the test (fails it in CI) without one, with one reason for all."""
    if isinstance(_postgres_server, str):
        unavailable(_postgres_server)
    assert isinstance(_postgres_server, PostgresServer)
    return _postgres_server


@pytest.fixture(scope="session")
def _postgres_template(postgres: PostgresServer) -> str:
    """A database migrated once; every test's PostgreSQL database is a copy of it."""

    async def migrate() -> None:
        await admin(postgres, f"CREATE DATABASE {TEMPLATE}")
        database = await Database.open(postgres.url(TEMPLATE))
        await database.close()  # a template may have no open connections

    # Requested from inside the async `databases` fixture, so the loop is busy: migrate on a thread's own.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, migrate()).result()
    return TEMPLATE


@pytest.fixture(params=["sqlite", "postgresql"])
async def databases(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Databases]:
    """Fresh databases for one test, on SQLite and (a second run of the test) on PostgreSQL."""
    if request.param == "sqlite":
        yield Databases(tmp_path, None, None)
        return
    server = request.getfixturevalue("postgres")
    made = Databases(tmp_path, server, request.getfixturevalue("_postgres_template"))
    try:
        yield made
    finally:
        await made.drop_all()


@pytest.fixture
async def postgres_databases(
    postgres: PostgresServer, _postgres_template: str, tmp_path: Path
) -> AsyncIterator[Databases]:
    """Fresh PostgreSQL databases only, for what only PostgreSQL has (isolation levels, its URLs)."""
    made = Databases(tmp_path, postgres, _postgres_template)
    try:
        yield made
    finally:
        await made.drop_all()


@pytest.fixture
def fake_sources() -> Iterator[FakeSources]:
    """A loopback fake of arXiv's API and Crossref (tests/fake_sources), for the tests that add papers."""
    fake = FakeSources().start()
    try:
        yield fake
    finally:
        fake.stop()
