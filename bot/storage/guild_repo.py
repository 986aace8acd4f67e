"""Server-wide settings: time zone, the admin channel problems are reported in, the /ask channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.records import record_from_row
from bot.storage.tables import GuildSettingsRow


@dataclass(frozen=True)
class GuildSettings:
    """What a server configured; a server that configured nothing gets the defaults."""

    guild_id: int
    timezone: str = "UTC"
    admin_channel_id: int | None = None
    ask_channel_ids: tuple[int, ...] = ()


def _to_settings(row: GuildSettingsRow) -> GuildSettings:
    return record_from_row(
        GuildSettings, row, ask_channel_ids=tuple(int(c) for c in row.ask_channel_ids or ())
    )


class GuildRepo:
    """Reads and writes `guild_settings`."""

    def __init__(self, db: Database, clock: Clock, *, default_timezone: str = "UTC") -> None:
        self._db = db
        self._clock = clock
        self._default_timezone = default_timezone

    async def get(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults when it never set any."""
        async with self._db.transaction() as session:
            row = await session.get(GuildSettingsRow, guild_id)
            if row is None:
                return GuildSettings(guild_id=guild_id, timezone=self._default_timezone)
            return _to_settings(row)

    async def save(self, settings: GuildSettings) -> GuildSettings:
        """Insert or replace the server's settings."""
        now = self._clock.now()
        values: dict[str, Any] = {
            "timezone": settings.timezone,
            "admin_channel_id": settings.admin_channel_id,
            "ask_channel_ids": list(settings.ask_channel_ids),
            "updated_at": now,
        }
        try:
            await self._upsert(settings.guild_id, values, now)
        except IntegrityError:  # a concurrent writer inserted first (not on SQLite: BEGIN IMMEDIATE)
            await self._upsert(settings.guild_id, values, now)
        return settings

    async def _upsert(self, guild_id: int, values: dict[str, Any], now: datetime) -> None:
        async with self._db.transaction() as session:
            row = await session.get(GuildSettingsRow, guild_id)
            if row is None:
                session.add(GuildSettingsRow(guild_id=guild_id, created_at=now, **values))
                return
            for key, value in values.items():
                setattr(row, key, value)

    async def delete(self, guild_id: int) -> None:
        """Forget the server's settings (data-deletion hook)."""
        async with self._db.transaction() as session:
            await session.execute(delete(GuildSettingsRow).where(GuildSettingsRow.guild_id == guild_id))

    async def all(self) -> list[GuildSettings]:
        """Every server that saved settings."""
        async with self._db.transaction() as session:
            rows = (await session.scalars(select(GuildSettingsRow).order_by(GuildSettingsRow.guild_id))).all()
            return [_to_settings(r) for r in rows]
