"""All reading-group SQL. Functions take an AsyncSession (the caller owns the transaction) and return
frozen domain values from `bot.readinggroup.models`, never ORM rows.

The reminder-ledger functions are the exception: they take a transaction factory (`Database.transaction`,
or `async_sessionmaker.begin` in tests) and commit on their own,
because a claim must be durable *before* the reminder is sent — that is what makes it exactly-once
across restarts and across two running instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, time

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ReadingGroupError
from bot.readinggroup.errors import DuplicateProposalError
from bot.readinggroup.models import (
    Ballot,
    BallotStatus,
    GroupSettings,
    HistoryEntry,
    Note,
    PaperRef,
    Proposal,
    ProposalStatus,
    RosterEntry,
    Rsvp,
    RsvpChoice,
    RsvpCounts,
    Session,
    SessionStatus,
    Vote,
)
from bot.storage.readinggroup_tables import (
    RgBallotOptionRow,
    RgBallotRow,
    RgNoteRow,
    RgProposalRow,
    RgReminderRow,
    RgRosterRow,
    RgRsvpRow,
    RgSessionRow,
    RgSettingsRow,
    RgVoteRow,
)

LIVE_STATUSES = (ProposalStatus.OPEN, ProposalStatus.SELECTED)

Transaction = Callable[[], AbstractAsyncContextManager[AsyncSession]]
"""Opens one unit of work that commits on success: `Database.transaction` or `async_sessionmaker.begin`."""

ReminderKey = tuple[int, int, datetime]
"""The reminder ledger's unique key: (session id, offset in minutes, the session start it was for)."""

# ---------------------------------------------------------------------------------------------- settings


def _settings(row: RgSettingsRow) -> GroupSettings:
    offsets = tuple(int(part) for part in row.reminder_offsets.split(",") if part)
    return GroupSettings(
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        weekday=row.weekday,
        time=time(row.start_time.hour, row.start_time.minute),
        timezone=row.timezone,
        role_id=row.role_id,
        location=row.location,
        location_channel_id=row.location_channel_id,
        duration_minutes=row.duration_minutes,
        reminder_offsets=offsets,
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


# --------------------------------------------------------------------------------------------- proposals


def _proposal(row: RgProposalRow) -> Proposal:
    return Proposal(
        id=row.id,
        guild_id=row.guild_id,
        paper=PaperRef(title=row.title, paper_id=row.paper_id, url=row.url),
        proposer_id=row.proposer_id,
        note=row.note,
        created_at=row.created_at,
        status=ProposalStatus(row.status),
    )


async def find_live_proposal(s: AsyncSession, guild_id: int, key: str) -> Proposal | None:
    """The open or selected proposal for the paper with `key` (see `PaperRef.key`), if any."""
    row = await s.scalar(
        select(RgProposalRow).where(
            RgProposalRow.guild_id == guild_id,
            RgProposalRow.dedupe_key == key,
            RgProposalRow.status.in_([str(x) for x in LIVE_STATUSES]),
        )
    )
    return None if row is None else _proposal(row)


async def add_proposal(
    s: AsyncSession, guild_id: int, paper: PaperRef, proposer_id: int, note: str | None, now: datetime
) -> Proposal:
    """Record a proposal; raises DuplicateProposalError if the paper is already open or selected."""
    existing = await find_live_proposal(s, guild_id, paper.key)
    if existing is not None:
        raise DuplicateProposalError(existing)
    row = RgProposalRow(
        guild_id=guild_id,
        paper_id=paper.paper_id,
        url=paper.url,
        title=paper.title,
        dedupe_key=paper.key,
        proposer_id=proposer_id,
        note=note,
        status=str(ProposalStatus.OPEN),
        created_at=now,
    )
    s.add(row)
    try:
        await s.flush()
    except IntegrityError:
        # Another click won the race between our check and our insert: same polite answer.
        raise ReadingGroupError(f"“{paper.title}” was just proposed by someone else.") from None
    return _proposal(row)


async def get_proposal(s: AsyncSession, guild_id: int, proposal_id: int) -> Proposal | None:
    """The server's proposal with that number, or None."""
    row = await s.get(RgProposalRow, proposal_id)
    return None if row is None or row.guild_id != guild_id else _proposal(row)


async def proposals_by_id(s: AsyncSession, proposal_ids: Collection[int]) -> dict[int, Proposal]:
    """Proposals by id (missing ids are simply absent)."""
    if not proposal_ids:
        return {}
    rows = await s.scalars(select(RgProposalRow).where(RgProposalRow.id.in_(list(proposal_ids))))
    return {row.id: _proposal(row) for row in rows}


async def list_proposals(
    s: AsyncSession, guild_id: int, statuses: Iterable[ProposalStatus] = (ProposalStatus.OPEN,)
) -> list[Proposal]:
    """The server's proposals with the given statuses, oldest first."""
    rows = await s.scalars(
        select(RgProposalRow)
        .where(RgProposalRow.guild_id == guild_id, RgProposalRow.status.in_([str(x) for x in statuses]))
        .order_by(RgProposalRow.created_at, RgProposalRow.id)
    )
    return [_proposal(row) for row in rows]


async def set_proposal_status(s: AsyncSession, proposal_id: int, status: ProposalStatus) -> None:
    """Move a proposal to `status`."""
    await s.execute(update(RgProposalRow).where(RgProposalRow.id == proposal_id).values(status=str(status)))


# ----------------------------------------------------------------------------------------------- ballots


def _ballot(row: RgBallotRow, options: Sequence[int]) -> Ballot:
    return Ballot(
        id=row.id,
        guild_id=row.guild_id,
        target_starts_at=row.target_starts_at,
        deadline=row.deadline,
        status=BallotStatus(row.status),
        options=tuple(options),
        opened_by=row.opened_by,
        created_at=row.created_at,
        channel_id=row.channel_id,
        message_id=row.message_id,
        winner_proposal_id=row.winner_proposal_id,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
    )


async def _ballot_with_options(s: AsyncSession, row: RgBallotRow) -> Ballot:
    options = await s.scalars(
        select(RgBallotOptionRow.proposal_id)
        .where(RgBallotOptionRow.ballot_id == row.id)
        .order_by(RgBallotOptionRow.position)
    )
    return _ballot(row, list(options))


async def create_ballot(
    s: AsyncSession,
    guild_id: int,
    *,
    target_starts_at: datetime,
    deadline: datetime,
    options: Sequence[int],
    opened_by: int,
    now: datetime,
) -> Ballot:
    """Open a ballot over `options` (proposal ids, in button order); one open ballot per server."""
    if await get_open_ballot(s, guild_id) is not None:
        raise ReadingGroupError(
            "A ballot is already open. Close it first (`/rg vote close`) or wait for its deadline."
        )
    row = RgBallotRow(
        guild_id=guild_id,
        target_starts_at=target_starts_at,
        deadline=deadline,
        status=str(BallotStatus.OPEN),
        opened_by=opened_by,
        created_at=now,
    )
    s.add(row)
    try:
        await s.flush()
    except IntegrityError:
        raise ReadingGroupError("A ballot was just opened by someone else.") from None
    s.add_all(
        RgBallotOptionRow(ballot_id=row.id, proposal_id=pid, position=i) for i, pid in enumerate(options)
    )
    await s.flush()
    return _ballot(row, options)


async def get_ballot(s: AsyncSession, guild_id: int, ballot_id: int) -> Ballot | None:
    """The server's ballot with that number, or None."""
    row = await s.get(RgBallotRow, ballot_id)
    return None if row is None or row.guild_id != guild_id else await _ballot_with_options(s, row)


async def get_open_ballot(s: AsyncSession, guild_id: int) -> Ballot | None:
    """The server's open ballot, if any."""
    row = await s.scalar(
        select(RgBallotRow).where(
            RgBallotRow.guild_id == guild_id, RgBallotRow.status == str(BallotStatus.OPEN)
        )
    )
    return None if row is None else await _ballot_with_options(s, row)


async def latest_ballot(s: AsyncSession, guild_id: int) -> Ballot | None:
    """The server's most recently opened ballot, open or closed."""
    row = await s.scalar(
        select(RgBallotRow).where(RgBallotRow.guild_id == guild_id).order_by(RgBallotRow.id.desc()).limit(1)
    )
    return None if row is None else await _ballot_with_options(s, row)


async def overdue_ballots(s: AsyncSession, now: datetime) -> list[Ballot]:
    """Open ballots (any server) whose deadline has passed, for the closing job."""
    rows = await s.scalars(
        select(RgBallotRow)
        .where(RgBallotRow.status == str(BallotStatus.OPEN), RgBallotRow.deadline <= now)
        .order_by(RgBallotRow.deadline, RgBallotRow.id)
    )
    return [await _ballot_with_options(s, row) for row in rows]


async def set_ballot_message(s: AsyncSession, ballot_id: int, channel_id: int, message_id: int) -> None:
    """Remember where the ballot was posted, so it can be edited with counts and closed."""
    await s.execute(
        update(RgBallotRow)
        .where(RgBallotRow.id == ballot_id)
        .values(channel_id=channel_id, message_id=message_id)
    )


async def close_ballot(
    s: AsyncSession, ballot_id: int, *, winner_proposal_id: int | None, closed_by: int | None, now: datetime
) -> None:
    """Mark a ballot closed with its winner (closed_by None: the deadline closed it)."""
    await s.execute(
        update(RgBallotRow)
        .where(RgBallotRow.id == ballot_id)
        .values(
            status=str(BallotStatus.CLOSED),
            winner_proposal_id=winner_proposal_id,
            closed_by=closed_by,
            closed_at=now,
        )
    )


async def ballot_votes(s: AsyncSession, ballot_id: int) -> list[Vote]:
    """Every member's current vote on the ballot."""
    rows = await s.scalars(
        select(RgVoteRow).where(RgVoteRow.ballot_id == ballot_id).order_by(RgVoteRow.cast_at)
    )
    return [Vote(row.ballot_id, row.user_id, row.proposal_id, row.cast_at) for row in rows]


async def cast_vote(s: AsyncSession, ballot_id: int, user_id: int, proposal_id: int, now: datetime) -> Vote:
    """Record the member's vote, replacing an earlier one (delete-then-insert: no race on the key)."""
    await retract_vote(s, ballot_id, user_id)
    s.add(RgVoteRow(ballot_id=ballot_id, user_id=user_id, proposal_id=proposal_id, cast_at=now))
    await s.flush()
    return Vote(ballot_id, user_id, proposal_id, now)


async def retract_vote(s: AsyncSession, ballot_id: int, user_id: int) -> bool:
    """Remove the member's vote; True if there was one."""
    result = await s.execute(
        delete(RgVoteRow).where(RgVoteRow.ballot_id == ballot_id, RgVoteRow.user_id == user_id)
    )
    return bool(getattr(result, "rowcount", 0))


# ---------------------------------------------------------------------------------------------- sessions


def _session(row: RgSessionRow) -> Session:
    paper = None
    if row.paper_title is not None:
        paper = PaperRef(title=row.paper_title, paper_id=row.paper_id, url=row.paper_url)
    return Session(
        id=row.id,
        guild_id=row.guild_id,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        paper=paper,
        proposal_id=row.proposal_id,
        presenter_id=row.presenter_id,
        status=SessionStatus(row.status),
        sequence=row.sequence,
        time_set_at=row.time_set_at,
        created_at=row.created_at,
        announcement_message_id=row.announcement_message_id,
        thread_id=row.thread_id,
        scheduled_event_id=row.scheduled_event_id,
    )


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
        paper_id=paper.paper_id if paper else None,
        paper_title=paper.title if paper else None,
        paper_url=paper.url if paper else None,
        proposal_id=proposal_id,
        presenter_id=presenter_id,
        status=str(SessionStatus.SCHEDULED),
        sequence=0,
        time_set_at=now,
        created_at=now,
    )
    s.add(row)
    await s.flush()
    return _session(row)


async def get_session(s: AsyncSession, guild_id: int, session_id: int) -> Session | None:
    """The server's session with that number, or None."""
    row = await s.get(RgSessionRow, session_id)
    return None if row is None or row.guild_id != guild_id else _session(row)


async def _session_row(s: AsyncSession, session_id: int) -> RgSessionRow:
    row = await s.get(RgSessionRow, session_id)
    if row is None:
        raise ReadingGroupError(f"Session #{session_id} no longer exists.")
    return row


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
    row.paper_id = paper.paper_id if paper else None
    row.paper_title = paper.title if paper else None
    row.paper_url = paper.url if paper else None
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
    order = (
        (RgSessionRow.starts_at.desc(), RgSessionRow.id.desc())
        if newest_first
        else (
            RgSessionRow.starts_at,
            RgSessionRow.id,
        )
    )
    rows = await s.scalars(query.order_by(*order).limit(limit))
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


# ------------------------------------------------------------------------------------------------- RSVPs


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
    return [Rsvp(row.session_id, row.user_id, RsvpChoice(row.choice), row.updated_at) for row in rows]


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


# ------------------------------------------------------------------------------------------------ roster


async def add_to_roster(s: AsyncSession, guild_id: int, user_id: int, now: datetime) -> RosterEntry:
    """Add a member to the presenter rotation."""
    if await s.get(RgRosterRow, (guild_id, user_id)) is not None:
        raise ReadingGroupError(f"<@{user_id}> is already on the presenter roster.")
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
    return [RosterEntry(row.guild_id, row.user_id, row.joined_at) for row in rows]


# ------------------------------------------------------------------------------------------------- notes


async def add_note(
    s: AsyncSession, guild_id: int, session_id: int, author_id: int, text: str, now: datetime
) -> Note:
    """Attach notes to a session."""
    row = RgNoteRow(session_id=session_id, guild_id=guild_id, author_id=author_id, text=text, created_at=now)
    s.add(row)
    await s.flush()
    return Note(row.id, session_id, guild_id, author_id, text, now)


async def notes_for(s: AsyncSession, session_ids: Collection[int]) -> dict[int, list[Note]]:
    """Notes per session, oldest first."""
    found: dict[int, list[Note]] = {sid: [] for sid in session_ids}
    if session_ids:
        rows = await s.scalars(
            select(RgNoteRow).where(RgNoteRow.session_id.in_(list(session_ids))).order_by(RgNoteRow.id)
        )
        for row in rows:
            found[row.session_id].append(
                Note(row.id, row.session_id, row.guild_id, row.author_id, row.text, row.created_at)
            )
    return found


async def history(s: AsyncSession, guild_id: int, limit: int | None = None) -> list[HistoryEntry]:
    """Done sessions, newest first, with attendance (RSVP counts) and notes."""
    sessions = await list_sessions(s, guild_id, statuses=[SessionStatus.DONE], limit=limit, newest_first=True)
    ids = [session.id for session in sessions]
    counts, notes = await rsvp_counts(s, ids), await notes_for(s, ids)
    return [HistoryEntry(session, counts[session.id], tuple(notes[session.id])) for session in sessions]


# --------------------------------------------------------------------------------------- reminder ledger


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
    session_id, offset, starts_at = key
    try:
        async with transaction() as s:
            s.add(
                RgReminderRow(
                    session_id=session_id, offset_minutes=offset, starts_at=starts_at, claimed_at=now
                )
            )
    except IntegrityError:
        return False
    return True


async def release_reminder(transaction: Transaction, key: ReminderKey) -> None:
    """Give a claim back after a failed send, so the reminder is tried again."""
    session_id, offset, starts_at = key
    async with transaction() as s:
        await s.execute(
            delete(RgReminderRow).where(
                RgReminderRow.session_id == session_id,
                RgReminderRow.offset_minutes == offset,
                RgReminderRow.starts_at == starts_at,
                RgReminderRow.sent_at.is_(None),
            )
        )


async def mark_reminder_sent(
    transaction: Transaction, key: ReminderKey, message_id: int, now: datetime
) -> None:
    """Record that the claimed reminder went out (the ledger's audit trail)."""
    session_id, offset, starts_at = key
    async with transaction() as s:
        await s.execute(
            update(RgReminderRow)
            .where(
                RgReminderRow.session_id == session_id,
                RgReminderRow.offset_minutes == offset,
                RgReminderRow.starts_at == starts_at,
            )
            .values(sent_at=now, message_id=message_id)
        )
