"""The digest's own records: a server's settings, a day in its ledger, a member's subscription, a DM sent.

They live here, beside the rules that use them, not beside the tables that store them: the core reads and
returns these plain frozen values, and `bot.storage` maps its rows to them (storage importing the domain is
the right direction; the domain importing storage is not). Pure: no I/O, no database, no Discord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from bot.digest.schedule import Schedule

CLAIMED, POSTED, FAILED = "claimed", "posted", "failed"
"""A ledger entry's status (the strings `bot.storage` stores): a claimed day is being posted, or was when
the process died; a posted day went out; a failed day was refused for good and stays taken."""

Cadence = Literal["daily", "weekly"]


@dataclass(frozen=True)
class DigestSettings:
    """A server's paper-of-the-day settings. `enabled` and `channel_id` govern the channel post only."""

    guild_id: int
    channel_id: int | None
    post_time: time
    timezone: str
    weekdays_only: bool = False
    weekly_day: int | None = None
    topic: str | None = None
    enabled: bool = False
    paused_reason: str | None = None
    seed: str = ""

    @property
    def schedule(self) -> Schedule:
        """The schedule to compute post instants with."""
        return Schedule(self.post_time, self.timezone, self.weekdays_only)

    @property
    def posts_to_channel(self) -> bool:
        """Whether a channel post is due on schedule (enabled, a channel set, not paused)."""
        return self.enabled and self.channel_id is not None and self.paused_reason is None


@dataclass(frozen=True)
class LedgerEntry:
    """One day's paper of the day in one server."""

    guild_id: int
    local_date: date
    paper_id: str
    cycle: int
    position: int
    pool_size: int
    topic: str | None
    reasons: tuple[str, ...]
    status: str
    message_id: int | None = None
    error: str | None = None
    claimed_by: str = ""
    claimed_at: datetime | None = None
    posted_at: datetime | None = None
    channel_id: int | None = None
    """The channel the post went to (None for posts recorded before schema 0003)."""

    @property
    def counts_as_shown(self) -> bool:
        """Claimed or posted papers count for the no-repeat rule; failed ones were never seen."""
        return self.status in (CLAIMED, POSTED)


@dataclass(frozen=True)
class Subscription:
    """A member's DM digest: from which server's schedule, on which topic, how often."""

    user_id: int
    guild_id: int
    topic: str | None
    cadence: Cadence
    active: bool = True
    ended_reason: str | None = None


@dataclass(frozen=True)
class DmEntry:
    """One DM digest sent (or being sent) to a user."""

    user_id: int
    period: str
    local_date: date
    paper_id: str | None
    cycle: int | None
    status: str
