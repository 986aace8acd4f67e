"""All of paperbot's scheduled work, on one APScheduler: `Schedules`, built by the entry point
(`bot.serve`) and handed to the Discord client, which starts it in setup_hook and stops it on shutdown.

    DigestScheduler    the paper of the day and members' DM digests: one job per server, from stored settings
    ReadingGroupJobs   every minute: close ballots past their deadline, send due session reminders
    FollowJobs         every day: import and announce followed people's new arXiv papers
    StoredPapersJob    every minute: serve papers another process stored (`paperbot add`, another shard)

The paper of the day: one job per server, derived from stored settings.

Why a one-shot DateTrigger re-armed after each run, not a CronTrigger: the instant comes from
`bot.digest.next_run`, the same zoneinfo computation the tests check across DST changes, recomputed from
the *current* settings each time — so APScheduler never holds a schedule of its own that could drift from
the database. Jobs live in the default in-memory job store and are rebuilt from the database at start-up,
when settings change (the service notifies us), and every `resync_every` (which also picks up changes
made by another process on the same database). Nothing is pickled; the job callable is this object's
`fire` method with the guild id as its only argument.

Exactly-once does not depend on this module: `DigestService.run_due` claims the day in the database, so a
job that fires twice, late, or in two processes still posts once.

Who runs which server's jobs does: each job is given this process's `Shards` (`bot.shards`) and only works
for the servers it owns — the servers whose commands this process hears. Several processes on one database
therefore split the work instead of each doing all of it. A member's DM digest goes out with their
server's paper of the day (`DigestService.run_due`), so it belongs to the process owning that server: it
follows the schedule the member subscribed under, and needs no owner of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.additions.sync import StoredPaperSync
from bot.digest import next_run
from bot.digest.models import DigestSettings
from bot.digest.ports import Outcome
from bot.digest.service import DigestService
from bot.following.service import FollowService
from bot.readinggroup.reminding import ReminderPublisher
from bot.readinggroup.results import BallotResult
from bot.readinggroup.service import ReadingGroupService
from bot.shards import EVERY_SERVER, Shards

log = logging.getLogger("paperbot.scheduling")

JOB_PREFIX = "digest:"
SYNC_JOB_ID = "digest-sync"
READING_GROUP_JOB_ID = "readinggroup:jobs"
READING_GROUP_EVERY = timedelta(minutes=1)
FOLLOW_JOB_ID = "following:daily"
FOLLOW_EVERY = timedelta(days=1)
STORED_PAPERS_JOB_ID = "corpus:stored-papers"
STORED_PAPERS_EVERY = timedelta(minutes=1)
DIGEST_RUNS_AT_ONCE = 5
"""Servers whose paper of the day is being run at the same moment, at most. Many servers due in the same
minute (a thousand, measured by benchmarks/load.py) otherwise all wait for the database pool at once, and
the unlucky ones give up after its 30 s timeout and miss their day; a run takes about eight short
transactions and one Discord post, so a few at a time keep the database busy. Five is SQLAlchemy's pool
size: the digest never needs the overflow connections, which stay free for members' commands."""


def arm_every(
    scheduler: AsyncIOScheduler,
    job: Callable[[], Awaitable[None]],
    name: str,
    every: timedelta,
    *,
    first: datetime | None = None,
) -> None:
    """Run `job` every `every` (first at `first`, else one interval from now), replacing the job named so."""
    extra = {} if first is None else {"next_run_time": first}
    trigger = IntervalTrigger(seconds=every.total_seconds(), timezone=UTC)
    scheduler.add_job(job, trigger, id=name, replace_existing=True, **extra)


def job_id(guild_id: int) -> str:
    """The APScheduler job id of a server's paper of the day."""
    return f"{JOB_PREFIX}{guild_id}"


class DigestScheduler:
    """Keeps one APScheduler job per server pointed at its next scheduled instant."""

    def __init__(
        self,
        service: DigestService,
        *,
        shards: Shards = EVERY_SERVER,
        resync_every: timedelta = timedelta(minutes=15),
        runs_at_once: int = DIGEST_RUNS_AT_ONCE,
    ) -> None:
        """Keep the jobs of `shards`' servers (every server by default), running at most `runs_at_once`
        of them at the same moment."""
        self._service = service
        self._shards = shards
        self._resync_every = resync_every
        self._runs = asyncio.Semaphore(runs_at_once)
        self._scheduler: AsyncIOScheduler | None = None
        self._retries: dict[int, datetime] = {}

    @property
    def scheduler(self) -> AsyncIOScheduler:
        """The running APScheduler (after `start`)."""
        if self._scheduler is None:
            raise RuntimeError("DigestScheduler.start() has not been called")
        return self._scheduler

    async def start(self, *, catch_up: bool = True, paused: bool = False) -> list[Outcome]:
        """Start inside the running event loop (e.g. discord.py's setup_hook): record new corpus papers,
        post what was missed within the grace window, then arm every server's job. `paused=True` arms
        the jobs without ever firing them (for tests and dry runs). Returns the catch-up outcomes."""
        self._scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        )
        self._scheduler.start(paused=paused)
        self._service.add_listener(self.reschedule)
        await self._service.sync_corpus()
        outcomes = await self._service.catch_up_all(self._shards) if catch_up else []
        await self.sync()
        self._scheduler.add_job(
            self.sync,
            IntervalTrigger(seconds=self._resync_every.total_seconds(), timezone=UTC),
            id=SYNC_JOB_ID,
            replace_existing=True,
        )
        return outcomes

    async def sync(self) -> None:
        """Re-derive every owned server's job from the database; drop jobs of servers without settings."""
        wanted = {s.guild_id: s for s in await self._service.all_settings(self._shards)}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and int(job.id.removeprefix(JOB_PREFIX)) not in wanted:
                job.remove()
        for settings in wanted.values():
            self._arm(settings)

    async def reschedule(self, guild_id: int) -> datetime | None:
        """Re-arm one server's job after its settings changed; returns the new run time (None: removed)."""
        if self._scheduler is None:
            return None
        settings = await self._service.settings(guild_id) if self._shards.owns(guild_id) else None
        if settings is None:
            if self._scheduler.get_job(job_id(guild_id)) is not None:
                self._scheduler.remove_job(job_id(guild_id))
            return None
        return self._arm(settings)

    async def fire(self, guild_id: int) -> Outcome | None:
        """The job body: run the server's due post, then arm the next run (or a retry) — waiting its
        turn among at most `runs_at_once` runs (see DIGEST_RUNS_AT_ONCE)."""
        async with self._runs:
            return await self._run(guild_id)

    async def _run(self, guild_id: int) -> Outcome | None:
        outcome: Outcome | None = None
        try:
            outcome = await self._service.run_due(guild_id)
        except Exception:
            log.exception("paper of the day for server %s failed unexpectedly", guild_id)
        settings = await self._service.settings(guild_id)
        if settings is None:
            return outcome
        self._retries.pop(guild_id, None)
        if outcome is not None and outcome.retry_at is not None and outcome.local_date is not None:
            slot = settings.schedule.instant_on(outcome.local_date)
            if outcome.retry_at - slot <= self._service.grace:
                self._retries[guild_id] = outcome.retry_at
        self._arm(settings)
        return outcome

    def _arm(self, settings: DigestSettings) -> datetime:
        now = self._service.clock.now()
        run_at = next_run(settings.schedule, now)
        retry = self._retries.get(settings.guild_id)
        if retry is not None and now <= retry < run_at:
            run_at = retry
        current = self.scheduler.get_job(job_id(settings.guild_id))
        if current is not None and current.next_run_time == run_at:
            return run_at  # already armed for that instant (the periodic resync changes nothing)
        self.scheduler.add_job(
            self.fire,
            DateTrigger(run_date=run_at, timezone=settings.schedule.zone),
            args=(settings.guild_id,),
            id=job_id(settings.guild_id),
            name=f"paper of the day, server {settings.guild_id}",
            replace_existing=True,
        )
        return run_at

    def next_run_times(self) -> dict[int, datetime]:
        """Each server's armed run time (for a health command and tests)."""
        times = {}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.next_run_time is not None:
                times[int(job.id.removeprefix(JOB_PREFIX))] = job.next_run_time
        return times

    def shutdown(self) -> None:
        """Stop firing jobs (a run in progress finishes or is cancelled with the loop)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None


class BallotAnnouncer(Protocol):
    """Shows a closed ballot's result where the group sees it (on Discord: `RgPosts`)."""

    async def after_ballot(self, result: BallotResult) -> Sequence[str]:
        """Show the result, announce the winner and its session; returns problems for the admins."""
        ...


class ReadingGroupJobs:
    """The reading group's periodic job: close ballots past their deadline (announcing winners and new
    sessions), then send due reminders. The reminder ledger makes a late or doubled run harmless."""

    def __init__(
        self,
        service: ReadingGroupService,
        publisher: ReminderPublisher,
        announcer: BallotAnnouncer,
        *,
        shards: Shards = EVERY_SERVER,
        every: timedelta = READING_GROUP_EVERY,
    ) -> None:
        """Close the ballots and send the reminders of `shards`' servers (every server by default)."""
        self._service = service
        self._publisher = publisher
        self._announcer = announcer
        self._shards = shards
        self._every = every

    def arm(self, scheduler: AsyncIOScheduler) -> None:
        """Run `run` every `every` (a minute by default)."""
        arm_every(scheduler, self.run, READING_GROUP_JOB_ID, self._every)

    async def run(self) -> None:
        """The job body (tests call it directly after moving the clock)."""
        try:
            results = await self._service.ballots.close_due(self._shards)
        except Exception:
            log.exception("reading group: closing ballots past their deadline failed")
            results = []
        for result in results:
            try:
                await self._announcer.after_ballot(result)
            except Exception:
                log.exception("reading group: announcing the result of ballot #%d failed", result.ballot.id)
        try:
            outcomes = await self._service.reminders.send_due(self._publisher, self._shards)
        except Exception:
            log.exception("reading group: sending reminders failed")
            return
        for outcome in outcomes:
            if outcome.status == "failed":
                log.warning(
                    "reading group: reminder for session #%d in channel %d not sent (will retry): %s",
                    outcome.reminder.session.id,
                    outcome.reminder.channel_id,
                    outcome.error.message if outcome.error else "unknown",
                )


class FollowJobs:
    """Once a day (and once at start-up, shortly after): followed people's new papers, imported and
    announced once (`FollowService.run_all`; its ledger, not this job, makes "once" hold)."""

    def __init__(
        self, service: FollowService, *, shards: Shards = EVERY_SERVER, every: timedelta = FOLLOW_EVERY
    ) -> None:
        """Run the follows of `shards`' servers (every server by default)."""
        self._service = service
        self._shards = shards
        self._every = every

    def arm(self, scheduler: AsyncIOScheduler) -> None:
        """Run `run` every `every`, the first time a minute after start-up (not during the catch-up)."""
        arm_every(
            scheduler, self.run, FOLLOW_JOB_ID, self._every, first=datetime.now(UTC) + timedelta(minutes=1)
        )

    async def run(self) -> None:
        """The job body (tests call it directly). A failure is logged; the next run tries again."""
        try:
            runs = await self._service.run_all(self._shards)
        except Exception:
            log.exception("following: the daily run failed; it runs again tomorrow")
            return
        for run in runs:
            if run.announced or run.failed_queries or run.undelivered:
                log.info(
                    "following: server %d: %d announced, %d queries failed, %d not delivered (retried)",
                    run.guild_id,
                    len(run.announced),
                    len(run.failed_queries),
                    len(run.undelivered),
                )


class StoredPapersJob:
    """Every minute: papers another process stored are served here too (`StoredPaperSync`). Every process
    serves the whole corpus, so this job runs in each, whatever its shards."""

    def __init__(self, sync: StoredPaperSync, *, every: timedelta = STORED_PAPERS_EVERY) -> None:
        self._sync = sync
        self._every = every

    def arm(self, scheduler: AsyncIOScheduler) -> None:
        """Run `run` every `every`."""
        arm_every(scheduler, self.run, STORED_PAPERS_JOB_ID, self._every)

    async def run(self) -> None:
        """The job body (tests call it directly). A failure is logged; the next minute tries again."""
        try:
            if await self._sync.refresh():
                log.info("corpus: papers stored by another process are served now")
        except Exception:
            log.exception("corpus: checking for papers another process stored failed; retrying in a minute")


class Schedules:
    """Every scheduled job of a running bot, on the digest's APScheduler. `paused=True` arms the jobs
    without ever firing them (for tests and dry runs)."""

    def __init__(
        self,
        digest: DigestScheduler,
        reading_group: ReadingGroupJobs,
        *,
        following: FollowJobs | None = None,
        stored_papers: StoredPapersJob | None = None,
        paused: bool = False,
    ) -> None:
        self.digest = digest
        self.reading_group = reading_group
        self.following = following
        self.stored_papers = stored_papers
        self.paused = paused

    @property
    def scheduler(self) -> AsyncIOScheduler:
        """The running APScheduler (after `start`)."""
        return self.digest.scheduler

    async def start(self) -> None:
        """Start inside the running loop: the digest's catch-up and jobs, then the reading group's job."""
        await self.digest.start(paused=self.paused)
        self.reading_group.arm(self.digest.scheduler)
        if self.following is not None:
            self.following.arm(self.digest.scheduler)
        if self.stored_papers is not None:
            self.stored_papers.arm(self.digest.scheduler)

    def shutdown(self) -> None:
        """Stop firing jobs."""
        self.digest.shutdown()
