"""PostgreSQL as the shared database: a bad storage.url stops start-up with one line saying what to fix and
loses nothing, and the ledger's claims stay exactly-once between two processes on one database."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from bot.digest.models import LedgerEntry
from bot.errors import StorageError
from bot.serve import EXIT_CONFIG, serve
from bot.settings import CorpusSettings, Settings, StorageSettings
from bot.storage import database as database_module
from bot.storage.database import WRITE_LOCK, Database
from bot.storage.digest_repo import DigestRepo
from bot.storage.guild_repo import GuildRepo, GuildSettings
from tests.postgres_server import Databases, PostgresServer, admin

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = date(2026, 3, 2)
SECRET = "s3cret-do-not-print"
SAVED = GuildSettings(7, "Europe/Zurich", admin_channel_id=70, ask_channel_ids=(71,))


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released: nothing else takes it this quickly)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def refusal(url: str) -> str:
    """The message of the StorageError that opening `url` raises (it must raise one)."""
    with pytest.raises(StorageError) as raised:
        await Database.open(url)
    return raised.value.message


def assert_one_line_without_secrets(message: str, *secrets: str) -> None:
    assert "\n" not in message
    for secret in secrets:
        assert secret not in message


# ------------------------------------------------------------------------------ a bad storage.url


async def test_an_unreachable_server_names_the_address_and_the_setting():
    port = closed_port()
    message = await refusal(f"postgresql+asyncpg://paperbot:{SECRET}@127.0.0.1:{port}/paperbot")
    assert f"cannot reach 127.0.0.1:{port}" in message
    assert "host and port in storage.url" in message
    assert "paperbot:***@" in message  # which URL, password hidden
    assert_one_line_without_secrets(message, SECRET)


async def test_a_server_that_never_answers_stops_start_up_after_the_connect_timeout(monkeypatch):
    monkeypatch.setattr(database_module, "CONNECT_TIMEOUT_S", 0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:  # accepts, then says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        message = await refusal(f"postgresql+asyncpg://paperbot:{SECRET}@127.0.0.1:{port}/paperbot")
    assert f"127.0.0.1:{port} did not answer within 0.2 s" in message
    assert "host and port in storage.url" in message
    assert_one_line_without_secrets(message, SECRET)


async def test_a_wrong_password_says_so_and_the_data_is_still_there_with_the_right_one(postgres):
    name = PostgresServer.fresh_name()
    await admin(postgres, f"CREATE DATABASE {name}")
    try:
        db = await Database.open(postgres.url(name))
        await GuildRepo(db, _Clock()).save(SAVED)
        await db.close()

        message = await refusal(postgres.url(name, password=SECRET))

        reopened = await Database.open(postgres.url(name))
        kept = await GuildRepo(reopened, _Clock()).get(SAVED.guild_id)
        await reopened.close()
    finally:
        await admin(postgres, f"DROP DATABASE {name} WITH (FORCE)")
    assert "refused the password for user paperbot: put the right password in storage.url" in message
    assert_one_line_without_secrets(message, SECRET, postgres.password)
    assert kept == SAVED


async def test_a_missing_database_says_how_to_create_it(postgres):
    message = await refusal(postgres.url("no_such_db"))
    assert "there is no database no_such_db on the server" in message
    assert "createdb -O paperbot no_such_db" in message
    assert_one_line_without_secrets(message, postgres.password)


async def test_a_missing_driver_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if asyncpg were not installed
    message = await refusal(f"postgresql+asyncpg://paperbot:{SECRET}@127.0.0.1:5432/paperbot")
    assert "needs a database driver that is not installed" in message
    assert "pip install asyncpg" in message
    assert_one_line_without_secrets(message, SECRET)


async def test_an_unknown_kind_of_database_names_the_ones_that_work():
    message = await refusal(f"mongodb://paperbot:{SECRET}@127.0.0.1/paperbot")
    assert "names a kind of database paperbot does not know ('mongodb')" in message
    assert "postgresql+asyncpg://" in message
    assert_one_line_without_secrets(message, SECRET)


async def test_a_url_too_broken_to_parse_still_hides_the_password():
    message = await refusal(f"postgresql+asyncpg//paperbot:{SECRET}@db/paperbot")
    assert "is not a database URL" in message
    assert_one_line_without_secrets(message, SECRET)


async def test_the_postgres_spelling_of_hosting_providers_works(postgres_databases: Databases):
    url = (await postgres_databases.new()).replace("postgresql+asyncpg://", "postgres://")
    db = await Database.open(url)
    await db.close()
    assert db.url.startswith("postgresql+asyncpg://paperbot:***@")


async def test_start_up_with_an_unreachable_database_stops_with_one_line_and_creates_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    corpus = Path(__file__).parents[2] / "seeds"
    data_dir = tmp_path / "data"
    url = f"postgresql+asyncpg://paperbot:{SECRET}@127.0.0.1:{closed_port()}/paperbot"
    settings = Settings(
        corpus=CorpusSettings(path=corpus), storage=StorageSettings(data_dir=data_dir, url=url)
    )
    caplog.set_level(logging.ERROR)
    code = await serve(settings, "some-token")
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert code == EXIT_CONFIG
    assert len(errors) == 1
    assert errors[0].startswith("Cannot open and migrate the database at postgresql+asyncpg://paperbot:***@")
    assert_one_line_without_secrets(errors[0], SECRET)
    assert not data_dir.exists()  # no SQLite database was made instead


# ------------------------------------------------------------------- two processes, one database


CLAIMERS = 8


def entry(paper_id: str) -> LedgerEntry:
    return LedgerEntry(
        1, DAY, paper_id, 1, 1, 50, None, ("why",), "claimed", claimed_by=paper_id, claimed_at=NOW
    )


async def test_a_day_raced_for_by_two_processes_is_claimed_exactly_once(databases: Databases):
    url = await databases.new()
    processes = [await Database.open(url), await Database.open(url)]  # two connection pools, as two bots
    try:
        repos = [DigestRepo(db) for db in processes]
        won = await asyncio.gather(*(repos[i % 2].claim(entry(f"p{i}")) for i in range(CLAIMERS)))
        kept = await repos[0].entry(1, DAY)
    finally:
        for db in processes:
            await db.close()
    assert won.count(True) == 1
    assert kept is not None
    assert kept.paper_id == f"p{won.index(True)}"


async def test_a_failed_day_is_taken_over_by_one_process_even_if_the_server_defaults_to_serializable(
    databases: Databases,
):
    """The take-over is a conditional UPDATE: at READ COMMITTED the loser re-reads the winner's row and
    matches nothing; at the stricter levels a server may default to, it would fail with a
    serialization error instead. paperbot sets READ COMMITTED itself, so the default cannot break it."""
    url = await databases.new()
    if databases.backend == "postgresql":
        database_name = url.rsplit("/", 1)[1]
        strict = "SET default_transaction_isolation = 'serializable'"
        await admin(databases.server, f"ALTER DATABASE {database_name} {strict}")
    processes = [await Database.open(url), await Database.open(url)]
    try:
        repos = [DigestRepo(db) for db in processes]
        await repos[0].claim(entry("p0"))
        await repos[0].mark_failed(1, DAY, "50013: Missing Permissions")
        won = await asyncio.gather(
            *(repos[i % 2].claim(entry(f"p{i}"), take_over_failed=True) for i in range(CLAIMERS))
        )
        kept = await repos[1].entry(1, DAY)
    finally:
        for db in processes:
            await db.close()
    assert won.count(True) == 1
    assert kept is not None
    assert (kept.paper_id, kept.status) == (f"p{won.index(True)}", "claimed")


async def test_after_the_server_dropped_every_connection_the_next_transaction_works(
    postgres_databases: Databases,
):
    """A PostgreSQL restart (or failover) ends the pooled connections; the bot's next post must not fail."""
    url = await postgres_databases.new()
    db = await Database.open(url)
    repo = DigestRepo(db)
    try:
        await repo.claim(entry("p0"))
        name = url.rsplit("/", 1)[1]
        await admin(
            postgres_databases.server,
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
        )
        await repo.mark_posted(1, DAY, 555, NOW, channel_id=77)
        kept = await repo.entry(1, DAY)
    finally:
        await db.close()
    assert kept is not None
    assert (kept.status, kept.message_id) == ("posted", 555)


async def test_a_transaction_waits_for_the_write_lock_only_as_long_as_the_busy_timeout(
    postgres_databases: Databases,
):
    """Another process holding the lock (stuck mid-transaction) costs a clear error, not a hang."""
    url = await postgres_databases.new()
    db = await Database.open(url, busy_timeout_ms=100)
    other = await asyncpg.connect(postgres_databases.server.dsn(url.rsplit("/", 1)[1]))
    try:
        async with other.transaction():
            await other.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            with pytest.raises(StorageError) as raised:
                await GuildRepo(db, _Clock()).save(SAVED)
        await GuildRepo(db, _Clock()).save(SAVED)  # once it is free, writing works again
        kept = await GuildRepo(db, _Clock()).get(SAVED.guild_id)
    finally:
        await other.close()
        await db.close()
    assert "another process held paperbot's write lock longer than the busy timeout" in raised.value.message
    assert kept == SAVED


async def test_transactions_run_at_read_committed(postgres_databases: Databases):
    db = await Database.open(await postgres_databases.new())
    try:
        async with db.transaction() as session:
            level = (await session.execute(text("SHOW transaction_isolation"))).scalar()
    finally:
        await db.close()
    assert level == "read committed"


class _Clock:
    def now(self) -> datetime:
        return NOW
