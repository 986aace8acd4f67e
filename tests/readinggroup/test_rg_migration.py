"""Migration 0002 creates exactly the reading-group tables the models describe, and can be undone."""

from __future__ import annotations

import re
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from bot.storage.base import Base
from bot.storage.database import MIGRATIONS_DIR, Database
from bot.storage.readinggroup_tables import READING_GROUP_TABLES

RG_TABLES = {
    "rg_settings",
    "rg_proposals",
    "rg_ballots",
    "rg_ballot_options",
    "rg_votes",
    "rg_sessions",
    "rg_rsvps",
    "rg_roster",
    "rg_notes",
    "rg_reminders",
}


# Each engine's catalogue of partial (WHERE …) indexes: name and definition.
PARTIAL_INDEXES = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'",
    "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE '%WHERE%'",
}


def _words(definition: str) -> set[str]:
    """The words of an index definition after WHERE (PostgreSQL rewrites IN (…) as = ANY (ARRAY[…]))."""
    return set(re.findall(r"[a-z]+", definition.split("WHERE", 1)[1]))


def _mentions_rg_table(diff: Any) -> bool:
    """Whether an autogenerate diff entry concerns a reading-group table (others belong to others)."""
    flat = diff if isinstance(diff, tuple) else (diff,)
    for part in flat:
        if isinstance(part, tuple) and _mentions_rg_table(part):
            return True
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if (isinstance(name, str) and name in RG_TABLES) or getattr(table, "name", None) in RG_TABLES:
            return True
    return False


def _rg_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, Base.metadata) if _mentions_rg_table(d)]


async def test_the_models_describe_every_reading_group_table():
    assert {t.name for t in READING_GROUP_TABLES} == RG_TABLES
    assert set(Base.metadata.tables) >= RG_TABLES


async def test_migration_0002_matches_the_models(db: Database):
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_rg_differences) == []
        reflected = MetaData()
        await connection.run_sync(reflected.reflect)
        partial = await connection.execute(text(PARTIAL_INDEXES[connection.dialect.name]))
        partial_indexes = {str(row[0]): str(row[1]) for row in partial}
    assert set(reflected.tables) >= RG_TABLES
    assert _words(partial_indexes["ix_rg_proposals_live_key"]) >= {"status", "open", "selected"}
    assert _words(partial_indexes["ix_rg_ballots_one_open"]) >= {"status", "open"}
    (current,) = await db.revisions()
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    assert current == script.get_current_head()  # later migrations build on 0002; it stays applied
    assert "0002" in {revision.revision for revision in script.iterate_revisions(current, "base")}


async def test_downgrade_to_0001_removes_only_the_reading_group_tables(db: Database):
    def downgrade(connection: Connection) -> set[str]:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        reflected = MetaData()
        reflected.reflect(connection)
        return set(reflected.tables)

    async with db.engine.begin() as connection:
        remaining = await connection.run_sync(downgrade)
    assert remaining.isdisjoint(RG_TABLES)
    assert "guild_settings" in remaining
