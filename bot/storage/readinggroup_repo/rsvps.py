"""RSVPs: each member's Going / Maybe / Can't for a session (a later answer replaces the earlier one)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.readinggroup.models import Rsvp, RsvpChoice, RsvpCounts
from bot.storage.readinggroup_tables import RgRsvpRow
from bot.storage.records import record_from_row


async def set_rsvp(s: AsyncSession, session_id: int, user_id: int, choice: RsvpChoice, now: datetime) -> Rsvp:
    """Record the member's RSVP, replacing an earlier one."""
    await s.execute(delete(RgRsvpRow).where(RgRsvpRow.session_id == session_id, RgRsvpRow.user_id == user_id))
    s.add(RgRsvpRow(session_id=session_id, user_id=user_id, choice=str(choice), updated_at=now))
    await s.flush()
    return Rsvp(session_id, user_id, choice, now)


async def rsvps(s: AsyncSession, session_id: int) -> list[Rsvp]:
    """Every RSVP to the session, earliest first."""
    rows = await s.scalars(
        select(RgRsvpRow).where(RgRsvpRow.session_id == session_id).order_by(RgRsvpRow.updated_at)
    )
    return [record_from_row(Rsvp, row, choice=RsvpChoice(row.choice)) for row in rows]


async def rsvp_counts(s: AsyncSession, session_ids: Collection[int]) -> dict[int, RsvpCounts]:
    """Going / Maybe / Can't counts per session (sessions without RSVPs get zeros)."""
    tallies: dict[int, dict[str, int]] = {sid: defaultdict(int) for sid in session_ids}
    if session_ids:
        rows = await s.scalars(select(RgRsvpRow).where(RgRsvpRow.session_id.in_(list(session_ids))))
        for row in rows:
            tallies[row.session_id][row.choice] += 1
    return {
        sid: RsvpCounts(going=c[RsvpChoice.GOING], maybe=c[RsvpChoice.MAYBE], cant=c[RsvpChoice.CANT])
        for sid, c in tallies.items()
    }
