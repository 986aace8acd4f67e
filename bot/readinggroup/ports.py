"""What the reading-group core needs from outside, stated as Protocols the outside implements.

The core decides; it does not know how state is kept or where messages go. So it declares here:

- `ReadingGroupStore`: the group's state. `transaction()` opens one unit of work (a `ReadingGroupTx`)
  that commits when the block ends normally and rolls back on an exception, so every command is all or
  nothing. The reminder ledger's three steps are on the store itself, not on a transaction: a claim must
  be committed *before* the reminder is posted (that is what makes reminders exactly-once), so each step
  is a unit of work of its own. `bot.storage.readinggroup_repo.SqlReadingGroupStore` implements it over
  SQLAlchemy; no database type appears here.
- `ReminderPublisher`: where due reminders are posted (the Discord layer; a fake in tests).
- `Wording`: how a member and an instant read inside a sentence the core writes (its refusals, e.g.
  "<member> is presenting that session"). The core holds user ids and instants, never markup; the front
  end says how they read: the Discord adapter as `<@id>` mentions and `<t:…>` timestamps
  (`bot.discord_adapter.readinggroup.text.DiscordWording`), anything else in plain words
  (`bot.readinggroup.wording.PlainWording`, the default).

Every record crossing these ports is a frozen value from `bot.readinggroup.models`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Literal, Protocol

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

__all__ = [
    "MomentStyle",
    "ReadingGroupStore",
    "ReadingGroupTx",
    "ReminderPublisher",
    "Wording",
]


class ReadingGroupTx(Protocol):
    """One open unit of work over the group's state: every read and write a command makes.

    Reads return frozen records; writes return the record as stored. Records of another server are
    invisible to the `guild_id` lookups (they answer None).
    """

    # settings (`/rg setup`)
    async def get_settings(self, guild_id: int) -> GroupSettings | None:
        """The server's settings, or None before `/rg setup`."""
        ...

    async def all_settings(self) -> list[GroupSettings]:
        """Every configured server, by server id (for jobs across servers, like reminders)."""
        ...

    async def save_settings(self, settings: GroupSettings, now: datetime) -> GroupSettings:
        """Create or replace the server's settings."""
        ...

    # proposals
    async def find_live_proposal(self, guild_id: int, key: str) -> Proposal | None:
        """The open or selected proposal for the paper with `key` (`PaperRef.key`), if any."""
        ...

    async def add_proposal(
        self, guild_id: int, paper: PaperRef, proposer_id: int, note: str | None, now: datetime
    ) -> Proposal:
        """Record an open proposal. The caller checks `find_live_proposal` first; a live proposal for
        the paper that appears meanwhile (another member's click) is a ReadingGroupError."""
        ...

    async def get_proposal(self, guild_id: int, proposal_id: int) -> Proposal | None:
        """The server's proposal with that number, or None."""
        ...

    async def proposals_by_id(self, proposal_ids: Collection[int]) -> dict[int, Proposal]:
        """Proposals by id (missing ids are simply absent)."""
        ...

    async def list_proposals(
        self, guild_id: int, statuses: Iterable[ProposalStatus] = (ProposalStatus.OPEN,)
    ) -> list[Proposal]:
        """The server's proposals with the given statuses, oldest first."""
        ...

    async def set_proposal_status(self, proposal_id: int, status: ProposalStatus) -> None:
        """Move a proposal to `status`."""
        ...

    # ballots and votes
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
        """Open a ballot over `options` (proposal ids, in button order); one open ballot per server."""
        ...

    async def get_ballot(self, guild_id: int, ballot_id: int) -> Ballot | None:
        """The server's ballot with that number, or None."""
        ...

    async def get_open_ballot(self, guild_id: int) -> Ballot | None:
        """The server's open ballot, if any."""
        ...

    async def latest_ballot(self, guild_id: int) -> Ballot | None:
        """The server's most recently opened ballot, open or closed."""
        ...

    async def overdue_ballots(self, now: datetime) -> list[Ballot]:
        """Open ballots (any server) whose deadline has passed."""
        ...

    async def set_ballot_message(self, ballot_id: int, channel_id: int, message_id: int) -> None:
        """Remember where the ballot was posted."""
        ...

    async def close_ballot(
        self, ballot_id: int, *, winner_proposal_id: int | None, closed_by: int | None, now: datetime
    ) -> None:
        """Mark a ballot closed with its winner (closed_by None: the deadline closed it)."""
        ...

    async def ballot_votes(self, ballot_id: int) -> list[Vote]:
        """Every member's current vote on the ballot."""
        ...

    async def cast_vote(self, ballot_id: int, user_id: int, proposal_id: int, now: datetime) -> Vote:
        """Record the member's vote, replacing an earlier one."""
        ...

    async def retract_vote(self, ballot_id: int, user_id: int) -> bool:
        """Remove the member's vote; True if there was one."""
        ...

    # sessions
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
        """Schedule a new session."""
        ...

    async def get_session(self, guild_id: int, session_id: int) -> Session | None:
        """The server's session with that number, or None."""
        ...

    async def reschedule_session(self, session_id: int, starts_at: datetime, now: datetime) -> Session:
        """Move a session; SEQUENCE goes up and its reminders restart for the new time."""
        ...

    async def set_session_status(self, session_id: int, status: SessionStatus) -> Session:
        """Cancel or complete a session; cancelling bumps SEQUENCE."""
        ...

    async def set_session_paper(
        self, session_id: int, paper: PaperRef | None, proposal_id: int | None
    ) -> Session:
        """Set (or clear) what the session reads; bumps SEQUENCE."""
        ...

    async def set_session_presenter(self, session_id: int, presenter_id: int | None) -> Session:
        """Set (or clear) who presents; bumps SEQUENCE."""
        ...

    async def set_session_links(
        self,
        session_id: int,
        *,
        announcement_message_id: int | None = None,
        thread_id: int | None = None,
        scheduled_event_id: int | None = None,
    ) -> Session:
        """Remember the announcement, thread and scheduled event made for a session (None: unchanged)."""
        ...

    async def list_sessions(
        self,
        guild_id: int | None,
        *,
        statuses: Iterable[SessionStatus],
        starts_after: datetime | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Session]:
        """Sessions of a server (None: every server) with the given statuses, by start time."""
        ...

    async def live_session_at(self, guild_id: int, starts_at: datetime) -> Session | None:
        """A scheduled session starting exactly at `starts_at`, if any."""
        ...

    async def complete_finished_sessions(self, now: datetime) -> list[Session]:
        """Mark scheduled sessions that have ended as done and their proposals as discussed."""
        ...

    # RSVPs, roster, notes
    async def set_rsvp(self, session_id: int, user_id: int, choice: RsvpChoice, now: datetime) -> Rsvp:
        """Record the member's RSVP, replacing an earlier one."""
        ...

    async def rsvp_counts(self, session_ids: Collection[int]) -> dict[int, RsvpCounts]:
        """Going / Maybe / Can't counts per session (sessions without RSVPs get zeros)."""
        ...

    async def add_to_roster(self, guild_id: int, user_id: int, now: datetime) -> RosterEntry | None:
        """Add a member to the presenter rotation; None if they are already on it."""
        ...

    async def remove_from_roster(self, guild_id: int, user_id: int) -> bool:
        """Take a member off the rotation; True if they were on it."""
        ...

    async def list_roster(self, guild_id: int) -> list[RosterEntry]:
        """The roster in joining order."""
        ...

    async def add_note(
        self, guild_id: int, session_id: int, author_id: int, text: str, now: datetime
    ) -> Note:
        """Attach notes to a session."""
        ...

    # what the group did
    async def discussed_keys(self, guild_id: int) -> dict[str, datetime]:
        """For each paper key the server discussed, the start of its latest done session."""
        ...

    async def discussed_on(self, guild_id: int, paper_id: str) -> list[datetime]:
        """When the server discussed the corpus paper `paper_id` (session starts, oldest first)."""
        ...

    async def discussed_papers(self, guild_id: int) -> dict[str, list[datetime]]:
        """Every corpus paper the server discussed, with its session starts (oldest first)."""
        ...

    async def presenter_assignments(
        self, guild_id: int, exclude_session_id: int | None = None
    ) -> list[tuple[int, datetime]]:
        """(presenter, start) for every non-cancelled session with a presenter."""
        ...

    async def history(self, guild_id: int, limit: int | None = None) -> list[HistoryEntry]:
        """Done sessions, newest first, with attendance (RSVP counts) and notes."""
        ...

    async def claimed_reminders(self, session_ids: Collection[int]) -> set[ReminderKey]:
        """Reminder ledger keys already claimed for these sessions."""
        ...


class ReadingGroupStore(Protocol):
    """The reading group's state: units of work, and the reminder ledger's self-committing steps."""

    def transaction(self) -> AbstractAsyncContextManager[ReadingGroupTx]:
        """One unit of work: committed when the block ends normally, rolled back on an exception."""
        ...

    async def claim_reminder(self, key: ReminderKey, now: datetime) -> bool:
        """Claim the reminder `key`, committed at once; False if someone already holds it."""
        ...

    async def release_reminder(self, key: ReminderKey) -> None:
        """Give a claim back after a failed send (a reminder already sent stays taken)."""
        ...

    async def mark_reminder_sent(self, key: ReminderKey, message_id: int, now: datetime) -> None:
        """Record that the claimed reminder went out."""
        ...


class ReminderPublisher(Protocol):
    """Where reminders go: the Discord layer posts them; tests pass a fake."""

    async def send_reminder(
        self, channel_id: int, session: Session, ping_user_ids: tuple[int, ...], ping_role_id: int | None
    ) -> int:
        """Post the reminder mentioning exactly `ping_user_ids` and `ping_role_id`; return the message id.

        Allowed mentions must be exactly those targets (no @everyone, no other users or roles); raise
        DeliveryError when Discord refuses the post.
        """
        ...


MomentStyle = Literal["full", "date", "relative"]
"""How an instant reads: its date and time, its date alone, or how far away it is ("in 2 days")."""


class Wording(Protocol):
    """How a member and an instant read inside a sentence the core writes."""

    def member(self, user_id: int) -> str:
        """A member of the server, by user id."""
        ...

    def moment(self, instant: datetime, style: MomentStyle = "full") -> str:
        """An aware instant, in `style`."""
        ...
