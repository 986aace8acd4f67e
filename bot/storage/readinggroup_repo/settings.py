"""A server's reading-group settings (`/rg setup`)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.readinggroup.models import GroupSettings
from bot.storage.readinggroup_tables import RgSettingsRow
from bot.storage.records import record_from_row


def _settings(row: RgSettingsRow) -> GroupSettings:
    return record_from_row(
        GroupSettings,
        row,
        time=time(row.start_time.hour, row.start_time.minute),
        reminder_offsets=tuple(int(part) for part in row.reminder_offsets.split(",") if part),
    )


async def get_settings(s: AsyncSession, guild_id: int) -> GroupSettings | None:
    """The server's reading-group settings, or None before `/rg setup`."""
    row = await s.get(RgSettingsRow, guild_id)
    return None if row is None else _settings(row)


async def all_settings(s: AsyncSession) -> list[GroupSettings]:
    """Every configured server (for jobs that run across servers, like reminders)."""
    rows = await s.scalars(select(RgSettingsRow).order_by(RgSettingsRow.guild_id))
    return [_settings(row) for row in rows]


async def save_settings(s: AsyncSession, settings: GroupSettings, now: datetime) -> GroupSettings:
    """Create or replace the server's settings."""
    row = await s.get(RgSettingsRow, settings.guild_id)
    if row is None:
        row = RgSettingsRow(guild_id=settings.guild_id)
        s.add(row)
    row.channel_id = settings.channel_id
    row.weekday = settings.weekday
    row.start_time = settings.time
    row.timezone = settings.timezone
    row.role_id = settings.role_id
    row.location = settings.location
    row.location_channel_id = settings.location_channel_id
    row.duration_minutes = settings.duration_minutes
    row.reminder_offsets = ",".join(str(m) for m in settings.reminder_offsets)
    row.updated_at = now
    await s.flush()
    return _settings(row)
