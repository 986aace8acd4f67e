"""Paper-of-the-day settings and the ledger that makes "exactly once per server per local day" hold.

The ledger protocol, used by bot.digest.service:
1. `claim()` inserts (guild, local date) with status 'claimed' in a transaction that starts with the write;
   UNIQUE(guild_id, local_date) makes the loser of a race (a second process, a restart, a double click)
   get False and do nothing.
2. The caller posts to Discord *outside* any transaction.
3. `mark_posted()` records the message id and its channel; `release()` deletes the claim after a transient
   failure so a retry can claim again; `mark_failed()` keeps the day taken after a permanent failure.
A process killed between 1 and 3 leaves a 'claimed' row: the day is then not posted again, because the
post may have gone out — at most once beats twice (users complain about duplicates, not gaps).
The mechanism is `bot.storage.ledger.ClaimLedger`, shared with the DM and reading-group reminder ledgers.
The records returned are the digest's own (`bot.digest.models`); `DigestRepo` is the core's `DigestStore`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.digest.models import DigestSettings, LedgerEntry
from bot.storage.database import Database, rowcount
from bot.storage.ledger import ClaimLedger
from bot.storage.records import record_from_row
from bot.storage.tables import (
    STATUS_CLAIMED,
    STATUS_FAILED,
    STATUS_POSTED,
    DigestLedgerRow,
    DigestSettingsRow,
)


def _settings_from_row(row: DigestSettingsRow) -> DigestSettings:
    hours, minutes = (int(part) for part in row.post_time.split(":"))
    return record_from_row(DigestSettings, row, post_time=time(hours, minutes))


def _entry_from_row(row: DigestLedgerRow) -> LedgerEntry:
    return record_from_row(LedgerEntry, row, reasons=tuple(str(r) for r in row.reasons or ()))


class DigestRepo:
    """Reads and writes `digest_settings` and `digest_ledger`; every method is one short transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._ledger = ClaimLedger(
            db.transaction,
            DigestLedgerRow,
            (DigestLedgerRow.guild_id, DigestLedgerRow.local_date),
            still_claimed=DigestLedgerRow.status == STATUS_CLAIMED,
        )

    # ---------------------------------------------------------------------------------------- settings

    async def get_settings(self, guild_id: int) -> DigestSettings | None:
        """The server's settings, or None if it never set up a paper of the day or a subscription."""
        async with self._db.transaction() as session:
            row = await session.get(DigestSettingsRow, guild_id)
            return _settings_from_row(row) if row else None

    async def all_settings(self) -> list[DigestSettings]:
        """Every server's settings, by guild id."""
        async with self._db.transaction() as session:
            rows = await session.scalars(select(DigestSettingsRow).order_by(DigestSettingsRow.guild_id))
            return [_settings_from_row(r) for r in rows]

    async def save_settings(self, settings: DigestSettings, now: datetime) -> DigestSettings:
        """Insert or replace a server's settings (pause state included, as given)."""
        values: dict[str, Any] = {
            "channel_id": settings.channel_id,
            "post_time": f"{settings.post_time:%H:%M}",
            "timezone": settings.timezone,
            "weekdays_only": settings.weekdays_only,
            "weekly_day": settings.weekly_day,
            "topic": settings.topic,
            "enabled": settings.enabled,
            "paused_reason": settings.paused_reason,
            "paused_at": now if settings.paused_reason else None,
            "seed": settings.seed or str(settings.guild_id),
            "updated_at": now,
        }
        try:
            await self._upsert_settings(settings.guild_id, values)
        except IntegrityError:  # a concurrent writer inserted the row first (not on SQLite: BEGIN IMMEDIATE)
            await self._upsert_settings(settings.guild_id, values)
        return replace(settings, seed=values["seed"])

    async def _upsert_settings(self, guild_id: int, values: dict[str, Any]) -> None:
        async with self._db.transaction() as session:
            row = await session.get(DigestSettingsRow, guild_id)
            if row is None:
                session.add(DigestSettingsRow(guild_id=guild_id, **values))
                return
            if row.paused_reason == values["paused_reason"]:
                values = {**values, "paused_at": row.paused_at}
            for key, value in values.items():
                setattr(row, key, value)

    async def pause(self, guild_id: int, reason: str, now: datetime) -> bool:
        """Pause the channel post; True only for the call that paused it (so admins are told once)."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(DigestSettingsRow)
                .where(DigestSettingsRow.guild_id == guild_id, DigestSettingsRow.paused_reason.is_(None))
                .values(paused_reason=reason, paused_at=now, updated_at=now)
            )
            return rowcount(result) == 1

    async def resume(self, guild_id: int, now: datetime) -> bool:
        """Clear a pause; True if the post was paused."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(DigestSettingsRow)
                .where(DigestSettingsRow.guild_id == guild_id, DigestSettingsRow.paused_reason.is_not(None))
                .values(paused_reason=None, paused_at=None, updated_at=now)
            )
            return rowcount(result) == 1

    # ------------------------------------------------------------------------------------------ ledger

    async def history(self, guild_id: int, *, before: date | None = None) -> list[LedgerEntry]:
        """The server's ledger, oldest first (optionally only days before `before`)."""
        query = select(DigestLedgerRow).where(DigestLedgerRow.guild_id == guild_id)
        if before is not None:
            query = query.where(DigestLedgerRow.local_date < before)
        async with self._db.transaction() as session:
            rows = await session.scalars(query.order_by(DigestLedgerRow.local_date))
            return [_entry_from_row(r) for r in rows]

    async def entries_between(self, guild_id: int, start: date, end: date) -> list[LedgerEntry]:
        """Ledger entries with start <= local_date < end, oldest first."""
        async with self._db.transaction() as session:
            rows = await session.scalars(
                select(DigestLedgerRow)
                .where(
                    DigestLedgerRow.guild_id == guild_id,
                    DigestLedgerRow.local_date >= start,
                    DigestLedgerRow.local_date < end,
                )
                .order_by(DigestLedgerRow.local_date)
            )
            return [_entry_from_row(r) for r in rows]

    async def entry(self, guild_id: int, local_date: date) -> LedgerEntry | None:
        """The ledger entry of one day, if any."""
        async with self._db.transaction() as session:
            row = await session.scalar(
                select(DigestLedgerRow).where(*self._ledger.where((guild_id, local_date)))
            )
            return _entry_from_row(row) if row else None

    async def claim(self, entry: LedgerEntry, *, take_over_failed: bool = False) -> bool:
        """Take the day for `entry` (status forced to 'claimed'); False if it is already taken.

        With `take_over_failed`, a day whose post failed (e.g. permissions, since fixed) can be claimed
        again — by one caller only, as the UPDATE is conditional on the failed status.
        """
        return await self._ledger.claim(
            (entry.guild_id, entry.local_date),
            _claim_values(entry),
            take_over_where=DigestLedgerRow.status == STATUS_FAILED if take_over_failed else None,
        )

    async def mark_posted(
        self, guild_id: int, local_date: date, message_id: int, now: datetime, *, channel_id: int
    ) -> None:
        """Record that the claimed day's post went out, as `message_id` in `channel_id` (links to it keep
        working after the server picks another channel)."""
        await self._ledger.mark(
            (guild_id, local_date),
            status=STATUS_POSTED,
            message_id=message_id,
            channel_id=channel_id,
            posted_at=now,
        )

    async def mark_failed(self, guild_id: int, local_date: date, error: str) -> None:
        """Record a permanent failure; the day stays taken."""
        await self._ledger.mark((guild_id, local_date), status=STATUS_FAILED, error=error)

    async def release(self, guild_id: int, local_date: date) -> None:
        """Give a claimed day back after a transient failure, so a retry may claim it."""
        await self._ledger.release((guild_id, local_date))

    async def delete_guild(self, guild_id: int) -> None:
        """Forget a server's digest settings and ledger (data-deletion hook)."""
        async with self._db.transaction() as session:
            await session.execute(delete(DigestLedgerRow).where(DigestLedgerRow.guild_id == guild_id))
            await session.execute(delete(DigestSettingsRow).where(DigestSettingsRow.guild_id == guild_id))


def _claim_values(entry: LedgerEntry) -> dict[str, Any]:
    """The columns of a fresh claim besides the key (the day's pick; outcome columns cleared)."""
    return {
        "paper_id": entry.paper_id,
        "cycle": entry.cycle,
        "position": entry.position,
        "pool_size": entry.pool_size,
        "topic": entry.topic,
        "reasons": list(entry.reasons),
        "status": STATUS_CLAIMED,
        "message_id": None,
        "channel_id": None,
        "error": None,
        "claimed_by": entry.claimed_by[:64],
        "claimed_at": entry.claimed_at,
        "posted_at": None,
    }
