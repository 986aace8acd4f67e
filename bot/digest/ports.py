"""The digest's boundaries, declared by the core in its own terms: where posts go (DigestPublisher), where
papers come from (CorpusView), what it remembers (DigestStore, SubscriptionStore, CorpusDates), what it
needs to know about a server (GuildDirectory), and what a run reports (Outcome).

Why Protocols: the core says what it needs and nothing more, so it can be read, and tested, without a
database or Discord. `bot.storage` implements the stores (DigestRepo, SubscriptionRepo, CorpusRepo,
GuildRepo fit structurally; mypy checks it where `bot.app` wires them in); the Discord adapter implements
DigestPublisher; tests pass fakes. The stores' claim methods are the exactly-once protocol of
`bot.storage.ledger.ClaimLedger`: claim (committed) → deliver outside any transaction → mark or release.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from bot.corpus.model import Paper
from bot.digest.choice import TopicSearch
from bot.digest.models import DigestSettings, DmEntry, LedgerEntry, Subscription
from bot.digest.post import DigestPost, WeeklyDigest


class DigestPublisher(Protocol):
    """Where posts go (bot.discord_adapter.publisher.DiscordPublisher, through bot.outbox.Outbox).

    Each method raises bot.errors.DeliveryError when the post cannot be delivered. The publisher knows its
    platform, so it decides: `permanent=True` when retrying cannot help — the core then marks the day
    failed and pauses the channel post, or ends the DM subscription, and shows `reason` to the admins — and
    `permanent=False` (or any other exception) for a transient failure: the claim is released and retried.
    """

    async def post_digest(self, channel_id: int, post: DigestPost) -> int:
        """Post the paper of the day in a channel; return the message id."""
        ...

    async def notify_admins(self, channel_id: int, text: str) -> None:
        """Tell a server's admins about a problem, in their admin channel."""
        ...

    async def send_dm(self, user_id: int, message: DigestPost | WeeklyDigest) -> int:
        """DM a subscriber their digest; return the message id."""
        ...


class CorpusView(TopicSearch, Protocol):
    """The current corpus: its papers and a search over them (bot.search.index.PaperIndex fits)."""

    @property
    def papers(self) -> Sequence[Paper]:
        """Every paper, in corpus order."""
        ...


class DigestStore(Protocol):
    """The servers' settings and the channel-post ledger (bot.storage.digest_repo.DigestRepo fits)."""

    async def get_settings(self, guild_id: int) -> DigestSettings | None:
        """The server's settings, or None if it never set up a paper of the day or a subscription."""
        ...

    async def all_settings(self) -> Sequence[DigestSettings]:
        """Every server's settings, by guild id."""
        ...

    async def save_settings(self, settings: DigestSettings, now: datetime) -> DigestSettings:
        """Insert or replace a server's settings (pause state included, as given); returns them saved."""
        ...

    async def pause(self, guild_id: int, reason: str, now: datetime) -> bool:
        """Pause the channel post; True only for the call that paused it (so admins are told once)."""
        ...

    async def resume(self, guild_id: int, now: datetime) -> bool:
        """Clear a pause; True if the post was paused."""
        ...

    async def history(self, guild_id: int, *, before: date | None = None) -> Sequence[LedgerEntry]:
        """The server's ledger, oldest first (optionally only days before `before`)."""
        ...

    async def entries_between(self, guild_id: int, start: date, end: date) -> Sequence[LedgerEntry]:
        """Ledger entries with start <= local_date < end, oldest first."""
        ...

    async def entry(self, guild_id: int, local_date: date) -> LedgerEntry | None:
        """The ledger entry of one day, if any."""
        ...

    async def claim(self, entry: LedgerEntry, *, take_over_failed: bool = False) -> bool:
        """Take the day for `entry` (committed before the post goes out); False if it is already taken.
        With `take_over_failed`, one caller may take a day whose post failed for good."""
        ...

    async def mark_posted(
        self, guild_id: int, local_date: date, message_id: int, now: datetime, *, channel_id: int
    ) -> None:
        """Record that the claimed day's post went out, as `message_id` in `channel_id`."""
        ...

    async def mark_failed(self, guild_id: int, local_date: date, error: str) -> None:
        """Record a permanent failure; the day stays taken."""
        ...

    async def release(self, guild_id: int, local_date: date) -> None:
        """Give a claimed day back after a transient failure, so a retry may claim it."""
        ...


class SubscriptionStore(Protocol):
    """Members' subscriptions and the DM ledger (bot.storage.subscription_repo.SubscriptionRepo fits)."""

    async def upsert(self, sub: Subscription, now: datetime) -> Subscription:
        """Create or replace the user's subscription (re-activating an ended one)."""
        ...

    async def get(self, user_id: int) -> Subscription | None:
        """The user's subscription, active or ended."""
        ...

    async def active_for_guild(self, guild_id: int) -> Sequence[Subscription]:
        """Active subscriptions that follow this server's schedule, by user id."""
        ...

    async def end(self, user_id: int, reason: str, now: datetime) -> bool:
        """Deactivate the subscription; True if it was active."""
        ...

    async def dm_history(self, user_id: int) -> Sequence[DmEntry]:
        """The user's DM ledger, oldest first."""
        ...

    async def claim_dm(
        self,
        *,
        user_id: int,
        guild_id: int,
        period: str,
        local_date: date,
        paper_id: str | None,
        cycle: int | None,
        now: datetime,
    ) -> bool:
        """Take (user, period), committed before the DM goes out; False if already claimed or sent."""
        ...

    async def mark_dm_sent(self, user_id: int, period: str, message_id: int, now: datetime) -> None:
        """Record that the DM went out."""
        ...

    async def mark_dm_failed(self, user_id: int, period: str, error: str) -> None:
        """Record a refused DM (the period stays taken)."""
        ...

    async def release_dm(self, user_id: int, period: str) -> None:
        """Give the period back after a transient failure."""
        ...


class CorpusDates(Protocol):
    """When each paper was first seen, for "new in the corpus" (bot.storage.corpus_repo.CorpusRepo fits)."""

    async def record(self, paper_ids: Iterable[str], now: datetime) -> tuple[str, ...]:
        """Remember ids not seen before as first seen `now`; return those new ids."""
        ...

    async def first_seen(self) -> Mapping[str, date]:
        """Every known paper id with the date it was first seen."""
        ...


class GuildView(Protocol):
    """What the digest reads of a server's own settings (bot.storage.guild_repo.GuildSettings fits)."""

    @property
    def timezone(self) -> str:
        """The server's IANA zone, the default for a new paper-of-the-day schedule."""
        ...

    @property
    def admin_channel_id(self) -> int | None:
        """Where admins are told about problems (None: only the log is)."""
        ...


class GuildDirectory(Protocol):
    """Servers' own settings (bot.storage.guild_repo.GuildRepo fits; the one App holds is passed in)."""

    async def get(self, guild_id: int) -> GuildView:
        """The server's settings, or the defaults when it never set any."""
        ...


class OutcomeStatus(StrEnum):
    """What a run did."""

    POSTED = "posted"
    ALREADY_DONE = "already_done"  # the day was claimed before (restart, other process, /digest now)
    NOT_DUE = "not_due"  # nothing scheduled within the grace window
    DISABLED = "disabled"  # no channel post configured
    PAUSED = "paused"  # paused until an admin fixes something
    RELEASED = "released"  # transient failure: claim given back, retry at `retry_at`
    FAILED = "failed"  # permanent failure: day marked failed, post paused, admins told
    NO_SETTINGS = "no_settings"


@dataclass(frozen=True)
class Outcome:
    """The result of one run for one server (`dms_sent`: subscriber DMs delivered in the same run)."""

    guild_id: int
    status: OutcomeStatus
    local_date: date | None = None
    post: DigestPost | None = None
    message_id: int | None = None
    detail: str = ""
    retry_at: datetime | None = None
    dms_sent: int = 0
