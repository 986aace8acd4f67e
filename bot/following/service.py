"""Following people on arXiv: follow (with a baseline), unfollow, and the daily run that imports and
announces what is new — each paper once per server, whatever restarts or outages happen.

The run, per server with an announcement channel and per followed query:
1. Ask arXiv (politely: the sources space requests 3 s apart). A failure — arXiv down, 503, a malformed
   feed — is logged and the query is skipped; the next run asks again. Nothing was changed.
2. For each paper not in the server's ledger, oldest first: add it to the corpus (one transaction: never
   half-imported; an existing paper is recognised, not duplicated), claim its announcement in the ledger
   (committed), post it, then mark it posted. A transient refusal releases the claim (the next run retries);
   a permanent one marks it failed. A process killed between claim and post skips that one announcement:
   at most once beats twice.
Following a query first records what arXiv already lists for it as the baseline, so following someone
announces their *new* papers, not their back catalogue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.corpus.ids import paper_identifiers
from bot.corpus.model import Paper
from bot.errors import DeliveryError, SourceError, UserError
from bot.following.ports import ArxivSearch, Follow, FollowPublisher, FollowStore, PaperAdder
from bot.following.queries import read_follow
from bot.shards import EVERY_SERVER, Shards

__all__ = ["FollowRun", "FollowService"]

log = logging.getLogger("paperbot.following")

MAX_FOLLOWS = 25


@dataclass(frozen=True)
class FollowRun:
    """What one server's run did: papers announced, queries that failed (retried next run)."""

    guild_id: int
    announced: tuple[str, ...] = ()
    failed_queries: tuple[str, ...] = ()
    undelivered: tuple[str, ...] = ()


def _key(paper: Paper) -> str | None:
    """The paper's arXiv identifier ('arxiv:2302.11563'), the ledger's key."""
    keys = sorted(i for i in paper_identifiers(paper) if i.startswith("arxiv:"))
    return keys[0] if keys else None


class FollowService:
    """Follows per server, and the run that announces new papers once."""

    def __init__(
        self,
        store: FollowStore,
        search: ArxivSearch,
        adder: PaperAdder,
        publisher: FollowPublisher,
        clock: Clock,
    ) -> None:
        self.store = store
        self._search = search
        self._adder = adder
        self._publisher = publisher
        self._clock = clock

    async def follow(self, guild_id: int, text: str, actor: str) -> tuple[Follow, int]:
        """Follow a name or arXiv query; returns the follow and how many papers it already lists (not
        announced). SourceError if arXiv can't be asked now (nothing stored), UserError if already
        followed or too many."""
        wanted = read_follow(text)
        current = await self.store.follows(guild_id)
        if any(f.query == wanted.query for f in current):
            raise UserError(f"This server already follows {wanted.label}.")
        if len(current) >= MAX_FOLLOWS:
            raise UserError(f"This server follows {MAX_FOLLOWS} already; unfollow one first.")
        existing = await self._search.search_arxiv(wanted.query)
        follow = Follow(guild_id, wanted.query, wanted.label, actor, self._clock.now())
        baseline = {key for paper in existing if (key := _key(paper))}
        if not await self.store.add_follow(follow, baseline):
            raise UserError(f"This server already follows {wanted.label}.")
        log.info(
            "server %d follows %s (%d papers already out), by %s",
            guild_id,
            wanted.query,
            len(baseline),
            actor,
        )
        return follow, len(baseline)

    async def unfollow(self, guild_id: int, text: str) -> Follow:
        """Stop following; UserError if the server didn't."""
        wanted = read_follow(text)
        follow = next((f for f in await self.store.follows(guild_id) if f.query == wanted.query), None)
        if follow is None or not await self.store.remove_follow(guild_id, wanted.query):
            raise UserError(f"This server doesn't follow {wanted.label}. See `/corpus following`.")
        return follow

    async def run_all(self, shards: Shards = EVERY_SERVER) -> list[FollowRun]:
        """Run every server of `shards` that follows someone (the daily job)."""
        guilds = sorted({f.guild_id for f in await self.store.follows() if shards.owns(f.guild_id)})
        return [await self.run(guild_id) for guild_id in guilds]

    async def run(self, guild_id: int) -> FollowRun:
        """Import and announce what is new for one server's follows (see the module docstring)."""
        channel_id = await self.store.channel(guild_id)
        if channel_id is None:
            return FollowRun(guild_id)
        announced: list[str] = []
        failed: list[str] = []
        undelivered: list[str] = []
        for follow in await self.store.follows(guild_id):
            try:
                found = await self._search.search_arxiv(follow.query)
            except SourceError as exc:
                log.warning(
                    "following %s for server %d: %s; trying again next run",
                    follow.query,
                    guild_id,
                    exc.detail,
                )
                failed.append(follow.query)
                continue
            keyed = [(key, paper) for paper in found if (key := _key(paper))]
            known = await self.store.known(guild_id, (key for key, _ in keyed))
            for key, paper in sorted(keyed, key=lambda kp: kp[1].published or date.min):
                if key in known:
                    continue
                outcome = await self._announce(guild_id, channel_id, key, paper, follow)
                if outcome is True:
                    announced.append(key)
                elif outcome is False:
                    undelivered.append(key)
        return FollowRun(guild_id, tuple(announced), tuple(failed), tuple(undelivered))

    async def _announce(
        self, guild_id: int, channel_id: int, key: str, paper: Paper, follow: Follow
    ) -> bool | None:
        """Add, claim, post, mark. True: announced; False: not delivered; None: someone else has it."""
        result = await self._adder.add_found(paper, f"follow:{guild_id}", f"following {follow.label}")
        now = self._clock.now()
        if not await self.store.claim(guild_id, key, result.paper.id, now):
            return None
        try:
            message_id = await self._publisher.announce_paper(channel_id, result.paper)
        except DeliveryError as exc:
            if exc.permanent:
                await self.store.mark_failed(guild_id, key, exc.message)
                log.warning("announcing %s in server %d failed for good: %s", key, guild_id, exc.message)
            else:
                await self.store.release(guild_id, key)
                log.warning("announcing %s in server %d failed, will retry: %s", key, guild_id, exc.message)
            return False
        await self.store.mark_posted(guild_id, key, message_id, self._clock.now())
        log.info("announced %s (%s) in server %d", key, result.paper.id, guild_id)
        return True
