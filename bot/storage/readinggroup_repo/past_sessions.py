"""What the group did: papers discussed, who presented when, and the history of done sessions."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.readinggroup.models import HistoryEntry, SessionStatus
from bot.storage.readinggroup_repo.notes import notes_for
from bot.storage.readinggroup_repo.rsvps import rsvp_counts
from bot.storage.readinggroup_repo.sessions import list_sessions
from bot.storage.readinggroup_tables import RgSessionRow


async def discussed_keys(s: AsyncSession, guild_id: int) -> dict[str, datetime]:
    """For each paper key the server discussed, the start of its latest done session."""
    latest: dict[str, datetime] = {}
    for session in await list_sessions(s, guild_id, statuses=[SessionStatus.DONE]):
        if session.paper is not None:
            key = session.paper.key
            latest[key] = max(latest.get(key, session.starts_at), session.starts_at)
    return latest


async def discussed_on(s: AsyncSession, guild_id: int, paper_id: str) -> list[datetime]:
    """When the server discussed the corpus paper `paper_id` (session starts, oldest first)."""
    rows = await s.scalars(
        select(RgSessionRow.starts_at)
        .where(
            RgSessionRow.guild_id == guild_id,
            RgSessionRow.paper_id == paper_id,
            RgSessionRow.status == str(SessionStatus.DONE),
        )
        .order_by(RgSessionRow.starts_at)
    )
    return list(rows)


async def discussed_papers(s: AsyncSession, guild_id: int) -> dict[str, list[datetime]]:
    """Every corpus paper the server discussed, with its session starts (oldest first): one query for many
    cards."""
    result = await s.execute(
        select(RgSessionRow.paper_id, RgSessionRow.starts_at)
        .where(
            RgSessionRow.guild_id == guild_id,
            RgSessionRow.paper_id.is_not(None),
            RgSessionRow.status == str(SessionStatus.DONE),
        )
        .order_by(RgSessionRow.starts_at)
    )
    found: dict[str, list[datetime]] = defaultdict(list)
    for paper_id, starts_at in result.all():
        if paper_id is not None:
            found[paper_id].append(starts_at)
    return dict(found)


async def presenter_assignments(
    s: AsyncSession, guild_id: int, exclude_session_id: int | None = None
) -> list[tuple[int, datetime]]:
    """(presenter, start) for every non-cancelled session with a presenter: the rotation's memory."""
    query = select(RgSessionRow.presenter_id, RgSessionRow.starts_at).where(
        RgSessionRow.guild_id == guild_id,
        RgSessionRow.presenter_id.is_not(None),
        RgSessionRow.status != str(SessionStatus.CANCELLED),
    )
    if exclude_session_id is not None:
        query = query.where(RgSessionRow.id != exclude_session_id)
    result = await s.execute(query)
    return [(int(user), starts) for user, starts in result.all() if user is not None]


async def history(s: AsyncSession, guild_id: int, limit: int | None = None) -> list[HistoryEntry]:
    """Done sessions, newest first, with attendance (RSVP counts) and notes."""
    sessions = await list_sessions(s, guild_id, statuses=[SessionStatus.DONE], limit=limit, newest_first=True)
    ids = [session.id for session in sessions]
    counts, notes = await rsvp_counts(s, ids), await notes_for(s, ids)
    return [HistoryEntry(session, counts[session.id], tuple(notes[session.id])) for session in sessions]
