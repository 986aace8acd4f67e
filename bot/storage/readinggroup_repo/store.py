"""The reading group's store over SQLAlchemy: `bot.readinggroup.ports.ReadingGroupStore`, implemented.

The core declares what it needs (`ReadingGroupStore`, `ReadingGroupTx`); this module is the only place
those ports meet an `AsyncSession`. `SqlReadingGroupTx` hands each call to the repository function of
the same name with its session, so one `transaction()` block is one database transaction (on SQLite
`BEGIN IMMEDIATE`, committed at the end, rolled back on an exception). The reminder ledger's steps each
commit on their own through `reminder_ledger` (`bot.storage.ledger.ClaimLedger`), as exactly-once needs.

    store = SqlReadingGroupStore(database.transaction)
    async with store.transaction() as tx:
        settings = await tx.get_settings(guild_id)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.readinggroup.models import (
    Ballot,
    GroupSettings,
    HistoryEntry,
    Note,
    PaperRef,
    Proposal,
    ProposalStatus,
    ReminderKey,
    RosterEntry,
    Rsvp,
    RsvpChoice,
    RsvpCounts,
    Session,
    SessionStatus,
    Vote,
)
from bot.readinggroup.ports import ReadingGroupTx
from bot.storage.ledger import Transaction
from bot.storage.readinggroup_repo.ballots import (
    ballot_votes,
    cast_vote,
    close_ballot,
    create_ballot,
    get_ballot,
    get_open_ballot,
    latest_ballot,
    overdue_ballots,
    retract_vote,
    set_ballot_message,
)
from bot.storage.readinggroup_repo.notes import add_note
from bot.storage.readinggroup_repo.past_sessions import (
    discussed_keys,
    discussed_on,
    discussed_papers,
    history,
    presenter_assignments,
)
from bot.storage.readinggroup_repo.proposals import (
    add_proposal,
    find_live_proposal,
    get_proposal,
    list_proposals,
    proposals_by_id,
    set_proposal_status,
)
from bot.storage.readinggroup_repo.reminder_ledger import (
    claim_reminder,
    claimed_reminders,
    mark_reminder_sent,
    release_reminder,
)
from bot.storage.readinggroup_repo.roster import add_to_roster, list_roster, remove_from_roster
from bot.storage.readinggroup_repo.rsvps import rsvp_counts, set_rsvp
from bot.storage.readinggroup_repo.sessions import (
    complete_finished_sessions,
    create_session,
    get_session,
    list_sessions,
    live_session_at,
    reschedule_session,
    set_session_links,
    set_session_paper,
    set_session_presenter,
    set_session_status,
)
from bot.storage.readinggroup_repo.settings import all_settings, get_settings, save_settings

__all__ = ["SqlReadingGroupStore", "SqlReadingGroupTx"]


class SqlReadingGroupStore:
    """`ReadingGroupStore` over a transaction factory (`Database.transaction`)."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[ReadingGroupTx]:
        """One database transaction, seen through the core's `ReadingGroupTx`."""
        async with self._transaction() as s:
            yield SqlReadingGroupTx(s)

    async def claim_reminder(self, key: ReminderKey, now: datetime) -> bool:
        """Claim the reminder `key` in its own committed transaction."""
        return await claim_reminder(self._transaction, key, now)

    async def release_reminder(self, key: ReminderKey) -> None:
        """Give a claim back after a failed send."""
        await release_reminder(self._transaction, key)

    async def mark_reminder_sent(self, key: ReminderKey, message_id: int, now: datetime) -> None:
        """Record that the claimed reminder went out."""
        await mark_reminder_sent(self._transaction, key, message_id, now)


class SqlReadingGroupTx:
    """`ReadingGroupTx` over one open AsyncSession; each method is the repository function of its name."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get_settings(self, guild_id: int) -> GroupSettings | None:
        """See `ReadingGroupTx`."""
        return await get_settings(self._s, guild_id)

    async def all_settings(self) -> list[GroupSettings]:
        """See `ReadingGroupTx`."""
        return await all_settings(self._s)

    async def save_settings(self, settings: GroupSettings, now: datetime) -> GroupSettings:
        """See `ReadingGroupTx`."""
        return await save_settings(self._s, settings, now)

    async def find_live_proposal(self, guild_id: int, key: str) -> Proposal | None:
        """See `ReadingGroupTx`."""
        return await find_live_proposal(self._s, guild_id, key)

    async def add_proposal(
        self, guild_id: int, paper: PaperRef, proposer_id: int, note: str | None, now: datetime
    ) -> Proposal:
        """See `ReadingGroupTx`."""
        return await add_proposal(self._s, guild_id, paper, proposer_id, note, now)

    async def get_proposal(self, guild_id: int, proposal_id: int) -> Proposal | None:
        """See `ReadingGroupTx`."""
        return await get_proposal(self._s, guild_id, proposal_id)

    async def proposals_by_id(self, proposal_ids: Collection[int]) -> dict[int, Proposal]:
        """See `ReadingGroupTx`."""
        return await proposals_by_id(self._s, proposal_ids)

    async def list_proposals(
        self, guild_id: int, statuses: Iterable[ProposalStatus] = (ProposalStatus.OPEN,)
    ) -> list[Proposal]:
        """See `ReadingGroupTx`."""
        return await list_proposals(self._s, guild_id, statuses)

    async def set_proposal_status(self, proposal_id: int, status: ProposalStatus) -> None:
        """See `ReadingGroupTx`."""
        await set_proposal_status(self._s, proposal_id, status)

    async def create_ballot(
        self,
        guild_id: int,
        *,
        target_starts_at: datetime,
        deadline: datetime,
        options: Sequence[int],
        opened_by: int,
        now: datetime,
    ) -> Ballot:
        """See `ReadingGroupTx`."""
        return await create_ballot(
            self._s,
            guild_id,
            target_starts_at=target_starts_at,
            deadline=deadline,
            options=options,
            opened_by=opened_by,
            now=now,
        )

    async def get_ballot(self, guild_id: int, ballot_id: int) -> Ballot | None:
        """See `ReadingGroupTx`."""
        return await get_ballot(self._s, guild_id, ballot_id)

    async def get_open_ballot(self, guild_id: int) -> Ballot | None:
        """See `ReadingGroupTx`."""
        return await get_open_ballot(self._s, guild_id)

    async def latest_ballot(self, guild_id: int) -> Ballot | None:
        """See `ReadingGroupTx`."""
        return await latest_ballot(self._s, guild_id)

    async def overdue_ballots(self, now: datetime) -> list[Ballot]:
        """See `ReadingGroupTx`."""
        return await overdue_ballots(self._s, now)

    async def set_ballot_message(self, ballot_id: int, channel_id: int, message_id: int) -> None:
        """See `ReadingGroupTx`."""
        await set_ballot_message(self._s, ballot_id, channel_id, message_id)

    async def close_ballot(
        self, ballot_id: int, *, winner_proposal_id: int | None, closed_by: int | None, now: datetime
    ) -> None:
        """See `ReadingGroupTx`."""
        await close_ballot(
            self._s, ballot_id, winner_proposal_id=winner_proposal_id, closed_by=closed_by, now=now
        )

    async def ballot_votes(self, ballot_id: int) -> list[Vote]:
        """See `ReadingGroupTx`."""
        return await ballot_votes(self._s, ballot_id)

    async def cast_vote(self, ballot_id: int, user_id: int, proposal_id: int, now: datetime) -> Vote:
        """See `ReadingGroupTx`."""
        return await cast_vote(self._s, ballot_id, user_id, proposal_id, now)

    async def retract_vote(self, ballot_id: int, user_id: int) -> bool:
        """See `ReadingGroupTx`."""
        return await retract_vote(self._s, ballot_id, user_id)

    async def create_session(
        self,
        guild_id: int,
        *,
        starts_at: datetime,
        duration_minutes: int,
        paper: PaperRef | None,
        proposal_id: int | None,
        presenter_id: int | None,
        now: datetime,
    ) -> Session:
        """See `ReadingGroupTx`."""
        return await create_session(
            self._s,
            guild_id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            paper=paper,
            proposal_id=proposal_id,
            presenter_id=presenter_id,
            now=now,
        )

    async def get_session(self, guild_id: int, session_id: int) -> Session | None:
        """See `ReadingGroupTx`."""
        return await get_session(self._s, guild_id, session_id)

    async def reschedule_session(self, session_id: int, starts_at: datetime, now: datetime) -> Session:
        """See `ReadingGroupTx`."""
        return await reschedule_session(self._s, session_id, starts_at, now)

    async def set_session_status(self, session_id: int, status: SessionStatus) -> Session:
        """See `ReadingGroupTx`."""
        return await set_session_status(self._s, session_id, status)

    async def set_session_paper(
        self, session_id: int, paper: PaperRef | None, proposal_id: int | None
    ) -> Session:
        """See `ReadingGroupTx`."""
        return await set_session_paper(self._s, session_id, paper, proposal_id)

    async def set_session_presenter(self, session_id: int, presenter_id: int | None) -> Session:
        """See `ReadingGroupTx`."""
        return await set_session_presenter(self._s, session_id, presenter_id)

    async def set_session_links(
        self,
        session_id: int,
        *,
        announcement_message_id: int | None = None,
        thread_id: int | None = None,
        scheduled_event_id: int | None = None,
    ) -> Session:
        """See `ReadingGroupTx`."""
        return await set_session_links(
            self._s,
            session_id,
            announcement_message_id=announcement_message_id,
            thread_id=thread_id,
            scheduled_event_id=scheduled_event_id,
        )

    async def list_sessions(
        self,
        guild_id: int | None,
        *,
        statuses: Iterable[SessionStatus],
        starts_after: datetime | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Session]:
        """See `ReadingGroupTx`."""
        return await list_sessions(
            self._s,
            guild_id,
            statuses=statuses,
            starts_after=starts_after,
            limit=limit,
            newest_first=newest_first,
        )

    async def live_session_at(self, guild_id: int, starts_at: datetime) -> Session | None:
        """See `ReadingGroupTx`."""
        return await live_session_at(self._s, guild_id, starts_at)

    async def complete_finished_sessions(self, now: datetime) -> list[Session]:
        """See `ReadingGroupTx`."""
        return await complete_finished_sessions(self._s, now)

    async def set_rsvp(self, session_id: int, user_id: int, choice: RsvpChoice, now: datetime) -> Rsvp:
        """See `ReadingGroupTx`."""
        return await set_rsvp(self._s, session_id, user_id, choice, now)

    async def rsvp_counts(self, session_ids: Collection[int]) -> dict[int, RsvpCounts]:
        """See `ReadingGroupTx`."""
        return await rsvp_counts(self._s, session_ids)

    async def add_to_roster(self, guild_id: int, user_id: int, now: datetime) -> RosterEntry | None:
        """See `ReadingGroupTx`."""
        return await add_to_roster(self._s, guild_id, user_id, now)

    async def remove_from_roster(self, guild_id: int, user_id: int) -> bool:
        """See `ReadingGroupTx`."""
        return await remove_from_roster(self._s, guild_id, user_id)

    async def list_roster(self, guild_id: int) -> list[RosterEntry]:
        """See `ReadingGroupTx`."""
        return await list_roster(self._s, guild_id)

    async def add_note(
        self, guild_id: int, session_id: int, author_id: int, text: str, now: datetime
    ) -> Note:
        """See `ReadingGroupTx`."""
        return await add_note(self._s, guild_id, session_id, author_id, text, now)

    async def discussed_keys(self, guild_id: int) -> dict[str, datetime]:
        """See `ReadingGroupTx`."""
        return await discussed_keys(self._s, guild_id)

    async def discussed_on(self, guild_id: int, paper_id: str) -> list[datetime]:
        """See `ReadingGroupTx`."""
        return await discussed_on(self._s, guild_id, paper_id)

    async def discussed_papers(self, guild_id: int) -> dict[str, list[datetime]]:
        """See `ReadingGroupTx`."""
        return await discussed_papers(self._s, guild_id)

    async def presenter_assignments(
        self, guild_id: int, exclude_session_id: int | None = None
    ) -> list[tuple[int, datetime]]:
        """See `ReadingGroupTx`."""
        return await presenter_assignments(self._s, guild_id, exclude_session_id)

    async def history(self, guild_id: int, limit: int | None = None) -> list[HistoryEntry]:
        """See `ReadingGroupTx`."""
        return await history(self._s, guild_id, limit)

    async def claimed_reminders(self, session_ids: Collection[int]) -> set[ReminderKey]:
        """See `ReadingGroupTx`."""
        return await claimed_reminders(self._s, session_ids)
