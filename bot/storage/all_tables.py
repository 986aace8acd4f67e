"""Import every table module so `Base.metadata` is complete (for Alembic's env.py and test fixtures).

The reading-group tables are written by another module owner; until that module exists the import is
skipped, so storage works with or without it. Add new table modules here.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from bot.storage import added_papers_tables as _added  # noqa: F401  (papers people added, their audit)
from bot.storage import following_tables as _following  # noqa: F401  (follows and their ledger)
from bot.storage import tables as _tables  # noqa: F401  (registers the core tables on Base.metadata)
from bot.storage.base import Base

OPTIONAL_TABLE_MODULES = ("bot.storage.readinggroup_tables",)


def _import_optional() -> tuple[str, ...]:
    loaded = []
    for name in OPTIONAL_TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but one of *its* imports is missing: a real bug
                raise
            continue
        loaded.append(name)
    return tuple(loaded)


LOADED_OPTIONAL_MODULES = _import_optional()


def metadata() -> MetaData:
    """The metadata of every paperbot table."""
    return Base.metadata
