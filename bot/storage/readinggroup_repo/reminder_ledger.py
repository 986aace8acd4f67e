"""The reminder ledger: which reminders were claimed and sent, so each goes out exactly once.

Unlike the rest of the repository, these functions take a transaction factory and commit on their own:
a claim must be durable *before* the reminder is sent — that is what makes reminders exactly-once across
restarts and across two running instances.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.readinggroup_tables import RgReminderRow

Transaction = Callable[[], AbstractAsyncContextManager[AsyncSession]]
"""Opens one unit of work that commits on success: `Database.transaction` or `async_sessionmaker.begin`."""

ReminderKey = tuple[int, int, datetime]
"""The reminder ledger's unique key: (session id, offset in minutes, the session start it was for)."""


def _entry(key: ReminderKey) -> tuple[ColumnElement[bool], ...]:
    """The WHERE conditions that pick the ledger entry with `key`."""
    session_id, offset, starts_at = key
    return (
        RgReminderRow.session_id == session_id,
        RgReminderRow.offset_minutes == offset,
        RgReminderRow.starts_at == starts_at,
    )


async def claimed_reminders(s: AsyncSession, session_ids: Collection[int]) -> set[ReminderKey]:
    """Ledger keys (session, offset, start) already claimed for these sessions."""
    if not session_ids:
        return set()
    result = await s.execute(
        select(RgReminderRow.session_id, RgReminderRow.offset_minutes, RgReminderRow.starts_at).where(
            RgReminderRow.session_id.in_(list(session_ids))
        )
    )
    return {(sid, offset, starts) for sid, offset, starts in result.all()}


async def claim_reminder(transaction: Transaction, key: ReminderKey, now: datetime) -> bool:
    """Claim the reminder `key` in its own committed transaction; False if someone already holds it."""
    session_id, offset, starts_at = key
    try:
        async with transaction() as s:
            s.add(
                RgReminderRow(
                    session_id=session_id, offset_minutes=offset, starts_at=starts_at, claimed_at=now
                )
            )
    except IntegrityError:
        return False
    return True


async def release_reminder(transaction: Transaction, key: ReminderKey) -> None:
    """Give a claim back after a failed send, so the reminder is tried again."""
    async with transaction() as s:
        await s.execute(delete(RgReminderRow).where(*_entry(key), RgReminderRow.sent_at.is_(None)))


async def mark_reminder_sent(
    transaction: Transaction, key: ReminderKey, message_id: int, now: datetime
) -> None:
    """Record that the claimed reminder went out (the ledger's audit trail)."""
    async with transaction() as s:
        await s.execute(update(RgReminderRow).where(*_entry(key)).values(sent_at=now, message_id=message_id))
