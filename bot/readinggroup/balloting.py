"""Ballots: `/rg vote` opens one, buttons cast votes, an admin or the deadline closes it.

The counting rule (one vote per member, changeable; ties to the earliest proposal; discussed papers
only with a fresh proposal) is in `bot.readinggroup.votes`; this module applies it to stored votes and
puts the winner on the session the ballot was for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.errors import ReadingGroupError
from bot.readinggroup import slots
from bot.readinggroup.context import ServiceContext
from bot.readinggroup.models import (
    Ballot,
    BallotStatus,
    GroupSettings,
    Proposal,
    ProposalStatus,
    Session,
    SessionStatus,
)
from bot.readinggroup.ports import ReadingGroupTx, Wording
from bot.readinggroup.results import BallotResult, BallotView
from bot.readinggroup.votes import ballot_candidates, tally
from bot.shards import EVERY_SERVER, Shards


class BallotService:
    """Opening, voting on and closing ballots."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Share the service's dependencies."""
        self._ctx = ctx

    async def open(self, guild_id: int, opened_by: int, *, deadline: str | None = None) -> BallotView:
        """`/rg vote`: a ballot among the open proposals for the next session that has no paper yet.

        The target is the earliest upcoming session without a paper, else the next free usual slot.
        `deadline` is read like `when` (group zone); by default voting closes 24 h before the target
        (or half-way there if that is already past). Call `record_message` once it is posted.
        """
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            settings = await self._ctx.settings(tx, guild_id)
            if await tx.get_open_ballot(guild_id) is not None:
                raise ReadingGroupError("A ballot is already open. Close it first, or wait for its deadline.")
            target = await self._target(tx, settings, now)
            closes = _deadline(settings, deadline, target, now, self._ctx.wording)
            discussed = await tx.discussed_keys(guild_id)
            options, omitted = ballot_candidates(await tx.list_proposals(guild_id), discussed)
            if not options:
                raise ReadingGroupError(
                    "There is nothing to vote on yet. Propose a paper with `/rg propose` first."
                )
            ballot = await tx.create_ballot(
                guild_id,
                target_starts_at=target,
                deadline=closes,
                options=[p.id for p in options],
                opened_by=opened_by,
                now=now,
            )
            return BallotView(ballot, tally(options, [], discussed), omitted)

    async def record_message(self, guild_id: int, ballot_id: int, channel_id: int, message_id: int) -> None:
        """Remember where the ballot was posted (so the closing job can edit it)."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.ballot(tx, guild_id, ballot_id)
            await tx.set_ballot_message(ballot_id, channel_id, message_id)

    async def get(self, guild_id: int, ballot_id: int | None = None) -> BallotView:
        """A ballot with live counts: `ballot_id`, else the open one, else the latest."""
        async with self._ctx.store.transaction() as tx:
            if ballot_id is not None:
                found: Ballot | None = await self._ctx.ballot(tx, guild_id, ballot_id)
            else:
                found = await tx.get_open_ballot(guild_id) or await tx.latest_ballot(guild_id)
            if found is None:
                raise ReadingGroupError("There is no ballot yet. Start one with `/rg vote`.")
            return await _view(tx, found)

    async def vote(self, guild_id: int, ballot_id: int, user_id: int, proposal_id: int) -> BallotView:
        """A ballot button: the member's one vote, replacing any earlier vote on this ballot."""
        async with self._ctx.store.transaction() as tx:
            now = self._ctx.clock.now()
            ballot = await self._open_ballot(tx, guild_id, ballot_id, now)
            if proposal_id not in ballot.options:
                raise ReadingGroupError("That paper isn't on this ballot.")
            proposal = await tx.get_proposal(guild_id, proposal_id)
            if proposal is None or proposal.status is not ProposalStatus.OPEN:
                raise ReadingGroupError("That proposal was withdrawn; pick another paper.")
            await tx.cast_vote(ballot_id, user_id, proposal_id, now)
            return await _view(tx, ballot)

    async def retract(self, guild_id: int, ballot_id: int, user_id: int) -> BallotView:
        """Take the member's vote back while the ballot is open."""
        async with self._ctx.store.transaction() as tx:
            ballot = await self._open_ballot(tx, guild_id, ballot_id, self._ctx.clock.now())
            await tx.retract_vote(ballot_id, user_id)
            return await _view(tx, ballot)

    async def close(self, guild_id: int, closed_by: int | None, ballot_id: int | None = None) -> BallotResult:
        """Close a ballot (an admin now, or the deadline job with `closed_by=None`) and apply the winner.

        The winner becomes *selected* and goes on the ballot's target session: an existing session at
        that time without a paper gets it; if there is none, a session is scheduled there with the next
        presenter in rotation (`session_created`: announce it). A target already taken by another paper,
        or already past, leaves the winner selected for the next `/rg schedule`.
        """
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            if ballot_id is not None:
                ballot: Ballot | None = await self._ctx.ballot(tx, guild_id, ballot_id)
            else:
                ballot = await tx.get_open_ballot(guild_id)
            if ballot is None:
                raise ReadingGroupError("There is no open ballot to close.")
            if ballot.status is not BallotStatus.OPEN:
                raise ReadingGroupError(f"Ballot #{ballot.id} is already closed.")
            return await self._close(tx, ballot, closed_by, now)

    async def close_due(self, shards: Shards = EVERY_SERVER) -> list[BallotResult]:
        """The deadline job: close every open ballot of `shards`' servers whose deadline has passed."""
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            overdue = [ballot for ballot in await tx.overdue_ballots(now) if shards.owns(ballot.guild_id)]
            return [await self._close(tx, ballot, None, now) for ballot in overdue]

    async def _open_ballot(self, tx: ReadingGroupTx, guild_id: int, ballot_id: int, now: datetime) -> Ballot:
        ballot = await self._ctx.ballot(tx, guild_id, ballot_id)
        if ballot.status is not BallotStatus.OPEN or now >= ballot.deadline:
            closed_at = ballot.closed_at or ballot.deadline
            raise ReadingGroupError(
                f"Voting on this ballot closed {self._ctx.wording.moment(closed_at, 'relative')}."
            )
        return ballot

    async def _target(self, tx: ReadingGroupTx, settings: GroupSettings, now: datetime) -> datetime:
        statuses = [SessionStatus.SCHEDULED]
        scheduled = await tx.list_sessions(settings.guild_id, statuses=statuses, starts_after=now)
        paperless = [x.starts_at for x in scheduled if x.paper is None]
        return min([*paperless, await self._ctx.free_slot(tx, settings, now)])

    async def _close(
        self, tx: ReadingGroupTx, ballot: Ballot, closed_by: int | None, now: datetime
    ) -> BallotResult:
        view = await _view(tx, ballot)
        winner = view.tally.winner
        winner_id = winner.id if winner else None
        await tx.close_ballot(ballot.id, winner_proposal_id=winner_id, closed_by=closed_by, now=now)
        closed = replace(
            ballot,
            status=BallotStatus.CLOSED,
            winner_proposal_id=winner_id,
            closed_at=now,
            closed_by=closed_by,
        )
        if winner is None:
            return BallotResult(closed, view.tally, None, session_created=False)
        await tx.set_proposal_status(winner.id, ProposalStatus.SELECTED)
        session, created = await self._place_winner(tx, ballot, winner, now)
        return BallotResult(closed, view.tally, session, session_created=created)

    async def _place_winner(
        self, tx: ReadingGroupTx, ballot: Ballot, winner: Proposal, now: datetime
    ) -> tuple[Session | None, bool]:
        existing = await tx.live_session_at(ballot.guild_id, ballot.target_starts_at)
        if existing is not None:
            if existing.paper is not None:
                return None, False
            return await tx.set_session_paper(existing.id, winner.paper, winner.id), False
        if ballot.target_starts_at <= now:
            return None, False
        settings = await self._ctx.settings(tx, ballot.guild_id)
        session = await tx.create_session(
            ballot.guild_id,
            starts_at=ballot.target_starts_at,
            duration_minutes=settings.duration_minutes,
            paper=winner.paper,
            proposal_id=winner.id,
            presenter_id=await self._ctx.rotation_pick(tx, ballot.guild_id, now),
            now=now,
        )
        return session, True


async def _view(tx: ReadingGroupTx, ballot: Ballot) -> BallotView:
    by_id = await tx.proposals_by_id(ballot.options)
    options = [by_id[pid] for pid in ballot.options if pid in by_id]
    votes = await tx.ballot_votes(ballot.id)
    return BallotView(ballot, tally(options, votes, await tx.discussed_keys(ballot.guild_id)))


def _deadline(
    settings: GroupSettings, text: str | None, target: datetime, now: datetime, wording: Wording
) -> datetime:
    if text is None:
        default = target - timedelta(hours=24)
        return default if default > now else now + (target - now) / 2
    closes = slots.parse_when(text, settings.zone, now, settings.time)
    if not now < closes <= target:
        raise ReadingGroupError(
            "The voting deadline must be ahead, and no later than the session it is for "
            f"({wording.moment(target)})."
        )
    return closes
