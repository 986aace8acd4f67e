"""What following needs from outside the core, in its own terms.

`FollowStore`: the followed queries, each server's announcement channel, and the announcement ledger
(bot.storage.following_repo.FollowRepo fits; its claim/mark/release are `bot.storage.ledger.ClaimLedger`'s
exactly-once protocol). `ArxivSearch`: bot.sources.PaperSources fits. `FollowPublisher`: the Discord
publisher through `bot.outbox.Outbox`. `PaperAdder`: bot.additions.service.AdditionService fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.additions.service import AddResult
from bot.corpus.model import Paper

__all__ = ["ArxivSearch", "Follow", "FollowPublisher", "FollowStore", "PaperAdder"]


@dataclass(frozen=True)
class Follow:
    """One followed query of one server."""

    guild_id: int
    query: str
    label: str
    added_by: str
    added_at: datetime


class FollowStore(Protocol):
    """Follows, announcement channels and the ledger of announced papers, per server."""

    async def follows(self, guild_id: int | None = None) -> Sequence[Follow]:
        """The server's follows (every server's with None), oldest first."""
        ...

    async def add_follow(self, follow: Follow, baseline: Iterable[str]) -> bool:
        """Store the follow and mark `baseline` (paper keys already out) as never to announce, in one
        transaction; False if the server already follows that query."""
        ...

    async def remove_follow(self, guild_id: int, query: str) -> bool:
        """Stop following; False if the server didn't follow that query."""
        ...

    async def channel(self, guild_id: int) -> int | None:
        """Where the server's announcements go (None: nowhere yet)."""
        ...

    async def set_channel(self, guild_id: int, channel_id: int) -> None:
        """Announce in this channel from now on."""
        ...

    async def known(self, guild_id: int, keys: Iterable[str]) -> set[str]:
        """Which of these paper keys the ledger has (announced, claimed, failed or baseline)."""
        ...

    async def claim(self, guild_id: int, key: str, paper_id: str, now: datetime) -> bool:
        """Claim the announcement of `key` (committed before posting); False if already taken."""
        ...

    async def mark_posted(self, guild_id: int, key: str, message_id: int, now: datetime) -> None:
        """The announcement went out."""
        ...

    async def mark_failed(self, guild_id: int, key: str, error: str) -> None:
        """The announcement can never go out (a permanent refusal); the key stays taken."""
        ...

    async def release(self, guild_id: int, key: str) -> None:
        """Give the claim back after a transient failure, so the next run tries again."""
        ...


class ArxivSearch(Protocol):
    """arXiv's search API."""

    async def search_arxiv(self, query: str) -> list[Paper]:
        """The newest papers matching an arXiv query; a bot.errors.SourceError says why none came."""
        ...


class FollowPublisher(Protocol):
    """Where announcements go."""

    async def announce_paper(self, channel_id: int, paper: Paper) -> int:
        """Post "New from the group" with the paper's card; return the message id (DeliveryError if not)."""
        ...


class PaperAdder(Protocol):
    """Adds a fetched paper to the corpus, or recognises it (bot.additions)."""

    async def add_found(self, paper: Paper, actor: str, via: str) -> AddResult:
        """Store `paper` (or merge it into the paper already served) and serve it."""
        ...
