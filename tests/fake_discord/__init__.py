r"""A fake Discord (REST v10 + JSON gateway) on aiohttp, for driving the *real* discord.py client offline.

Why a fake server rather than mocks: the bugs that bite a Discord bot live in the transport and the payload
shapes (interaction callbacks, multipart uploads, intents, permissions, rate limits). Pointing discord.py's
own HTTP client and websocket at this loopback server exercises all of that, while every request the bot
makes is recorded so tests can assert on the exact JSON that would have gone to Discord.

How it works, how to extend it and the pitfalls it encodes: ``tests/README.md``. In short:

* every JSON body is served with ``Content-Type: application/json`` *exactly*;
* interaction callbacks answer the ``?with_response=1`` shape ``{"interaction": ..., "resource": ...}``;
* payloads carry every key discord.py's parsers index directly (a KeyError in a parser kills the gateway);
* snowflakes are real-time, 429s carry ``Via`` and a JSON ``retry_after``;
* unknown routes answer 404 *and* are recorded, so the test fails instead of silently passing.

The package deliberately does not import discord.py: it speaks the wire protocol only.

Quick start (fixtures from ``tests/discord_adapter/conftest.py``)::

    async def test_ping(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
        bot = make_my_bot()                                    # any discord.Client / commands.Bot
        await bot_runner.start(bot)                            # login + connect + wait for on_ready
        handle = await fake_discord.invoke_slash("ping", user="bob")
        reply = await handle.reply()                           # callback, @original edit or 1st followup
        assert reply.content == "pong"
        await fake_discord.send_message("general", f"{fake_discord.bot_user.mention} hi")
        answer = await fake_discord.wait_for_bot_message("general")
        request = await fake_discord.wait_for_request("POST", r"/channels/\d+/messages")
        assert request.json["allowed_mentions"] == {"parse": []}

The default world: users ``owner`` (guild owner, also the application owner), ``alice`` (plain member),
``bob`` (role "Moderator": Manage Server/Messages/Events) and the bot ``fakebot``; one guild "Fake Guild"
with text channels ``general`` (system channel), ``papers``, ``read-only`` (nobody, the bot included, may
send), ``no-embeds`` (the bot may not embed/attach) and a voice channel ``Voice``. All waits are bounded
(``within=5`` seconds by default). Where Discord judges time (scheduled events must not start in the past)
the fake asks ``fake.now``, real time unless a test sets it (e.g. ``fake.now = clock.now``).
"""

from .acting import DEFAULT, CommandNotAvailable
from .fake import FakeDiscord
from .network import loopback_address
from .recording import GatewayFrame, RecordedFile, RecordedRequest
from .replies import InteractionHandle, Reply, walk_components
from .rest import Hold, Injection
from .routing import FakeRequest, FakeResponse, Handler, compile_route
from .runner import BotRunner, ClientLike
from .wire import (
    ALL_PERMISSIONS,
    ALREADY_ACKNOWLEDGED,
    API_PREFIX,
    ATTACHMENT_SIZE_LIMIT,
    CANNOT_DM_USER,
    CANNOT_EDIT_OTHERS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DEFAULT_WAIT,
    DM_PERMISSIONS,
    EMPTY_MESSAGE,
    JSON,
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    PRIVILEGED_INTENTS,
    SERVER_ERROR,
    SERVICE_UNAVAILABLE,
    THREAD_ALREADY_CREATED,
    THREAD_TYPES,
    UNAUTHORIZED,
    UNKNOWN_CHANNEL,
    UNKNOWN_EVENT,
    UNKNOWN_GUILD,
    UNKNOWN_INTERACTION,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    UNKNOWN_WEBHOOK,
    WRONG_CHANNEL_TYPE,
    ApiError,
    ChannelType,
    DiscordAPIError,
    Intent,
    Perm,
    invalid_form,
    iso_now,
    snowflake,
    snowflake_time,
)
from .world import FakeAttachment, FakeChannel, FakeGuild, FakeMember, FakeOverwrite, FakeRole, FakeUser

__all__ = [
    "ALL_PERMISSIONS",
    "ALREADY_ACKNOWLEDGED",
    "API_PREFIX",
    "ATTACHMENT_SIZE_LIMIT",
    "CANNOT_DM_USER",
    "CANNOT_EDIT_OTHERS",
    "DEFAULT",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "DEFAULT_WAIT",
    "DM_PERMISSIONS",
    "EMPTY_MESSAGE",
    "JSON",
    "MESSAGE_FLAG_EPHEMERAL",
    "MESSAGE_FLAG_LOADING",
    "MISSING_ACCESS",
    "MISSING_PERMISSIONS",
    "PRIVILEGED_INTENTS",
    "SERVER_ERROR",
    "SERVICE_UNAVAILABLE",
    "THREAD_ALREADY_CREATED",
    "THREAD_TYPES",
    "UNAUTHORIZED",
    "UNKNOWN_CHANNEL",
    "UNKNOWN_EVENT",
    "UNKNOWN_GUILD",
    "UNKNOWN_INTERACTION",
    "UNKNOWN_MEMBER",
    "UNKNOWN_MESSAGE",
    "UNKNOWN_USER",
    "UNKNOWN_WEBHOOK",
    "WRONG_CHANNEL_TYPE",
    "ApiError",
    "BotRunner",
    "ChannelType",
    "ClientLike",
    "CommandNotAvailable",
    "DiscordAPIError",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeOverwrite",
    "FakeRequest",
    "FakeResponse",
    "FakeRole",
    "FakeUser",
    "GatewayFrame",
    "Handler",
    "Hold",
    "Injection",
    "Intent",
    "InteractionHandle",
    "Perm",
    "RecordedFile",
    "RecordedRequest",
    "Reply",
    "compile_route",
    "invalid_form",
    "iso_now",
    "loopback_address",
    "snowflake",
    "snowflake_time",
    "walk_components",
]
