"""Reads and writes the following tables (the FollowStore port of bot.following.ports).

The announcement ledger is `ClaimLedger`'s exactly-once protocol on `follow_ledger`: claim (committed) →
post outside any transaction → mark posted / failed, or release after a transient failure. Baseline rows
(papers already out when a query was followed) take their key for good, so they are never announced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.following.ports import Follow
from bot.storage.database import Database, rowcount
from bot.storage.following_tables import FollowChannelRow, FollowLedgerRow, FollowRow
from bot.storage.ledger import ClaimLedger


class FollowRepo:
    """Follows, announcement channels and the announcement ledger."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._ledger = ClaimLedger(
            db.transaction,
            FollowLedgerRow,
            (FollowLedgerRow.guild_id, FollowLedgerRow.paper_key),
            still_claimed=FollowLedgerRow.status == "claimed",
        )

    async def follows(self, guild_id: int | None = None) -> Sequence[Follow]:
        """The server's follows (every server's with None), oldest first."""
        query = select(FollowRow).order_by(FollowRow.id)
        if guild_id is not None:
            query = query.where(FollowRow.guild_id == guild_id)
        async with self._db.transaction() as session:
            rows = await session.scalars(query)
            return [Follow(r.guild_id, r.query, r.label, r.added_by, r.added_at) for r in rows]

    async def add_follow(self, follow: Follow, baseline: Iterable[str]) -> bool:
        """Store the follow and its baseline in one transaction; False if already followed."""
        try:
            async with self._db.transaction() as session:
                session.add(
                    FollowRow(
                        guild_id=follow.guild_id,
                        query=follow.query,
                        label=follow.label,
                        added_by=follow.added_by[:100],
                        added_at=follow.added_at,
                    )
                )
                await session.flush()
                keys = set(baseline)
                taken = set(
                    await session.scalars(
                        select(FollowLedgerRow.paper_key).where(FollowLedgerRow.guild_id == follow.guild_id)
                    )
                )  # keys another follow already took keep their rows
                session.add_all(
                    FollowLedgerRow(guild_id=follow.guild_id, paper_key=key, status="baseline")
                    for key in sorted(keys - taken)
                )
        except IntegrityError:
            return False
        return True

    async def remove_follow(self, guild_id: int, query: str) -> bool:
        """Stop following (the ledger stays: papers announced are never announced again)."""
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(FollowRow).where(FollowRow.guild_id == guild_id, FollowRow.query == query)
            )
            return rowcount(result) > 0

    async def channel(self, guild_id: int) -> int | None:
        async with self._db.transaction() as session:
            row = await session.get(FollowChannelRow, guild_id)
            return row.channel_id if row is not None else None

    async def set_channel(self, guild_id: int, channel_id: int) -> None:
        async with self._db.transaction() as session:
            row = await session.get(FollowChannelRow, guild_id)
            if row is None:
                session.add(FollowChannelRow(guild_id=guild_id, channel_id=channel_id))
            else:
                row.channel_id = channel_id

    async def known(self, guild_id: int, keys: Iterable[str]) -> set[str]:
        wanted = list(keys)
        if not wanted:
            return set()
        async with self._db.transaction() as session:
            found = await session.scalars(
                select(FollowLedgerRow.paper_key).where(
                    FollowLedgerRow.guild_id == guild_id, FollowLedgerRow.paper_key.in_(wanted)
                )
            )
            return set(found)

    async def claim(self, guild_id: int, key: str, paper_id: str, now: datetime) -> bool:
        return await self._ledger.claim(
            (guild_id, key), {"paper_id": paper_id, "status": "claimed", "claimed_at": now}
        )

    async def mark_posted(self, guild_id: int, key: str, message_id: int, now: datetime) -> None:
        await self._ledger.mark((guild_id, key), status="posted", message_id=message_id, posted_at=now)

    async def mark_failed(self, guild_id: int, key: str, error: str) -> None:
        await self._ledger.mark((guild_id, key), status="failed", error=error)

    async def release(self, guild_id: int, key: str) -> None:
        await self._ledger.release((guild_id, key))
