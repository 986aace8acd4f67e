"""Test doubles for the paper-of-the-day tests: a publisher that records, a tiny search, papers, a DB."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from bot.clock import ManualClock
from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from bot.digest import DigestPost, WeeklyDigest
from bot.digest.ports import CorpusView, DigestPublisher
from bot.digest.service import DigestService
from bot.digest.subscriptions import SubscriptionService
from bot.discord_adapter.publisher import DMS_CLOSED, refused_dm, refused_post
from bot.errors import QueryError
from bot.storage.corpus_repo import CorpusRepo
from bot.storage.database import Database, default_sqlite_url
from bot.storage.digest_repo import DigestRepo
from bot.storage.guild_repo import GuildRepo
from bot.storage.subscription_repo import SubscriptionRepo


@cache
def bundled_papers() -> tuple[Paper, ...]:
    """The 50 papers shipped in seeds/ (papers are immutable, so one load serves every test)."""
    return tuple(load_corpus().papers)


def synthetic_paper(n: int, *, title: str | None = None, abstract: str = "An abstract.") -> Paper:
    """A made-up paper with a predictable id."""
    return Paper(
        id=f"paper-{n:03d}",
        title=title or f"Paper number {n}",
        authors=("A. Author",),
        published=date(2024, 1, 1),
        categories=("LG",),
        abstract=abstract,
    )


@dataclass(frozen=True)
class _Hit:
    paper: Paper


@dataclass(frozen=True)
class _Results:
    hits: tuple[_Hit, ...]
    total: int


class FakeCorpus:
    """A corpus whose `search` matches every query word in title or abstract (case-insensitive).

    Stands in for bot.search.index.PaperIndex at the boundary: the digest only needs `papers` and
    `search(query, limit, offset)` with `hits` and `total`.
    """

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers: tuple[Paper, ...] = tuple(papers)
        self.searches: list[tuple[str, int, int]] = []

    def search(self, query: str, *, limit: int = 10, offset: int = 0) -> _Results:
        self.searches.append((query, limit, offset))
        words = query.lower().split()
        if not words:
            raise QueryError("empty query")
        matches = [p for p in self.papers if all(w in f"{p.title} {p.abstract}".lower() for w in words)]
        return _Results(tuple(_Hit(p) for p in matches[offset : offset + limit]), len(matches))


@dataclass
class Sent:
    """One thing the fake publisher delivered, and the instant it did."""

    kind: str
    target: int
    payload: DigestPost | WeeklyDigest | str
    at: datetime
    message_id: int


@dataclass
class FakePublisher:
    """Records deliveries; `fail_posts`/`refuse_dm_users` make Discord refuse with a code, which becomes the
    core's DeliveryError exactly as the Discord publisher maps it (so the texts checked are the real ones)."""

    clock: ManualClock
    sent: list[Sent] = field(default_factory=list)
    fail_posts: list[int | None] = field(default_factory=list)  # codes for the next post_digest calls
    refuse_dm_users: set[int] = field(default_factory=set)
    post_attempts: int = 0
    _next_id: int = 1000

    def _record(self, kind: str, target: int, payload: DigestPost | WeeklyDigest | str) -> int:
        self._next_id += 1
        self.sent.append(Sent(kind, target, payload, self.clock.now(), self._next_id))
        return self._next_id

    async def post_digest(self, channel_id: int, post: DigestPost) -> int:
        self.post_attempts += 1
        if self.fail_posts:
            code = self.fail_posts.pop(0)
            raise refused_post(channel_id, code, f"Discord refused (code {code})")
        return self._record("post", channel_id, post)

    async def notify_admins(self, channel_id: int, text: str) -> None:
        self._record("admin", channel_id, text)

    async def send_dm(self, user_id: int, message: DigestPost | WeeklyDigest) -> int:
        if user_id in self.refuse_dm_users:
            raise refused_dm(DMS_CLOSED, "Cannot send messages to this user")
        return self._record("dm", user_id, message)

    def of_kind(self, kind: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind]

    def posts(self) -> list[DigestPost]:
        return [s.payload for s in self.sent if s.kind == "post" and isinstance(s.payload, DigestPost)]


async def open_db(folder: Path) -> Database:
    """A migrated SQLite database file under `folder` (the same file each call: a 'restart')."""
    return await Database.open(default_sqlite_url(folder))


def digest_service(
    db: Database,
    corpus: Callable[[], CorpusView],
    publisher: DigestPublisher,
    clock: ManualClock,
    **options: Any,
) -> DigestService:
    """A DigestService on `db`'s repositories, wired as `bot.app.open_app` wires it."""
    guilds = GuildRepo(db, clock, default_timezone=options.get("default_timezone", "UTC"))
    return DigestService(
        corpus, publisher, clock, store=DigestRepo(db), corpus_dates=CorpusRepo(db), guilds=guilds, **options
    )


def subscription_service(
    db: Database,
    corpus: Callable[[], CorpusView],
    publisher: DigestPublisher,
    clock: ManualClock,
    *,
    digest: DigestService,
) -> SubscriptionService:
    """A SubscriptionService on `db`'s repository, wired as `bot.app.open_app` wires it."""
    return SubscriptionService(corpus, publisher, clock, store=SubscriptionRepo(db), digest=digest)
