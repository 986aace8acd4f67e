"""Members' DM digest subscriptions and the DM ledger (one DM per user and period, claimed before sending).

The records returned are the digest's own (`bot.digest.models`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.digest.models import Cadence, DmEntry, Subscription
from bot.storage.database import Database, rowcount
from bot.storage.ledger import ClaimLedger
from bot.storage.tables import STATUS_CLAIMED, STATUS_FAILED, STATUS_POSTED, DmLedgerRow, SubscriptionRow


def _subscription(row: SubscriptionRow) -> Subscription:
    cadence: Cadence = "weekly" if row.cadence == "weekly" else "daily"
    return Subscription(row.user_id, row.guild_id, row.topic, cadence, row.active, row.ended_reason)


class SubscriptionRepo:
    """Reads and writes `subscriptions` and `dm_ledger` (claimed through `bot.storage.ledger.ClaimLedger`)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._ledger = ClaimLedger(
            db.transaction,
            DmLedgerRow,
            (DmLedgerRow.user_id, DmLedgerRow.period),
            still_claimed=DmLedgerRow.status == STATUS_CLAIMED,
        )

    async def upsert(self, sub: Subscription, now: datetime) -> Subscription:
        """Create or replace the user's subscription (re-activating an ended one)."""
        values: dict[str, Any] = {
            "guild_id": sub.guild_id,
            "topic": sub.topic,
            "cadence": sub.cadence,
            "active": True,
            "ended_reason": None,
            "updated_at": now,
        }
        try:
            await self._upsert(sub.user_id, values, now)
        except IntegrityError:  # a concurrent /subscribe inserted first (not on SQLite: BEGIN IMMEDIATE)
            await self._upsert(sub.user_id, values, now)
        return Subscription(sub.user_id, sub.guild_id, sub.topic, sub.cadence)

    async def _upsert(self, user_id: int, values: dict[str, Any], now: datetime) -> None:
        async with self._db.transaction() as session:
            row = await session.get(SubscriptionRow, user_id)
            if row is None:
                session.add(SubscriptionRow(user_id=user_id, created_at=now, **values))
                return
            for key, value in values.items():
                setattr(row, key, value)

    async def get(self, user_id: int) -> Subscription | None:
        """The user's subscription, active or ended."""
        async with self._db.transaction() as session:
            row = await session.get(SubscriptionRow, user_id)
            return _subscription(row) if row else None

    async def active_for_guild(self, guild_id: int) -> list[Subscription]:
        """Active subscriptions that follow this server's schedule, by user id."""
        async with self._db.transaction() as session:
            rows = await session.scalars(
                select(SubscriptionRow)
                .where(SubscriptionRow.guild_id == guild_id, SubscriptionRow.active.is_(True))
                .order_by(SubscriptionRow.user_id)
            )
            return [_subscription(r) for r in rows]

    async def end(self, user_id: int, reason: str, now: datetime) -> bool:
        """Deactivate the subscription; True if it was active."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.user_id == user_id, SubscriptionRow.active.is_(True))
                .values(active=False, ended_reason=reason, updated_at=now)
            )
            return rowcount(result) == 1

    async def dm_history(self, user_id: int) -> list[DmEntry]:
        """The user's DM ledger, oldest first."""
        async with self._db.transaction() as session:
            rows = await session.scalars(
                select(DmLedgerRow).where(DmLedgerRow.user_id == user_id).order_by(DmLedgerRow.local_date)
            )
            return [DmEntry(r.user_id, r.period, r.local_date, r.paper_id, r.cycle, r.status) for r in rows]

    async def claim_dm(
        self,
        *,
        user_id: int,
        guild_id: int,
        period: str,
        local_date: date,
        paper_id: str | None,
        cycle: int | None,
        now: datetime,
    ) -> bool:
        """Take (user, period); False if that DM was already claimed or sent."""
        return await self._ledger.claim(
            (user_id, period),
            {
                "guild_id": guild_id,
                "local_date": local_date,
                "paper_id": paper_id,
                "cycle": cycle,
                "status": STATUS_CLAIMED,
                "claimed_at": now,
            },
        )

    async def mark_dm_sent(self, user_id: int, period: str, message_id: int, now: datetime) -> None:
        """Record that the DM went out."""
        await self._ledger.mark((user_id, period), status=STATUS_POSTED, message_id=message_id, sent_at=now)

    async def mark_dm_failed(self, user_id: int, period: str, error: str) -> None:
        """Record a refused DM (the period stays taken)."""
        await self._ledger.mark((user_id, period), status=STATUS_FAILED, error=error)

    async def release_dm(self, user_id: int, period: str) -> None:
        """Give the period back after a transient failure."""
        await self._ledger.release((user_id, period))

    async def delete_guild(self, guild_id: int) -> None:
        """Forget subscriptions made from a server (data-deletion hook)."""
        async with self._db.transaction() as session:
            await session.execute(delete(SubscriptionRow).where(SubscriptionRow.guild_id == guild_id))

    async def delete_user(self, user_id: int) -> None:
        """Forget a user's subscription and DM history (data-deletion hook)."""
        async with self._db.transaction() as session:
            await session.execute(delete(DmLedgerRow).where(DmLedgerRow.user_id == user_id))
            await session.execute(delete(SubscriptionRow).where(SubscriptionRow.user_id == user_id))
