"""Ballots and the votes cast on them: one open ballot per server, one current vote per member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ReadingGroupError
from bot.readinggroup.models import Ballot, BallotStatus, Vote
from bot.storage.readinggroup_tables import RgBallotOptionRow, RgBallotRow, RgVoteRow
from bot.storage.records import record_from_row


def _ballot(row: RgBallotRow, options: Sequence[int]) -> Ballot:
    return record_from_row(Ballot, row, status=BallotStatus(row.status), options=tuple(options))


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
            "A ballot is already open. Close it first (`/rg close-vote`) or wait for its deadline."
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
    return [record_from_row(Vote, row) for row in rows]


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
