"""Proposals: papers members put forward for a future session."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ReadingGroupError
from bot.readinggroup.models import LIVE_STATUSES, PaperRef, Proposal, ProposalStatus
from bot.storage.readinggroup_tables import RgProposalRow
from bot.storage.records import record_from_row

__all__ = [
    "LIVE_STATUSES",
    "add_proposal",
    "find_live_proposal",
    "get_proposal",
    "list_proposals",
    "proposals_by_id",
    "set_proposal_status",
]


def _proposal(row: RgProposalRow) -> Proposal:
    return record_from_row(
        Proposal,
        row,
        paper=PaperRef(title=row.title, paper_id=row.paper_id, url=row.url),
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
    """Record an open proposal. The core refuses a paper already open or selected first (saying who
    proposed it, in its own words); the partial unique index still stops a live duplicate that slips in
    between, with a ReadingGroupError."""
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
