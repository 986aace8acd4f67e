"""Paper of the day, end to end: settings, the exactly-once claim, posting, preview, catch-up.

`run_due(guild_id)` is the one job body. It finds the server's latest scheduled instant; if that is no more
than `grace` ago and its local day is unclaimed, it picks the paper, claims the day in the ledger (the
unique key decides races), posts, and records the message id. The scheduler calls it at each scheduled
instant and `catch_up_all()` calls it for every server at start-up — so a bot that was down at 09:00
posts once when it returns at 11:00, and not at all when it returns at 16:00 (grace 6 h).

Failures: a refusal the publisher calls permanent (on Discord: missing access or permissions, a deleted
channel) will not fix itself, so the day is marked failed, the server's post is paused with the publisher's
reason, and the admins are told once (admin channel if set, and always the log). Anything else releases the
claim and asks for a retry. Which refusals are permanent, and how a channel is named, is the publisher's
business: the core reads no platform error codes and writes no platform markup.

`preview()` runs the same composition (bot.digest.compose) without recording anything, so it shows
exactly what `post_now()` — or the scheduled post — will send.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Literal

from bot.clock import Clock
from bot.digest.compose import WEEK, PostComposer
from bot.digest.models import DigestSettings, LedgerEntry
from bot.digest.ports import (
    CorpusDates,
    CorpusView,
    DigestPublisher,
    DigestStore,
    GuildDirectory,
    Outcome,
    OutcomeStatus,
)
from bot.digest.post import DigestPost, WeeklyDigest
from bot.digest.preview import check_horizon
from bot.digest.schedule import next_run, parse_post_time, parse_timezone, previous_run, run_dates
from bot.errors import DeliveryError, UserError
from bot.offload import Offload, inline
from bot.shards import EVERY_SERVER, Shards

log = logging.getLogger("paperbot.digest")


class _Unset(Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET
"""Marks a `configure` argument as "leave unchanged" (None is a real value: clear the channel/topic)."""
Unset = Literal[_Unset.UNSET]
SettingsListener = Callable[[int], Awaitable[object]]
DmSender = Callable[[DigestSettings, date, WeeklyDigest | None], Awaitable[int]]


@dataclass(frozen=True)
class DigestStatus:
    """A server's digest at a glance: what is set, when it runs next, what happened last."""

    settings: DigestSettings
    next_run: datetime
    last: LedgerEntry | None


def _instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class DigestService:
    """The paper-of-the-day core every front end calls (scheduler, Discord commands, CLI)."""

    def __init__(
        self,
        corpus: Callable[[], CorpusView],
        publisher: DigestPublisher,
        clock: Clock,
        *,
        store: DigestStore,
        corpus_dates: CorpusDates,
        guilds: GuildDirectory,
        grace: timedelta = timedelta(hours=6),
        retry_delay: timedelta = timedelta(minutes=5),
        default_time: time = time(9, 0),
        default_timezone: str = "UTC",
        instance: str | None = None,
        offload: Offload = inline,
    ) -> None:
        """`offload` runs the topic searches (the Discord bot's `WorkerPool`; in place by default)."""
        self._corpus = corpus
        self._publisher = publisher
        self._clock = clock
        self.grace = grace
        self.retry_delay = retry_delay
        self._default_time = default_time
        self._default_timezone = default_timezone
        self._instance = instance or _instance_name()
        self.repo = store
        """Settings and the ledger (read by front ends for history; every write goes through this service)."""
        self.corpus_repo = corpus_dates
        """First-seen dates of papers (shared with SubscriptionService)."""
        self.guilds = guilds
        self.offload = offload
        self.composer = PostComposer(store, corpus_dates, corpus, offload)
        self._listeners: list[SettingsListener] = []
        self._dm_sender: DmSender | None = None

    @property
    def clock(self) -> Clock:
        """The clock every decision reads."""
        return self._clock

    def add_listener(self, listener: SettingsListener) -> None:
        """Call `listener(guild_id)` after a server's settings change (the scheduler re-derives its job)."""
        self._listeners.append(listener)

    def set_dm_sender(self, sender: DmSender) -> None:
        """Plug in the subscriber DMs sent after each server's scheduled run (SubscriptionService does)."""
        self._dm_sender = sender

    async def _changed(self, guild_id: int) -> None:
        for listener in self._listeners:
            await listener(guild_id)

    # -------------------------------------------------------------------------------------- settings

    async def settings(self, guild_id: int) -> DigestSettings | None:
        """The server's settings, if it has any."""
        return await self.repo.get_settings(guild_id)

    async def all_settings(self, shards: Shards = EVERY_SERVER) -> list[DigestSettings]:
        """Every server of `shards` with settings (the scheduler derives its jobs from these)."""
        return [s for s in await self.repo.all_settings() if shards.owns(s.guild_id)]

    async def ensure_settings(self, guild_id: int) -> DigestSettings:
        """The server's settings, creating defaults (channel post off, server's zone) if it has none."""
        existing = await self.repo.get_settings(guild_id)
        if existing is not None:
            return existing
        zone = (await self.guilds.get(guild_id)).timezone or self._default_timezone
        fresh = DigestSettings(guild_id, None, self._default_time, zone, seed=str(guild_id))
        saved = await self.repo.save_settings(fresh, self._clock.now())
        await self._changed(guild_id)
        return saved

    async def configure(
        self,
        guild_id: int,
        *,
        channel_id: int | Unset | None = UNSET,
        post_time: str | time | Unset = UNSET,
        timezone: str | Unset = UNSET,
        weekdays_only: bool | Unset = UNSET,
        weekly_day: int | Unset | None = UNSET,
        topic: str | Unset | None = UNSET,
        enabled: bool | Unset = UNSET,
    ) -> DigestSettings:
        """Change some settings (the rest stay); validates each and re-arms the schedule.

        A pause (Discord refused a post, a topic stopped matching) is cleared only by choosing the
        channel or turning the post on — the changes a front end checks the bot's permissions for first
        (as `resume` does). A new time, zone, topic or weekly day leaves the server paused, so nothing
        goes out until an admin has seen why it stopped (`status` says why).
        """
        current = await self.ensure_settings(guild_id)
        changes: dict[str, object] = {}
        if channel_id is not UNSET or enabled is True:
            changes["paused_reason"] = None
        if channel_id is not UNSET:
            changes["channel_id"] = channel_id
        if post_time is not UNSET:
            changes["post_time"] = parse_post_time(post_time) if isinstance(post_time, str) else post_time
        if timezone is not UNSET:
            changes["timezone"] = parse_timezone(timezone)
        if weekdays_only is not UNSET:
            changes["weekdays_only"] = weekdays_only
        if weekly_day is not UNSET:
            if weekly_day is not None and not 0 <= weekly_day <= 6:
                raise UserError("The weekly digest day is 0 (Monday) to 6 (Sunday).")
            changes["weekly_day"] = weekly_day
        if topic is not UNSET:
            cleaned = (topic or "").strip() or None
            if cleaned is not None:
                await self.composer.pool(cleaned)  # a QueryError now beats a silent pause tomorrow
            changes["topic"] = cleaned
        if enabled is not UNSET:
            changes["enabled"] = enabled
        updated = replace(current, **changes)  # type: ignore[arg-type]
        if updated.enabled and updated.channel_id is None:
            raise UserError("Choose the channel for the paper of the day first, then turn it on.")
        saved = await self.repo.save_settings(updated, self._clock.now())
        await self._changed(guild_id)
        return saved

    async def resume(self, guild_id: int) -> bool:
        """Un-pause the channel post after an admin fixed the cause; True if it was paused."""
        resumed = await self.repo.resume(guild_id, self._clock.now())
        await self._changed(guild_id)
        return resumed

    async def status(self, guild_id: int) -> DigestStatus:
        """Settings, the next scheduled instant and the latest ledger entry — for `/digest status`, so an
        admin can see a pause, a failure or a silent gap without reading logs."""
        settings = await self._require(guild_id)
        history = await self.repo.history(guild_id)
        return DigestStatus(
            settings, next_run(settings.schedule, self._clock.now()), history[-1] if history else None
        )

    async def next_fire(self, guild_id: int) -> datetime | None:
        """When the server's next scheduled run is, in its zone (None without settings)."""
        settings = await self.repo.get_settings(guild_id)
        return next_run(settings.schedule, self._clock.now()) if settings else None

    async def sync_corpus(self) -> tuple[str, ...]:
        """Record first-seen dates of papers not seen before; returns their ids. Call at start-up (the
        scheduler does) and after each corpus reload."""
        return await self.corpus_repo.record((p.id for p in self._corpus().papers), self._clock.now())

    # --------------------------------------------------------------------------------------- running

    async def run_due(self, guild_id: int) -> Outcome:
        """Post the paper of the day if a scheduled instant passed within the grace window and its day
        is unclaimed; then send due subscriber DMs. Safe to call any number of times."""
        settings = await self.repo.get_settings(guild_id)
        if settings is None:
            return Outcome(guild_id, OutcomeStatus.NO_SETTINGS, detail="no paper-of-the-day settings")
        now = self._clock.now()
        slot = previous_run(settings.schedule, now)
        day = settings.schedule.local_date(slot)
        if now - slot > self.grace:
            detail = f"the last scheduled time ({slot:%Y-%m-%d %H:%M %Z}) is more than {self.grace} ago"
            return Outcome(guild_id, OutcomeStatus.NOT_DUE, day, detail=detail)
        outcome = await self._post_channel(settings, day, slot, manual=False)
        if self._dm_sender is not None:
            weekly = await self.composer.weekly_for_subscribers(settings, day)
            outcome = replace(outcome, dms_sent=await self._dm_sender(settings, day, weekly))
        return outcome

    async def catch_up_all(self, shards: Shards = EVERY_SERVER) -> list[Outcome]:
        """At start-up: one run per server of `shards`, which posts only what is due within the grace
        window."""
        outcomes = []
        for settings in await self.all_settings(shards):
            outcome = await self.run_due(settings.guild_id)
            if outcome.status is OutcomeStatus.POSTED:
                log.info(
                    "catch-up: posted the paper of %s in server %s", outcome.local_date, settings.guild_id
                )
            outcomes.append(outcome)
        return outcomes

    async def post_now(self, guild_id: int) -> Outcome:
        """Post today's paper of the day now (an admin's `/digest now`); the scheduled post then finds
        the day taken. UserError if today's is already out or no channel is set."""
        settings = await self._require(guild_id)
        if settings.channel_id is None:
            raise UserError("There is no channel for the paper of the day yet. Choose one first.")
        day = settings.schedule.local_date(self._clock.now())
        existing = await self.repo.entry(guild_id, day)
        if existing is not None and existing.counts_as_shown:
            raise UserError(await self._already_posted_message(settings, existing))
        return await self._post_channel(settings, day, None, manual=True)

    async def preview(self, guild_id: int, on: date | None = None) -> DigestPost:
        """The post for `on` (default: what `post_now` would post, or the next scheduled day's once
        today's is out), recording nothing. A past day shows what was posted."""
        settings = await self._require(guild_id)
        now = self._clock.now()
        today = settings.schedule.local_date(now)
        if on is None:
            entry = await self.repo.entry(guild_id, today)
            on = today if entry is None or not entry.counts_as_shown else self._next_day(settings, now)
        entry = await self.repo.entry(guild_id, on)
        if entry is not None and entry.counts_as_shown:
            return await self.composer.from_ledger(settings, entry)
        if on < today:
            raise UserError(f"No paper of the day was posted on {on:%a %d %b %Y} in this server.")
        check_horizon(today, on)
        planned = await self._planned_days(settings, now, on)
        return await self.composer.compose(settings, on, scheduled_for=None, planned_days=planned)

    # --------------------------------------------------------------------------------------- helpers

    async def _require(self, guild_id: int) -> DigestSettings:
        settings = await self.repo.get_settings(guild_id)
        if settings is None:
            raise UserError(
                "The paper of the day isn't set up in this server yet: an admin chooses its channel with "
                "`/digest channel`."
            )
        return settings

    @staticmethod
    def _next_day(settings: DigestSettings, now: datetime) -> date:
        """The first scheduled day after today."""
        tomorrow = settings.schedule.local_date(now) + timedelta(days=1)
        return run_dates(settings.schedule, tomorrow, tomorrow + WEEK)[0]

    async def _planned_days(self, settings: DigestSettings, now: datetime, target: date) -> list[date]:
        """The days before `target` that will get a post first (so their picks leave the pool)."""
        if not settings.enabled or settings.channel_id is None:
            return []
        schedule = settings.schedule
        today = schedule.local_date(now)
        days = run_dates(schedule, today, target)
        if days and days[0] == today:
            taken = await self.repo.entry(settings.guild_id, today)
            if taken is not None or now - schedule.instant_on(today) > self.grace:
                days = days[1:]
        return days

    async def _already_posted_message(self, settings: DigestSettings, entry: LedgerEntry) -> str:
        try:
            title = (await self.composer.from_ledger(settings, entry)).paper.title
        except UserError:
            title = entry.paper_id
        upcoming = settings.schedule.instant_on(self._next_day(settings, self._clock.now()))
        return (
            f"Today's paper of the day is already out (“{title}”). The next one goes out "
            f"{upcoming:%a %d %b at %H:%M} ({settings.timezone}); `/digest preview` shows it."
        )

    async def _post_channel(
        self, settings: DigestSettings, day: date, slot: datetime | None, *, manual: bool
    ) -> Outcome:
        guild_id = settings.guild_id
        if settings.channel_id is None or not (settings.enabled or manual):
            return Outcome(guild_id, OutcomeStatus.DISABLED, day, detail="no channel post configured")
        if settings.paused_reason and not manual:
            return Outcome(guild_id, OutcomeStatus.PAUSED, day, detail=settings.paused_reason)
        existing = await self.repo.entry(guild_id, day)
        if existing is not None and not (manual and not existing.counts_as_shown):
            return Outcome(guild_id, OutcomeStatus.ALREADY_DONE, day, detail=f"day already {existing.status}")
        try:
            post = await self.composer.compose(settings, day, scheduled_for=slot)
        except UserError as exc:  # a topic that matches nothing now, an empty corpus
            if manual:
                raise
            await self._pause(settings, f"I couldn't pick a paper of the day: {exc.message}")
            return Outcome(guild_id, OutcomeStatus.PAUSED, day, detail=exc.message)
        claim = LedgerEntry(
            guild_id, day, post.paper.id, post.cycle, post.position, post.pool_size, post.topic, post.reasons,
            "claimed", claimed_by=self._instance, claimed_at=self._clock.now(),
        )  # fmt: skip
        if not await self.repo.claim(claim, take_over_failed=manual):
            return Outcome(
                guild_id, OutcomeStatus.ALREADY_DONE, day, detail="another run claimed the day first"
            )
        return await self._publish(settings, day, post)

    async def _publish(self, settings: DigestSettings, day: date, post: DigestPost) -> Outcome:
        guild_id, channel_id = settings.guild_id, settings.channel_id
        assert channel_id is not None
        try:
            message_id = await self._publisher.post_digest(channel_id, post)
        except DeliveryError as exc:
            if exc.permanent:
                return await self._fail_permanently(settings, day, post, exc)
            await self.repo.release(guild_id, day)
            retry_at = self._clock.now() + self.retry_delay
            log.warning(
                "paper of the day for server %s not delivered (%s); will retry", guild_id, exc.message
            )
            return Outcome(guild_id, OutcomeStatus.RELEASED, day, post, detail=exc.message, retry_at=retry_at)
        except Exception:
            await self.repo.release(guild_id, day)  # unknown whether it went out is rarer than a bug here
            raise
        now = self._clock.now()
        await self.repo.mark_posted(guild_id, day, message_id, now, channel_id=channel_id)
        if settings.paused_reason is not None:
            await self.repo.resume(guild_id, now)
            await self._changed(guild_id)
        log.info(
            "posted the paper of %s in server %s: %s (%s)", day, guild_id, post.paper.id, post.position_label
        )
        return Outcome(guild_id, OutcomeStatus.POSTED, day, post, message_id=message_id)

    async def _fail_permanently(
        self, settings: DigestSettings, day: date, post: DigestPost, exc: DeliveryError
    ) -> Outcome:
        await self.repo.mark_failed(settings.guild_id, day, exc.message)
        text = f"{exc.reason}. The daily post is paused until this is fixed; then use `/digest resume`."
        await self._pause(settings, text)
        return Outcome(settings.guild_id, OutcomeStatus.FAILED, day, post, detail=text)

    async def _pause(self, settings: DigestSettings, text: str) -> None:
        """Pause the channel post and tell the admins — once, even if several runs hit the same wall."""
        if not await self.repo.pause(settings.guild_id, text, self._clock.now()):
            return
        log.warning("server %s: paper of the day paused: %s", settings.guild_id, text)
        await self._changed(settings.guild_id)
        admin_channel = (await self.guilds.get(settings.guild_id)).admin_channel_id
        if admin_channel is None:
            return
        try:
            await self._publisher.notify_admins(admin_channel, text)
        except DeliveryError as exc:
            log.warning(
                "server %s: could not tell the admins in channel %s either (%s)",
                settings.guild_id, admin_channel, exc.message,
            )  # fmt: skip
