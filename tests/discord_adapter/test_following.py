"""/corpus follow end to end: the real bot, the fake Discord and the fake arXiv. A followed author's new
paper is announced once in the chosen channel — with its card and buttons — across two restarts and a
day when arXiv answers 503; their back catalogue is never announced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.library import Library
from bot.search.index import PaperIndex
from bot.settings import Settings
from tests.additions.conftest import on_fake_time
from tests.fake_discord import BotRunner, FakeDiscord
from tests.fake_sources import FakeSources
from tests.fake_sources import Reply as SourceReply
from tests.following.test_follow_service import NEW, NEW_TITLE, publish_new_paper
from tests.sources.conftest import FakeTime

from .test_adding_papers import bot_settings, librarian, run  # noqa: F401  (fixtures)


def announcements(fake: FakeDiscord) -> list[Any]:
    papers = fake.channel("papers")
    return [
        r
        for r in fake.find_requests("POST", rf"/channels/{papers.id}/messages")
        if "New from the group" in str(r.json)
    ]


@pytest.fixture
async def app(bot_settings: Settings, clock: ManualClock, bundled_index: PaperIndex) -> AsyncIterator[App]:  # noqa: F811
    """The core over the bundled corpus, its sources on fake time (arXiv's spacing kept, not waited)."""
    application = await open_app(bot_settings, clock=clock, library=Library.from_papers(bundled_index, clock))
    try:
        yield await on_fake_time(application, FakeTime())
    finally:
        await application.close()


async def restart(
    bot_runner: BotRunner, old: Any, settings: Settings, clock: ManualClock, index: PaperIndex
) -> tuple[Any, App]:
    from bot.serve import build_client

    await bot_runner.stop(old)
    app = await on_fake_time(
        await open_app(settings, clock=clock, library=Library.from_papers(index, clock)), FakeTime()
    )
    client = build_client(app, scheduler_paused=True)
    await bot_runner.start(client)
    return client, app


async def test_a_followed_authors_new_paper_is_announced_exactly_once(
    paperbot: Any,
    fake_discord: FakeDiscord,
    fake_sources: FakeSources,
    bot_runner: BotRunner,
    bot_settings: Settings,  # noqa: F811
    clock: ManualClock,
    bundled_index: PaperIndex,
) -> None:
    papers = fake_discord.channel("papers")
    set_channel = await run(fake_discord, "corpus follow-channel", {"channel": "papers"}, user="bob")
    assert set_channel.content == f"✅ I'll announce followed people's new papers in <#{papers.id}>."
    followed = await run(fake_discord, "corpus follow", {"who": "Thomas Hofmann"}, user="bob")
    assert followed.content == (
        f"✅ Following Thomas Hofmann (1 paper already out: not announced). I'll announce their new papers "
        f"in <#{papers.id}>, once a day."
    )
    listed = await run(fake_discord, "corpus following", user="bob")
    assert listed.content == f"Following (1):\n• Thomas Hofmann\nNew papers go to <#{papers.id}>."

    await paperbot.schedules.following.run()  # nothing new yet
    assert announcements(fake_discord) == []

    publish_new_paper(fake_sources)
    fake_sources.script("arxiv", SourceReply(503, "Service Unavailable", {"Retry-After": "3600"}))
    await paperbot.schedules.following.run()  # arXiv down today: logged, retried tomorrow
    assert announcements(fake_discord) == []

    client, app = await restart(bot_runner, paperbot, bot_settings, clock, bundled_index)
    try:
        await client.schedules.following.run()  # the next day
        (posted,) = announcements(fake_discord)
        assert posted.json["content"] == f"📣 New from the group: **{NEW_TITLE}**"
        assert posted.json["embeds"][0]["title"].startswith(NEW_TITLE)
        buttons = [c["custom_id"] for row in posted.json["components"] for c in row["components"]]
        assert f"paper:abstract:{NEW}" in buttons or f"paper:similar:{NEW}" in buttons
        answer = await run(
            fake_discord, "ask", {"question": "curved attention for reading groups"}, user="alice"
        )
        assert NEW_TITLE in answer.embed["description"]
        await client.schedules.following.run()
        client2, app2 = await restart(bot_runner, client, bot_settings, clock, bundled_index)
        try:
            await client2.schedules.following.run()
            assert len(announcements(fake_discord)) == 1
            await bot_runner.stop(client2)
        finally:
            await app2.close()
    finally:
        await app.close()


async def test_a_member_cannot_follow_and_an_orcid_is_explained(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    refused = await run(fake_discord, "corpus follow", {"who": "Thomas Hofmann"}, user="alice", force=True)
    assert refused.content.startswith("Adding and changing papers needs the **Manage Server** permission")
    orcid = await run(fake_discord, "corpus follow", {"who": "0000-0002-1825-0097"}, user="bob")
    assert orcid.content.startswith("arXiv's API can't search by ORCID")
    assert await paperbot.app.following.store.follows() == []
