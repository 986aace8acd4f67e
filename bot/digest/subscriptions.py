"""Members' DM digests: `/subscribe [topic] [daily|weekly]`, `/unsubscribe`, and the DMs themselves.

A subscriber follows the schedule of the server they subscribed from (its zone and time), but has their
own rotation: a daily subscriber never gets the same paper twice until they have seen every paper on
their topic, like a server. Weekly subscribers get the week in review on the server's weekly day (Monday
unless the server chose another). Each DM is claimed in the DM ledger (unique per user and period) before
sending, so restarts and a second process never send it twice. A DM the publisher refuses for good (on
Discord: the member closed their DMs or left) ends the subscription with the publisher's reason, and a log
line — retrying would only fail again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from bot.clock import Clock
from bot.digest.choice import Shown, choose_paper, topic_pool
from bot.digest.models import Cadence, DigestSettings, Subscription
from bot.digest.ports import CorpusView, DigestPublisher, SubscriptionStore
from bot.digest.post import DigestPost, WeeklyDigest, compose_weekly, make_post
from bot.digest.service import DigestService
from bot.errors import DeliveryError, UserError

log = logging.getLogger("paperbot.subscriptions")


def period_of(cadence: Cadence, day: date) -> str:
    """The DM ledger period: '2026-03-02' for a daily DM, '2026-W10' (ISO week) for a weekly one."""
    if cadence == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def parse_cadence(text: str | None) -> Cadence:
    """'daily' (default) or 'weekly'; a UserError otherwise."""
    value = (text or "daily").strip().lower()
    if value == "daily":
        return "daily"
    if value == "weekly":
        return "weekly"
    raise UserError(f"“{text}” is not a digest frequency. Choose daily or weekly.")


class SubscriptionService:
    """Subscribe, unsubscribe, and send the DMs due on a server's run (registered on the DigestService)."""

    def __init__(
        self,
        corpus: Callable[[], CorpusView],
        publisher: DigestPublisher,
        clock: Clock,
        *,
        store: SubscriptionStore,
        digest: DigestService,
    ) -> None:
        self.repo = store
        self._corpus = corpus
        self._publisher = publisher
        self._clock = clock
        self._digest = digest
        digest.set_dm_sender(self.send_due)

    async def subscribe(
        self, user_id: int, guild_id: int, topic: str | None = None, cadence: str | None = "daily"
    ) -> Subscription:
        """Start (or change) the member's DM digest; the topic must match at least one paper."""
        chosen = parse_cadence(cadence)
        cleaned = (topic or "").strip() or None
        if cleaned is not None:
            await self._digest.offload(topic_pool, self._corpus(), cleaned)
        await self._digest.ensure_settings(guild_id)  # the server's schedule drives the DMs
        return await self.repo.upsert(Subscription(user_id, guild_id, cleaned, chosen), self._clock.now())

    async def unsubscribe(self, user_id: int) -> bool:
        """End the member's DM digest; False if they had none."""
        return await self.repo.end(user_id, "unsubscribed", self._clock.now())

    async def get(self, user_id: int) -> Subscription | None:
        """The member's subscription, active or ended (with the reason)."""
        return await self.repo.get(user_id)

    async def send_due(self, settings: DigestSettings, day: date, weekly: WeeklyDigest | None) -> int:
        """Send every DM due for this server's run on `day`; returns how many went out."""
        sent = 0
        for sub in await self.repo.active_for_guild(settings.guild_id):
            if sub.cadence == "weekly" and weekly is None:
                continue
            try:
                message = await self._message_for(sub, day, weekly)
            except UserError as exc:
                log.info("no DM digest for user %s on %s: %s", sub.user_id, day, exc.message)
                continue
            sent += await self._deliver(sub, day, message)
        return sent

    async def _message_for(
        self, sub: Subscription, day: date, weekly: WeeklyDigest | None
    ) -> DigestPost | WeeklyDigest:
        corpus = self._corpus()
        pool = (
            await self._digest.offload(topic_pool, corpus, sub.topic) if sub.topic else tuple(corpus.papers)
        )
        if sub.cadence == "weekly":
            assert weekly is not None
            pool_ids = {p.id for p in pool}
            return compose_weekly(
                start=weekly.start,
                end=weekly.end,
                featured=weekly.featured,
                new_papers=[p for p in weekly.new_papers if p.id in pool_ids],
                upcoming=weekly.upcoming,
                topic=sub.topic,
            )
        history = [
            Shown(e.paper_id, e.cycle, e.local_date)
            for e in await self.repo.dm_history(sub.user_id)
            if e.paper_id is not None and e.cycle is not None and e.status != "failed" and e.local_date < day
        ]
        first_seen = await self._digest.corpus_repo.first_seen()
        pick = choose_paper(
            pool, history, seed=f"user:{sub.user_id}", on=day, topic=sub.topic, first_seen=first_seen
        )
        return make_post(pick, topic=sub.topic)

    async def _deliver(self, sub: Subscription, day: date, message: DigestPost | WeeklyDigest) -> int:
        period = period_of(sub.cadence, day)
        paper_id = message.paper.id if isinstance(message, DigestPost) else None
        cycle = message.cycle if isinstance(message, DigestPost) else None
        now = self._clock.now()
        if not await self.repo.claim_dm(
            user_id=sub.user_id,
            guild_id=sub.guild_id,
            period=period,
            local_date=day,
            paper_id=paper_id,
            cycle=cycle,
            now=now,
        ):
            return 0
        try:
            message_id = await self._publisher.send_dm(sub.user_id, message)
        except DeliveryError as exc:
            if exc.permanent:
                await self.repo.mark_dm_failed(sub.user_id, period, exc.message)
                await self.repo.end(sub.user_id, exc.reason, self._clock.now())
                log.warning("ended the DM digest of user %s: %s", sub.user_id, exc.reason)
            else:
                await self.repo.release_dm(sub.user_id, period)
                log.warning(
                    "DM digest to user %s not delivered (%s); retried if this run repeats today",
                    sub.user_id,
                    exc.message,
                )
            return 0
        await self.repo.mark_dm_sent(sub.user_id, period, message_id, self._clock.now())
        return 1
