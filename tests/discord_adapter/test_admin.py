"""Admin commands end to end: /config ask-channels (add, remove, list) and /corpus reload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.library import Library
from bot.settings import Settings
from tests.fake_discord import CommandNotAvailable, FakeDiscord, Reply

from .test_freetext import mention, reply_to
from .test_freetext_support import assert_all_quiet

MANAGE_GUILD = str(1 << 5)


async def run(fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, **kw: Any) -> Reply:
    handle = await fake.invoke_slash(command, options or {}, **kw)
    return await handle.reply()


# --- ask channels ---------------------------------------------------------------------------------------


async def test_a_moderator_adds_an_ask_channel_and_messages_there_are_answered(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await run(fake_discord, "config ask-channels add", {"channel": "papers"}, user="bob")
    papers = fake_discord.channel("papers")
    assert reply.ephemeral
    assert (
        reply.content
        == f"✅ I'll answer every message in <#{papers.id}> as a question (replies open a thread)."
    )
    assert (await paperbot.app.guilds.get(fake_discord.guild.id)).ask_channel_ids == (papers.id,)
    answer = await reply_to(fake_discord, await fake_discord.send_message("papers", "state space models"))
    assert answer.json["embeds"][0]["title"] == "state space models"
    assert_all_quiet(fake_discord)


async def test_list_then_remove_an_ask_channel(paperbot: Any, fake_discord: FakeDiscord) -> None:
    papers, general = fake_discord.channel("papers"), fake_discord.channel("general")
    await run(fake_discord, "config ask-channels add", {"channel": "papers"}, user="bob")
    again = await run(fake_discord, "config ask-channels add", {"channel": "papers"}, user="bob")
    assert again.content == f"<#{papers.id}> is already an ask channel."
    await run(fake_discord, "config ask-channels add", {"channel": "general"}, user="owner")
    listed = await run(fake_discord, "config ask-channels list", user="bob")
    assert listed.content == f"Ask channels (2):\n• <#{papers.id}>\n• <#{general.id}>"

    removed = await run(fake_discord, "config ask-channels remove", {"channel": "papers"}, user="bob")
    assert removed.content == f"✅ <#{papers.id}> is a normal channel again (mentions still work)."
    await fake_discord.send_message("papers", "state space models")
    await fake_discord.settle(0.2)
    assert fake_discord.find_requests("POST", rf"/channels/{papers.id}/messages") == []
    not_there = await run(fake_discord, "config ask-channels remove", {"channel": "papers"}, user="bob")
    assert not_there.ephemeral
    assert not_there.content == (
        f"<#{papers.id}> isn't an ask channel. See them with `/config ask-channels list`."
    )
    assert_all_quiet(fake_discord)


async def test_an_empty_list_says_how_to_add_one(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "config ask-channels list", user="bob")
    assert reply.content == (
        "No ask channels yet — I answer mentions and DMs. Add one with `/config ask-channels add`."
    )


async def test_adding_a_channel_the_bot_cannot_post_in_warns(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await run(fake_discord, "config ask-channels add", {"channel": "read-only"}, user="bob")
    read_only = fake_discord.channel("read-only")
    assert reply.content.endswith(
        f"\n⚠️ I'm missing **Send Messages** in <#{read_only.id}> — grant it, or my answers there will fail."
    )


async def test_config_is_hidden_from_members_and_refused_when_forced(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    for name in ("config", "corpus"):
        command = fake_discord.find_command(name)
        assert command["default_member_permissions"] == MANAGE_GUILD
        assert command.get("contexts") in (None, [0])
    with pytest.raises(CommandNotAvailable):
        await fake_discord.invoke_slash("config ask-channels add", {"channel": "papers"}, user="alice")
    # a server may override who sees the command; the bot checks again when it runs
    forced = await run(
        fake_discord, "config ask-channels add", {"channel": "papers"}, user="alice", force=True
    )
    assert forced.ephemeral
    assert forced.content == "You need the **Manage Server** permission to do that."
    assert (await paperbot.app.guilds.get(fake_discord.guild.id)).ask_channel_ids == ()
    reload = await run(fake_discord, "corpus reload", user="alice", force=True)
    assert reload.content == "You need the **Manage Server** permission to do that."


# --- corpus reload ---------------------------------------------------------------------------------------

FIRST = (
    "LGFeb 23, 2023Code\nRandom Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann\n"
    "Random teachers.\n"
)
SECOND = (
    "CVApr 12, 2023\nMapping Alpine Glaciers From Orbit: A Benchmark"
    "Maria Parelli, Alexandros Delitzas\nWe map alpine glaciers from satellite orbit imagery.\n"
)
BROKEN = "LGFeb 30, 2023\nA Paper On The Thirtieth Of FebruaryMaria Parelli\nImpossible dates.\n"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "lab.txt").write_text(FIRST)
    return folder


@pytest.fixture
async def app(bot_settings: Settings, clock: ManualClock, corpus_dir: Path) -> AsyncIterator[App]:
    """The core over a one-paper corpus folder the test can change (strict: a bad record fails a load)."""
    library = Library(path=corpus_dir, strict=True, clock=clock)
    library.load()
    application = await open_app(bot_settings, clock=clock, library=library)
    try:
        yield application
    finally:
        await application.close()


async def test_reload_adds_a_paper_that_questions_then_find(
    paperbot: Any, fake_discord: FakeDiscord, corpus_dir: Path
) -> None:
    (corpus_dir / "more.txt").write_text(SECOND)
    handle = await fake_discord.invoke_slash("corpus reload", user="bob")
    reply = await handle.reply()
    assert handle.callback_type == 5  # deferred (privately) before the slow work
    assert reply.ephemeral
    assert reply.content == (
        "✅ Corpus reloaded: **2 papers** (1 new, 0 gone).\n"
        "New: `mapping-alpine-glaciers-from-orbit-a-benchmark`"
    )
    answer = await reply_to(
        fake_discord, await mention(fake_discord, "general", "alpine glaciers from orbit")
    )
    assert "Mapping Alpine Glaciers From Orbit" in answer.json["embeds"][0]["description"]
    assert_all_quiet(fake_discord)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (FIRST + BROKEN, "The corpus at {folder} has 1 problem(s)"),
        ("", "The corpus is empty: {folder} has no readable papers."),
    ],
)
async def test_a_broken_corpus_keeps_the_old_papers_and_says_why(
    paperbot: Any, fake_discord: FakeDiscord, corpus_dir: Path, content: str, why: str
) -> None:
    (corpus_dir / "lab.txt").write_text(content)
    reply = await run(fake_discord, "corpus reload", user="owner")
    assert reply.ephemeral
    assert reply.content.startswith("❌ Reload failed — still serving the previous **1 papers**.\nWhy: ")
    assert why.format(folder=corpus_dir) in reply.content
    assert [p.title for p in paperbot.app.library.index.papers] == ["Random Teachers are Good Teachers"]
    answer = await reply_to(fake_discord, await mention(fake_discord, "general", "random teachers"))
    assert "Random Teachers are Good Teachers" in answer.json["embeds"][0]["description"]
