"""The one exactly-once mechanism: claim a key in a ledger table before acting, then record the outcome.

Every "once" that paperbot promises users (one paper of the day per server and local day, one DM digest
per member and period, one reminder per session, offset and start) is the same protocol on a table whose
key columns carry a UNIQUE constraint:

1. `claim()` inserts the key in a transaction of its own, committed before the caller acts. The database,
   not a check in Python, decides a race: the loser (a second process, a restart, a double click) hits
   the unique key, gets False and does nothing. On SQLite `Database.transaction` starts with
   `BEGIN IMMEDIATE`, so two claimers queue on the write lock instead of failing; on PostgreSQL an
   advisory lock does the same (and the unique key alone would suffice, see `bot.storage.database`).
2. The caller acts (posts to Discord) *outside* any transaction.
3. `mark()` records the outcome — sent, or a permanent failure that keeps the key taken; `release()`
   deletes the claim after a transient failure so a retry may claim again, but only while the row is
   still merely claimed, so a late release never reopens something that went out.

A process killed between 1 and 3 leaves a claimed row, and the key is not acted on again: the action
may have happened, and at most once beats twice (users complain about duplicates, not gaps).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.storage.base import Base
from bot.storage.database import rowcount

Transaction = Callable[[], AbstractAsyncContextManager[AsyncSession]]
"""Opens one unit of work that commits on success: `Database.transaction` or `async_sessionmaker.begin`."""

RowT = TypeVar("RowT", bound=Base)


class ClaimLedger(Generic[RowT]):
    """Claims, outcomes and releases of keys in one ledger table; every method is its own transaction.

    A key is the tuple of values of `key_columns`, in that order (the table's unique key).
    `still_claimed` tells a claim from a settled row (e.g. status == 'claimed', or sent_at IS NULL):
    only such rows may be released.
    """

    def __init__(
        self,
        transaction: Transaction,
        row_type: type[RowT],
        key_columns: Sequence[InstrumentedAttribute[Any]],
        *,
        still_claimed: ColumnElement[bool],
    ) -> None:
        self._transaction = transaction
        self._row_type = row_type
        self._key_columns = tuple(key_columns)
        self._still_claimed = still_claimed

    def where(self, key: tuple[object, ...]) -> tuple[ColumnElement[bool], ...]:
        """The WHERE conditions that pick the ledger row with `key`."""
        return tuple(column == value for column, value in zip(self._key_columns, key, strict=True))

    async def claim(
        self,
        key: tuple[object, ...],
        values: Mapping[str, Any],
        *,
        take_over_where: ColumnElement[bool] | None = None,
    ) -> bool:
        """Insert the row for `key` with `values` (its other columns); False if the key is already taken.

        With `take_over_where`, a taken key whose row matches that condition (e.g. a failed post, since
        fixed) is claimed again, its row overwritten with `values` — by one caller only, as the UPDATE is
        conditional.
        """
        key_values = {column.key: value for column, value in zip(self._key_columns, key, strict=True)}
        try:
            async with self._transaction() as session:
                session.add(self._row_type(**values, **key_values))
                await session.flush()
            return True
        except IntegrityError:
            if take_over_where is None:
                return False
        async with self._transaction() as session:
            result = await session.execute(
                update(self._row_type).where(*self.where(key), take_over_where).values(**values)
            )
            return rowcount(result) == 1

    async def mark(self, key: tuple[object, ...], **values: Any) -> None:
        """Record the outcome of the claimed `key` (the given columns set to the given values)."""
        async with self._transaction() as session:
            await session.execute(update(self._row_type).where(*self.where(key)).values(**values))

    async def release(self, key: tuple[object, ...]) -> None:
        """Give a claim back after a transient failure, so a retry may claim it; a settled row stays."""
        async with self._transaction() as session:
            await session.execute(delete(self._row_type).where(*self.where(key), self._still_claimed))
