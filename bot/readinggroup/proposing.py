"""Proposals: `/rg propose`, `/rg proposals`, withdrawing, and the card button that proposes a paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.errors import ReadingGroupError
from bot.readinggroup.context import ServiceContext
from bot.readinggroup.errors import DuplicateProposalError
from bot.readinggroup.models import LIVE_STATUSES, PaperRef, Proposal, ProposalStatus, SessionStatus
from bot.readinggroup.ports import ReadingGroupTx, Wording
from bot.readinggroup.results import ProposalReceipt

MAX_PROPOSAL_NOTE = 500


class ProposalService:
    """Proposing papers and listing what is proposed."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Share the service's dependencies."""
        self._ctx = ctx

    async def propose(
        self, guild_id: int, user_id: int, paper: str, *, title: str | None = None, note: str | None = None
    ) -> ProposalReceipt:
        """`/rg propose` and the card button: a corpus paper id, or a link with its `title`.

        A paper already open or selected is refused with DuplicateProposalError (who, when). A paper the
        group already discussed may be proposed again; `discussed_on` then lists the earlier sessions.
        """
        ref = self._ctx.resolve_paper(paper, title)
        cleaned_note = " ".join(note.split()) if note else ""
        if len(cleaned_note) > MAX_PROPOSAL_NOTE:
            raise ReadingGroupError(f"Keep the note under {MAX_PROPOSAL_NOTE} characters.")
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            await _refuse_if_scheduled(tx, guild_id, ref, self._ctx.wording)
            existing = await tx.find_live_proposal(guild_id, ref.key)
            if existing is not None:
                raise DuplicateProposalError(existing, self._ctx.wording)
            proposal = await tx.add_proposal(guild_id, ref, user_id, cleaned_note or None, now)
            return ProposalReceipt(proposal, await _discussed_dates(tx, guild_id, ref))

    async def open_proposals(self, guild_id: int) -> list[Proposal]:
        """`/rg proposals`: open and selected proposals, oldest first (each names its proposer)."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            return await tx.list_proposals(guild_id, LIVE_STATUSES)

    async def withdraw(
        self, guild_id: int, proposal_id: int, user_id: int, *, is_admin: bool = False
    ) -> Proposal:
        """Withdraw an open proposal; only its proposer or an admin may."""
        async with self._ctx.store.transaction() as tx:
            proposal = await tx.get_proposal(guild_id, proposal_id)
            if proposal is None:
                raise ReadingGroupError(
                    f"There is no proposal #{proposal_id}. `/rg proposals` lists the open ones."
                )
            if proposal.proposer_id != user_id and not is_admin:
                raise ReadingGroupError("Only the member who proposed it, or an admin, can withdraw it.")
            if proposal.status is not ProposalStatus.OPEN:
                raise ReadingGroupError(
                    f"Proposal #{proposal_id} is {proposal.status.value}; only open ones can go."
                )
            await tx.set_proposal_status(proposal_id, ProposalStatus.WITHDRAWN)
            return replace(proposal, status=ProposalStatus.WITHDRAWN)


async def _refuse_if_scheduled(tx: ReadingGroupTx, guild_id: int, ref: PaperRef, wording: Wording) -> None:
    upcoming = await tx.list_sessions(guild_id, statuses=[SessionStatus.SCHEDULED])
    for session in upcoming:
        if session.paper is not None and session.paper.key == ref.key:
            raise ReadingGroupError(
                f"“{ref.title}” is already on the programme: session #{session.id}, "
                f"{wording.moment(session.starts_at)}."
            )


async def _discussed_dates(tx: ReadingGroupTx, guild_id: int, ref: PaperRef) -> tuple[datetime, ...]:
    if ref.paper_id is not None:
        return tuple(await tx.discussed_on(guild_id, ref.paper_id))
    past = await tx.list_sessions(guild_id, statuses=[SessionStatus.DONE])
    return tuple(x.starts_at for x in past if x.paper is not None and x.paper.key == ref.key)
