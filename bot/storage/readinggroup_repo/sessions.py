"""Sessions: creating, changing and listing the group's meetings.

Every change a calendar client must notice (time, paper, presenter, cancellation) bumps the session's
SEQUENCE, so an imported .ics updates the event instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ReadingGroupError
from bot.readinggroup.models import PaperRef, ProposalStatus, Session, SessionStatus
from bot.storage.readinggroup_repo.proposals import set_proposal_status
from bot.storage.readinggroup_tables import RgSessionRow
from bot.storage.records import record_from_row


def _session(row: RgSessionRow) -> Session:
    paper = None
    if row.paper_title is not None:
        paper = PaperRef(title=row.paper_title, paper_id=row.paper_id, url=row.paper_url)
    return record_from_row(Session, row, paper=paper, status=SessionStatus(row.status))


def _set_paper(row: RgSessionRow, paper: PaperRef | None) -> None:
    """Store `paper` (or no paper) in the session's three paper columns."""
    row.paper_id = paper.paper_id if paper else None
    row.paper_title = paper.title if paper else None
    row.paper_url = paper.url if paper else None


async def _session_row(s: AsyncSession, session_id: int) -> RgSessionRow:
    row = await s.get(RgSessionRow, session_id)
    if row is None:
        raise ReadingGroupError(f"Session #{session_id} no longer exists.")
    return row


async def create_session(
    s: AsyncSession,
    guild_id: int,
    *,
    starts_at: datetime,
    duration_minutes: int,
    paper: PaperRef | None,
    proposal_id: int | None,
    presenter_id: int | None,
    now: datetime,
) -> Session:
    """Schedule a new session."""
    row = RgSessionRow(
        guild_id=guild_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        proposal_id=proposal_id,
        presenter_id=presenter_id,
        status=str(SessionStatus.SCHEDULED),
        sequence=0,
        time_set_at=now,
        created_at=now,
    )
    _set_paper(row, paper)
    s.add(row)
    await s.flush()
    return _session(row)


async def get_session(s: AsyncSession, guild_id: int, session_id: int) -> Session | None:
    """The server's session with that number, or None."""
    row = await s.get(RgSessionRow, session_id)
    return None if row is None or row.guild_id != guild_id else _session(row)


async def reschedule_session(s: AsyncSession, session_id: int, starts_at: datetime, now: datetime) -> Session:
    """Move a session; bumps SEQUENCE and restarts its reminders for the new time."""
    row = await _session_row(s, session_id)
    row.starts_at, row.time_set_at, row.sequence = starts_at, now, row.sequence + 1
    await s.flush()
    return _session(row)


async def set_session_status(s: AsyncSession, session_id: int, status: SessionStatus) -> Session:
    """Cancel or complete a session; cancelling bumps SEQUENCE so calendars show it."""
    row = await _session_row(s, session_id)
    if status is SessionStatus.CANCELLED:
        row.sequence += 1
    row.status = str(status)
    await s.flush()
    return _session(row)


async def set_session_paper(
    s: AsyncSession, session_id: int, paper: PaperRef | None, proposal_id: int | None
) -> Session:
    """Set (or clear) what the session reads; bumps SEQUENCE (the calendar title changes)."""
    row = await _session_row(s, session_id)
    _set_paper(row, paper)
    row.proposal_id = proposal_id
    row.sequence += 1
    await s.flush()
    return _session(row)


async def set_session_presenter(s: AsyncSession, session_id: int, presenter_id: int | None) -> Session:
    """Set (or clear) who presents; bumps SEQUENCE (the calendar description changes)."""
    row = await _session_row(s, session_id)
    row.presenter_id = presenter_id
    row.sequence += 1
    await s.flush()
    return _session(row)


async def set_session_links(
    s: AsyncSession,
    session_id: int,
    *,
    announcement_message_id: int | None = None,
    thread_id: int | None = None,
    scheduled_event_id: int | None = None,
) -> Session:
    """Remember the Discord objects made for a session (None leaves a value unchanged)."""
    row = await _session_row(s, session_id)
    if announcement_message_id is not None:
        row.announcement_message_id = announcement_message_id
    if thread_id is not None:
        row.thread_id = thread_id
    if scheduled_event_id is not None:
        row.scheduled_event_id = scheduled_event_id
    await s.flush()
    return _session(row)


async def list_sessions(
    s: AsyncSession,
    guild_id: int | None,
    *,
    statuses: Iterable[SessionStatus],
    starts_after: datetime | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[Session]:
    """Sessions of a server (None: every server) with the given statuses, by start time."""
    query = select(RgSessionRow).where(RgSessionRow.status.in_([str(x) for x in statuses]))
    if guild_id is not None:
        query = query.where(RgSessionRow.guild_id == guild_id)
    if starts_after is not None:
        query = query.where(RgSessionRow.starts_at > starts_after)
    if newest_first:
        query = query.order_by(RgSessionRow.starts_at.desc(), RgSessionRow.id.desc())
    else:
        query = query.order_by(RgSessionRow.starts_at, RgSessionRow.id)
    rows = await s.scalars(query.limit(limit))
    return [_session(row) for row in rows]


async def live_session_at(s: AsyncSession, guild_id: int, starts_at: datetime) -> Session | None:
    """A scheduled session starting exactly at `starts_at`, if any (to refuse double-booking)."""
    row = await s.scalar(
        select(RgSessionRow).where(
            RgSessionRow.guild_id == guild_id,
            RgSessionRow.starts_at == starts_at,
            RgSessionRow.status == str(SessionStatus.SCHEDULED),
        )
    )
    return None if row is None else _session(row)


async def complete_finished_sessions(s: AsyncSession, now: datetime) -> list[Session]:
    """Mark scheduled sessions that have ended as done and their proposals as discussed."""
    rows = await s.scalars(
        select(RgSessionRow).where(
            RgSessionRow.status == str(SessionStatus.SCHEDULED), RgSessionRow.starts_at <= now
        )
    )
    done = []
    for row in rows:
        session = _session(row)
        if session.ends_at <= now:
            row.status = str(SessionStatus.DONE)
            if row.proposal_id is not None:
                await set_proposal_status(s, row.proposal_id, ProposalStatus.DISCUSSED)
            done.append(_session(row))
    await s.flush()
    return done
