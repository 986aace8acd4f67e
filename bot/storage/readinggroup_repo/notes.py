"""Notes members attach to a session (searchable later in `/rg history`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.readinggroup.models import Note
from bot.storage.readinggroup_tables import RgNoteRow
from bot.storage.records import record_from_row


async def add_note(
    s: AsyncSession, guild_id: int, session_id: int, author_id: int, text: str, now: datetime
) -> Note:
    """Attach notes to a session."""
    row = RgNoteRow(session_id=session_id, guild_id=guild_id, author_id=author_id, text=text, created_at=now)
    s.add(row)
    await s.flush()
    return record_from_row(Note, row)


async def notes_for(s: AsyncSession, session_ids: Collection[int]) -> dict[int, list[Note]]:
    """Notes per session, oldest first."""
    found: dict[int, list[Note]] = {sid: [] for sid in session_ids}
    if session_ids:
        rows = await s.scalars(
            select(RgNoteRow).where(RgNoteRow.session_id.in_(list(session_ids))).order_by(RgNoteRow.id)
        )
        for row in rows:
            found[row.session_id].append(record_from_row(Note, row))
    return found
