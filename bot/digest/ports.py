"""The digest's boundaries: where posts go (DigestPublisher), where papers come from (CorpusView), and
what a run reports (Outcome). The Discord adapter implements DigestPublisher; tests pass fakes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from bot.corpus.model import Paper
from bot.digest.choice import TopicSearch
from bot.digest.post import DigestPost, WeeklyDigest

# Discord JSON error codes that retrying cannot fix, with what they mean for the admin.
PERMANENT_CODES = {
    50001: "Missing Access — I can't see that channel",
    50013: "Missing Permissions — I need View Channel, Send Messages and Embed Links there",
    10003: "Unknown Channel — the channel was deleted",
}
DMS_CLOSED = 50007


class DigestPublisher(Protocol):
    """Where posts go. Each method raises bot.errors.DeliveryError(code=<Discord JSON code>) when Discord
    refuses, and anything else for a transient failure (the claim is then released and retried)."""

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
