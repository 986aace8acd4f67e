"""Opening the database: the SQLite default, migrations at start-up, and errors that say what to fix."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from bot.digest.models import LedgerEntry
from bot.errors import StorageError
from bot.storage.all_tables import metadata
from bot.storage.database import MIGRATIONS_DIR, Database, default_sqlite_url
from bot.storage.digest_repo import DigestRepo


async def test_opening_creates_the_data_dir_and_a_wal_database_at_the_latest_revision(tmp_path):
    data_dir = tmp_path / "data" / "nested"
    db = await Database.open(default_sqlite_url(data_dir))
    try:
        async with db.engine.connect() as conn:
            mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            fks = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
        revisions = await db.revisions()
    finally:
        await db.close()
    assert (data_dir / "paperbot.db").is_file()
    assert mode == "wal"
    assert fks == 1
    assert len(revisions) == 1
    assert revisions[0] >= "0001"


async def test_reopening_an_up_to_date_database_changes_nothing(databases):
    url = await databases.new(migrated=False)
    first = await Database.open(url)
    before = await first.revisions()
    await first.close()
    second = await Database.open(url)
    after = await second.revisions()
    await second.close()
    assert before == after


def _schema_diff(connection):
    return compare_metadata(MigrationContext.configure(connection), metadata())


async def test_the_migrations_build_exactly_the_tables_the_code_declares(databases):
    db = await Database.open(await databases.new(migrated=False))
    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(_schema_diff)
    finally:
        await db.close()
    assert diff == []


async def test_two_processes_starting_on_a_fresh_database_both_succeed(databases):
    url = await databases.new(migrated=False)
    dbs = await asyncio.gather(Database.open(url), Database.open(url))
    revisions = [await db.revisions() for db in dbs]
    for db in dbs:
        await db.close()
    assert revisions[0] == revisions[1]


STARTS = 200


async def test_two_hundred_concurrent_starts_on_fresh_files_all_succeed(tmp_path):
    """Two bots starting together on a fresh file both try to switch it to WAL; SQLite then answers one of
    them "database is locked" at once, without the busy wait (each holds a read lock the other needs).
    That failed about 1 start in 15 here; the race is in the connection set-up, so the 200 rounds open
    without migrating (the migration itself waits on the busy timeout, see the test above)."""
    failures = []
    for round_ in range(STARTS):
        url = default_sqlite_url(tmp_path / str(round_))
        opened = await asyncio.gather(
            Database.open(url, migrate=False), Database.open(url, migrate=False), return_exceptions=True
        )
        for result in opened:
            if isinstance(result, Database):
                await result.close()
            else:
                failures.append(f"round {round_}: {result}")
    assert failures == []


async def test_a_sync_sqlite_url_from_a_config_file_is_accepted(tmp_path):
    db = await Database.open(f"sqlite:///{(tmp_path / 'x.db').as_posix()}")
    await db.close()
    assert db.url.startswith("sqlite+aiosqlite:///")


async def test_an_in_memory_database_works_for_quick_use():
    db = await Database.open("sqlite+aiosqlite://")
    try:
        async with db.transaction() as session:
            count = (await session.execute(text("SELECT count(*) FROM digest_settings"))).scalar()
    finally:
        await db.close()
    assert count == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
async def test_an_unwritable_data_dir_says_which_setting_to_change(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StorageError, match=r"storage\.data_dir"):
            await Database.open(default_sqlite_url(locked))
    finally:
        locked.chmod(0o700)


async def test_a_data_dir_that_cannot_be_created_says_which_setting_to_change(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match=r"Cannot create the data directory .*storage.data_dir"):
        await Database.open(default_sqlite_url(blocker / "data"))


async def test_a_garbage_url_names_the_setting():
    with pytest.raises(StorageError, match=r"storage\.url 'not a url' is not a database URL"):
        await Database.open("not a url")


async def test_a_missing_driver_says_what_to_install():
    with pytest.raises(StorageError, match="not installed"):
        await Database.open("mysql+nosuchdriver://u@h/db")


async def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    (tmp_path / "paperbot.db").write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(StorageError, match="Cannot open and migrate the database"):
        await Database.open(default_sqlite_url(tmp_path))


async def test_a_database_from_a_newer_paperbot_is_refused_with_advice(databases):
    url = await databases.new()
    db = await Database.open(url)
    async with db.transaction() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    await db.close()
    with pytest.raises(StorageError, match="newer paperbot"):
        await Database.open(url)


def _head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def _downgrade_to(revision: str):
    def run(connection: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    return run


async def test_ledger_rows_from_before_0003_keep_their_post_and_have_no_channel(databases):
    """0003 adds the post's channel to the ledger; rows written before it read back with None (the
    history then links them into the current channel), everything else intact."""
    day, now = date(2026, 3, 2), datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    url = await databases.new()
    db = await Database.open(url)
    repo = DigestRepo(db)
    await repo.claim(LedgerEntry(1, day, "p1", 1, 1, 50, None, ("why",), "claimed", claimed_at=now))
    await repo.mark_posted(1, day, 555, now, channel_id=77)
    async with db.engine.begin() as connection:
        await connection.run_sync(_downgrade_to("0002"))  # as a database from before this revision
    await db.close()

    reopened = await Database.open(url)  # migrates to the head again
    try:
        entry = await DigestRepo(reopened).entry(1, day)
        revisions = await reopened.revisions()
    finally:
        await reopened.close()
    assert revisions == (_head(),)  # migrated to the latest revision again
    assert (entry.paper_id, entry.status, entry.message_id, entry.posted_at) == ("p1", "posted", 555, now)
    assert entry.channel_id is None


async def test_start_up_says_in_one_line_which_revision_the_database_is_at(databases, caplog):
    """Alembic's own step-by-step lines are for developers; the operator gets this one line."""
    caplog.set_level("INFO", logger="paperbot.storage")
    url = await databases.new(migrated=False)
    shown = make_url(url).render_as_string(hide_password=True)

    def said() -> list[str]:
        lines = [r.getMessage().replace(shown, "URL") for r in caplog.records if r.name == "paperbot.storage"]
        caplog.clear()
        return lines

    db = await Database.open(url)
    (head,) = await db.revisions()
    async with db.engine.begin() as connection:
        await connection.run_sync(_downgrade_to("0002"))  # as a database from an older paperbot
    await db.close()
    assert said() == [f"database ready at URL, revision {head} (created)"]
    await (await Database.open(url)).close()
    assert said() == [f"database ready at URL, revision {head} (upgraded from 0002)"]
    await (await Database.open(url)).close()
    assert said() == [f"database ready at URL, revision {head}"]
