"""Paper of the day over time: the APScheduler wiring, restarts, catch-up, two processes, DST.

Time is a ManualClock. The scheduler is started paused (it never fires on its own); a test reads the
instant a server's job is armed for, moves the clock there and calls the job body `fire` — exactly what
APScheduler would do at that instant, without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.digest import next_run
from bot.digest.ports import OutcomeStatus
from bot.digest.post import DigestPost
from bot.digest.service import DigestService
from bot.scheduling import DIGEST_RUNS_AT_ONCE, DigestScheduler, job_id
from bot.storage.database import Database
from tests.postgres_server import Databases
from tests.storage.fakes import FakeCorpus, FakePublisher, bundled_papers, digest_service

ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")
GUILD, CHANNEL = 1, 100


@dataclass
class Bot:
    """One running bot process: its database handle, service and (paused) scheduler."""

    service: DigestService
    scheduler: DigestScheduler

    async def fire_next(self, clock: ManualClock, guild_id: int = GUILD):
        """Move time to the server's armed instant and run the job, as APScheduler would."""
        armed = self.scheduler.next_run_times()[guild_id]
        clock.set(armed)
        return await self.scheduler.fire(guild_id)


@pytest.fixture
async def db_url(databases: Databases) -> str:
    """One bot's database, empty until its first start (each test runs on SQLite and on PostgreSQL)."""
    return await databases.new(migrated=False)


@asynccontextmanager
async def running_bot(
    url: str, clock: ManualClock, publisher: FakePublisher, corpus: FakeCorpus, **service_options
) -> AsyncIterator[Bot]:
    """Start a bot process on the database at `url`; leaving the block is a shutdown."""
    db = await Database.open(url)
    service = digest_service(db, lambda: corpus, publisher, clock, **service_options)
    scheduler = DigestScheduler(service)
    try:
        await scheduler.start(paused=True)
        yield Bot(service, scheduler)
    finally:
        scheduler.shutdown()
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the next loop iteration
        await db.close()


async def set_up_guild(bot: Bot, zone: str = "Europe/Zurich", post_time: str = "09:00", **options) -> None:
    await bot.service.configure(
        GUILD, channel_id=CHANNEL, post_time=post_time, timezone=zone, enabled=True, **options
    )


def wall(instant: datetime, zone: ZoneInfo) -> str:
    """The wall-clock reading in `zone`: what a member there sees on their clock."""
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M}"


async def test_sixty_days_sixty_posts_no_repeats_at_nine_local_across_dst_and_two_restarts(db_url):
    clock = ManualClock(datetime(2026, 3, 1, 7, 0, tzinfo=UTC))  # 08:00 in Zurich
    publisher = FakePublisher(clock)
    corpus = FakeCorpus(bundled_papers())
    outcomes = []
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        await set_up_guild(bot)
        for _ in range(20):
            outcomes.append(await bot.fire_next(clock))
    async with running_bot(db_url, clock, publisher, corpus) as bot:  # restart 1, minutes after a post
        for _ in range(20):
            outcomes.append(await bot.fire_next(clock))
            outcomes.append(await bot.scheduler.fire(GUILD))  # a stray second firing: must do nothing
    clock.advance(timedelta(hours=3))
    async with running_bot(db_url, clock, publisher, corpus) as bot:  # restart 2, hours after a post
        for _ in range(20):
            outcomes.append(await bot.fire_next(clock))

    sent = publisher.of_kind("post")
    ids = [s.payload.paper.id for s in sent]
    assert len(sent) == 60
    assert [o.status for o in outcomes].count(OutcomeStatus.POSTED) == 60
    assert [o.status for o in outcomes].count(OutcomeStatus.ALREADY_DONE) == 20
    assert sorted(ids[:50]) == sorted(p.id for p in bundled_papers())
    assert len(set(ids[50:])) == 10
    assert [s.payload.cycle for s in sent] == [1] * 50 + [2] * 10
    expected_days = [date(2026, 3, 1) + timedelta(days=i) for i in range(60)]
    assert [wall(s.at, ZURICH) for s in sent] == [f"{day:%Y-%m-%d} 09:00" for day in expected_days]
    assert [s.payload.local_date for s in sent] == expected_days
    utc_hours = {s.payload.local_date: s.at.astimezone(UTC).hour for s in sent}
    assert (utc_hours[date(2026, 3, 28)], utc_hours[date(2026, 3, 29)]) == (8, 7)  # the DST switch


async def test_restart_right_after_a_post_does_not_post_again(db_url):
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = FakePublisher(clock)
    corpus = FakeCorpus(bundled_papers())
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        await set_up_guild(bot)
        first = await bot.fire_next(clock)
    clock.advance(timedelta(seconds=30))
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        armed = bot.scheduler.next_run_times()[GUILD]
    assert first.status is OutcomeStatus.POSTED
    assert len(publisher.of_kind("post")) == 1
    assert wall(armed, ZURICH) == "2026-03-03 09:00"


async def test_down_at_nine_back_at_eleven_posts_once_on_start_up(db_url):
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = FakePublisher(clock)
    corpus = FakeCorpus(bundled_papers())
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        await set_up_guild(bot)
    clock.set(datetime(2026, 3, 2, 11, 0, tzinfo=ZURICH))  # the bot was down at 09:00
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        armed = bot.scheduler.next_run_times()[GUILD]
    async with running_bot(db_url, clock, publisher, corpus):  # and another restart: still one post
        pass
    posts = publisher.posts()
    assert len(posts) == 1
    assert posts[0].local_date == date(2026, 3, 2)
    assert wall(posts[0].scheduled_for, ZURICH) == "2026-03-02 09:00"
    assert wall(publisher.sent[0].at, ZURICH) == "2026-03-02 11:00"
    assert wall(armed, ZURICH) == "2026-03-03 09:00"


async def test_back_after_the_grace_window_posts_nothing_until_the_next_day(db_url):
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = FakePublisher(clock)
    corpus = FakeCorpus(bundled_papers())
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        await set_up_guild(bot)
    clock.set(datetime(2026, 3, 2, 15, 1, tzinfo=ZURICH))  # 6 h 1 min late
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        assert publisher.sent == []
        nxt = await bot.fire_next(clock)
    assert nxt.status is OutcomeStatus.POSTED
    assert nxt.local_date == date(2026, 3, 3)


async def test_the_grace_window_is_configurable(db_url):
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = FakePublisher(clock)
    corpus = FakeCorpus(bundled_papers())
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        await set_up_guild(bot)
    clock.set(datetime(2026, 3, 2, 10, 30, tzinfo=ZURICH))
    async with running_bot(db_url, clock, publisher, corpus, grace=timedelta(hours=1)):
        pass
    assert publisher.sent == []


async def test_two_bot_processes_on_one_database_post_once_a_day(db_url):
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher_a, publisher_b = FakePublisher(clock), FakePublisher(clock)
    corpus = FakeCorpus(bundled_papers())
    async with (
        running_bot(db_url, clock, publisher_a, corpus, instance="a") as a,
        running_bot(db_url, clock, publisher_b, corpus, instance="b") as b,
    ):
        await set_up_guild(a)
        await b.scheduler.sync()  # B learns of A's settings change (it resyncs every 15 min)
        statuses = []
        for _ in range(5):
            clock.set(a.scheduler.next_run_times()[GUILD])
            assert b.scheduler.next_run_times()[GUILD] == clock.now()
            outcomes = await asyncio.gather(a.scheduler.fire(GUILD), b.scheduler.fire(GUILD))
            statuses.append(sorted(o.status for o in outcomes))
    posted = publisher_a.posts() + publisher_b.posts()
    assert statuses == [[OutcomeStatus.ALREADY_DONE, OutcomeStatus.POSTED]] * 5
    assert sorted(p.local_date.day for p in posted) == [2, 3, 4, 5, 6]
    assert len({p.paper.id for p in posted}) == 5


async def test_new_york_posts_at_nine_local_around_both_dst_changes(db_url):
    clock = ManualClock(datetime(2026, 3, 6, 20, 0, tzinfo=UTC))
    publisher = FakePublisher(clock)
    async with running_bot(db_url, clock, publisher, FakeCorpus(bundled_papers())) as bot:
        await set_up_guild(bot, zone="America/New_York")
        for _ in range(3):
            await bot.fire_next(clock)
        clock.set(datetime(2026, 10, 31, 14, 0, tzinfo=UTC))  # 10:00 EDT, after that day's post
        await bot.scheduler.sync()
        for _ in range(2):
            await bot.fire_next(clock)
    sent = publisher.of_kind("post")
    assert [wall(s.at, NEW_YORK) for s in sent] == [
        "2026-03-07 09:00",
        "2026-03-08 09:00",
        "2026-03-09 09:00",
        "2026-11-01 09:00",
        "2026-11-02 09:00",
    ]
    assert [s.at.astimezone(UTC).hour for s in sent] == [14, 13, 13, 14, 14]


async def test_zurich_posts_at_nine_local_when_summer_time_ends(db_url):
    clock = ManualClock(datetime(2026, 10, 24, 3, 0, tzinfo=UTC))
    publisher = FakePublisher(clock)
    async with running_bot(db_url, clock, publisher, FakeCorpus(bundled_papers())) as bot:
        await set_up_guild(bot)
        for _ in range(3):
            await bot.fire_next(clock)
    sent = publisher.of_kind("post")
    assert [wall(s.at, ZURICH) for s in sent] == [
        "2026-10-24 09:00",
        "2026-10-25 09:00",
        "2026-10-26 09:00",
    ]
    assert [s.at.astimezone(UTC).hour for s in sent] == [7, 8, 8]


async def test_weekdays_only_skips_saturday_and_sunday(db_url):
    clock = ManualClock(datetime(2026, 3, 6, 7, 0, tzinfo=UTC))  # a Friday
    publisher = FakePublisher(clock)
    async with running_bot(db_url, clock, publisher, FakeCorpus(bundled_papers())) as bot:
        await set_up_guild(bot, weekdays_only=True)
        for _ in range(3):
            await bot.fire_next(clock)
    assert [f"{p.local_date:%a %d}" for p in publisher.posts()] == ["Fri 06", "Mon 09", "Tue 10"]


async def test_jobs_are_derived_from_stored_settings_and_follow_changes(db_url):
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = FakePublisher(clock)
    corpus = FakeCorpus(bundled_papers())
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        await set_up_guild(bot)
        await bot.service.configure(
            2,
            channel_id=200,
            post_time="07:30",
            timezone="America/New_York",
            weekdays_only=True,
            enabled=True,
        )
    clock.set(datetime(2026, 3, 6, 20, 0, tzinfo=UTC))  # Friday evening
    async with running_bot(db_url, clock, publisher, corpus) as bot:
        aps = bot.scheduler.scheduler
        zurich_job, ny_job = aps.get_job(job_id(1)), aps.get_job(job_id(2))
        times = bot.scheduler.next_run_times()
        assert zurich_job.trigger.run_date.tzinfo == ZURICH
        assert ny_job.trigger.run_date.tzinfo == NEW_YORK
        assert zurich_job.func == bot.scheduler.fire
        assert ny_job.args == (2,)
        assert wall(times[1], ZURICH) == "2026-03-07 09:00"
        assert wall(times[2], NEW_YORK) == "2026-03-09 07:30"  # Monday: weekdays only
        assert times[1] == next_run((await bot.service.settings(1)).schedule, clock.now())
        await bot.service.configure(1, post_time="10:15")  # the job follows without a restart
        assert wall(bot.scheduler.next_run_times()[1], ZURICH) == "2026-03-07 10:15"
        await bot.service.repo.delete_guild(2)
        await bot.scheduler.sync()
        assert sorted(bot.scheduler.next_run_times()) == [1]


async def test_a_transient_failure_is_retried_within_the_grace_window(db_url):
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = FakePublisher(clock, fail_posts=[None, 503])
    async with running_bot(db_url, clock, publisher, FakeCorpus(bundled_papers())) as bot:
        await set_up_guild(bot)
        first = await bot.fire_next(clock)
        assert wall(bot.scheduler.next_run_times()[GUILD], ZURICH) == "2026-03-02 09:05"
        second = await bot.fire_next(clock)
        third = await bot.fire_next(clock)
        after = bot.scheduler.next_run_times()[GUILD]
    assert [first.status, second.status, third.status] == [OutcomeStatus.RELEASED] * 2 + [
        OutcomeStatus.POSTED
    ]
    assert wall(publisher.sent[0].at, ZURICH) == "2026-03-02 09:10"
    assert wall(after, ZURICH) == "2026-03-03 09:00"


@dataclass
class HeldPublisher(FakePublisher):
    """Holds every post until `gate` opens, counting how many are under way; `busy` is set once `expect`
    of them are."""

    expect: int = DIGEST_RUNS_AT_ONCE
    under_way: int = 0
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    busy: asyncio.Event = field(default_factory=asyncio.Event)

    async def post_digest(self, channel_id: int, post: DigestPost) -> int:
        self.under_way += 1
        if self.under_way >= self.expect:
            self.busy.set()
        try:
            await self.gate.wait()
            return await super().post_digest(channel_id, post)
        finally:
            self.under_way -= 1


async def test_a_thousand_servers_due_at_once_would_exhaust_the_pool_so_a_few_run_at_a_time(db_url):
    # benchmarks/load.py: 1,000 servers due in one minute all waited for the database pool; one gave up
    # after 30 s and missed its day. Now at most DIGEST_RUNS_AT_ONCE run, the rest wait their turn.
    clock = ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    publisher = HeldPublisher(clock)
    guilds = range(1, 31)
    async with running_bot(db_url, clock, publisher, FakeCorpus(bundled_papers())) as bot:
        for guild in guilds:
            await bot.service.configure(
                guild, channel_id=100 + guild, post_time="09:00", timezone="Europe/Zurich", enabled=True
            )
        clock.set(bot.scheduler.next_run_times()[1])
        runs = asyncio.gather(*(bot.scheduler.fire(guild) for guild in guilds))
        await asyncio.wait_for(publisher.busy.wait(), 10)
        await asyncio.sleep(0.2)  # time enough for one more to start, if the bound did not hold
        under_way = publisher.under_way
        publisher.gate.set()
        outcomes = await runs
    assert under_way == DIGEST_RUNS_AT_ONCE
    assert [o.status for o in outcomes if o is not None] == [OutcomeStatus.POSTED] * len(guilds)
    assert sorted(s.target for s in publisher.of_kind("post")) == [100 + g for g in guilds]
