"""The paper of the day through the real PaperBot and the loopback fake Discord: what Discord receives.

The clock fixture starts on Thu 26 Nov 2026, 08:00 UTC (09:00 in Zurich). The scheduler is paused; tests
move the clock and call `fire` the way the armed job would.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.app import open_app
from bot.clock import ManualClock
from bot.corpus.text import readable_abstract
from bot.digest.ports import OutcomeStatus
from bot.digest.post import excerpt
from bot.discord_adapter.papers.embeds import display_title
from bot.library import Library
from bot.search.index import PaperIndex
from bot.settings import Settings
from tests.fake_discord import (
    MISSING_PERMISSIONS,
    BotRunner,
    CommandNotAvailable,
    FakeDiscord,
    FakeOverwrite,
    Perm,
    RecordedRequest,
    Reply,
)

THURSDAY = date(2026, 11, 26)
AT_1030_ZURICH = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def assert_no_pings(request: RecordedRequest) -> None:
    """Everything the bot sends disables mentions (message posts and interaction replies alike)."""
    body = request.json.get("data", request.json) if request.json.get("type") else request.json
    mentions = body["allowed_mentions"]
    assert mentions["parse"] == []
    assert not mentions.get("users")
    assert not mentions.get("roles")
    assert not mentions.get("replied_user")


async def slash(fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, **kw: Any) -> Reply:
    """Run a command as bob (Manage Server) unless another user is given; return the first answer."""
    kw.setdefault("user", "bob")
    handle = await fake.invoke_slash(command, options or {}, **kw)
    return await handle.reply()


async def set_up(fake: FakeDiscord, *, channel: str = "papers", time: str = "10:30") -> None:
    """Channel `papers`, 10:30 Zurich (09:30 UTC), as an admin would."""
    assert (await slash(fake, "digest channel", {"channel": channel})).ephemeral
    assert (await slash(fake, "digest time", {"time": time, "timezone": "Europe/Zurich"})).ephemeral


def channel_posts(fake: FakeDiscord, channel: str) -> list[RecordedRequest]:
    """Every attempt to post in a channel (refused ones included)."""
    return fake.find_requests("POST", rf"/channels/{fake.channel(channel).id}/messages")


# --- settings, preview, now ---------------------------------------------------------------------


async def test_preview_then_now_posts_exactly_the_previewed_paper_and_reasons(
    fake_discord: FakeDiscord, paperbot: Any, app: Any
) -> None:
    await set_up(fake_discord)
    preview = await slash(fake_discord, "digest preview")
    assert preview.ephemeral
    assert preview.content.startswith("**Preview** of the paper of the day for <t:")
    assert all(button["disabled"] for button in preview.buttons())
    callback = await fake_discord.wait_for_request(
        "POST", r"/interactions/\d+/[^/]+/callback", lambda r: bool(r.json.get("data", {}).get("embeds"))
    )
    assert_no_pings(callback)

    answer = await slash(fake_discord, "digest now")
    posted = await fake_discord.wait_for_bot_message("papers")
    request = await fake_discord.wait_for_request(
        "POST", rf"/channels/{fake_discord.channel('papers').id}/messages"
    )
    assert_no_pings(request)
    assert posted.embeds == preview.embeds
    entry = await app.digest.repo.entry(fake_discord.guild.id, THURSDAY)
    paper = app.library.index.get(entry.paper_id)
    embed = posted.embed
    assert embed["title"] == display_title(paper)
    why = next(f["value"] for f in embed["fields"] if f["name"] == "Why this paper")
    assert why.splitlines() == [f"• {reason}" for reason in entry.reasons]
    assert [b["custom_id"] for b in posted.buttons()] == [
        f"paper:abstract:{paper.id}",
        f"paper:similar:{paper.id}",
        f"rg:propose:{paper.id}",
    ]
    assert not any(b["disabled"] for b in posted.buttons())
    assert answer.ephemeral
    guild, papers = fake_discord.guild.id, fake_discord.channel("papers").id
    assert f"https://discord.com/channels/{guild}/{papers}/{posted.id}" in answer.content


async def test_the_post_shows_authors_date_category_excerpt_links_and_a_date_header(
    fake_discord: FakeDiscord, paperbot: Any, app: Any
) -> None:
    await set_up(fake_discord)
    await slash(fake_discord, "digest now")
    posted = await fake_discord.wait_for_bot_message("papers")
    paper = app.library.index.get(posted.embed["footer"]["text"].split(" · ")[0])
    fields = {f["name"]: f["value"] for f in posted.embed["fields"]}
    assert posted.content == "📄 **Paper of the day** — <t:1795694400:D>"  # 26 Nov 2026, noon UTC
    assert fields["Published"].startswith("<t:")
    assert fields["Published"].endswith(":D>")
    assert fields["Category"] == ", ".join(paper.categories)
    assert fields["Authors"].startswith(paper.authors[0])
    assert posted.embed["description"] == discord.utils.escape_markdown(
        excerpt(paper.abstract), as_needed=False
    )
    assert posted.embed["footer"]["text"].endswith("paper 1/50 of this round")


async def test_digest_now_twice_is_refused_privately_with_the_next_time(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await set_up(fake_discord)
    await slash(fake_discord, "digest now")
    again = await slash(fake_discord, "digest now")
    assert again.ephemeral
    assert "already out" in again.content
    assert "Fri 27 Nov at 10:30 (Europe/Zurich)" in again.content
    await fake_discord.settle()
    assert len(channel_posts(fake_discord, "papers")) == 1


def stamped_day(text: str) -> date:
    """The day a `<t:…:D>` date stamp shows (the bot stamps noon UTC, the same day in every zone)."""
    match = re.search(r"<t:(\d+):D>", text)
    assert match is not None, text
    return datetime.fromtimestamp(int(match.group(1)), UTC).date()


@pytest.mark.parametrize(
    "wall",
    [
        pytest.param(datetime(2026, 11, 26, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")), id="LA-23:30"),
        pytest.param(datetime(2026, 11, 27, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")), id="tokyo-00:30"),
    ],
)
async def test_digest_now_near_midnight_posts_the_servers_own_day(
    fake_discord: FakeDiscord, paperbot: Any, app: Any, clock: ManualClock, wall: datetime
) -> None:
    """23:30 in Los Angeles is already the next day in UTC, 00:30 in Tokyo still the day before: the
    preview, the post's date line and the day recorded are the server's own day all the same."""
    local_day = wall.date()
    assert wall.astimezone(UTC).date() != local_day
    await slash(fake_discord, "digest channel", {"channel": "papers"})
    await slash(fake_discord, "digest time", {"time": "09:00", "timezone": str(wall.tzinfo)})
    clock.set(wall)

    preview = await slash(fake_discord, "digest preview")
    answer = await slash(fake_discord, "digest now")
    posted = await fake_discord.wait_for_bot_message("papers")
    assert "Posted in" in answer.content
    assert stamped_day(preview.content) == local_day
    assert stamped_day(posted.content) == local_day
    assert posted.embeds == preview.embeds
    history = await app.digest.repo.history(fake_discord.guild.id)
    assert [(e.local_date, e.status) for e in history] == [(local_day, "posted")]
    again = await slash(fake_discord, "digest now")
    assert "already out" in again.content
    await fake_discord.settle()
    assert len(channel_posts(fake_discord, "papers")) == 1


async def test_the_weekly_day_post_carries_the_week_in_review_within_discord_limits(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    reply = await slash(fake_discord, "digest weekly", {"day": "4"})
    assert "Week in review: on Fridays" in reply.content
    await slash(fake_discord, "digest now")
    thursday = await fake_discord.wait_for_bot_message("papers")
    clock.set(AT_1030_ZURICH + timedelta(days=1))
    await paperbot.schedules.digest.fire(fake_discord.guild.id)
    friday = await fake_discord.wait_for_bot_message("papers")
    assert len(thursday.embeds) == 1
    assert [e["title"] for e in friday.embeds][1] == "🗓️ The week in papers"
    assert friday.content.endswith(" · with the week in review")
    review = {f["name"]: f["value"] for f in friday.embeds[1]["fields"]}
    assert review["Papers of the day"].startswith("<t:1795694400:D> · ")  # Thursday's, as posted
    assert thursday.embed["title"] in review["Papers of the day"]
    assert review["New in the corpus"] == "Nothing new this week."
    assert len(review["Coming up"].splitlines()) == 3


@pytest.mark.parametrize("bad", ["25:00", "24:00", "23:60"])
async def test_time_and_zone_input_errors_are_private_and_change_nothing(
    fake_discord: FakeDiscord, paperbot: Any, app: Any, bad: str
) -> None:
    await set_up(fake_discord)
    bad_time = await slash(fake_discord, "digest time", {"time": bad})
    bad_zone = await slash(fake_discord, "digest time", {"time": "09:00", "timezone": "Mars/Olympus"})
    assert bad_time.ephemeral
    assert "is not a time of day" in bad_time.content
    assert bad_zone.ephemeral
    assert "I don't know the time zone “Mars/Olympus”" in bad_zone.content
    settings = await app.digest.settings(fake_discord.guild.id)
    assert settings.schedule.describe() == "10:30 Europe/Zurich, every day"


async def test_a_topic_matching_nothing_is_refused_and_an_empty_topic_clears_it(
    fake_discord: FakeDiscord, paperbot: Any, app: Any
) -> None:
    await set_up(fake_discord)
    refused = await slash(fake_discord, "digest topic", {"query": "zzzqqq"})
    assert refused.ephemeral
    assert (await app.digest.settings(fake_discord.guild.id)).topic is None
    saved = await slash(fake_discord, "digest topic", {"query": "diffusion"})
    assert "Topic: diffusion" in saved.content
    cleared = await slash(fake_discord, "digest topic")
    assert "Topic cleared" in cleared.content
    assert (await app.digest.settings(fake_discord.guild.id)).topic is None


async def test_timezone_autocomplete_offers_matching_iana_zones(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    typed = await fake_discord.autocomplete(
        "digest time", {"time": "09:00", "timezone": "zur"}, focused="timezone", user="bob"
    )
    spaced = await fake_discord.autocomplete(
        "digest time", {"time": "09:00", "timezone": "new york"}, focused="timezone", user="bob"
    )
    broad = await fake_discord.autocomplete(
        "digest time", {"time": "09:00", "timezone": "a"}, focused="timezone", user="bob"
    )
    assert [c["value"] for c in await typed.choices()] == ["Europe/Zurich"]
    assert [c["value"] for c in await spaced.choices()] == ["America/New_York"]
    assert len(await broad.choices()) == 25


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "missing"), [("read-only", "Send Messages"), ("no-embeds", "Embed Links")]
)
async def test_channel_preflight_names_the_missing_permission_and_saves_nothing(
    fake_discord: FakeDiscord, paperbot: Any, app: Any, channel: str, missing: str
) -> None:
    reply = await slash(fake_discord, "digest channel", {"channel": channel})
    assert reply.ephemeral
    assert f"I can't post in <#{fake_discord.channel(channel).id}>" in reply.content
    assert missing in reply.content
    assert "Nothing was changed" in reply.content
    assert await app.digest.settings(fake_discord.guild.id) is None


async def test_the_admin_channel_must_accept_my_messages(
    fake_discord: FakeDiscord, paperbot: Any, app: Any
) -> None:
    refused = await slash(fake_discord, "digest admin-channel", {"channel": "read-only"})
    saved = await slash(fake_discord, "digest admin-channel", {"channel": "general"})
    assert "missing **Send Messages" in refused.content
    assert (
        saved.content
        == f"✅ I'll report problems with the paper of the day in <#{fake_discord.channel('general').id}>."
    )
    assert (await app.guilds.get(fake_discord.guild.id)).admin_channel_id == fake_discord.channel(
        "general"
    ).id


async def test_members_without_manage_server_cannot_see_or_run_digest_settings(
    fake_discord: FakeDiscord, paperbot: Any, app: Any
) -> None:
    with pytest.raises(CommandNotAvailable):
        await fake_discord.invoke_slash("digest channel", {"channel": "papers"}, user="alice")
    options: dict[str, dict[str, Any]] = {
        "channel": {"channel": "papers"},
        "time": {"time": "09:00"},
        "weekly": {"day": "0"},
        "admin-channel": {"channel": "general"},
    }
    group = fake_discord.find_command("digest")
    for sub in [o["name"] for o in group["options"]]:
        handle = await fake_discord.invoke_slash(
            f"digest {sub}", options.get(sub, {}), user="alice", force=True
        )
        reply = await handle.reply()
        assert reply.ephemeral, sub
        assert reply.content == "You need the **Manage Server** permission to do that.", sub
    assert await app.digest.settings(fake_discord.guild.id) is None
    assert (await app.guilds.get(fake_discord.guild.id)).admin_channel_id is None


async def test_refused_post_pauses_the_digest_and_tells_the_admins_once(
    fake_discord: FakeDiscord, paperbot: Any, app: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    await slash(fake_discord, "digest admin-channel", {"channel": "general"})
    papers = fake_discord.channel("papers")
    fake_discord.fail_next("POST", rf"/channels/{papers.id}/messages", MISSING_PERMISSIONS)
    clock.set(AT_1030_ZURICH)
    outcome = await paperbot.schedules.digest.fire(fake_discord.guild.id)
    assert outcome.status is OutcomeStatus.FAILED
    notice = await fake_discord.wait_for_bot_message("general")
    assert "Missing Permissions" in notice.content
    assert "`/digest resume`" in notice.content
    assert_no_pings(
        fake_discord.find_requests("POST", rf"/channels/{fake_discord.channel('general').id}/messages")[0]
    )

    clock.advance(timedelta(days=1))  # the next day's job: paused, no attempt, no second notice
    outcome = await paperbot.schedules.digest.fire(fake_discord.guild.id)
    assert outcome.status is OutcomeStatus.PAUSED
    await fake_discord.settle()
    assert len(channel_posts(fake_discord, "papers")) == 1
    assert len(channel_posts(fake_discord, "general")) == 1
    status = await slash(fake_discord, "digest status")
    assert status.embed["description"].startswith("⚠️ **Paused:** I couldn't post the paper of the day")

    resumed = await slash(fake_discord, "digest resume")
    assert resumed.content.startswith("✅ Resumed.")
    clock.advance(timedelta(days=1))
    assert (await paperbot.schedules.digest.fire(fake_discord.guild.id)).status is OutcomeStatus.POSTED


async def test_a_new_time_or_topic_keeps_the_server_paused_and_says_so(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    papers = fake_discord.channel("papers")
    fake_discord.fail_next("POST", rf"/channels/{papers.id}/messages", MISSING_PERMISSIONS)
    clock.set(AT_1030_ZURICH)
    assert (await paperbot.schedules.digest.fire(fake_discord.guild.id)).status is OutcomeStatus.FAILED

    moved = await slash(fake_discord, "digest time", {"time": "11:00"})
    narrowed = await slash(fake_discord, "digest topic", {"query": "diffusion"})
    for reply in (moved, narrowed):
        assert reply.content.splitlines()[1:3] == [
            f"Paper of the day: **⚠️ paused, in <#{papers.id}>**",
            "⚠️ Still paused: `/digest status` says why; `/digest resume` once it's fixed.",
        ]
    status = await slash(fake_discord, "digest status")
    assert status.embed["description"].startswith("⚠️ **Paused:** I couldn't post the paper of the day")
    clock.set(AT_1030_ZURICH + timedelta(days=1, minutes=30))  # Fri 11:00 Zurich, the new time
    outcome = await paperbot.schedules.digest.fire(fake_discord.guild.id)
    assert outcome.status is OutcomeStatus.PAUSED
    await fake_discord.settle()
    assert len(channel_posts(fake_discord, "papers")) == 1  # only the refused attempt


async def test_embed_links_revoked_after_setup_is_caught_before_posting_a_bare_header(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    papers = fake_discord.channel("papers")
    bot_role = fake_discord.guild.role("Fake Bot")
    papers.overwrites.append(FakeOverwrite.for_role(bot_role, deny=Perm.EMBED_LINKS))
    await fake_discord.sync_channel(papers)
    await fake_discord.wait_until(
        lambda: (
            True
            if not paperbot.get_channel(papers.id)
            .permissions_for(paperbot.get_guild(fake_discord.guild.id).me)
            .embed_links
            else None
        )
    )
    clock.set(AT_1030_ZURICH)
    outcome = await paperbot.schedules.digest.fire(fake_discord.guild.id)
    assert outcome.status is OutcomeStatus.FAILED
    assert "Missing Permissions" in outcome.detail
    await fake_discord.settle()
    assert channel_posts(fake_discord, "papers") == []  # Discord would have dropped the embed silently


# --- the schedule -------------------------------------------------------------------------------


async def test_the_job_fires_at_the_local_time_posts_once_and_a_second_fire_does_nothing(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    guild = fake_discord.guild.id
    assert paperbot.schedules.digest.next_run_times()[guild] == AT_1030_ZURICH
    clock.set(AT_1030_ZURICH)
    first = await paperbot.schedules.digest.fire(guild)
    second = await paperbot.schedules.digest.fire(guild)
    assert (first.status, second.status) == (OutcomeStatus.POSTED, OutcomeStatus.ALREADY_DONE)
    await fake_discord.wait_for_bot_message("papers")
    await fake_discord.settle()
    assert len(channel_posts(fake_discord, "papers")) == 1
    assert paperbot.schedules.digest.next_run_times()[guild] == AT_1030_ZURICH + timedelta(days=1)


async def test_disable_stops_the_scheduled_post_only_admins_enable_it_and_it_posts_the_next_day(
    fake_discord: FakeDiscord, paperbot: Any, app: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    guild, papers = fake_discord.guild.id, fake_discord.channel("papers").id
    callbacks = r"/interactions/{}/[^/]+/callback"

    disable = await fake_discord.invoke_slash("digest disable", {}, user="bob")
    off = await disable.reply()
    off_request = await fake_discord.wait_for_request("POST", callbacks.format(disable.id))
    assert off.ephemeral
    assert off.content == (
        "✅ The paper of the day is off.\n"
        f"Paper of the day: **off (channel <#{papers}>)**\n"
        "Time: 10:30 Europe/Zurich, every day\n"
        "Topic: any paper in the corpus"
    )
    assert off_request.json["data"]["allowed_mentions"] == {"parse": []}
    assert_no_pings(off_request)

    forced = await fake_discord.invoke_slash("digest enable", {}, user="alice", force=True)
    refused = await forced.reply()
    assert refused.ephemeral
    assert refused.content == "You need the **Manage Server** permission to do that."
    assert not (await app.digest.settings(guild)).enabled

    clock.set(AT_1030_ZURICH)  # Thursday's post time, with the post off
    assert (await paperbot.schedules.digest.fire(guild)).status is OutcomeStatus.DISABLED
    await fake_discord.settle()
    assert channel_posts(fake_discord, "papers") == []

    enable = await fake_discord.invoke_slash("digest enable", {}, user="bob")
    on = await enable.reply()
    on_request = await fake_discord.wait_for_request("POST", callbacks.format(enable.id))
    friday_1030_zurich = 1795771800  # Fri 27 Nov 2026 09:30 UTC: today's slot has passed
    assert on.ephemeral
    assert on.content.splitlines() == [
        "✅ The paper of the day is on.",
        f"Paper of the day: **on, in <#{papers}>**",
        "Time: 10:30 Europe/Zurich, every day",
        f"Next post: <t:{friday_1030_zurich}:F> (<t:{friday_1030_zurich}:R>)",
        "Topic: any paper in the corpus",
    ]
    assert on_request.json["data"]["allowed_mentions"] == {"parse": []}

    clock.set(AT_1030_ZURICH + timedelta(days=1))
    assert (await paperbot.schedules.digest.fire(guild)).status is OutcomeStatus.POSTED
    posted = await fake_discord.wait_for_bot_message("papers")
    await fake_discord.settle()
    assert posted.content == "📄 **Paper of the day** — <t:1795780800:D>"  # Fri 27 Nov 2026, noon UTC
    assert len(channel_posts(fake_discord, "papers")) == 1
    assert_no_pings(channel_posts(fake_discord, "papers")[0])


async def test_a_restart_on_the_same_database_does_not_post_again_and_old_buttons_still_work(
    fake_discord: FakeDiscord,
    bot_runner: BotRunner,
    paperbot: Any,
    bot_settings: Settings,
    clock: ManualClock,
    bundled_index: PaperIndex,
) -> None:
    from bot.serve import build_client

    await set_up(fake_discord)
    clock.set(AT_1030_ZURICH)
    await paperbot.schedules.digest.fire(fake_discord.guild.id)
    posted = await fake_discord.wait_for_bot_message("papers")
    await bot_runner.stop(paperbot)

    clock.advance(timedelta(minutes=30))  # back within the grace window: catch-up runs at start-up
    second_app = await open_app(bot_settings, clock=clock, library=Library.from_papers(bundled_index, clock))
    try:
        restarted = build_client(second_app, scheduler_paused=True)
        await bot_runner.start(restarted)
        await fake_discord.settle()
        assert len(channel_posts(fake_discord, "papers")) == 1
        paper_id = posted.embed["footer"]["text"].split(" · ")[0]
        click = await fake_discord.click(posted, f"paper:abstract:{paper_id}", user="alice")
        abstract = await click.reply()
        assert abstract.ephemeral
        assert abstract.embed["title"] == posted.embed["title"]
        await bot_runner.stop(restarted)
    finally:
        await second_app.close()


# --- buttons, history, status -------------------------------------------------------------------


async def test_buttons_on_a_digest_post_answer_privately(
    fake_discord: FakeDiscord, paperbot: Any, app: Any
) -> None:
    await set_up(fake_discord)
    await slash(fake_discord, "digest now")
    posted = await fake_discord.wait_for_bot_message("papers")
    paper_id = posted.embed["footer"]["text"].split(" · ")[0]
    paper = app.library.index.get(paper_id)

    abstract = await (await fake_discord.click(posted, f"paper:abstract:{paper_id}", user="alice")).reply()
    similar = await (await fake_discord.click(posted, f"paper:similar:{paper_id}", user="alice")).reply()
    assert abstract.ephemeral
    assert abstract.embed["title"] == display_title(paper)
    assert len(abstract.embed["description"]) >= len(readable_abstract(paper.abstract))  # all of it
    assert similar.ephemeral
    assert display_title(paper) in similar.embed["title"]

    store = paperbot._connection._view_store._dynamic_items
    if not any(pattern.fullmatch(f"rg:propose:{paper_id}") for pattern in store):
        return  # the reading-group cog isn't loaded in this build: nobody answers Propose
    proposed = await (await fake_discord.click(posted, f"rg:propose:{paper_id}", user="alice")).reply()
    assert proposed.ephemeral
    proposals = await app.reading_group.proposals.open_proposals(fake_discord.guild.id)
    assert [(p.paper.paper_id, p.proposer_id) for p in proposals] == [(paper_id, fake_discord.alice.id)]


async def test_history_lists_each_day_with_a_timestamp_and_a_link_and_status_shows_the_next_post(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    guild, papers = fake_discord.guild.id, fake_discord.channel("papers").id
    await slash(fake_discord, "digest now")
    first = await fake_discord.wait_for_bot_message("papers")
    clock.set(AT_1030_ZURICH + timedelta(days=1))
    await paperbot.schedules.digest.fire(guild)
    second = await fake_discord.wait_for_bot_message("papers")

    history = await slash(fake_discord, "digest history")
    lines = history.embed["description"].splitlines()
    assert history.ephemeral
    assert len(lines) == 2
    assert lines[0].startswith("<t:1795780800:D> · [")  # Fri 27 Nov first: newest on top
    assert lines[0].endswith(f"](https://discord.com/channels/{guild}/{papers}/{second.id})")
    assert lines[1].endswith(f"](https://discord.com/channels/{guild}/{papers}/{first.id})")

    status = await slash(fake_discord, "digest status")
    fields = {f["name"]: f["value"] for f in status.embed["fields"]}
    saturday_1030_zurich = int(datetime(2026, 11, 28, 9, 30, tzinfo=UTC).timestamp())
    assert fields["Next post"] == f"<t:{saturday_1030_zurich}:F> (<t:{saturday_1030_zurich}:R>)"
    assert fields["Time"] == "10:30 Europe/Zurich, every day"


async def test_history_links_still_lead_to_older_posts_after_a_channel_change(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await set_up(fake_discord)
    guild = fake_discord.guild.id
    papers, general = fake_discord.channel("papers").id, fake_discord.channel("general").id
    await slash(fake_discord, "digest now")
    in_papers = await fake_discord.wait_for_bot_message("papers")
    await slash(fake_discord, "digest channel", {"channel": "general"})
    clock.set(AT_1030_ZURICH + timedelta(days=1))
    await paperbot.schedules.digest.fire(guild)
    in_general = await fake_discord.wait_for_bot_message("general")

    history = await slash(fake_discord, "digest history")
    lines = history.embed["description"].splitlines()
    assert lines[0].endswith(f"](https://discord.com/channels/{guild}/{general}/{in_general.id})")
    assert lines[1].endswith(f"](https://discord.com/channels/{guild}/{papers}/{in_papers.id})")


# --- members' DMs -------------------------------------------------------------------------------


async def test_a_daily_subscriber_gets_a_dm_at_the_post_time(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    confirmation = await slash(fake_discord, "subscribe", {"frequency": "daily"}, user="alice")
    assert confirmation.ephemeral
    assert "a paper of the day by DM at 09:00 UTC" in confirmation.content
    assert "<t:1795683600:F>" in confirmation.content  # 26 Nov 09:00 UTC, the server's default time
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    outcome = await paperbot.schedules.digest.fire(fake_discord.guild.id)
    assert outcome.dms_sent == 1
    dm = await fake_discord.wait_for_bot_message(fake_discord.dm_channel("alice"))
    assert dm.content == "📬 **Your paper of the day** — <t:1795694400:D>"
    assert [b["label"] for b in dm.buttons()] == ["Show abstract", "Similar papers"]
    request = await fake_discord.wait_for_request(
        "POST", rf"/channels/{fake_discord.dm_channel('alice').id}/messages"
    )
    assert_no_pings(request)
    click = await fake_discord.click(dm, dm.buttons()[0]["custom_id"], user="alice")
    assert (await click.reply()).embed["title"] == dm.embed["title"]


async def test_a_refused_dm_ends_the_subscription_with_a_log_line(
    fake_discord: FakeDiscord, paperbot: Any, app: Any, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.alice.dms_open = False
    await slash(fake_discord, "subscribe", user="alice")
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    with caplog.at_level(logging.WARNING, logger="paperbot.subscriptions"):
        outcome = await paperbot.schedules.digest.fire(fake_discord.guild.id)
    assert outcome.dms_sent == 0
    subscription = await app.subscriptions.get(fake_discord.alice.id)
    assert not subscription.active
    assert "50007" in subscription.ended_reason
    assert f"ended the DM digest of user {fake_discord.alice.id}" in caplog.text

    dm_posts = fake_discord.find_requests(
        "POST", rf"/channels/{fake_discord.dm_channel('alice').id}/messages"
    )
    clock.advance(timedelta(days=1))
    await paperbot.schedules.digest.fire(fake_discord.guild.id)
    await fake_discord.settle()
    assert len(
        fake_discord.find_requests("POST", rf"/channels/{fake_discord.dm_channel('alice').id}/messages")
    ) == len(dm_posts)


async def test_unsubscribe_confirms_privately(fake_discord: FakeDiscord, paperbot: Any, app: Any) -> None:
    await slash(fake_discord, "subscribe", {"topic": "diffusion", "frequency": "weekly"}, user="alice")
    assert (await app.subscriptions.get(fake_discord.alice.id)).cadence == "weekly"
    first = await slash(fake_discord, "unsubscribe", user="alice")
    second = await slash(fake_discord, "unsubscribe", user="alice")
    assert (first.ephemeral, first.content) == (True, "✅ No more DMs from me.")
    assert second.content == "You weren't subscribed."
