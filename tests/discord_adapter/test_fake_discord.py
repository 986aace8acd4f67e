"""End-to-end tests proving the fake Discord drives the real discord.py client correctly.

The bot here is a throwaway ``commands.Bot`` covering each mechanism the real bot will use (slash commands,
defers, groups, autocomplete, views, replies, DMs, files, threads, events), so a failure points at the fake
or at discord.py, never at paperbot code.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import re
import socket
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import (
    CANNOT_DM_USER,
    MISSING_PERMISSIONS,
    BotRunner,
    CommandNotAvailable,
    FakeAttachment,
    FakeDiscord,
    FakeOverwrite,
    Intent,
    Perm,
)


class ConfirmView(discord.ui.View):
    """Only the invoking user may press; pressing disables the button via UPDATE_MESSAGE (type 7)."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=30)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This button is not for you.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Confirm", custom_id="confirm", style=discord.ButtonStyle.green)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        button.disabled = True
        await interaction.response.edit_message(content="Confirmed.", view=self)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    comment: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Comment", custom_id="comment")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.comment.value}", ephemeral=True)


def make_bot(
    fake: FakeDiscord,
    *,
    message_content: bool = True,
    intents: discord.Intents | None = None,
    sync: bool = True,
) -> commands.Bot:
    """The throwaway bot; ``seen`` collects (content, channel id) of every message on_message received."""
    if intents is None:
        intents = discord.Intents.default()
        intents.message_content = message_content
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05, help_command=None)
    seen: list[tuple[str, int]] = []
    bot.seen = seen  # type: ignore[attr-defined]
    guild = discord.Object(id=fake.guild.id)

    @bot.tree.command(description="Answer with pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.tree.command(description="Defer, then follow up")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done")

    @bot.tree.command(description="Ephemeral defer, then edit the original")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="classified")

    @bot.tree.command(description="Echo resolved options")
    @app_commands.describe(member="someone", where="a channel", role="a role", count="how many")
    async def greet(
        interaction: discord.Interaction,
        member: discord.Member,
        where: discord.TextChannel,
        role: discord.Role,
        count: app_commands.Range[int, 1, 5],
        loud: bool = False,
    ) -> None:
        text = f"hi {member.display_name} in {where.name} as {role.name} x{count}"
        await interaction.response.send_message(text.upper() if loud else text)

    async def paper_titles(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        titles = ["Attention Is All You Need", "Random Teachers", "State Space Models"]
        return [app_commands.Choice(name=t, value=t.lower()) for t in titles if current.lower() in t.lower()]

    @bot.tree.command(description="Search a paper")
    @app_commands.autocomplete(title=paper_titles)
    async def find(interaction: discord.Interaction, title: str) -> None:
        await interaction.response.send_message(f"found {title}")

    @bot.tree.command(description="Ask for confirmation")
    async def confirm(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Are you sure?", view=ConfirmView(interaction.user.id))

    @bot.tree.command(description="Open a modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @bot.tree.command(description="Server settings")
    @app_commands.default_permissions(manage_guild=True)
    async def settings(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("settings", ephemeral=True)

    paper = app_commands.Group(name="paper", description="Papers")
    tag = app_commands.Group(name="tag", description="Tags", parent=paper)

    @tag.command(name="add", description="Tag a paper")
    async def tag_add(interaction: discord.Interaction, paper_id: str, label: str) -> None:
        await interaction.response.send_message(f"tagged {paper_id} with {label}")

    @paper.command(name="show", description="Show a paper")
    async def paper_show(interaction: discord.Interaction, paper_id: str) -> None:
        embed = discord.Embed(title=paper_id, description="abstract")
        await interaction.response.send_message(embed=embed)

    bot.tree.add_command(paper)

    @bot.tree.command(description="Guild-only admin command", guild=guild)
    async def reindex(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("reindexed", ephemeral=True)

    @bot.tree.command(description="Create a reading group event")
    async def event(interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild is not None
        start = discord.utils.utcnow() + dt.timedelta(days=1)
        created = await interaction.guild.create_scheduled_event(
            name=name,
            start_time=start,
            end_time=start + dt.timedelta(hours=1),
            entity_type=discord.EntityType.external,
            location="Room 42",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
        await interaction.response.send_message(f"event {created.id}")

    @bot.tree.command(description="Needs Manage Server at run time")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("purged", ephemeral=True)

    @purge.error
    async def purge_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        assert isinstance(error, app_commands.MissingPermissions)
        await interaction.response.send_message("no permission", ephemeral=True)

    @bot.tree.command(description="Manage the original and a followup")
    async def manage(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("original")
        original = await interaction.original_response()
        followup = await interaction.followup.send(f"followup to {original.id}", wait=True)
        await followup.edit(content="followup edited")
        await followup.delete()
        await interaction.edit_original_response(content="original edited")
        await interaction.delete_original_response()

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author == bot.user:
            return
        seen.append((message.content, message.channel.id))
        content = message.content.lower()
        if content == "hello":
            await message.reply(
                "hello to you", mention_author=False, allowed_mentions=discord.AllowedMentions.none()
            )
        elif content == "dm me":
            await message.author.send("here is your DM")
        elif content == "thread please":
            thread = await message.create_thread(name="Discussion", auto_archive_duration=60)
            await thread.send("thread started")
        elif content == "file please":
            await message.channel.send("here", file=discord.File(io.BytesIO(b"%PDF-1.4 fake"), "paper.pdf"))
        elif content == "echo":
            # would loop forever if the bot answered its own echoed MESSAGE_CREATE
            await message.channel.send("echo")
        await bot.process_commands(message)

    if sync:

        @bot.event
        async def setup_hook() -> None:
            await bot.tree.sync()
            await bot.tree.sync(guild=guild)

    return bot


@pytest.fixture
async def bot(fake_discord: FakeDiscord, bot_runner: BotRunner) -> commands.Bot:
    client = make_bot(fake_discord)
    await bot_runner.start(client)
    return client


# ---------------------------------------------------------------------------------------------------------
# Login, gateway, cache
# ---------------------------------------------------------------------------------------------------------


async def test_login_ready_and_guild_cache(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    assert bot.user is not None
    assert bot.user.id == fake_discord.bot_user.id
    assert bot.application_id == fake_discord.application_id
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None
    assert guild.name == "Fake Guild"
    assert {c.name for c in guild.text_channels} >= {"general", "papers", "read-only"}
    assert [c.name for c in guild.voice_channels] == ["Voice"]
    assert guild.me.get_role(fake_discord.guild.role("Fake Bot").id) is not None
    general = guild.get_channel(fake_discord.guild.channel("general").id)
    read_only = guild.get_channel(fake_discord.guild.channel("read-only").id)
    assert isinstance(general, discord.TextChannel)
    assert isinstance(read_only, discord.TextChannel)
    assert general.permissions_for(guild.me).send_messages
    assert not read_only.permissions_for(guild.me).send_messages
    assert guild.owner_id == fake_discord.owner.id

    identify = fake_discord.identify_payloads[0]
    assert identify["intents"] == bot.intents.value
    assert fake_discord.find_requests("GET", "/users/@me")
    assert fake_discord.find_requests("GET", "/oauth2/applications/@me")
    hello_ack = await fake_discord.wait_for_gateway(op=1)  # the immediate heartbeat after HELLO
    assert hello_ack.direction == "in"
    assert (await bot.application_info()).owner.id == fake_discord.owner.id


async def test_zlib_stream_compression_is_used(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    conn = next(iter(fake_discord._connections))
    assert conn.compress == "zlib-stream"


async def test_privileged_intent_refused_with_4014(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    fake_discord.privileged_intents = 0
    client = make_bot(fake_discord, message_content=True, sync=False)
    await bot_runner.start(client, wait_ready=False)
    with pytest.raises(discord.ConnectionClosed) as info:
        await bot_runner.join(client)
    assert info.value.code == 4014


async def test_bad_token_is_a_login_failure(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    client = make_bot(fake_discord, sync=False)
    with pytest.raises(discord.LoginFailure):
        await bot_runner.start(client, token="wrong")


async def test_reconnect_then_resume(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    mark = len(fake_discord.gateway_log)
    await fake_discord.send_reconnect()
    await fake_discord.wait_for_gateway(op=6, after=mark)  # RESUME
    await fake_discord.wait_for_gateway(event="RESUMED", direction="out", after=mark)
    await fake_discord.send_message("general", "hello")
    reply = await fake_discord.wait_for_bot_message("general")
    assert reply.content == "hello to you"


async def test_members_intent_chunks_the_guild(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    fake_discord.guild.lazy_members = True
    intents = discord.Intents.default()
    intents.members = True
    client = make_bot(fake_discord, intents=intents, sync=False)
    await bot_runner.start(client)
    op8 = await fake_discord.wait_for_gateway(op=8)
    assert str(op8.d["guild_id"]) == str(fake_discord.guild.id)  # discord.py sends an int
    guild = client.get_guild(fake_discord.guild.id)
    assert guild is not None
    assert guild.chunked
    assert guild.get_member(fake_discord.bob.id) is not None


# ---------------------------------------------------------------------------------------------------------
# Command tree sync
# ---------------------------------------------------------------------------------------------------------


async def test_command_sync_payload_recorded(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    app = fake_discord.application_id
    put = fake_discord.find_requests("PUT", f"/applications/{app}/commands")[0]
    by_name = {c["name"]: c for c in put.json}
    assert set(by_name) == {
        "purge",
        "manage",
        "ping",
        "slow",
        "secret",
        "greet",
        "find",
        "confirm",
        "feedback",
        "settings",
        "paper",
        "event",
    }
    greet = {o["name"]: o for o in by_name["greet"]["options"]}
    assert greet["member"]["type"] == 6
    assert greet["where"]["type"] == 7
    assert greet["role"]["type"] == 8
    assert (greet["count"]["min_value"], greet["count"]["max_value"]) == (1, 5)
    assert greet["loud"]["required"] is False
    assert by_name["find"]["options"][0]["autocomplete"] is True
    # discord.py 2.7 sends this as an int; Discord documents a string (and answers with one)
    assert str(by_name["settings"]["default_member_permissions"]) == str(Perm.MANAGE_GUILD.value)
    group = by_name["paper"]["options"]
    assert {(o["name"], o["type"]) for o in group} == {("tag", 2), ("show", 1)}
    guild_put = fake_discord.find_requests(
        "PUT", f"/applications/{app}/guilds/{fake_discord.guild.id}/commands"
    )
    assert [c["name"] for c in guild_put[0].json] == ["reindex"]
    assert all(c["id"] for c in fake_discord.global_commands)


async def test_unsynced_command_cannot_be_invoked(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    with pytest.raises(CommandNotAvailable, match="never synced"):
        await fake_discord.invoke_slash("nope")


# ---------------------------------------------------------------------------------------------------------
# Slash commands
# ---------------------------------------------------------------------------------------------------------


async def test_slash_command_answered_with_type_4(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.invoke_slash("ping")
    reply = await handle.reply()
    assert handle.callback_type == 4
    assert reply.content == "pong"
    assert not reply.ephemeral
    callback = await fake_discord.wait_for_request("POST", r"/interactions/\d+/[^/]+/callback")
    assert callback.query == {"with_response": "1"}
    assert callback.response["resource"]["message"]["id"] == str(reply.id)


async def test_defer_then_followup(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.invoke_slash("slow")
    reply = await handle.reply()
    assert handle.callback_type == 5
    assert reply.content == "done"
    followup = await fake_discord.wait_for_request("POST", rf"/webhooks/{fake_discord.application_id}/[^/]+")
    assert followup.json["content"] == "done"
    assert followup.query["wait"] == "1"


async def test_ephemeral_defer_then_edit_original(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.invoke_slash("secret", user=fake_discord.bob)
    reply = await handle.edited()
    callback = await handle.wait_callback()
    assert callback == {"type": 5, "data": {"flags": 64}}
    assert reply.content == "classified"
    assert reply.ephemeral
    assert not reply.loading
    patch = await fake_discord.wait_for_request("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    assert patch.json["content"] == "classified"


async def test_resolved_options(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.invoke_slash(
        "greet",
        {"member": fake_discord.bob, "where": "papers", "role": "Moderator", "count": 3, "loud": True},
    )
    reply = await handle.reply()
    assert reply.content == "HI BOB IN PAPERS AS MODERATOR X3"
    with pytest.raises(ValueError, match="max_value"):
        await fake_discord.invoke_slash(
            "greet", {"member": "bob", "where": "papers", "role": "Moderator", "count": 9}
        )


async def test_subcommand_group(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.invoke_slash("paper tag add", {"paper_id": "p1", "label": "ssm"})
    assert (await handle.reply()).content == "tagged p1 with ssm"
    show = await (await fake_discord.invoke_slash("paper show", {"paper_id": "p2"})).reply()
    assert show.embed is not None
    assert show.embed["title"] == "p2"
    with pytest.raises(ValueError, match="needs a subcommand"):
        await fake_discord.invoke_slash("paper tag", {})


async def test_guild_scoped_command(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.invoke_slash("reindex")
    assert handle.payload["data"]["guild_id"] == str(fake_discord.guild.id)
    assert (await handle.reply()).content == "reindexed"
    with pytest.raises(CommandNotAvailable):
        await fake_discord.invoke_slash("reindex", guild_id=None)  # not in DMs


async def test_default_member_permissions_hide_command(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    with pytest.raises(CommandNotAvailable, match="default_member_permissions"):
        await fake_discord.invoke_slash("settings", user="alice")
    reply = await (await fake_discord.invoke_slash("settings", user="bob")).reply()  # bob: Moderator
    assert reply.ephemeral
    assert int(reply.message["interaction_metadata"]["user"]["id"]) == fake_discord.bob.id


async def test_autocomplete_returns_choices(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.autocomplete("find", {"title": "teach"}, focused="title")
    choices = await handle.choices()
    assert choices == [{"name": "Random Teachers", "value": "random teachers"}]
    assert handle.payload["data"]["options"][0]["focused"] is True


async def test_modal_submit(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    opened = await fake_discord.invoke_slash("feedback")
    modal = await opened.modal()
    assert modal["title"] == "Feedback"
    submitted = await fake_discord.submit_modal(opened, {"comment": "great paper"})
    reply = await submitted.reply()
    assert reply.content == "Thanks: great paper"
    assert reply.ephemeral


# ---------------------------------------------------------------------------------------------------------
# Components
# ---------------------------------------------------------------------------------------------------------


async def test_button_click_with_interaction_check(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    prompt = await (await fake_discord.invoke_slash("confirm", user="alice")).reply()
    assert prompt.component("confirm")["label"] == "Confirm"

    denied = await fake_discord.click(prompt, "confirm", user="bob")
    denial = await denied.reply()
    assert denied.callback_type == 4
    assert denial.ephemeral
    assert "not for you" in denial.content

    accepted = await fake_discord.click(prompt, "confirm", user="alice")
    updated = await accepted.reply()
    assert accepted.callback_type == 7
    assert updated.id == prompt.id
    assert updated.content == "Confirmed."
    assert updated.component("confirm")["disabled"] is True
    with pytest.raises(ValueError, match="disabled"):
        await fake_discord.click(prompt, "confirm", user="alice")


# ---------------------------------------------------------------------------------------------------------
# Free-text messages
# ---------------------------------------------------------------------------------------------------------


async def test_reply_with_reference_and_allowed_mentions(
    fake_discord: FakeDiscord, bot: commands.Bot
) -> None:
    sent = await fake_discord.send_message("general", "hello", author="bob")
    request = await fake_discord.wait_for_request("POST", r"/channels/\d+/messages")
    assert request.json["message_reference"]["message_id"] == int(sent["id"])  # discord.py sends ints
    assert request.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    reply = await fake_discord.wait_for_bot_message("general")
    assert reply.message["referenced_message"]["id"] == sent["id"]
    assert reply.message["type"] == 19
    assert reply.message["mentions"] == []


async def test_dm_from_and_to_the_bot(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    await fake_discord.send_message("general", "dm me", author="alice")
    create = await fake_discord.wait_for_request("POST", "/users/@me/channels")
    assert create.json == {"recipient_id": fake_discord.alice.id}
    dm = fake_discord.dm_channel("alice")
    assert dm is not None
    reply = await fake_discord.wait_for_bot_message(dm)
    assert reply.content == "here is your DM"

    await fake_discord.send_dm("hello", author="alice")
    answer = await fake_discord.wait_for_bot_message(dm)
    assert answer.content == "hello to you"


async def test_dm_to_user_with_closed_dms_is_forbidden(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    fake_discord.bob.dms_open = False
    user = await bot.fetch_user(fake_discord.bob.id)
    with pytest.raises(discord.Forbidden) as info:
        await user.send("hi")
    assert info.value.code == CANNOT_DM_USER.code


async def test_message_content_intent_blanking(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    client = make_bot(fake_discord, message_content=False, sync=False)
    await bot_runner.start(client)
    general = fake_discord.guild.channel("general")
    await fake_discord.send_message(general, "plain text")
    await fake_discord.send_message(general, f"{fake_discord.bot_user.mention} with a mention")
    await fake_discord.send_dm("a private note")
    await fake_discord.wait_until(lambda: len(client.seen) == 3 or None)  # type: ignore[attr-defined]
    contents = [c for c, _ in client.seen]  # type: ignore[attr-defined]
    assert contents == ["", f"<@{fake_discord.bot_user.id}> with a mention", "a private note"]
    assert not fake_discord.sessions[-1].intents & Intent.MESSAGE_CONTENT


async def test_bot_ignores_its_own_echoed_messages(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    await fake_discord.send_message("general", "echo")
    echo = await fake_discord.wait_for_bot_message("general")
    assert echo.content == "echo"
    await fake_discord.wait_for_gateway(
        direction="out", event="MESSAGE_CREATE", predicate=lambda f: f.d["id"] == str(echo.id)
    )
    await fake_discord.settle()
    assert len(fake_discord.find_requests("POST", r"/channels/\d+/messages")) == 1
    assert bot.seen == [("echo", fake_discord.guild.channel("general").id)]  # type: ignore[attr-defined]


async def test_file_attachment_is_multipart(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    await fake_discord.send_message("papers", "file please")
    request = await fake_discord.wait_for_request("POST", r"/channels/\d+/messages")
    assert request.multipart
    assert request.json["content"] == "here"
    assert request.json["attachments"][0]["filename"] == "paper.pdf"
    assert [(f.field, f.filename, f.data) for f in request.files] == [
        ("files[0]", "paper.pdf", b"%PDF-1.4 fake")
    ]
    reply = await fake_discord.wait_for_bot_message("papers")
    assert reply.attachments[0]["size"] == len(b"%PDF-1.4 fake")


async def test_user_attachment_can_be_downloaded(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    await fake_discord.send_message(
        "general", "see attached", attachments=[FakeAttachment("notes.txt", b"my notes", "text/plain")]
    )
    await fake_discord.wait_until(lambda: bot.cached_messages or None)
    message = bot.cached_messages[-1]
    assert await message.attachments[0].read() == b"my notes"


async def test_thread_created_from_message(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake_discord.send_message("general", "thread please")
    request = await fake_discord.wait_for_request("POST", rf"/channels/\d+/messages/{sent['id']}/threads")
    assert request.json["name"] == "Discussion"
    assert request.json["auto_archive_duration"] == 60
    first = await fake_discord.wait_for_bot_message(int(sent["id"]))
    assert first.content == "thread started"
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None
    thread = guild.get_thread(int(sent["id"]))
    assert thread is not None
    assert thread.name == "Discussion"
    assert thread.parent_id == fake_discord.guild.channel("general").id


async def test_scheduled_event_created(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    reply = await (await fake_discord.invoke_slash("event", {"name": "Reading group"})).reply()
    request = await fake_discord.wait_for_request(
        "POST", rf"/guilds/{fake_discord.guild.id}/scheduled-events"
    )
    assert request.json["entity_type"] == 3
    assert request.json["entity_metadata"] == {"location": "Room 42"}
    event_id = int(request.response["id"])
    assert reply.content == f"event {event_id}"
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None
    await fake_discord.wait_until(lambda: guild.get_scheduled_event(event_id))
    assert fake_discord.guild.scheduled_events[event_id]["name"] == "Reading group"


# ---------------------------------------------------------------------------------------------------------
# HTTP behaviour and errors
# ---------------------------------------------------------------------------------------------------------


async def test_429_is_retried_transparently(
    fake_discord: FakeDiscord, bot: commands.Bot, caplog: pytest.LogCaptureFixture
) -> None:
    injection = fake_discord.rate_limit_next("POST", r"/channels/\d+/messages", retry_after=0.05)
    channel = bot.get_channel(fake_discord.guild.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("after the limit")
    assert message.content == "after the limit"
    assert len(injection.hits) == 1
    first = await fake_discord.wait_for_request("POST", r"/channels/\d+/messages", status=429)
    second = await fake_discord.wait_for_request("POST", r"/channels/\d+/messages", status=200)
    assert first.json == second.json
    assert any(r.levelno == logging.WARNING and "rate limited" in r.getMessage() for r in caplog.records)


async def test_injected_403_surfaces_as_forbidden(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    fake_discord.fail_next("POST", r"/channels/\d+/messages", MISSING_PERMISSIONS)
    channel = bot.get_channel(fake_discord.guild.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("nope")
    assert (info.value.status, info.value.code) == (403, 50013)
    assert (await channel.send("now it works")).content == "now it works"


async def test_channel_overwrites_are_enforced(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    read_only = bot.get_channel(fake_discord.guild.channel("read-only").id)
    no_embeds = bot.get_channel(fake_discord.guild.channel("no-embeds").id)
    assert isinstance(read_only, discord.TextChannel)
    assert isinstance(no_embeds, discord.TextChannel)
    with pytest.raises(discord.Forbidden):
        await read_only.send("hi")
    await no_embeds.send("text is fine")
    with pytest.raises(discord.Forbidden):
        await no_embeds.send(embed=discord.Embed(title="not allowed"))

    handle = await fake_discord.invoke_slash("ping", channel="no-embeds")
    app_permissions = discord.Permissions(int(handle.payload["app_permissions"]))
    assert app_permissions.send_messages
    assert not app_permissions.embed_links


async def test_permission_change_reaches_bot_cache(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    papers = fake_discord.guild.channel("papers")
    papers.overwrites.append(FakeOverwrite.for_member(fake_discord.bot_user, deny=Perm.SEND_MESSAGES))
    await fake_discord.sync_channel(papers)
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None

    def denied() -> bool | None:
        channel = guild.get_channel(papers.id)
        assert isinstance(channel, discord.TextChannel)
        return (not channel.permissions_for(guild.me).send_messages) or None

    await fake_discord.wait_until(denied)


async def test_unknown_route_is_recorded(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/nonexistent/{x}", x=1))
    assert [r.path for r in fake_discord.unhandled] == ["/nonexistent/1"]
    fake_discord.unhandled.clear()  # expected here; otherwise the fixture fails the test


async def test_interaction_deadline(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    fake_discord.interaction_deadline = 0.05
    fake_discord.allow_error_log("Ignoring exception in command")
    client = make_bot(fake_discord)

    @client.tree.command(description="Too slow")
    async def sleepy(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.1)
        await interaction.response.send_message("late")

    await bot_runner.start(client)
    await fake_discord.invoke_slash("sleepy")
    late = await fake_discord.wait_for_request("POST", r"/interactions/\d+/[^/]+/callback")
    assert late.status == 404
    assert late.response["code"] == 10062


async def test_identify_with_wrong_token_closes_4004(fake_discord: FakeDiscord) -> None:
    client = make_bot(fake_discord, sync=False)
    try:
        await client.login(fake_discord.token)
        fake_discord.token = "rotated-meanwhile"  # REST login passed, the gateway now refuses
        with pytest.raises(discord.ConnectionClosed) as info:
            await asyncio.wait_for(client.connect(reconnect=False), 5)
        assert info.value.code == 4004
    finally:
        await client.close()


async def test_autosharded_bot_uses_gateway_bot(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    client = commands.AutoShardedBot(command_prefix="!", intents=discord.Intents.default())
    await bot_runner.start(client)
    (gateway_bot,) = fake_discord.find_requests("GET", "/gateway/bot")
    assert gateway_bot.response["shards"] == 1  # the recommended count, which the client followed
    assert fake_discord.identify_payloads[0]["shard"] == [0, 1]
    assert client.get_guild(fake_discord.guild.id) is not None


async def test_two_sharded_clients_each_get_only_their_shards_guilds_and_events(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    """Two AutoShardedBots with explicit shards, as two processes would run them: READY/GUILD_CREATE carry
    only each shard's guilds ((id >> 22) % 2), and a message is delivered only on its guild's shard."""
    fake = fake_discord
    guilds = [fake.add_guild(f"shard {n % 2} guild", shard=(n % 2, 2)) for n in range(4)]
    for guild in guilds:
        guild.add_channel("chat")
    heard: dict[int, list[int]] = {0: [], 1: []}
    clients = []
    for shard_id in (0, 1):
        client = commands.AutoShardedBot(
            command_prefix="!", intents=discord.Intents.default(), shard_count=2, shard_ids=[shard_id]
        )

        async def on_message(message: discord.Message, shard_id: int = shard_id) -> None:
            heard[shard_id].append(message.guild.id if message.guild else 0)

        client.add_listener(on_message)
        await bot_runner.start(client)
        clients.append(client)

    assert [p["shard"] for p in fake.identify_payloads] == [[0, 2], [1, 2]]
    assert not fake.find_requests("GET", "/gateway/bot")  # an explicit shard count needs no recommendation
    for shard_id, client in enumerate(clients):
        mine = {g.id for g in fake.guilds.values() if (g.id >> 22) % 2 == shard_id}
        assert {g.id for g in client.guilds} == mine
    for guild in guilds:
        await fake.send_message(guild.channel("chat"), "hello", author=fake.owner)
    await fake.wait_until(lambda: len(heard[0]) + len(heard[1]) == 4 or None)
    await fake.settle()
    assert sorted(heard[0]) == sorted(g.id for g in guilds[0::2])
    assert sorted(heard[1]) == sorted(g.id for g in guilds[1::2])


async def test_runtime_permission_check_uses_member_permissions(
    fake_discord: FakeDiscord, bot: commands.Bot
) -> None:
    denied = await (await fake_discord.invoke_slash("purge", user="alice")).reply()
    assert denied.content == "no permission"
    allowed = await (await fake_discord.invoke_slash("purge", user="bob")).reply()
    assert allowed.content == "purged"
    owner = await (await fake_discord.invoke_slash("purge", user="owner")).reply()
    assert owner.content == "purged"


async def test_original_and_followup_management(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    handle = await fake_discord.invoke_slash("manage")
    webhook = rf"/webhooks/{fake_discord.application_id}/[^/]+"
    await fake_discord.wait_for_request("GET", webhook + "/messages/@original")
    created = await fake_discord.wait_for_request("POST", webhook)
    followup_id = created.response["id"]
    edit = await fake_discord.wait_for_request("PATCH", webhook + f"/messages/{followup_id}")
    assert edit.json["content"] == "followup edited"
    await fake_discord.wait_for_request("DELETE", webhook + f"/messages/{followup_id}")
    patch = await fake_discord.wait_for_request("PATCH", webhook + "/messages/@original")
    assert patch.json["content"] == "original edited"
    await fake_discord.wait_for_request("DELETE", webhook + "/messages/@original")
    assert handle.original is None
    assert handle.followups == []
    assert handle.deleted_original


async def test_rest_round_trips(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    general_id = fake_discord.guild.channel("general").id
    channel = await bot.fetch_channel(general_id)
    assert isinstance(channel, discord.TextChannel)
    assert channel.name == "general"
    guild = await bot.fetch_guild(fake_discord.guild.id)
    assert {c.name for c in await guild.fetch_channels()} >= {"general", "papers", "Voice"}
    assert {r.name for r in await guild.fetch_roles()} >= {"@everyone", "Moderator"}
    member = await guild.fetch_member(fake_discord.bob.id)
    assert [r.name for r in member.roles if r.name != "@everyone"] == ["Moderator"]
    with pytest.raises(discord.NotFound):
        await guild.fetch_member(12345)

    async with channel.typing():
        message = await channel.send("draft")
    assert (await channel.fetch_message(message.id)).content == "draft"
    edited = await message.edit(content="final")
    assert edited.content == "final"
    assert edited.edited_at is not None
    await message.add_reaction("👍")
    assert fake_discord.reactions[message.id] == [("👍", fake_discord.bot_user.id)]
    await message.pin()
    assert [m.id async for m in channel.pins()] == [message.id]
    await message.delete()
    assert message.id not in fake_discord.messages
    await fake_discord.wait_for_gateway(direction="out", event="MESSAGE_DELETE")
    with pytest.raises(discord.NotFound):
        await channel.fetch_message(message.id)


async def test_scheduled_event_edit_and_delete(fake_discord: FakeDiscord, bot: commands.Bot) -> None:
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None
    start = discord.utils.utcnow() + dt.timedelta(days=2)
    voice = guild.get_channel(fake_discord.guild.channel("Voice").id)
    assert isinstance(voice, discord.VoiceChannel)
    event = await guild.create_scheduled_event(
        name="Journal club",
        start_time=start,
        channel=voice,
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert event.channel_id == voice.id
    edited = await event.edit(name="Journal club (moved)")
    assert edited.name == "Journal club (moved)"
    assert [e.name for e in await guild.fetch_scheduled_events()] == ["Journal club (moved)"]
    await event.delete()
    assert fake_discord.guild.scheduled_events == {}
    with pytest.raises(discord.HTTPException) as info:  # Discord validates: external events need an end
        await guild.create_scheduled_event(
            name="x",
            start_time=start,
            entity_type=discord.EntityType.external,
            location="Room 1",
            end_time=start - dt.timedelta(hours=1),
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert info.value.code == 50035


async def test_scheduled_events_are_judged_by_the_fakes_now(
    fake_discord: FakeDiscord, bot: commands.Bot
) -> None:
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None
    voice = guild.get_channel(fake_discord.guild.channel("Voice").id)
    assert isinstance(voice, discord.VoiceChannel)
    start = dt.datetime(2001, 3, 1, 15, 0, tzinfo=dt.UTC)  # long past in real time

    with pytest.raises(discord.HTTPException) as info:  # by default the fake's now is real time
        await guild.create_scheduled_event(
            name="Then", start_time=start, channel=voice, privacy_level=discord.PrivacyLevel.guild_only
        )
    assert info.value.code == 50035
    assert "Cannot schedule event in the past." in info.value.text

    fake_discord.now = lambda: dt.datetime(2001, 2, 26, 8, 0, tzinfo=dt.UTC)  # a test clock's "now"
    event = await guild.create_scheduled_event(
        name="Then", start_time=start, channel=voice, privacy_level=discord.PrivacyLevel.guild_only
    )
    assert fake_discord.guild.scheduled_events[event.id]["scheduled_start_time"] == start.isoformat()


async def test_network_guard_refuses_the_internet(loopback_only: list[str]) -> None:
    with pytest.raises(OSError, match="loopback-only"):
        socket.getaddrinfo("discord.com", 443)
    assert loopback_only == ["DNS lookup of 'discord.com'"]
    loopback_only.clear()  # expected here; otherwise the guard fails the test


def test_no_two_built_in_routes_match_the_same_path() -> None:
    """The built-in routes are tried in the order their modules registered them, so none may shadow another
    (tests/README.md, "Adding a route"): ``{x}`` matches digits, ``{x:str}`` one segment."""
    segments = ["1", "x", "@me", "@original", "pins", "messages", "threads", "commands", "bot"]
    routes = FakeDiscord()._routes
    assert len(routes) == 47
    for route in routes:
        paths = [""]
        for part in re.split(r"(\{[^}]+\})", route.pattern):
            values = (segments if part.endswith(":str}") else ["1"]) if part.startswith("{") else [part]
            paths = [path + value for path in paths for value in values]
        for other in routes:
            if other is not route and other.method == route.method:
                shadowed = [path for path in paths if other.regex.fullmatch(path)]
                assert not shadowed, f"{other.pattern} also matches {shadowed} of {route.pattern}"
