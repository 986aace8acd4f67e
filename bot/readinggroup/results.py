"""What the service's commands return: plain values the Discord layer (or CLI) renders as it likes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.errors import DeliveryError
from bot.readinggroup.models import Ballot, BallotStatus, Proposal, RsvpCounts, Session
from bot.readinggroup.reminders import DueReminder
from bot.readinggroup.votes import Tally


@dataclass(frozen=True, slots=True)
class ProposalReceipt:
    """A new proposal; `discussed_on` lists earlier sessions on the same paper (a re-proposal)."""

    proposal: Proposal
    discussed_on: tuple[datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class BallotView:
    """A ballot with its live counts, for posting or editing the ballot message."""

    ballot: Ballot
    tally: Tally
    omitted: int = 0  # eligible proposals left off the ballot (button limit)

    @property
    def is_open(self) -> bool:
        """Whether the ballot still takes votes."""
        return self.ballot.status is BallotStatus.OPEN


@dataclass(frozen=True, slots=True)
class BallotResult:
    """A closed ballot: its final counts, the winner, and the session it now fills, if any."""

    ballot: Ballot
    tally: Tally
    session: Session | None  # the session the winner was put on (None: no winner, or no slot free)
    session_created: bool  # True: a new session was scheduled (the Discord layer should announce it)

    @property
    def winner(self) -> Proposal | None:
        """The winning proposal, if anyone voted."""
        return self.tally.winner


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session with its RSVP counts, as the announcement shows it."""

    session: Session
    rsvps: RsvpCounts


@dataclass(frozen=True, slots=True)
class SkipResult:
    """A skipped presenter and the session with its new presenter (None if nobody was left)."""

    session: Session
    skipped_id: int


@dataclass(frozen=True, slots=True)
class RosterRemoval:
    """A member taken off the roster, and the upcoming sessions they are still down to present."""

    user_id: int
    still_presenting: tuple[Session, ...]


@dataclass(frozen=True, slots=True)
class ReminderOutcome:
    """What happened to one due reminder."""

    reminder: DueReminder
    status: Literal["sent", "already_claimed", "failed"]
    message_id: int | None = None
    error: DeliveryError | None = None
