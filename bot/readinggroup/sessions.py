"""Sessions: `/rg schedule`, `/rg next`, `/rg upcoming`, `/rg cancel`, `/rg reschedule`, and RSVPs.

The Discord layer posts the announcement, opens the thread and (with Manage Events) creates the
scheduled event, then records their ids with `record_links`; on reschedule/cancel it edits or cancels
them using those ids. `Session.sequence` goes up on every change calendar apps must notice.
"""

from __future__ import annotations

from bot.errors import ReadingGroupError
from bot.readinggroup.context import ServiceContext
from bot.readinggroup.models import (
    PaperRef,
    Proposal,
    ProposalStatus,
    RsvpChoice,
    RsvpCounts,
    Session,
    SessionStatus,
)
from bot.readinggroup.ports import ReadingGroupTx, Wording
from bot.readinggroup.results import SessionView


class SessionService:
    """Scheduling, moving and cancelling sessions; RSVPs."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Share the service's dependencies."""
        self._ctx = ctx

    async def schedule(
        self,
        guild_id: int,
        *,
        when: str | None = None,
        paper: str | None = None,
        title: str | None = None,
        presenter_id: int | None = None,
    ) -> Session:
        """`/rg schedule`: defaults are the next free usual slot, the vote winner, the rotation's next.

        Without `paper` and without a pending winner the paper is left to be decided (a ballot can fill
        it). A paper that has a live proposal is linked to that proposal, which becomes selected.
        """
        ref = self._ctx.resolve_paper(paper, title) if paper else None
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            settings = await self._ctx.settings(tx, guild_id)
            if when:
                starts_at = await self._ctx.future_time(tx, settings, when, now)
            else:
                starts_at = await self._ctx.free_slot(tx, settings, now)
            proposal = await _proposal_for(tx, guild_id, ref, self._ctx.wording)
            if presenter_id is None:
                presenter_id = await self._ctx.rotation_pick(tx, guild_id, now)
            session = await tx.create_session(
                guild_id,
                starts_at=starts_at,
                duration_minutes=settings.duration_minutes,
                paper=ref if ref is not None else (proposal.paper if proposal else None),
                proposal_id=proposal.id if proposal else None,
                presenter_id=presenter_id,
                now=now,
            )
            if proposal is not None:
                await tx.set_proposal_status(proposal.id, ProposalStatus.SELECTED)
            return session

    async def next_session(self, guild_id: int) -> SessionView | None:
        """`/rg next`: the next (or current) scheduled session with its RSVPs, if any."""
        upcoming = await self.upcoming(guild_id, limit=1)
        return upcoming[0] if upcoming else None

    async def upcoming(self, guild_id: int, limit: int = 5) -> list[SessionView]:
        """`/rg upcoming`: scheduled sessions that have not ended, soonest first, with RSVP counts."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            sessions = await tx.list_sessions(guild_id, statuses=[SessionStatus.SCHEDULED], limit=limit)
            counts = await tx.rsvp_counts([x.id for x in sessions])
            return [SessionView(x, counts[x.id]) for x in sessions]

    async def get(self, guild_id: int, session_id: int) -> SessionView:
        """One session with its RSVP counts (to re-render its announcement)."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            found = await self._ctx.session(tx, guild_id, session_id)
            return SessionView(found, (await tx.rsvp_counts([found.id]))[found.id])

    async def cancel(self, guild_id: int, session_id: int | None = None) -> Session:
        """`/rg cancel`: cancel a session (default: the next); its proposal returns to the open list."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            target = await self._ctx.scheduled(tx, guild_id, session_id)
            cancelled = await tx.set_session_status(target.id, SessionStatus.CANCELLED)
            if target.proposal_id is not None:
                await tx.set_proposal_status(target.proposal_id, ProposalStatus.OPEN)
            return cancelled

    async def reschedule(self, guild_id: int, when: str, session_id: int | None = None) -> Session:
        """`/rg reschedule`: move a session (default: the next); SEQUENCE goes up, reminders restart."""
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            settings = await self._ctx.settings(tx, guild_id)
            target = await self._ctx.scheduled(tx, guild_id, session_id)
            starts_at = await self._ctx.future_time(tx, settings, when, now, moving=target.id)
            return await tx.reschedule_session(target.id, starts_at, now)

    async def record_links(
        self,
        guild_id: int,
        session_id: int,
        *,
        announcement_message_id: int | None = None,
        thread_id: int | None = None,
        scheduled_event_id: int | None = None,
    ) -> Session:
        """Remember the announcement, thread and scheduled event made for a session."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.session(tx, guild_id, session_id)
            return await tx.set_session_links(
                session_id,
                announcement_message_id=announcement_message_id,
                thread_id=thread_id,
                scheduled_event_id=scheduled_event_id,
            )

    async def rsvp(self, guild_id: int, session_id: int, user_id: int, choice: RsvpChoice) -> RsvpCounts:
        """An RSVP button: Going / Maybe / Can't (a later click replaces the earlier one)."""
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            found = await self._ctx.session(tx, guild_id, session_id)
            if found.status is not SessionStatus.SCHEDULED:
                raise ReadingGroupError(f"That session is {found.status.value}; RSVPs are closed.")
            await tx.set_rsvp(session_id, user_id, choice, now)
            return (await tx.rsvp_counts([session_id]))[session_id]


async def _proposal_for(
    tx: ReadingGroupTx, guild_id: int, ref: PaperRef | None, wording: Wording
) -> Proposal | None:
    """The live proposal for `ref`; with no `ref`, the oldest selected proposal not yet scheduled."""
    scheduled = await tx.list_sessions(guild_id, statuses=[SessionStatus.SCHEDULED])
    if ref is not None:
        for session in scheduled:
            if session.paper is not None and session.paper.key == ref.key:
                raise ReadingGroupError(
                    f"“{ref.title}” is already scheduled (session #{session.id}, "
                    f"{wording.moment(session.starts_at)})."
                )
        return await tx.find_live_proposal(guild_id, ref.key)
    taken = {x.proposal_id for x in scheduled}
    pending = await tx.list_proposals(guild_id, [ProposalStatus.SELECTED])
    return next((p for p in pending if p.id not in taken), None)
