"""Alembic environment for paperbot.

Two ways in:
* `Database.migrate()` (the normal path, at every start-up) passes an open *sync* connection through
  `config.attributes["connection"]` from inside `AsyncConnection.run_sync`; we migrate on it and leave the
  transaction to the caller.
* The `alembic` command line (for developers writing migrations) sets `sqlalchemy.url`; we then build an
  async engine and bridge with `run_sync` ourselves.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage.all_tables import metadata

target_metadata = metadata()


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates tables instead
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure_and_run)
    finally:
        await engine.dispose()


def run() -> None:
    """Entry point Alembic calls."""
    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
    else:
        asyncio.run(_run_with_url(context.config.get_main_option("sqlalchemy.url") or ""))


run()
