"""The presenter roster: the members who take turns presenting, in joining order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.readinggroup.models import RosterEntry
from bot.storage.readinggroup_tables import RgRosterRow
from bot.storage.records import record_from_row


async def add_to_roster(s: AsyncSession, guild_id: int, user_id: int, now: datetime) -> RosterEntry | None:
    """Add a member to the presenter rotation; None if they are already on it (the core says so)."""
    if await s.get(RgRosterRow, (guild_id, user_id)) is not None:
        return None
    s.add(RgRosterRow(guild_id=guild_id, user_id=user_id, joined_at=now))
    await s.flush()
    return RosterEntry(guild_id, user_id, now)


async def remove_from_roster(s: AsyncSession, guild_id: int, user_id: int) -> bool:
    """Take a member off the rotation; True if they were on it."""
    row = await s.get(RgRosterRow, (guild_id, user_id))
    if row is None:
        return False
    await s.delete(row)
    await s.flush()
    return True


async def list_roster(s: AsyncSession, guild_id: int) -> list[RosterEntry]:
    """The roster in joining order."""
    rows = await s.scalars(
        select(RgRosterRow)
        .where(RgRosterRow.guild_id == guild_id)
        .order_by(RgRosterRow.joined_at, RgRosterRow.user_id)
    )
    return [record_from_row(RosterEntry, row) for row in rows]
