"""Following people on arXiv, through the App, the fake arXiv and a recording publisher: a followed
author's new paper is imported and announced exactly once — across restarts and a day of arXiv 503s —
and their back catalogue is not announced at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.app import App
from bot.corpus.model import Paper
from bot.errors import DeliveryError, SourceUnavailableError, UserError
from bot.settings import Settings
from tests.additions.conftest import start
from tests.fake_sources import FakeSources, Reply
from tests.sources.conftest import FakeTime

GUILD, CHANNEL = 111, 222
NEW_ID = "2312.00001"
NEW_TITLE = "Curved Attention for Reading Groups"
NEW = "curved-attention-for-reading-groups"


@dataclass
class Recorder:
    """The front end: records announcements; `refuse` makes the next ones fail."""

    posts: list[tuple[int, str]] = field(default_factory=list)
    refuse: list[DeliveryError] = field(default_factory=list)

    async def announce_paper(self, channel_id: int, paper: Paper) -> int:
        if self.refuse:
            raise self.refuse.pop(0)
        self.posts.append((channel_id, paper.id))
        return 900 + len(self.posts)


def publish_new_paper(fake: FakeSources) -> None:
    """Thomas Hofmann's new paper appears on arXiv."""
    fake.arxiv[NEW_ID] = (
        fake.arxiv["2302.11563"]
        .replace("2302.11563", NEW_ID)
        .replace("3599999", "1111111")
        .replace("Sparse Mixtures of Reading Groups: Routing Questions to the Right\n  Paper", NEW_TITLE)
        .replace("<name>Dmitri Primer</name>", "<name>Thomas Hofmann</name>")
        .replace("We study how", "We bend attention to see how")
        .replace("2023-02-22T18:01:05Z", "2023-12-01T10:00:00Z")
    )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


async def started(settings: Settings, fake_time: FakeTime, recorder: Recorder) -> App:
    app = await start(settings, fake_time)
    app.following = type(app.following)(app.following.store, app.sources, app.additions, recorder, app.clock)
    return app


@pytest.fixture
async def bot(settings: Settings, fake_time: FakeTime, recorder: Recorder) -> AsyncIterator[App]:
    app = await started(settings, fake_time, recorder)
    try:
        yield app
    finally:
        await app.close()


async def follow_hofmann(app: App) -> None:
    await app.following.store.set_channel(GUILD, CHANNEL)
    _, already = await app.following.follow(GUILD, "Thomas Hofmann", "discord:1")
    assert already == 1  # Random Teachers: out before the follow, never announced


async def test_a_new_paper_is_imported_and_announced_once(
    bot: App, fake_sources: FakeSources, recorder: Recorder
) -> None:
    await follow_hofmann(bot)
    assert (await bot.following.run(GUILD)).announced == ()

    publish_new_paper(fake_sources)
    run = await bot.following.run(GUILD)

    assert run.announced == (f"arxiv:{NEW_ID}",)
    assert recorder.posts == [(CHANNEL, NEW)]
    assert [h.paper.id for h in bot.library.index.search("curved attention").hits] == [NEW]
    assert [c.actor for c in await bot.additions.store.changes(NEW)] == [f"follow:{GUILD}"]
    assert (await bot.following.run(GUILD)).announced == ()
    assert recorder.posts == [(CHANNEL, NEW)]


async def test_announced_once_across_two_restarts_and_a_day_of_503s(
    bot: App, settings: Settings, fake_time: FakeTime, fake_sources: FakeSources, recorder: Recorder
) -> None:
    await follow_hofmann(bot)
    await bot.close()

    restarted = await started(settings, fake_time, recorder)  # restart 1; arXiv is down today
    try:
        publish_new_paper(fake_sources)
        fake_sources.script("arxiv", *[Reply(503, "down", {"Retry-After": "3600"})])
        down = await restarted.following.run(GUILD)
        assert (down.announced, down.failed_queries) == ((), ('au:"Thomas Hofmann"',))
        assert recorder.posts == []
        assert restarted.library.index.search("curved attention").hits == ()
    finally:
        await restarted.close()

    for _ in range(2):  # restart 2, the next day: announced; restart 3: not again
        again = await started(settings, fake_time, recorder)
        try:
            await again.following.run(GUILD)
        finally:
            await again.close()
    assert recorder.posts == [(CHANNEL, NEW)]


async def test_a_transient_refusal_is_retried_next_run_and_a_permanent_one_is_not(
    bot: App, fake_sources: FakeSources, recorder: Recorder
) -> None:
    await follow_hofmann(bot)
    publish_new_paper(fake_sources)
    recorder.refuse.append(DeliveryError("Discord 503"))

    first = await bot.following.run(GUILD)
    assert (first.announced, first.undelivered) == ((), (f"arxiv:{NEW_ID}",))
    assert [h.paper.id for h in bot.library.index.search("curved attention").hits] == [NEW]  # imported
    second = await bot.following.run(GUILD)
    assert second.announced == (f"arxiv:{NEW_ID}",)
    assert recorder.posts == [(CHANNEL, NEW)]

    fake_sources.arxiv["2312.00002"] = (
        fake_sources.arxiv[NEW_ID]
        .replace(NEW_ID, "2312.00002")
        .replace(NEW_TITLE, "Another Bent Paper")
        .replace("1111111", "2222222")
    )
    recorder.refuse.append(DeliveryError("50013: Missing Permissions", code=50013, permanent=True))
    assert (await bot.following.run(GUILD)).undelivered == ("arxiv:2312.00002",)
    assert (await bot.following.run(GUILD)).announced == ()
    assert len(recorder.posts) == 1


async def test_without_a_channel_nothing_is_asked_or_announced(
    bot: App, fake_sources: FakeSources, recorder: Recorder
) -> None:
    await bot.following.follow(GUILD, "Thomas Hofmann", "discord:1")
    publish_new_paper(fake_sources)
    asked = len(fake_sources.requests)

    await bot.following.run(GUILD)

    assert len(fake_sources.requests) == asked
    assert recorder.posts == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0000-0002-1825-0097", "can't search by ORCID"),
        ("https://orcid.org/0000-0002-1825-0097", "can't search by ORCID"),
        ("   ", "Say whom to follow"),
        ('Robert"); DROP', "doesn't look like a name"),
    ],
)
async def test_what_cannot_be_followed_is_refused(bot: App, text: str, says: str) -> None:
    with pytest.raises(UserError, match=says):
        await bot.following.follow(GUILD, text, "discord:1")
    assert await bot.following.store.follows() == []


async def test_following_twice_and_arxiv_down_at_follow_time(bot: App, fake_sources: FakeSources) -> None:
    fake_sources.script("arxiv", Reply(503, "down", {"Retry-After": "3600"}))
    with pytest.raises(SourceUnavailableError):
        await bot.following.follow(GUILD, "Thomas Hofmann", "discord:1")
    assert await bot.following.store.follows() == []

    await bot.following.follow(GUILD, "au:Hofmann_T AND cat:cs.LG", "discord:1")
    with pytest.raises(UserError, match=r"already follows au:Hofmann_T AND cat:cs\.LG"):
        await bot.following.follow(GUILD, "au:Hofmann_T  AND cat:cs.LG", "discord:2")
    removed = await bot.following.unfollow(GUILD, "au:Hofmann_T AND cat:cs.LG")
    assert removed.label == "au:Hofmann_T AND cat:cs.LG"
    with pytest.raises(UserError, match="doesn't follow"):
        await bot.following.unfollow(GUILD, "au:Hofmann_T AND cat:cs.LG")


async def test_the_daily_run_covers_only_the_servers_of_this_process_shards(bot: App) -> None:
    """With two processes on shards 0 and 1 of 2, each runs (asks arXiv for, announces) only its own
    servers' follows."""
    from bot.shards import Shards

    servers = {shard: ((1_000 + shard) << 22) | 7 for shard in (0, 1)}  # (id >> 22) % 2 == shard
    for guild_id in servers.values():
        await bot.following.store.set_channel(guild_id, CHANNEL)
        await bot.following.follow(guild_id, "Thomas Hofmann", "discord:1")
    for shard, guild_id in servers.items():
        assert [run.guild_id for run in await bot.following.run_all(Shards(2, (shard,)))] == [guild_id]
    assert [run.guild_id for run in await bot.following.run_all()] == sorted(servers.values())


async def test_the_daily_job_survives_a_failing_run(caplog: pytest.LogCaptureFixture) -> None:
    """An unexpected error in a run is one log line; the job (and the bot) carry on to the next day."""
    from bot.scheduling import FollowJobs

    class Broken:
        async def run_all(self, shards: object) -> list[object]:
            raise RuntimeError("database on fire")

    caplog.set_level("ERROR", logger="paperbot.scheduling")
    await FollowJobs(Broken()).run()  # type: ignore[arg-type]

    assert [r.getMessage() for r in caplog.records] == [
        "following: the daily run failed; it runs again tomorrow"
    ]


async def test_the_daily_job_is_armed_with_the_others() -> None:
    from datetime import timedelta

    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.scheduling import FOLLOW_JOB_ID, FollowJobs

    scheduler = AsyncIOScheduler()
    FollowJobs(object()).arm(scheduler)  # type: ignore[arg-type]
    job = scheduler.get_job(FOLLOW_JOB_ID)
    assert job.trigger.interval == timedelta(days=1)
