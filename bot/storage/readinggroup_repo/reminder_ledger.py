"""The reminder ledger: which reminders were claimed and sent, so each goes out exactly once.

Unlike the rest of the repository, these functions take a transaction factory and commit on their own:
a claim must be durable *before* the reminder is sent — that is what makes reminders exactly-once across
restarts and across two running instances. The mechanism is `bot.storage.ledger.ClaimLedger`, shared
with the paper-of-the-day and DM ledgers.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.readinggroup.models import ReminderKey
from bot.storage.ledger import ClaimLedger, Transaction
from bot.storage.readinggroup_tables import RgReminderRow

__all__ = [
    "ReminderKey",
    "Transaction",
    "claim_reminder",
    "claimed_reminders",
    "mark_reminder_sent",
    "release_reminder",
]


def _ledger(transaction: Transaction) -> ClaimLedger[RgReminderRow]:
    """The ledger over `transaction`. The key includes the start, so a moved session is reminded again;
    a claim without `sent_at` is still only a claim (the table has no status column)."""
    return ClaimLedger(
        transaction,
        RgReminderRow,
        (RgReminderRow.session_id, RgReminderRow.offset_minutes, RgReminderRow.starts_at),
        still_claimed=RgReminderRow.sent_at.is_(None),
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
    return await _ledger(transaction).claim(key, {"claimed_at": now})


async def release_reminder(transaction: Transaction, key: ReminderKey) -> None:
    """Give a claim back after a failed send, so the reminder is tried again."""
    await _ledger(transaction).release(key)


async def mark_reminder_sent(
    transaction: Transaction, key: ReminderKey, message_id: int, now: datetime
) -> None:
    """Record that the claimed reminder went out (the ledger's audit trail)."""
    await _ledger(transaction).mark(key, sent_at=now, message_id=message_id)
