"""The paper-of-the-day service: preview = post, permissions, topics, new papers, DM subscriptions."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.digest import DigestPost, WeeklyDigest, next_run
from bot.digest.ports import OutcomeStatus
from bot.digest.service import DigestService
from bot.errors import QueryError, UserError
from bot.search.index import PaperIndex
from bot.storage.database import Database
from bot.storage.guild_repo import GuildSettings
from tests.storage.fakes import (
    FakeCorpus,
    FakePublisher,
    bundled_papers,
    digest_service,
    subscription_service,
    synthetic_paper,
)

ZURICH = ZoneInfo("Europe/Zurich")
GUILD, CHANNEL, ADMIN_CHANNEL = 1, 100, 900


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))  # Monday 08:00 in Zurich


@pytest.fixture
def publisher(clock):
    return FakePublisher(clock)


@pytest.fixture
def corpus():
    return FakeCorpus(bundled_papers())


@pytest.fixture
async def db(databases):
    database = await Database.open(await databases.new())
    yield database
    await database.close()


@pytest.fixture
async def service(db, clock, publisher, corpus):
    svc = digest_service(db, lambda: corpus, publisher, clock)
    await svc.sync_corpus()
    await svc.configure(GUILD, channel_id=CHANNEL, timezone="Europe/Zurich", post_time="09:00", enabled=True)
    return svc


@pytest.fixture
def subscriptions(db, service, clock, publisher, corpus):
    return subscription_service(db, lambda: corpus, publisher, clock, digest=service)


async def run_at_nine(service: DigestService, clock: ManualClock):
    settings = await service.settings(GUILD)
    clock.set(next_run(settings.schedule, clock.now()))
    return await service.run_due(GUILD)


# ------------------------------------------------------------------------------------ preview and now


async def test_preview_shows_exactly_what_digest_now_then_posts(service, publisher):
    preview = await service.preview(GUILD)
    outcome = await service.post_now(GUILD)
    assert outcome.status is OutcomeStatus.POSTED
    assert publisher.posts() == [preview]
    assert preview.local_date == date(2026, 3, 2)


async def test_after_digest_now_the_scheduled_post_that_day_does_nothing(service, publisher, clock):
    await service.post_now(GUILD)
    outcome = await run_at_nine(service, clock)
    assert outcome.status is OutcomeStatus.ALREADY_DONE
    assert len(publisher.posts()) == 1


async def test_digest_now_twice_says_when_the_next_one_comes(service):
    await service.post_now(GUILD)
    with pytest.raises(
        UserError, match=r"already out .* next one goes out Tue 03 Mar at 09:00 \(Europe/Zurich\)"
    ):
        await service.post_now(GUILD)


# Near midnight the server's local day and the UTC day differ: 23:30 in Los Angeles is already tomorrow in
# UTC, 00:30 in Tokyo is still yesterday. The post, the preview and the ledger follow the server's day.
NEAR_MIDNIGHT = [
    pytest.param(datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")), id="LA-23:30"),
    pytest.param(datetime(2026, 3, 3, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")), id="tokyo-00:30"),
]


@pytest.fixture(params=NEAR_MIDNIGHT)
def near_midnight(request) -> datetime:
    """A local wall time near midnight whose UTC date is another day (else the test could not tell)."""
    wall: datetime = request.param
    assert wall.astimezone(UTC).date() != wall.date()
    return wall


async def test_digest_now_near_midnight_posts_for_the_servers_own_day(
    service, publisher, clock, near_midnight
):
    local_day = near_midnight.date()
    await service.configure(GUILD, timezone=str(near_midnight.tzinfo), post_time="09:00")
    clock.set(near_midnight)
    preview = await service.preview(GUILD)
    outcome = await service.post_now(GUILD)
    assert (preview.local_date, outcome.local_date) == (local_day, local_day)
    assert [post.local_date for post in publisher.posts()] == [local_day]
    assert [(e.local_date, e.status) for e in await service.repo.history(GUILD)] == [(local_day, "posted")]
    # the day taken is the local one: the next preview is the following local day's, and a second
    # `/digest now` is refused
    assert (await service.preview(GUILD)).local_date == local_day + timedelta(days=1)
    with pytest.raises(UserError, match="already out"):
        await service.post_now(GUILD)


async def test_a_scheduled_post_near_midnight_is_for_the_servers_own_day(service, clock, near_midnight):
    local_day = near_midnight.date()
    post_time = f"{near_midnight - timedelta(minutes=15):%H:%M}"
    await service.configure(GUILD, timezone=str(near_midnight.tzinfo), post_time=post_time)
    clock.set(near_midnight)
    outcome = await service.run_due(GUILD)
    assert (outcome.status, outcome.local_date) == (OutcomeStatus.POSTED, local_day)
    assert (await service.status(GUILD)).last.local_date == local_day
    clock.set(near_midnight + timedelta(days=1))
    following = await service.run_due(GUILD)
    assert (following.status, following.local_date) == (OutcomeStatus.POSTED, local_day + timedelta(days=1))


async def test_preview_after_todays_post_shows_tomorrows_and_it_is_what_tomorrow_posts(
    service, publisher, clock
):
    await run_at_nine(service, clock)
    tomorrow = await service.preview(GUILD)
    await run_at_nine(service, clock)
    assert tomorrow.local_date == date(2026, 3, 3)
    assert publisher.posts()[1].paper == tomorrow.paper
    assert publisher.posts()[1].reasons == tomorrow.reasons


async def test_preview_of_a_later_date_counts_the_posts_before_it(service, publisher, clock):
    in_three_days = await service.preview(GUILD, date(2026, 3, 5))
    for _ in range(4):
        await run_at_nine(service, clock)
    assert publisher.posts()[3].paper == in_three_days.paper
    assert in_three_days.position_label == "4/50"


async def test_preview_of_a_past_day_shows_what_was_posted(service, publisher, clock):
    await run_at_nine(service, clock)
    clock.advance(timedelta(days=3))
    past = await service.preview(GUILD, date(2026, 3, 2))
    assert past.paper == publisher.posts()[0].paper
    with pytest.raises(UserError, match="No paper of the day was posted on Sun 01 Mar 2026"):
        await service.preview(GUILD, date(2026, 3, 1))


async def test_preview_in_a_server_without_setup_says_what_to_do(service):
    with pytest.raises(UserError, match="isn't set up in this server yet"):
        await service.preview(424242)


# ----------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("code", [50001, 50013])
async def test_missing_permissions_pause_the_post_and_tell_the_admins_once(service, publisher, clock, code):
    await service.guilds.save(GuildSettings(GUILD, "Europe/Zurich", admin_channel_id=ADMIN_CHANNEL))
    publisher.fail_posts = [code]
    failed = await run_at_nine(service, clock)
    later = [await run_at_nine(service, clock) for _ in range(3)]
    notes = publisher.of_kind("admin")
    assert failed.status is OutcomeStatus.FAILED
    assert [o.status for o in later] == [OutcomeStatus.PAUSED] * 3
    assert publisher.post_attempts == 1
    assert len(notes) == 1
    assert notes[0].target == ADMIN_CHANNEL
    assert f"(error {code})" in notes[0].payload
    assert "`/digest resume`" in notes[0].payload
    assert (await service.repo.entry(GUILD, date(2026, 3, 2))).status == "failed"


async def test_after_resume_the_next_day_posts_the_paper_that_failed(service, publisher, clock):
    publisher.fail_posts = [50013]
    failed = await run_at_nine(service, clock)
    assert await service.resume(GUILD) is True
    posted = await run_at_nine(service, clock)
    assert posted.status is OutcomeStatus.POSTED
    assert posted.post.paper == failed.post.paper  # nobody saw it, so it is still first in line


async def test_without_an_admin_channel_the_problem_goes_to_the_log(service, publisher, clock, caplog):
    publisher.fail_posts = [50001]
    with caplog.at_level(logging.WARNING, logger="paperbot.digest"):
        await run_at_nine(service, clock)
    assert publisher.of_kind("admin") == []
    assert "paper of the day paused" in caplog.text
    assert "Missing Access" in caplog.text


async def test_digest_now_retries_a_failed_day_once_permissions_are_fixed(service, publisher, clock):
    publisher.fail_posts = [50013]
    await run_at_nine(service, clock)
    clock.advance(timedelta(minutes=30))
    outcome = await service.post_now(GUILD)
    assert outcome.status is OutcomeStatus.POSTED
    assert (await service.settings(GUILD)).paused_reason is None


async def test_a_new_time_topic_or_zone_keeps_the_pause_and_nothing_is_posted(service, publisher, clock):
    publisher.fail_posts = [50013]  # Discord refuses once; the next attempt would go through
    await run_at_nine(service, clock)
    await service.configure(GUILD, post_time="10:00", timezone="Europe/Berlin", weekdays_only=True)
    await service.configure(GUILD, topic="diffusion", weekly_day=4)
    next_day = await run_at_nine(service, clock)  # Tue 03 Mar, 10:00 Berlin
    status = await service.status(GUILD)
    assert next_day.status is OutcomeStatus.PAUSED
    assert publisher.post_attempts == 1
    assert status.settings.paused_reason.startswith("I couldn't post the paper of the day in <#100>")
    assert (status.settings.post_time.hour, status.settings.topic) == (10, "diffusion")  # yet all saved


@pytest.mark.parametrize("change", [{"channel_id": 101}, {"enabled": True}], ids=["channel", "enable"])
async def test_choosing_the_channel_or_turning_the_post_on_clears_the_pause(
    service, publisher, clock, change
):
    publisher.fail_posts = [50013]
    await run_at_nine(service, clock)
    await service.configure(GUILD, **change)
    next_day = await run_at_nine(service, clock)
    assert next_day.status is OutcomeStatus.POSTED
    assert (await service.settings(GUILD)).paused_reason is None


async def test_status_shows_the_pause_the_failed_day_and_the_next_run(service, publisher, clock):
    publisher.fail_posts = [50013]
    await run_at_nine(service, clock)
    status = await service.status(GUILD)
    assert status.settings.paused_reason.startswith("I couldn't post the paper of the day in <#100>")
    assert (status.last.local_date, status.last.status) == (date(2026, 3, 2), "failed")
    assert f"{status.next_run.astimezone(ZURICH):%Y-%m-%d %H:%M}" == "2026-03-03 09:00"


# ---------------------------------------------------------------------------------------------- topics


async def test_a_topic_narrows_the_papers_and_is_given_as_the_reason(service, publisher, clock):
    await service.configure(GUILD, topic="diffusion")
    for _ in range(11):
        await run_at_nine(service, clock)
    posts = publisher.posts()
    assert all("diffusion" in f"{p.paper.title} {p.paper.abstract}".lower() for p in posts)
    assert len({p.paper.id for p in posts[:10]}) == 10
    assert [p.pool_size for p in posts] == [10] * 11
    assert posts[0].reasons[0] == "topic: diffusion"
    assert posts[10].cycle == 2


async def test_a_topic_that_matches_nothing_is_refused_when_set(service):
    with pytest.raises(QueryError, match="No paper matches the digest topic “string theory”"):
        await service.configure(GUILD, topic="string theory")
    assert (await service.settings(GUILD)).topic is None


async def test_a_topic_that_stops_matching_pauses_and_tells_the_admins(service, publisher, clock, corpus):
    await service.guilds.save(GuildSettings(GUILD, "Europe/Zurich", admin_channel_id=ADMIN_CHANNEL))
    await service.configure(GUILD, topic="reinforcement")
    corpus.papers = tuple(p for p in corpus.papers if "reinforcement" not in p.abstract.lower())
    outcome = await run_at_nine(service, clock)
    assert outcome.status is OutcomeStatus.PAUSED
    assert publisher.posts() == []
    assert "No paper matches the digest topic “reinforcement”" in publisher.of_kind("admin")[0].payload


# ------------------------------------------------------------------------------------------- new papers


async def test_a_paper_added_to_the_corpus_joins_the_rotation_and_is_announced(
    service, publisher, clock, corpus
):
    for _ in range(3):
        await run_at_nine(service, clock)
    corpus.papers = (*corpus.papers, synthetic_paper(1, title="Fresh off the press"))
    clock.advance(timedelta(hours=2))
    assert await service.sync_corpus() == ("paper-001",)
    outcome = await run_at_nine(service, clock)
    assert outcome.post.paper.title == "Fresh off the press"
    assert outcome.post.reasons == (
        "new in the corpus (added 4 Mar 2026)",
        "not yet featured this round (4/51)",
    )


async def test_the_weekly_day_post_carries_the_week_in_review(service, publisher, clock, corpus):
    await service.configure(GUILD, weekly_day=0)  # Mondays
    for _ in range(6):  # Mon 2 .. Sat 7 March
        await run_at_nine(service, clock)
    corpus.papers = (*corpus.papers, synthetic_paper(7, title="Added on Saturday"))
    await service.sync_corpus()
    await run_at_nine(service, clock)  # Sunday
    monday = (await run_at_nine(service, clock)).post
    assert monday.local_date == date(2026, 3, 9)
    assert monday.weekly is not None
    assert [d.day for d, _ in monday.weekly.featured] == [2, 3, 4, 5, 6, 7, 8]
    assert [p.title for p in monday.weekly.new_papers] == ["Added on Saturday"]
    assert [d.day for d, _ in monday.weekly.upcoming] == [10, 11, 12]
    assert publisher.posts()[0].weekly is not None  # the first Monday too (an empty week)


# --------------------------------------------------------------------------------------- subscriptions


async def test_daily_subscribers_get_their_own_rotation_by_dm(service, subscriptions, publisher, clock):
    await subscriptions.subscribe(5, GUILD, topic="transformer", cadence="daily")
    for _ in range(10):
        await run_at_nine(service, clock)
    dms = [s.payload for s in publisher.of_kind("dm")]
    assert len(dms) == 10
    assert all(isinstance(d, DigestPost) and d.reasons[0] == "topic: transformer" for d in dms)
    assert len({d.paper.id for d in dms}) == 10


async def test_a_refused_dm_ends_the_subscription_with_a_log_line(
    service, subscriptions, publisher, clock, caplog
):
    await subscriptions.subscribe(5, GUILD)
    await subscriptions.subscribe(6, GUILD)
    publisher.refuse_dm_users = {5}
    with caplog.at_level(logging.WARNING, logger="paperbot.subscriptions"):
        first = await run_at_nine(service, clock)
    second = await run_at_nine(service, clock)
    sub = await subscriptions.get(5)
    assert (first.dms_sent, second.dms_sent) == (1, 1)
    assert [s.target for s in publisher.of_kind("dm")] == [6, 6]
    assert sub.active is False
    assert "50007" in sub.ended_reason
    assert "ended the DM digest of user 5: Discord refused the DM (50007)" in caplog.text


async def test_weekly_subscribers_get_one_dm_on_the_weekly_day(service, subscriptions, publisher, clock):
    await subscriptions.subscribe(5, GUILD, cadence="weekly")
    for _ in range(8):  # Mon 2 .. Mon 9 March
        await run_at_nine(service, clock)
    await service.run_due(GUILD)  # a repeated run on Monday sends nothing twice
    dms = publisher.of_kind("dm")
    assert [f"{dm.at.astimezone(ZURICH):%a %d %H:%M}" for dm in dms] == ["Mon 02 09:00", "Mon 09 09:00"]
    assert all(isinstance(s.payload, WeeklyDigest) for s in dms)
    assert len(dms[1].payload.featured) == 7


async def test_unsubscribe_stops_the_dms_and_bad_input_is_explained(service, subscriptions, publisher, clock):
    await subscriptions.subscribe(5, GUILD)
    assert await subscriptions.unsubscribe(5) is True
    assert await subscriptions.unsubscribe(5) is False
    await run_at_nine(service, clock)
    assert publisher.of_kind("dm") == []
    with pytest.raises(UserError, match="Choose daily or weekly"):
        await subscriptions.subscribe(5, GUILD, cadence="hourly")
    with pytest.raises(QueryError, match="No paper matches"):
        await subscriptions.subscribe(5, GUILD, topic="string theory")


async def test_subscribing_in_a_server_without_a_digest_channel_still_schedules_dms(
    service, subscriptions, publisher, clock
):
    await subscriptions.subscribe(5, 77)
    settings = await service.settings(77)
    clock.set(next_run(settings.schedule, clock.now()))
    outcome = await service.run_due(77)
    assert outcome.status is OutcomeStatus.DISABLED
    assert outcome.dms_sent == 1


async def test_a_topic_with_a_filter_works_with_the_real_search_index(databases, clock, publisher):
    index = PaperIndex.build(bundled_papers())
    db = await Database.open(await databases.new())
    svc = digest_service(db, lambda: index, publisher, clock)
    try:
        await svc.configure(GUILD, channel_id=CHANNEL, timezone="Europe/Zurich", enabled=True)
        await svc.configure(GUILD, topic="diffusion has:code")
        pool = index.search("diffusion has:code", limit=50).total
        posts = [(await run_at_nine(svc, clock)).post for _ in range(pool + 1)]
    finally:
        await db.close()
    assert pool >= 2
    assert [p.pool_size for p in posts] == [pool] * (pool + 1)
    assert all(p.paper.has_code and "diffusion" in p.paper.abstract.lower() for p in posts)
    assert len({p.paper.id for p in posts[:pool]}) == pool  # every match once before any repeats
    assert posts[pool].cycle == 2
