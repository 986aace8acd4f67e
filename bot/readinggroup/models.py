"""The reading group's domain records: frozen values the repository returns and the service hands out.

They are plain dataclasses, never ORM objects, so the Discord layer and the CLI can keep them as long as
they like without touching the database. All instants are aware UTC; wall-clock times live only in
`GroupSettings` (weekday + time + IANA zone), because a fixed offset would drift across DST.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class ProposalStatus(StrEnum):
    """Where a proposal is in its life: open → selected (won or scheduled) → discussed; or withdrawn."""

    OPEN = "open"
    SELECTED = "selected"
    DISCUSSED = "discussed"
    WITHDRAWN = "withdrawn"


class BallotStatus(StrEnum):
    """A ballot accepts votes while open; closing it fixes the winner."""

    OPEN = "open"
    CLOSED = "closed"


class SessionStatus(StrEnum):
    """A session is scheduled until it is cancelled or has ended (then it is done and part of history)."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DONE = "done"


class RsvpChoice(StrEnum):
    """The three RSVP buttons under an announcement."""

    GOING = "going"
    MAYBE = "maybe"
    CANT = "cant"


LIVE_STATUSES = (ProposalStatus.OPEN, ProposalStatus.SELECTED)
"""A proposal in one of these still counts: the same paper can't be proposed again meanwhile."""

ReminderKey = tuple[int, int, datetime]
"""The reminder ledger's unique key: (session id, offset in minutes, the session start it was for)."""

DEFAULT_REMINDER_OFFSETS: tuple[int, ...] = (24 * 60, 60)
"""Minutes before a session at which reminders go out, unless the group configured others."""

DEFAULT_DURATION_MINUTES = 60
"""How long a session lasts when the group did not say (used for DTEND and the scheduled event)."""


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """A server's reading-group setup: where it posts, its usual slot, whom to notify."""

    guild_id: int
    channel_id: int
    weekday: int  # 0 = Monday … 6 = Sunday, as datetime.weekday()
    time: time  # the usual wall-clock start in `timezone`
    timezone: str  # IANA name, e.g. "Europe/Zurich"
    role_id: int | None = None
    location: str | None = None  # a room, free text
    location_channel_id: int | None = None  # or a voice/stage channel
    duration_minutes: int = DEFAULT_DURATION_MINUTES
    reminder_offsets: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS  # minutes, largest first

    @property
    def zone(self) -> ZoneInfo:
        """The group's time zone as a tzinfo."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class PaperRef:
    """What a proposal or session is about: a corpus paper (`paper_id`) or an external link (`url`)."""

    title: str
    paper_id: str | None = None
    url: str | None = None

    @property
    def key(self) -> str:
        """The identity used for duplicate checks and 'already discussed': corpus id, else the link."""
        if self.paper_id is not None:
            return f"paper:{self.paper_id}"
        return f"url:{self.url}"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A paper someone proposed for a future session."""

    id: int
    guild_id: int
    paper: PaperRef
    proposer_id: int
    note: str | None
    created_at: datetime
    status: ProposalStatus


@dataclass(frozen=True, slots=True)
class Ballot:
    """A vote among a fixed list of proposals (the buttons posted), for the session at `target_starts_at`."""

    id: int
    guild_id: int
    target_starts_at: datetime
    deadline: datetime
    status: BallotStatus
    options: tuple[int, ...]  # proposal ids, in button order
    opened_by: int
    created_at: datetime
    channel_id: int | None = None
    message_id: int | None = None
    winner_proposal_id: int | None = None
    closed_at: datetime | None = None
    closed_by: int | None = None  # None with a closed ballot means the deadline closed it


@dataclass(frozen=True, slots=True)
class Vote:
    """One member's current choice on a ballot (a later vote replaces it)."""

    ballot_id: int
    user_id: int
    proposal_id: int
    cast_at: datetime


@dataclass(frozen=True, slots=True)
class Session:
    """One meeting of the reading group."""

    id: int
    guild_id: int
    starts_at: datetime
    duration_minutes: int
    paper: PaperRef | None
    proposal_id: int | None
    presenter_id: int | None
    status: SessionStatus
    sequence: int  # iCalendar SEQUENCE: bumped on every change calendar clients must notice
    time_set_at: datetime  # when `starts_at` was last set; reminders due before it are not sent late
    created_at: datetime
    announcement_message_id: int | None = None
    thread_id: int | None = None
    scheduled_event_id: int | None = None

    @property
    def ends_at(self) -> datetime:
        """When the session is over."""
        return self.starts_at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True, slots=True)
class Rsvp:
    """A member's answer to a session announcement."""

    session_id: int
    user_id: int
    choice: RsvpChoice
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RsvpCounts:
    """How many said Going / Maybe / Can't: the counts shown on the announcement and in history."""

    going: int = 0
    maybe: int = 0
    cant: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    """Notes attached to a session; they become searchable in history."""

    id: int
    session_id: int
    guild_id: int
    author_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A member who takes turns presenting."""

    guild_id: int
    user_id: int
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A past session as `/rg history` shows it: what, when, who presented, attendance, notes."""

    session: Session
    rsvps: RsvpCounts
    notes: tuple[Note, ...] = ()
