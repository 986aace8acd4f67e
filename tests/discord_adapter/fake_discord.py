r"""A fake Discord (REST v10 + JSON gateway) on aiohttp, for driving the *real* discord.py client offline.

Why a fake server rather than mocks: the bugs that bite a Discord bot live in the transport and the payload
shapes (interaction callbacks, multipart uploads, intents, permissions, rate limits). Pointing discord.py's
own HTTP client and websocket at this loopback server exercises all of that, while every request the bot
makes is recorded so tests can assert on the exact JSON that would have gone to Discord.

See /work/shared/docs/testing-discord-offline.md for the pitfalls this module encodes. In short:

* every JSON body is served with ``Content-Type: application/json`` *exactly*;
* interaction callbacks answer the ``?with_response=1`` shape ``{"interaction": ..., "resource": ...}``;
* payloads carry every key discord.py's parsers index directly (a KeyError in a parser kills the gateway);
* snowflakes are real-time, 429s carry ``Via`` and a JSON ``retry_after``;
* unknown routes answer 404 *and* are recorded, so the test fails instead of silently passing.

The module deliberately does not import discord.py: it speaks the wire protocol only.

Quick start (fixtures from ``conftest.py`` in this directory)::

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

from __future__ import annotations

import asyncio
import contextlib
import copy
import enum
import ipaddress
import json
import re
import secrets
import time
import traceback
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple, Protocol, TypeVar

from aiohttp import WSMsgType, web

JSON = dict[str, Any]
T = TypeVar("T")

API_PREFIX: Final = "/api/v10"
DISCORD_EPOCH_MS: Final = 1420070400000
DEFAULT_WAIT: Final = 5.0
ATTACHMENT_SIZE_LIMIT: Final = 10 * 1024 * 1024


# --------------------------------------------------------------------------------------------------------
# Constants (plain ints on purpose: the fake speaks the wire format, not discord.py's enums)
# --------------------------------------------------------------------------------------------------------


class Intent(enum.IntFlag):
    """Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents)."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_EXPRESSIONS = 1 << 3
    GUILD_INTEGRATIONS = 1 << 4
    GUILD_WEBHOOKS = 1 << 5
    GUILD_INVITES = 1 << 6
    GUILD_VOICE_STATES = 1 << 7
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    GUILD_MESSAGE_TYPING = 1 << 11
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    DIRECT_MESSAGE_TYPING = 1 << 14
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16


PRIVILEGED_INTENTS: Final = Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES | Intent.MESSAGE_CONTENT


class Perm(enum.IntFlag):
    """Permission bits (https://discord.com/developers/docs/topics/permissions)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40
    CREATE_EVENTS = 1 << 44
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50
    PIN_MESSAGES = 1 << 51


ALL_PERMISSIONS: Final = (1 << 52) - 1

#: What @everyone gets in a freshly created server (roughly Discord's defaults).
DEFAULT_EVERYONE_PERMISSIONS: Final = int(
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CONNECT
    | Perm.SPEAK
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.CREATE_PRIVATE_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.SEND_POLLS
    | Perm.USE_EXTERNAL_APPS
    | Perm.CREATE_EVENTS
)

#: What the bot's managed role gets: what an invite link for a paper bot would ask for.
DEFAULT_BOT_PERMISSIONS: Final = int(
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.MANAGE_THREADS
    | Perm.MANAGE_MESSAGES
    | Perm.PIN_MESSAGES
    | Perm.MANAGE_EVENTS
    | Perm.CREATE_EVENTS
    | Perm.USE_APPLICATION_COMMANDS
)

#: Permissions Discord computes for interactions in a DM with the bot.
DM_PERMISSIONS: Final = int(
    Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.USE_APPLICATION_COMMANDS
)


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    ANNOUNCEMENT_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    GUILD_STAGE_VOICE = 13
    GUILD_FORUM = 15


THREAD_TYPES: Final = frozenset({10, 11, 12})

MESSAGE_FLAG_EPHEMERAL: Final = 1 << 6
MESSAGE_FLAG_LOADING: Final = 1 << 7


class ApiError(NamedTuple):
    """A Discord error: HTTP status, JSON error code, message. Used by :meth:`FakeDiscord.fail_next`."""

    status: int
    code: int
    message: str


MISSING_ACCESS: Final = ApiError(403, 50001, "Missing Access")
MISSING_PERMISSIONS: Final = ApiError(403, 50013, "Missing Permissions")
CANNOT_DM_USER: Final = ApiError(403, 50007, "Cannot send messages to this user")
CANNOT_EDIT_OTHERS: Final = ApiError(403, 50005, "Cannot edit a message authored by another user")
UNKNOWN_CHANNEL: Final = ApiError(404, 10003, "Unknown Channel")
UNKNOWN_GUILD: Final = ApiError(404, 10004, "Unknown Guild")
UNKNOWN_MEMBER: Final = ApiError(404, 10007, "Unknown Member")
UNKNOWN_MESSAGE: Final = ApiError(404, 10008, "Unknown Message")
UNKNOWN_USER: Final = ApiError(404, 10013, "Unknown User")
UNKNOWN_WEBHOOK: Final = ApiError(404, 10015, "Unknown Webhook")
UNKNOWN_EVENT: Final = ApiError(404, 10070, "Unknown Guild Scheduled Event")
UNKNOWN_INTERACTION: Final = ApiError(404, 10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED: Final = ApiError(400, 40060, "Interaction has already been acknowledged.")
EMPTY_MESSAGE: Final = ApiError(400, 50006, "Cannot send an empty message")
WRONG_CHANNEL_TYPE: Final = ApiError(400, 50024, "Cannot execute action on this channel type")
THREAD_ALREADY_CREATED: Final = ApiError(400, 160004, "A thread has already been created for this message")
UNAUTHORIZED: Final = ApiError(401, 0, "401: Unauthorized")
SERVER_ERROR: Final = ApiError(500, 0, "500: Internal Server Error")
SERVICE_UNAVAILABLE: Final = ApiError(503, 0, "503: Service Unavailable")
"""What Discord answers during an outage or overload; discord.py's HTTP client does not retry it."""


class DiscordAPIError(Exception):
    """Raised inside a route handler to answer with a Discord-shaped error body."""

    def __init__(self, error: ApiError, errors: JSON | None = None) -> None:
        super().__init__(f"{error.status} {error.code} {error.message}")
        self.error = error
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"message": self.error.message, "code": self.error.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def invalid_form(errors: Mapping[str, str]) -> DiscordAPIError:
    """A 50035 'Invalid Form Body' error with Discord's nested ``_errors`` shape.

    ``errors`` maps a dotted path (``"embeds.0.description"``) to a message.
    """
    tree: JSON = {}
    for path, message in errors.items():
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "BASE_TYPE_INVALID", "message": message})
    return DiscordAPIError(ApiError(400, 50035, "Invalid Form Body"), tree)


# --------------------------------------------------------------------------------------------------------
# Snowflakes and time
# --------------------------------------------------------------------------------------------------------

_last_snowflake = 0


def snowflake(at: datetime | None = None) -> int:
    """A real-time snowflake, strictly increasing within the process.

    Real time matters: discord.py derives ``created_at`` and interaction expiry from the id.
    """
    global _last_snowflake
    ms = int((at.timestamp() if at else time.time()) * 1000)
    value = (ms - DISCORD_EPOCH_MS) << 22
    if at is None:
        value = max(value, _last_snowflake + 1)
        _last_snowflake = value
    return value


def snowflake_time(value: int) -> datetime:
    return datetime.fromtimestamp(((value >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def _real_now() -> datetime:
    return datetime.now(UTC)


def iso_now() -> str:
    return _real_now().isoformat()


def _parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --------------------------------------------------------------------------------------------------------
# The world model: users, roles, channels, members, guilds
# --------------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class FakeUser:
    """A Discord user. ``dms_open=False`` makes DMs to them fail with 50007, as privacy settings do."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dms_open: bool = True
    locale: str = "en-US"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "avatar_decoration_data": None,
            "primary_guild": None,
            "collectibles": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class FakeRole:
    """A guild role. The @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    mentionable: bool = False
    hoist: bool = False
    color: int = 0
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeOverwrite:
    """A channel permission overwrite: ``type`` 0 = role, 1 = member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    @classmethod
    def for_role(cls, role: FakeRole | int, *, allow: int = 0, deny: int = 0) -> FakeOverwrite:
        return cls(role if isinstance(role, int) else role.id, 0, int(allow), int(deny))

    @classmethod
    def for_member(cls, user: FakeUser | int, *, allow: int = 0, deny: int = 0) -> FakeOverwrite:
        return cls(user if isinstance(user, int) else user.id, 1, int(allow), int(deny))

    def payload(self) -> JSON:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass(eq=False)
class FakeChannel:
    """A guild channel, thread (``type`` 10-12, with ``parent_id``) or DM channel (``recipient_id``)."""

    id: int
    name: str
    type: int = ChannelType.GUILD_TEXT
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    overwrites: list[FakeOverwrite] = field(default_factory=list)
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    recipient_id: int | None = None
    last_message_id: int | None = None
    rate_limit_per_user: int = 0
    message_count: int = 0
    created_at: str = field(default_factory=iso_now)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        return self.type == ChannelType.DM


@dataclass(eq=False)
class FakeMember:
    """A user's membership in a guild."""

    user: FakeUser
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)


@dataclass(eq=False)
class FakeAttachment:
    """A file a *user* attaches (to a message or an attachment option); served back over the fake CDN."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None


@dataclass(eq=False)
class FakeGuild:
    """A guild with channels, roles and members. Change it before the bot connects, or use the ``sync_*``
    methods of :class:`FakeDiscord` afterwards so the bot's cache hears about it.

    ``lazy_members=True`` sends only the bot's member in GUILD_CREATE (like a large guild), so a client with
    the members intent has to chunk (op 8).
    """

    id: int
    name: str
    owner_id: int
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: dict[int, FakeMember] = field(default_factory=dict)
    scheduled_events: dict[int, JSON] = field(default_factory=dict)
    lazy_members: bool = False
    system_channel_id: int | None = None
    preferred_locale: str = "en-US"
    joined_at: str = field(default_factory=iso_now)

    # -- lookups -------------------------------------------------------------------------------------

    @property
    def everyone(self) -> FakeRole:
        return self.role(self.id)

    def role(self, key: str | int) -> FakeRole:
        for role in self.roles:
            if role.id == key or role.name == key:
                return role
        raise KeyError(f"no role {key!r} in guild {self.name!r}")

    def channel(self, key: str | int) -> FakeChannel:
        for channel in self.channels:
            if channel.id == key or channel.name == key:
                return channel
        raise KeyError(f"no channel {key!r} in guild {self.name!r}")

    def member(self, user: FakeUser | int) -> FakeMember:
        user_id = user if isinstance(user, int) else user.id
        try:
            return self.members[user_id]
        except KeyError:
            raise KeyError(f"user {user_id} is not a member of guild {self.name!r}") from None

    # -- building ------------------------------------------------------------------------------------

    def add_role(self, name: str, permissions: int = 0, **kwargs: Any) -> FakeRole:
        role = FakeRole(snowflake(), name, int(permissions), position=len(self.roles), **kwargs)
        self.roles.append(role)
        return role

    def add_channel(
        self,
        name: str,
        type: int = ChannelType.GUILD_TEXT,
        *,
        overwrites: Iterable[FakeOverwrite] = (),
        parent: FakeChannel | None = None,
        **kwargs: Any,
    ) -> FakeChannel:
        channel = FakeChannel(
            snowflake(),
            name,
            int(type),
            guild_id=self.id,
            position=len(self.channels),
            parent_id=parent.id if parent else None,
            overwrites=list(overwrites),
            **kwargs,
        )
        self.channels.append(channel)
        return channel

    def add_member(self, user: FakeUser, roles: Iterable[FakeRole | int] = (), **kwargs: Any) -> FakeMember:
        member = FakeMember(user, [r if isinstance(r, int) else r.id for r in roles], **kwargs)
        self.members[user.id] = member
        return member

    # -- permissions (Discord's documented algorithm) -------------------------------------------------

    def base_permissions(self, user_id: int) -> int:
        """Guild-level permissions: @everyone | member roles; owner and administrators get everything."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        perms = self.everyone.permissions
        if member is not None:
            for role_id in member.roles:
                with contextlib.suppress(KeyError):
                    perms |= self.role(role_id).permissions
        if perms & Perm.ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def permissions_for(self, user_id: int, channel: FakeChannel | int | None = None) -> int:
        """Permissions in a channel (threads use their parent's overwrites), with implicit denials."""
        perms = self.base_permissions(user_id)
        if channel is None or perms == ALL_PERMISSIONS:
            return perms
        chan = channel if isinstance(channel, FakeChannel) else self.channel(channel)
        thread = chan if chan.is_thread else None
        if thread is not None and thread.parent_id is not None:
            chan = self.channel(thread.parent_id)
        overwrites = {(o.type, o.id): o for o in chan.overwrites}
        everyone = overwrites.get((0, self.id))
        if everyone:
            perms = (perms & ~everyone.deny) | everyone.allow
        member = self.members.get(user_id)
        role_ids = member.roles if member else []
        allow = deny = 0
        for role_id in role_ids:
            overwrite = overwrites.get((0, role_id))
            if overwrite:
                allow |= overwrite.allow
                deny |= overwrite.deny
        perms = (perms & ~deny) | allow
        mine = overwrites.get((1, user_id))
        if mine:
            perms = (perms & ~mine.deny) | mine.allow
        if not perms & Perm.VIEW_CHANNEL:
            return 0
        if not perms & Perm.SEND_MESSAGES and chan.type != ChannelType.GUILD_VOICE:
            perms &= ~(Perm.SEND_TTS_MESSAGES | Perm.MENTION_EVERYONE | Perm.EMBED_LINKS | Perm.ATTACH_FILES)
        return perms


# --------------------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------------------


@dataclass
class RecordedFile:
    """One file part of a multipart request (``files[n]``)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request the client made, and what the fake answered.

    ``json`` is the JSON body, or the parsed ``payload_json`` part of a multipart body, so tests can treat
    both the same way. ``path`` has no ``/api/v10`` prefix and no query string.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    text: str | None = None
    files: list[RecordedFile] = field(default_factory=list)
    route: str | None = None
    status: int = 0
    response: Any = None
    injected: bool = False
    at: float = field(default_factory=time.monotonic)
    claimed: bool = field(default=False, repr=False)

    @property
    def multipart(self) -> bool:
        return bool(self.files) or "multipart/form-data" in self.headers.get("Content-Type", "")

    def matches(self, method: str | None = None, path: str | None = None) -> bool:
        """``method`` is exact (case-insensitive) or None; ``path`` is a regex that must match fully."""
        if method is not None and method.upper() != self.method:
            return False
        return path is None or re.fullmatch(path, self.path) is not None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class GatewayFrame:
    """One gateway payload; ``direction`` is ``"in"`` (client → fake) or ``"out"`` (fake → client)."""

    direction: str
    op: int
    d: Any
    t: str | None = None
    s: int | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Injection:
    """A pending error injection created by :meth:`FakeDiscord.fail_next` / :meth:`rate_limit_next`."""

    method: str | None
    path: str
    status: int
    body: JSON
    headers: dict[str, str]
    remaining: int
    hits: list[RecordedRequest] = field(default_factory=list)

    def applies_to(self, request: RecordedRequest) -> bool:
        return self.remaining > 0 and request.matches(self.method, self.path)


@dataclass
class Hold:
    """Requests kept waiting for an answer, created by :meth:`FakeDiscord.hold_next`: a reply "in flight"
    for as long as the test wants. ``held`` lists them as they arrive (``status`` 0 until answered);
    ``release()`` lets them (and later matches) through to the normal handling."""

    method: str | None
    path: str
    remaining: int
    held: list[RecordedRequest] = field(default_factory=list)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def applies_to(self, request: RecordedRequest) -> bool:
        return self.remaining > 0 and request.matches(self.method, self.path)

    def release(self) -> None:
        self.remaining = 0
        self.released.set()


# --------------------------------------------------------------------------------------------------------
# Interaction results
# --------------------------------------------------------------------------------------------------------


def walk_components(components: Iterable[JSON]) -> Iterable[JSON]:
    """Every component, depth first: action rows, V2 containers/sections and their accessories."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


@dataclass
class Reply:
    """A snapshot of a message as Discord stores it, with conveniences for assertions.

    Snapshots don't change when the bot edits the message later: fetch again (``handle.original``,
    ``fake.messages[id]``) to see the current state. Acting on it (``fake.click(reply, ...)``) always
    uses the current state, as a user would see it.
    """

    message: JSON
    source: str = "message"

    @property
    def id(self) -> int:
        return int(self.message["id"])

    @property
    def channel_id(self) -> int:
        return int(self.message["channel_id"])

    @property
    def content(self) -> str:
        return str(self.message.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.message.get("embeds") or [])

    @property
    def embed(self) -> JSON | None:
        return self.embeds[0] if self.embeds else None

    @property
    def components(self) -> list[JSON]:
        return list(self.message.get("components") or [])

    @property
    def attachments(self) -> list[JSON]:
        return list(self.message.get("attachments") or [])

    @property
    def flags(self) -> int:
        return int(self.message.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MESSAGE_FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & MESSAGE_FLAG_LOADING)

    def all_components(self) -> list[JSON]:
        return list(walk_components(self.components))

    def component(self, custom_id: str) -> JSON:
        for component in self.all_components():
            if component.get("custom_id") == custom_id:
                return component
        raise KeyError(f"no component with custom_id {custom_id!r} in message {self.id}")

    def buttons(self) -> list[JSON]:
        return [c for c in self.all_components() if c.get("type") == 2]

    def text(self) -> str:
        """Content plus every embed's title/description/fields/footer: handy for ``in`` assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        for component in self.all_components():
            if component.get("type") == 10:  # V2 text display
                parts.append(component.get("content") or "")
        return "\n".join(p for p in parts if p)


class InteractionHandle:
    """An interaction the test created, and everything the bot answered to it.

    Discord semantics the fake reproduces: the callback may be answered once, within the deadline; a
    DEFERRED (type 5) response creates a *loading* message that ``PATCH @original`` or the *first followup*
    replaces (keeping the defer's ephemeral flag); type 6/7 target the message the component is on.
    """

    def __init__(self, fake: FakeDiscord, payload: JSON, channel: FakeChannel, user: FakeUser) -> None:
        self.fake = fake
        self.payload = payload
        self.channel = channel
        self.user = user
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.created = time.monotonic()
        self.callback: JSON | None = None
        self.callback_files: list[RecordedFile] = []
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self.edits: list[JSON] = []
        self.deleted_original = False

    def __repr__(self) -> str:
        name = (self.payload.get("data") or {}).get("name") or (self.payload.get("data") or {}).get(
            "custom_id"
        )
        return f"<InteractionHandle id={self.id} type={self.type} {name!r} callback={self.callback_type}>"

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback["type"])

    @property
    def original(self) -> Reply | None:
        """The current state of ``@original`` (None before the callback, or after it was deleted)."""
        if self.original_id is None or self.original_id not in self.fake.messages:
            return None
        return Reply(copy.deepcopy(self.fake.messages[self.original_id]), "original")

    @property
    def followups(self) -> list[Reply]:
        return [
            Reply(copy.deepcopy(self.fake.messages[i]), "followup")
            for i in self.followup_ids
            if i in self.fake.messages
        ]

    async def wait_callback(self, *, within: float = DEFAULT_WAIT) -> JSON:
        """The callback body ``{"type": ..., "data": ...}`` once the bot answered."""
        return await self.fake.wait_until(
            lambda: self.callback, within=within, what=f"a callback to {self!r}"
        )

    async def reply(self, *, within: float = DEFAULT_WAIT) -> Reply:
        """The first user-visible answer: the original once it is no longer loading (type 4/7, or a defer
        resolved by an edit/first followup); for a type-6 defer, the edited message or first new followup.
        """

        def probe() -> Reply | None:
            if self.callback is None:
                return None
            original = self.original
            if self.callback_type == 6:
                if self.edits and original is not None:
                    return original
                return self.followups[0] if self.followups else None
            if original is not None and not original.loading:
                return original
            return None

        return await self.fake.wait_until(probe, within=within, what=f"a reply to {self!r}")

    async def followup(self, index: int = 0, *, within: float = DEFAULT_WAIT) -> Reply:
        """The ``index``-th followup that created a new message."""

        def probe() -> Reply | None:
            followups = self.followups
            return followups[index] if len(followups) > index else None

        return await self.fake.wait_until(probe, within=within, what=f"followup #{index} of {self!r}")

    async def edited(self, count: int = 1, *, within: float = DEFAULT_WAIT) -> Reply:
        """The original after at least ``count`` edits (PATCH @original or a defer-resolving followup)."""

        def probe() -> Reply | None:
            return self.original if len(self.edits) >= count else None

        return await self.fake.wait_until(probe, within=within, what=f"{count} edit(s) of {self!r}")

    async def choices(self, *, within: float = DEFAULT_WAIT) -> list[JSON]:
        """The autocomplete choices (callback type 8)."""
        body = await self.wait_callback(within=within)
        if body["type"] != 8:
            raise AssertionError(f"expected an autocomplete result (type 8), got {body}")
        return list((body.get("data") or {}).get("choices") or [])

    async def modal(self, *, within: float = DEFAULT_WAIT) -> JSON:
        """The modal the bot opened (callback type 9 data)."""
        body = await self.wait_callback(within=within)
        if body["type"] != 9:
            raise AssertionError(f"expected a modal (type 9), got {body}")
        return dict(body.get("data") or {})


# --------------------------------------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------------------------------------


@dataclass
class FakeRequest:
    """What a route handler receives."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    headers: dict[str, str]
    record: RecordedRequest

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    @property
    def body(self) -> JSON:
        return self.json if isinstance(self.json, dict) else {}


@dataclass
class FakeResponse:
    """An explicit response from a handler (handlers may also return JSON data, or None for 204)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[FakeRequest], Awaitable[Any]]


@dataclass
class _Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool


def compile_route(pattern: str) -> re.Pattern[str]:
    """Route pattern → regex: ``{x}`` matches digits (a snowflake), ``{x:str}`` any one path segment."""

    def repl(match: re.Match[str]) -> str:
        name, _, kind = match.group(1).partition(":")
        return f"(?P<{name}>[^/]+)" if kind == "str" else f"(?P<{name}>\\d+)"

    return re.compile(re.sub(r"\{([^}]+)\}", repl, pattern))


# --------------------------------------------------------------------------------------------------------
# Gateway connections
# --------------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Session:
    id: str
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    backlog: list[JSON] = field(default_factory=list)
    conn: _GatewayConnection | None = None


class _GatewayConnection:
    """One websocket; serialises sends because a zlib stream is one continuous compressor."""

    def __init__(self, fake: FakeDiscord, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.fake = fake
        self.ws = ws
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._lock = asyncio.Lock()
        self.session: _Session | None = None

    async def send(self, payload: JSON) -> None:
        async with self._lock:
            if self.ws.closed:
                return
            self.fake._log_frame("out", payload)
            raw = json.dumps(payload, separators=(",", ":"))
            if self._zlib is not None:
                data = self._zlib.compress(raw.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:  # zstd-stream is answered with text frames, which discord.py never decompresses
                await self.ws.send_str(raw)

    async def close(self, code: int, message: str = "") -> None:
        await self.ws.close(code=code, message=message.encode())


# --------------------------------------------------------------------------------------------------------
# Bot runner
# --------------------------------------------------------------------------------------------------------


class ClientLike(Protocol):
    """The parts of ``discord.Client`` the runner uses (duck-typed so this module never imports discord)."""

    async def login(self, token: str) -> None: ...

    async def connect(self, *, reconnect: bool = True) -> None: ...

    async def close(self) -> None: ...

    async def wait_until_ready(self) -> None: ...

    def is_closed(self) -> bool: ...


class BotRunner:
    """Starts any discord.py client against the fake and stops it cleanly.

    ``start`` logs in, runs ``connect(reconnect=False)`` in a task and waits (bounded) for on_ready. If the
    connect task dies unexpectedly (e.g. a parser KeyError), the fake is told, so every pending wait fails
    immediately with the cause instead of timing out.
    """

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._clients: dict[int, ClientLike] = {}
        self._joined: set[int] = set()
        self._stopping: set[int] = set()

    async def start(
        self,
        client: ClientLike,
        *,
        token: str | None = None,
        wait_ready: bool = True,
        within: float = DEFAULT_WAIT,
        fast_ready: bool = True,
    ) -> asyncio.Task[None]:
        """Log in and connect; returns the connect task. ``fast_ready`` lowers discord.py's
        ``guild_ready_timeout`` (2 s by default) to 0.05 s so on_ready fires promptly.

        With ``wait_ready=False`` the test owns the connection's outcome (e.g. expects close code 4014) and
        should ``await runner.join(client)``; its ending is then not reported as a failure.
        """
        key = id(client)
        self._clients[key] = client
        if fast_ready:
            state = getattr(client, "_connection", None)
            if state is not None and getattr(state, "guild_ready_timeout", 0) > 0.05:
                state.guild_ready_timeout = 0.05
        await client.login(self.fake.token if token is None else token)
        task = asyncio.create_task(client.connect(reconnect=False), name=f"connect-{key}")
        self._tasks[key] = task
        if not wait_ready:
            self._joined.add(key)  # the caller owns the outcome (expects it to end): see join()
        task.add_done_callback(lambda t: self._on_done(key, t))
        if wait_ready:
            ready = asyncio.ensure_future(client.wait_until_ready())
            done, _ = await asyncio.wait({ready, task}, timeout=within, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                ready.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ready
                if task in done:
                    self._joined.add(key)
                    exc = task.exception()
                    raise RuntimeError(f"client.connect() ended before ready: {exc!r}") from exc
                raise TimeoutError(f"client not ready within {within}s; {self.fake.describe_recent()}")
        return task

    def _on_done(self, key: int, task: asyncio.Task[None]) -> None:
        if key in self._joined or key in self._stopping or task.cancelled():
            return
        exc = task.exception()
        self.fake.report_fatal(
            f"client.connect() ended unexpectedly: {exc!r}"
            if exc
            else "client.connect() returned while the test was running"
        )

    def expect_close(self, client: ClientLike) -> None:
        """The test closes the client itself (a graceful shutdown, say): the connection ending is fine."""
        self._stopping.add(id(client))

    async def join(self, client: ClientLike, *, within: float = DEFAULT_WAIT) -> None:
        """Await the connect task (re-raising its exception): for tests that expect the connection to end."""
        key = id(client)
        self._joined.add(key)
        async with asyncio.timeout(within):
            await self._tasks[key]

    async def stop(self, client: ClientLike, *, within: float = DEFAULT_WAIT) -> None:
        key = id(client)
        self._stopping.add(key)
        await client.close()
        task = self._tasks.get(key)
        if task is not None and not task.done():
            try:
                async with asyncio.timeout(within):
                    await asyncio.shield(task)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if task is not None and task.done() and not task.cancelled():
            task.exception()  # mark as retrieved: failures were reported when they happened

    async def aclose(self) -> None:
        for key, client in list(self._clients.items()):
            await self.stop(client)
            del self._clients[key]


# --------------------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------------------

_ROUTES: list[tuple[str, str, str, bool]] = []


def route(method: str, pattern: str, *, auth: bool = True) -> Callable[[T], T]:
    """Register a built-in REST route (pattern is relative to /api/v10)."""

    def decorate(func: T) -> T:
        _ROUTES.append((method, pattern, func.__name__, auth))  # type: ignore[attr-defined]
        return func

    return decorate


class _Default(enum.Enum):
    DEFAULT = enum.auto()


DEFAULT: Final = _Default.DEFAULT


class CommandNotAvailable(LookupError):
    """The invoking user could not see/use this command in that context (unsynced, wrong context, perms)."""


class FakeDiscord:
    """The fake Discord server. Use via the ``fake_discord`` fixture, or ``async with FakeDiscord() as fake``.

    Everything the tests configure (guild model, privileged intents, permission enforcement, deadlines) is a
    plain attribute, read when needed, so it can be changed after start-up and before the bot connects.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        privileged_intents: int = int(PRIVILEGED_INTENTS),
        enforce_permissions: bool = True,
        interaction_deadline: float | None = 3.0,
        heartbeat_interval_ms: int = 41250,
        shard_count: int = 1,
    ) -> None:
        self.token = token
        #: Privileged intents "enabled in the developer portal"; others are refused with close code 4014.
        self.privileged_intents = privileged_intents
        #: Check the bot's channel permissions on sends/threads/pins/events like Discord does.
        self.enforce_permissions = enforce_permissions
        #: Seconds the bot has to acknowledge an interaction (Discord: 3 s). None disables the check.
        self.interaction_deadline = interaction_deadline
        #: Discord's notion of "now" (aware UTC), used where Discord judges time: it refuses a scheduled
        #: event that starts in the past. Real time by default; a test whose bot runs on a ManualClock sets
        #: ``fake.now = clock.now`` so events in the clock's week are accepted whatever the real date.
        #: (Snowflakes and message timestamps stay real-time.)
        self.now: Callable[[], datetime] = _real_now
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.shard_count = shard_count
        #: Logger name prefixes whose ERROR records fail the test (checked by the conftest fixture).
        self.error_logger_prefixes: tuple[str, ...] = ("discord",)
        self.allowed_error_logs: list[re.Pattern[str]] = []

        self.bot_user = FakeUser(snowflake(), "fakebot", "Fake Bot", bot=True)
        self.application_id = self.bot_user.id
        self.owner = FakeUser(snowflake(), "owner", "Guild Owner")
        self.alice = FakeUser(snowflake(), "alice", "Alice")
        self.bob = FakeUser(snowflake(), "bob", "Bob")
        self.users: dict[int, FakeUser] = {}
        for user in (self.bot_user, self.owner, self.alice, self.bob):
            self.add_user(user)

        self.guilds: dict[int, FakeGuild] = {}
        self.guild = self._build_default_guild()
        self.channels: dict[int, FakeChannel] = {}

        self.messages: dict[int, JSON] = {}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        self.errors: list[str] = []
        self.gateway_log: list[GatewayFrame] = []
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.interactions: dict[str, InteractionHandle] = {}
        self.injections: list[Injection] = []
        self.holds: list[Hold] = []
        self.reactions: dict[int, list[tuple[str, int]]] = {}
        self.cdn: dict[str, FakeAttachment] = {}
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._bot_message_ids: list[int] = []
        self._claimed_bot_messages: set[int] = set()

        self._sessions: dict[str, _Session] = {}
        self._connections: set[_GatewayConnection] = set()
        self._fatal: str | None = None
        self._changed = asyncio.Event()
        self._last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[_Route] = [
            _Route(m, p, compile_route(p), getattr(self, name), auth) for m, p, name, auth in _ROUTES
        ]
        self._custom_routes: list[_Route] = []

    # ================================================================================================
    # Lifecycle and URLs
    # ================================================================================================

    async def start(self) -> FakeDiscord:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/gateway/", self._gateway_handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest_handler)
        app.router.add_get("/attachments/{tail:.*}", self._cdn_handler)
        app.router.add_route("*", "/{tail:.*}", self._rest_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        for hold in self.holds:
            hold.release()
        for conn in list(self._connections):
            with contextlib.suppress(Exception):
                await conn.close(1001, "fake shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return self.http_base + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Value for ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (as a yarl.URL)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ================================================================================================
    # World helpers
    # ================================================================================================

    def _build_default_guild(self) -> FakeGuild:
        guild = FakeGuild(snowflake(), "Fake Guild", owner_id=self.owner.id)
        guild.roles.append(FakeRole(guild.id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS, position=0))
        bot_role = guild.add_role("Fake Bot", DEFAULT_BOT_PERMISSIONS, managed=True, bot_id=self.bot_user.id)
        moderator = guild.add_role(
            "Moderator", Perm.MANAGE_GUILD | Perm.MANAGE_MESSAGES | Perm.MANAGE_EVENTS, mentionable=True
        )
        category = guild.add_channel("Text Channels", ChannelType.GUILD_CATEGORY)
        general = guild.add_channel("general", parent=category, topic="General chat")
        guild.add_channel("papers", parent=category, topic="Papers")
        guild.add_channel(
            "read-only",
            parent=category,
            overwrites=[
                FakeOverwrite.for_role(bot_role, deny=Perm.SEND_MESSAGES),
                FakeOverwrite.for_role(guild.id, deny=Perm.SEND_MESSAGES),
            ],
        )
        guild.add_channel(
            "no-embeds",
            parent=category,
            overwrites=[
                FakeOverwrite.for_role(bot_role, deny=Perm.EMBED_LINKS | Perm.ATTACH_FILES),
            ],
        )
        guild.add_channel("Voice", ChannelType.GUILD_VOICE)
        guild.system_channel_id = general.id
        guild.add_member(self.bot_user, [bot_role])
        guild.add_member(self.owner)
        guild.add_member(self.alice)
        guild.add_member(self.bob, [moderator])
        self.guilds[guild.id] = guild
        return guild

    def add_user(self, user: FakeUser) -> FakeUser:
        self.users[user.id] = user
        return user

    def new_user(self, username: str, **kwargs: Any) -> FakeUser:
        """Create a user (not a member of any guild; see ``FakeGuild.add_member``)."""
        return self.add_user(FakeUser(snowflake(), username, **kwargs))

    def user(self, key: FakeUser | str | int) -> FakeUser:
        """Look a user up by object, username or id."""
        if isinstance(key, FakeUser):
            return key
        for user in self.users.values():
            if user.id == key or user.username == key:
                return user
        raise KeyError(f"no user {key!r}")

    def add_guild(self, name: str, *, owner: FakeUser | None = None) -> FakeGuild:
        """An extra guild (with @everyone and the bot as a member); add channels/members yourself."""
        guild = FakeGuild(snowflake(), name, owner_id=(owner or self.owner).id)
        guild.roles.append(FakeRole(guild.id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS))
        bot_role = guild.add_role(
            self.bot_user.username, DEFAULT_BOT_PERMISSIONS, managed=True, bot_id=self.bot_user.id
        )
        guild.add_member(self.bot_user, [bot_role])
        guild.add_member(owner or self.owner)
        self.guilds[guild.id] = guild
        return guild

    def channel(self, key: FakeChannel | str | int) -> FakeChannel:
        """A channel by object, id (guild, thread or DM) or name (searched in every guild)."""
        if isinstance(key, FakeChannel):
            return key
        if isinstance(key, int) and key in self.channels:
            return self.channels[key]
        for guild in self.guilds.values():
            with contextlib.suppress(KeyError):
                return guild.channel(key)
        raise KeyError(f"no channel {key!r}")

    def _find_channel(self, channel_id: int) -> FakeChannel | None:
        try:
            return self.channel(channel_id)
        except KeyError:
            return None

    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def dm_channel(self, user: FakeUser | str | int, *, create: bool = True) -> FakeChannel | None:
        """The DM channel between the bot and ``user`` (created on demand, like Discord does)."""
        target = self.user(user)
        for channel in self.channels.values():
            if channel.is_dm and channel.recipient_id == target.id:
                return channel
        if not create:
            return None
        channel = FakeChannel(snowflake(), "", ChannelType.DM, recipient_id=target.id)
        self.channels[channel.id] = channel
        return channel

    def bot_permissions(self, channel: FakeChannel) -> int:
        guild = self.guild_of(channel)
        return DM_PERMISSIONS if guild is None else guild.permissions_for(self.bot_user.id, channel)

    # ================================================================================================
    # Payload builders
    # ================================================================================================

    def member_payload(
        self, guild: FakeGuild, member: FakeMember, *, with_user: bool = True, permissions: int | None = None
    ) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in member.roles if r != guild.id],
            "nick": member.nick,
            "avatar": None,
            "banner": None,
            "joined_at": member.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = member.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data

    def channel_payload(self, channel: FakeChannel) -> JSON:
        if channel.is_dm:
            recipient = self.users[channel.recipient_id] if channel.recipient_id else None
            return {
                "id": str(channel.id),
                "type": ChannelType.DM,
                "last_message_id": str(channel.last_message_id) if channel.last_message_id else None,
                "recipients": [recipient.payload()] if recipient else [],
                "flags": 0,
            }
        data: JSON = {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": [o.payload() for o in channel.overwrites],
            "parent_id": str(channel.parent_id) if channel.parent_id else None,
            "nsfw": channel.nsfw,
            "flags": 0,
            "rate_limit_per_user": channel.rate_limit_per_user,
        }
        if channel.type in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT, ChannelType.GUILD_FORUM):
            data["topic"] = channel.topic
            data["last_message_id"] = str(channel.last_message_id) if channel.last_message_id else None
            data["default_auto_archive_duration"] = 1440
        if channel.type in (ChannelType.GUILD_VOICE, ChannelType.GUILD_STAGE_VOICE):
            data.update(bitrate=64000, user_limit=0, rtc_region=None, video_quality_mode=1)
            data["last_message_id"] = str(channel.last_message_id) if channel.last_message_id else None
        if channel.type == ChannelType.GUILD_FORUM:
            data.update(
                available_tags=[],
                default_reaction_emoji=None,
                default_sort_order=None,
                default_forum_layout=0,
                default_thread_rate_limit_per_user=0,
            )
        if channel.is_thread:
            del data["permission_overwrites"], data["position"]
            data.update(
                owner_id=str(channel.owner_id) if channel.owner_id else None,
                last_message_id=str(channel.last_message_id) if channel.last_message_id else None,
                message_count=channel.message_count,
                member_count=1,
                total_message_sent=channel.message_count,
                thread_metadata={
                    "archived": channel.archived,
                    "auto_archive_duration": channel.auto_archive_duration,
                    "archive_timestamp": channel.created_at,
                    "locked": channel.locked,
                    "create_timestamp": channel.created_at,
                    "invitable": True,
                },
            )
        return data

    def guild_payload(self, guild: FakeGuild, *, full: bool = False, intents: int = 0) -> JSON:
        data: JSON = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in guild.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(guild.system_channel_id) if guild.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": guild.preferred_locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "max_presences": None,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
        }
        if full:
            members = list(guild.members.values())
            if guild.lazy_members or not intents & Intent.GUILD_MEMBERS:
                members = [m for m in members if m.user.id == self.bot_user.id]
            data.update(
                joined_at=guild.joined_at,
                large=False,
                unavailable=False,
                member_count=len(guild.members),
                voice_states=[],
                members=[self.member_payload(guild, m) for m in members],
                channels=[self.channel_payload(c) for c in guild.channels if not c.is_thread],
                threads=[self.channel_payload(c) for c in guild.channels if c.is_thread and not c.archived],
                presences=[],
                stage_instances=[],
                guild_scheduled_events=list(guild.scheduled_events.values()),
                soundboard_sounds=[],
            )
        return data

    def application_payload(self) -> JSON:
        flags = 1 << 23  # APPLICATION_COMMAND_BADGE
        if self.privileged_intents & Intent.GUILD_PRESENCES:
            flags |= 1 << 12
        if self.privileged_intents & Intent.GUILD_MEMBERS:
            flags |= 1 << 14
        if self.privileged_intents & Intent.MESSAGE_CONTENT:
            flags |= 1 << 18
        return {
            "id": str(self.application_id),
            "name": self.bot_user.global_name or self.bot_user.username,
            "icon": None,
            "description": "A fake application",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": flags,
            "owner": self.owner.payload(),
            "team": None,
            "bot": self.bot_user.payload(),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(self.guilds),
        }

    # ================================================================================================
    # Waiting
    # ================================================================================================

    def _notify(self) -> None:
        self._last_activity = time.monotonic()
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def report_fatal(self, message: str, *, count_as_error: bool = True) -> None:
        """Make every pending and future wait fail at once with ``message``.

        Used when the client's connect() task dies, and (via the conftest) when discord.py logs an ERROR:
        failing immediately with the cause beats a 5 s timeout that hides it.
        """
        if self._fatal is None:
            self._fatal = message
        if count_as_error:
            self.errors.append(message)
        self._notify()

    async def wait_until(
        self, probe: Callable[[], T | None], *, within: float = DEFAULT_WAIT, what: str = "a condition"
    ) -> T:
        """Re-evaluate ``probe`` until it returns non-None (bounded): on every change in the fake, and every
        10 ms, since probes may look at the bot's own state (its cache), which the fake can't observe.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            if self._fatal is not None:
                raise AssertionError(f"stopped waiting for {what}: {self._fatal}")
            event = self._changed
            result = probe()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {within}s waiting for {what}; {self.describe_recent()}")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(remaining, 0.01)):
                    await event.wait()

    def describe_recent(self, count: int = 12) -> str:
        recent = ", ".join(str(r) for r in self.requests[-count:]) or "none"
        extra = f"; unhandled: {[str(r) for r in self.unhandled]}" if self.unhandled else ""
        errors = f"; fake errors: {self.errors}" if self.errors else ""
        return f"recent requests: [{recent}]{extra}{errors}"

    async def wait_for_request(
        self,
        method: str | None = None,
        path: str | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        status: int | None = None,
        within: float = DEFAULT_WAIT,
    ) -> RecordedRequest:
        """The oldest not-yet-claimed request matching (method, full-match path regex, predicate, status).

        Claiming makes consecutive waits return consecutive requests, and removes the race between "the bot
        already sent it" and "the test started waiting".
        """

        def probe() -> RecordedRequest | None:
            for request in self.requests:
                if request.claimed or not request.matches(method, path):
                    continue
                if status is not None and request.status != status:
                    continue
                if predicate is not None and not predicate(request):
                    continue
                request.claimed = True
                return request
            return None

        return await self.wait_until(probe, within=within, what=f"request {method or '*'} {path or '*'}")

    def find_requests(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """All recorded requests matching (no waiting, no claiming)."""
        return [r for r in self.requests if r.matches(method, path)]

    async def wait_for_bot_message(
        self,
        channel: FakeChannel | int | str | None = None,
        predicate: Callable[[Reply], bool] | None = None,
        *,
        within: float = DEFAULT_WAIT,
    ) -> Reply:
        """The oldest not-yet-claimed message the bot created with ``POST /channels/{id}/messages``."""
        channel_id = None if channel is None else self.channel(channel).id

        def probe() -> Reply | None:
            for message_id in self._bot_message_ids:
                if message_id in self._claimed_bot_messages or message_id not in self.messages:
                    continue
                reply = Reply(copy.deepcopy(self.messages[message_id]), "channel")
                if channel_id is not None and reply.channel_id != channel_id:
                    continue
                if predicate is not None and not predicate(reply):
                    continue
                self._claimed_bot_messages.add(message_id)
                return reply
            return None

        return await self.wait_until(
            probe, within=within, what=f"a bot message in {channel or 'any channel'}"
        )

    async def wait_for_gateway(
        self,
        *,
        op: int | None = None,
        event: str | None = None,
        direction: str = "in",
        predicate: Callable[[GatewayFrame], bool] | None = None,
        after: int = 0,
        within: float = DEFAULT_WAIT,
    ) -> GatewayFrame:
        """The first gateway frame (index >= ``after`` in ``gateway_log``) matching the filters."""

        def probe() -> GatewayFrame | None:
            for frame in self.gateway_log[after:]:
                if frame.direction != direction or (op is not None and frame.op != op):
                    continue
                if event is not None and frame.t != event:
                    continue
                if predicate is None or predicate(frame):
                    return frame
            return None

        return await self.wait_until(probe, within=within, what=f"gateway {direction} op={op} t={event}")

    async def _user_reaction_time(self) -> None:
        """Let the bot finish with what it just sent before a user acts on it.

        discord.py registers a View only after it has parsed the HTTP response that created the message;
        the fake records the message earlier. A human can't click within that window, a test can.
        """
        await self.settle(0.02)

    async def settle(self, quiet: float = 0.05, *, within: float = DEFAULT_WAIT) -> None:
        """Wait until nothing (no request, no frame) happened for ``quiet`` seconds: for negative checks."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            idle = time.monotonic() - self._last_activity
            if idle >= quiet:
                return
            if loop.time() > deadline:
                raise TimeoutError(f"the bot kept talking for {within}s; {self.describe_recent()}")
            await asyncio.sleep(quiet - idle)

    # ================================================================================================
    # Error injection and extension
    # ================================================================================================

    def fail_next(
        self,
        method: str | None,
        path: str,
        error: ApiError = MISSING_PERMISSIONS,
        *,
        times: int = 1,
        errors: JSON | None = None,
    ) -> Injection:
        """Make the next ``times`` requests matching (method, full-match path regex) fail with ``error``."""
        body = DiscordAPIError(error, errors).body()
        injection = Injection(method.upper() if method else None, path, error.status, body, {}, times)
        self.injections.append(injection)
        return injection

    def rate_limit_next(
        self,
        method: str | None,
        path: str,
        *,
        retry_after: float = 0.05,
        is_global: bool = False,
        times: int = 1,
    ) -> Injection:
        """Answer the next matching request(s) with a 429 shaped like Discord's (``Via``, JSON
        ``retry_after``, ``X-RateLimit-*``), which discord.py retries transparently after ``retry_after``.
        """
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "fake-" + secrets.token_hex(8),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        injection = Injection(method.upper() if method else None, path, 429, body, headers, times)
        self.injections.append(injection)
        return injection

    def hold_next(self, method: str | None, path: str, *, times: int = 1) -> Hold:
        """Keep the next ``times`` requests matching (method, full-match path regex) unanswered until
        ``hold.release()`` (or the fake stops); they are then handled as usual (injections included)."""
        hold = Hold(method.upper() if method else None, path, times)
        self.holds.append(hold)
        return hold

    def add_route(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        """Add (or override) a REST route; ``pattern`` is relative to /api/v10 (``{x}`` = digits,
        ``{x:str}`` = any segment). The handler gets a :class:`FakeRequest` and returns JSON data,
        None (204) or a :class:`FakeResponse`, or raises :class:`DiscordAPIError`.
        """
        self._custom_routes.insert(0, _Route(method.upper(), pattern, compile_route(pattern), handler, auth))

    def allow_error_log(self, pattern: str) -> None:
        """Let ERROR log records whose message matches ``pattern`` (re.search) pass the fixture's check."""
        self.allowed_error_logs.append(re.compile(pattern))

    # ================================================================================================
    # HTTP plumbing
    # ================================================================================================

    @staticmethod
    def _json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
        # Exactly "application/json": discord.py's json_or_text() compares the header verbatim.
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            content_type="application/json",
            headers=dict(headers or {}),
        )

    async def _read_body(self, request: web.Request, record: RecordedRequest) -> None:
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                data = await part.read(decode=False)  # type: ignore[union-attr]
                name = part.name or ""  # type: ignore[union-attr]
                if name == "payload_json":
                    record.json = json.loads(data)
                else:
                    record.files.append(
                        RecordedFile(
                            name,
                            part.filename,  # type: ignore[union-attr]
                            part.headers.get("Content-Type"),
                            bytes(data),
                        )
                    )
            return
        raw = await request.read()
        if not raw:
            return
        record.text = raw.decode("utf-8", "replace")
        with contextlib.suppress(ValueError):
            record.json = json.loads(raw)

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        full_path = request.path
        is_api = full_path.startswith(API_PREFIX + "/")
        path = full_path[len(API_PREFIX) :] if is_api else full_path
        record = RecordedRequest(request.method, path, dict(request.query), dict(request.headers))
        try:
            await self._read_body(request, record)
        except Exception as exc:  # malformed body: that's a client bug worth failing on
            self.errors.append(f"could not parse body of {request.method} {full_path}: {exc!r}")
        self.requests.append(record)
        try:
            return await self._dispatch_rest(record, is_api)
        finally:
            self._notify()

    async def _dispatch_rest(self, record: RecordedRequest, is_api: bool) -> web.StreamResponse:
        for hold in self.holds:
            if hold.applies_to(record):
                hold.remaining -= 1
                hold.held.append(record)
                self._notify()
                await hold.released.wait()
                break
        for injection in self.injections:
            if injection.applies_to(record):
                injection.remaining -= 1
                injection.hits.append(record)
                record.injected = True
                record.status, record.response = injection.status, injection.body
                return self._json_response(injection.status, injection.body, injection.headers)
        found: tuple[_Route, re.Match[str]] | None = None
        if is_api:
            for candidate in (*self._custom_routes, *self._routes):
                if candidate.method != record.method:
                    continue
                match = candidate.regex.fullmatch(record.path)
                if match:
                    found = (candidate, match)
                    break
        if found is None:
            self.unhandled.append(record)
            record.status = 404
            record.response = {
                "message": f"404: Not Found (fake has no route for {record.method} {record.path})",
                "code": 0,
            }
            return self._json_response(404, record.response)
        matched, match = found
        record.route = matched.pattern
        try:
            if matched.auth and record.headers.get("Authorization") != f"Bot {self.token}":
                raise DiscordAPIError(UNAUTHORIZED)
            fake_request = FakeRequest(
                record.method,
                record.path,
                match.groupdict(),
                record.query,
                record.json,
                record.files,
                record.headers,
                record,
            )
            result = await matched.handler(fake_request)
        except DiscordAPIError as exc:
            record.status, record.response = exc.error.status, exc.body()
            return self._json_response(exc.error.status, record.response)
        except Exception as exc:
            # A bug in the fake (or a payload it cannot digest). Answer 400, not 500: discord.py retries
            # 5xx with multi-second sleeps. The teardown check reports the traceback.
            self.errors.append(
                f"fake route {matched.pattern} crashed on {record}: {exc!r}\n{traceback.format_exc()}"
            )
            record.status = 400
            record.response = {"message": f"fake internal error: {exc!r}", "code": 0}
            return self._json_response(400, record.response)
        if isinstance(result, FakeResponse):
            record.status, record.response = result.status, result.body
            if result.body is None:
                return web.Response(status=result.status, headers=result.headers)
            return self._json_response(result.status, result.body, result.headers)
        if result is None:
            record.status = 204
            return web.Response(status=204)
        record.status, record.response = 200, result
        return self._json_response(200, result)

    async def _cdn_handler(self, request: web.Request) -> web.StreamResponse:
        record = RecordedRequest(request.method, request.path, dict(request.query), dict(request.headers))
        self.requests.append(record)
        self._notify()
        attachment = self.cdn.get(request.path)
        if attachment is None:
            self.unhandled.append(record)
            record.status = 404
            return web.Response(status=404)
        record.status = 200
        return web.Response(body=attachment.data, content_type=attachment.content_type)

    # ================================================================================================
    # Gateway
    # ================================================================================================

    def _log_frame(self, direction: str, payload: JSON) -> None:
        self.gateway_log.append(
            GatewayFrame(
                direction, payload.get("op", -1), payload.get("d"), payload.get("t"), payload.get("s")
            )
        )
        self._notify()

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _GatewayConnection(self, ws, request.query.get("compress"))
        self._connections.add(conn)
        try:
            await conn.send(
                {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None}
            )
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    payload = json.loads(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    payload = json.loads(zlib.decompress(msg.data))
                else:
                    break
                self._log_frame("in", payload)
                try:
                    await self._on_gateway_payload(conn, payload)
                except Exception as exc:
                    self.errors.append(
                        f"fake gateway crashed on {payload}: {exc!r}\n{traceback.format_exc()}"
                    )
        finally:
            self._connections.discard(conn)
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            self._notify()
        return ws

    async def _on_gateway_payload(self, conn: _GatewayConnection, payload: JSON) -> None:
        op = payload.get("op")
        raw = payload.get("d")
        data: JSON = raw if isinstance(raw, dict) else {}
        if op == 1:
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif op == 8:
            await self._request_members(conn, data)
        # op 3 (presence), 4 (voice state) and others are only recorded

    async def _identify(self, conn: _GatewayConnection, data: JSON) -> None:
        if data.get("token") != self.token:
            await conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if shard_id >= shard_count:
            await conn.close(4010, "Invalid shard.")
            return
        session = _Session(secrets.token_hex(16), intents, (shard_id, shard_count))
        self._sessions[session.id] = session
        conn.session = session
        session.conn = conn
        guilds = [g for g in self.guilds.values() if (g.id >> 22) % shard_count == shard_id]
        ready = {
            "v": 10,
            "user": {
                **self.bot_user.payload(),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
                "email": None,
            },
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(self.application_id), "flags": self.application_payload()["flags"]},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth_session_id_hash": "",
            "_trace": ["fake-discord"],
        }
        await self._send_dispatch(session, "READY", ready)
        if intents & Intent.GUILDS:
            for guild in guilds:
                await self._send_dispatch(
                    session, "GUILD_CREATE", self.guild_payload(guild, full=True, intents=intents)
                )

    async def _resume(self, conn: _GatewayConnection, data: JSON) -> None:
        session = self._sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        if session.conn is not None and session.conn is not conn:
            with contextlib.suppress(Exception):
                await session.conn.close(4000, "session resumed elsewhere")
        conn.session = session
        session.conn = conn
        last_seq = int(data.get("seq") or 0)
        for payload in session.backlog:
            if payload["s"] > last_seq:
                await conn.send(payload)
        await self._send_dispatch(session, "RESUMED", {"_trace": ["fake-discord"]})

    async def _request_members(self, conn: _GatewayConnection, data: JSON) -> None:
        session = conn.session
        guild = self.guilds.get(int(data["guild_id"]))
        if session is None or guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.user.id in wanted]
        elif data.get("query"):
            query = str(data["query"]).lower()
            members = [m for m in members if m.user.username.lower().startswith(query)]
        if data.get("limit"):
            members = members[: int(data["limit"])]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [self.member_payload(guild, m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: _Session, event: str, data: JSON) -> None:
        session.seq += 1
        payload = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.backlog.append(payload)
        if session.conn is not None:
            await session.conn.send(payload)

    @property
    def sessions(self) -> list[_Session]:
        """Sessions that identified (the latest session per shard is the live one)."""
        return list(self._sessions.values())

    async def dispatch(
        self,
        event: str,
        data: JSON | Callable[[_Session], JSON | None],
        *,
        guild_id: int | None = None,
        intent: int = 0,
    ) -> int:
        """Send a DISPATCH to every live session whose shard owns ``guild_id`` and whose intents include
        ``intent``. ``data`` may be a function of the session (e.g. to apply the MESSAGE_CONTENT rule) that
        returns None to skip it. Events for disconnected sessions are kept and replayed on RESUME.
        Returns the number of sessions it went to.
        """
        latest: dict[tuple[int, int], _Session] = {}
        for session in self._sessions.values():
            latest[session.shard] = session
        sent = 0
        for session in latest.values():
            shard_id, shard_count = session.shard
            if guild_id is not None and (guild_id >> 22) % shard_count != shard_id:
                continue
            if guild_id is None and shard_id != 0:
                continue
            if intent and not session.intents & intent:
                continue
            payload = data(session) if callable(data) else data
            if payload is None:
                continue
            await self._send_dispatch(session, event, payload)
            sent += 1
        return sent

    def _require_session(self) -> None:
        if not self._sessions:
            raise RuntimeError("no client has identified with the fake gateway yet (start the bot first)")

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT everywhere: discord.py reconnects to resume_gateway_url and RESUMEs."""
        for conn in list(self._connections):
            await conn.send({"op": 7, "d": None, "s": None, "t": None})

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION on every connection."""
        for conn in list(self._connections):
            await conn.send({"op": 9, "d": resumable, "s": None, "t": None})

    async def close_gateway(self, code: int = 4000, message: str = "") -> None:
        """Close every gateway connection with ``code`` (e.g. 4000 → discord.py resumes)."""
        for conn in list(self._connections):
            await conn.close(code, message)

    @property
    def identify_payloads(self) -> list[JSON]:
        return [f.d for f in self.gateway_log if f.direction == "in" and f.op == 2]

    # ================================================================================================
    # Messages (shared by REST routes and user helpers)
    # ================================================================================================

    _MENTION_USER = re.compile(r"<@!?(\d+)>")
    _MENTION_ROLE = re.compile(r"<@&(\d+)>")

    def _validate_message(self, body: JSON, files: Sequence[RecordedFile], *, creating: bool) -> None:
        errors: dict[str, str] = {}
        content = body.get("content")
        if content is not None and len(str(content)) > 2000:
            errors["content"] = "Must be 2000 or fewer in length."
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            errors["embeds"] = "Must be 10 or fewer in length."
        total = 0
        limits = {"title": 256, "description": 4096}
        for i, embed in enumerate(embeds):
            for key, limit in limits.items():
                value = embed.get(key) or ""
                total += len(value)
                if len(value) > limit:
                    errors[f"embeds.{i}.{key}"] = f"Must be {limit} or fewer in length."
            fields = embed.get("fields") or []
            if len(fields) > 25:
                errors[f"embeds.{i}.fields"] = "Must be 25 or fewer in length."
            for j, fld in enumerate(fields):
                name, value = fld.get("name") or "", fld.get("value") or ""
                total += len(name) + len(value)
                if not name or len(name) > 256:
                    errors[f"embeds.{i}.fields.{j}.name"] = "Must be between 1 and 256 in length."
                if not value or len(value) > 1024:
                    errors[f"embeds.{i}.fields.{j}.value"] = "Must be between 1 and 1024 in length."
            footer = (embed.get("footer") or {}).get("text") or ""
            author = (embed.get("author") or {}).get("name") or ""
            total += len(footer) + len(author)
            if len(footer) > 2048:
                errors[f"embeds.{i}.footer.text"] = "Must be 2048 or fewer in length."
            if len(author) > 256:
                errors[f"embeds.{i}.author.name"] = "Must be 256 or fewer in length."
        if total > 6000:
            errors["embeds"] = "Embed size exceeds maximum size of 6000"
        rows = body.get("components") or []
        flags = int(body.get("flags") or 0)
        if not flags & (1 << 15):  # classic components (not IS_COMPONENTS_V2)
            if len(rows) > 5:
                errors["components"] = "Must be 5 or fewer in length."
            for i, row in enumerate(rows):
                children = row.get("components") or []
                if row.get("type") == 1 and len(children) > 5:
                    errors[f"components.{i}.components"] = "Must be 5 or fewer in length."
                for j, child in enumerate(children):
                    if len(str(child.get("custom_id") or "")) > 100:
                        errors[f"components.{i}.components.{j}.custom_id"] = "Must be 100 or fewer in length."
                    if len(str(child.get("label") or "")) > 80:
                        errors[f"components.{i}.components.{j}.label"] = "Must be 80 or fewer in length."
        if errors:
            raise invalid_form(errors)
        if creating and not (
            content or embeds or files or rows or body.get("sticker_ids") or body.get("poll")
        ):
            raise DiscordAPIError(EMPTY_MESSAGE)

    def _attachments_from(
        self, channel: FakeChannel, body: JSON, files: Sequence[RecordedFile], existing: Sequence[JSON] = ()
    ) -> list[JSON]:
        descriptors = {str(a.get("id")): a for a in body.get("attachments") or []}
        keep = (
            [a for a in existing if str(a["id"]) in descriptors] if "attachments" in body else list(existing)
        )
        out = list(keep)
        for index, part in enumerate(files):
            match = re.fullmatch(r"files\[(\d+)\]", part.field)
            key = match.group(1) if match else str(index)
            descriptor = descriptors.get(key, {})
            filename = descriptor.get("filename") or part.filename or f"file{key}"
            out.append(
                self._register_attachment(
                    channel,
                    FakeAttachment(
                        filename,
                        part.data,
                        part.content_type or "application/octet-stream",
                        descriptor.get("description"),
                    ),
                )
            )
        return out

    def _register_attachment(self, channel: FakeChannel, attachment: FakeAttachment) -> JSON:
        attachment_id = snowflake()
        path = f"/attachments/{channel.id}/{attachment_id}/{attachment.filename}"
        self.cdn[path] = attachment
        data: JSON = {
            "id": str(attachment_id),
            "filename": attachment.filename,
            "size": len(attachment.data),
            "url": self.http_base + path,
            "proxy_url": self.http_base + path,
            "content_type": attachment.content_type,
        }
        if attachment.description:
            data["description"] = attachment.description
        return data

    def _mentions(
        self,
        channel: FakeChannel,
        content: str,
        allowed: JSON | None,
        replied: JSON | None,
        explicit: Iterable[int] = (),
    ) -> tuple[list[JSON], list[str], bool]:
        """(mentions, mention_roles, mention_everyone) as Discord computes them, per allowed_mentions."""
        parse = None if allowed is None else set(allowed.get("parse") or [])
        allowed_users = {str(u) for u in (allowed or {}).get("users") or []}
        allowed_roles = {str(r) for r in (allowed or {}).get("roles") or []}
        user_ids: list[int] = list(explicit)
        for match in self._MENTION_USER.finditer(content):
            uid = int(match.group(1))
            if parse is None or "users" in parse or str(uid) in allowed_users:
                user_ids.append(uid)
        if replied is not None and (allowed is None or allowed.get("replied_user")):
            user_ids.append(int(replied["author"]["id"]))
        guild = self.guild_of(channel)
        mentions: list[JSON] = []
        for uid in dict.fromkeys(user_ids):
            user = self.users.get(uid)
            if user is None:
                continue
            payload = user.payload()
            if guild is not None and uid in guild.members:
                payload["member"] = self.member_payload(guild, guild.members[uid], with_user=False)
            mentions.append(payload)
        roles = [
            m.group(1)
            for m in self._MENTION_ROLE.finditer(content)
            if parse is None or "roles" in parse or m.group(1) in allowed_roles
        ]
        everyone = ("@everyone" in content or "@here" in content) and (parse is None or "everyone" in parse)
        return mentions, list(dict.fromkeys(roles)), everyone

    def _build_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        body: JSON,
        files: Sequence[RecordedFile] = (),
        *,
        message_type: int | None = None,
        interaction: InteractionHandle | None = None,
        extra_flags: int = 0,
        mentions: Iterable[int] = (),
        attachments: Sequence[FakeAttachment] = (),
    ) -> JSON:
        message_id = snowflake()
        content = str(body.get("content") or "")
        reference = body.get("message_reference")
        referenced: JSON | None = None
        if reference:
            referenced = self.messages.get(int(reference.get("message_id") or 0))
            if referenced is None and reference.get("fail_if_not_exists", True):
                raise invalid_form({"message_reference": "Unknown message"})
        mention_list, roles, everyone = self._mentions(
            channel, content, body.get("allowed_mentions"), referenced, mentions
        )
        guild = self.guild_of(channel)
        embeds = [{"type": "rich", **e} for e in body.get("embeds") or []]
        message: JSON = {
            "id": str(message_id),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": content,
            "timestamp": snowflake_time(message_id).isoformat(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": everyone,
            "mentions": mention_list,
            "mention_roles": roles,
            "mention_channels": [],
            "attachments": self._attachments_from(channel, body, files)
            + [self._register_attachment(channel, a) for a in attachments],
            "embeds": embeds,
            "reactions": [],
            "pinned": False,
            "type": message_type if message_type is not None else (19 if reference else 0),
            "flags": int(body.get("flags") or 0) | extra_flags,
            "components": list(body.get("components") or []),
        }
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if body.get("poll"):
            message["poll"] = body["poll"]
        if guild is not None:
            message["guild_id"] = str(guild.id)
            member = guild.members.get(author.id)
            if member is not None and interaction is None:
                message["member"] = self.member_payload(guild, member, with_user=False)
        if reference:
            message["message_reference"] = {
                "type": 0,
                "message_id": str(reference.get("message_id")),
                "channel_id": str(reference.get("channel_id") or channel.id),
                **({"guild_id": str(guild.id)} if guild else {}),
            }
            if referenced is not None:
                message["referenced_message"] = referenced
        if interaction is not None:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
                **(
                    {"original_response_message_id": str(interaction.original_id)}
                    if interaction.original_id
                    else {}
                ),
                **(
                    {"interacted_message_id": interaction.payload["message"]["id"]}
                    if interaction.type == 3
                    else {}
                ),
            }
            message["interaction"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "name": (interaction.payload.get("data") or {}).get("name", ""),
                "user": interaction.user.payload(),
            }
        return message

    async def _store_and_announce(self, message: JSON, channel: FakeChannel) -> None:
        self.messages[int(message["id"])] = message
        channel.last_message_id = int(message["id"])
        channel.message_count += 1
        if message["flags"] & MESSAGE_FLAG_EPHEMERAL:
            return  # ephemeral messages never reach the gateway
        await self._dispatch_message_event("MESSAGE_CREATE", message, channel)

    async def _dispatch_message_event(self, event: str, message: JSON, channel: FakeChannel) -> None:
        guild = self.guild_of(channel)
        intent = Intent.GUILD_MESSAGES if guild is not None else Intent.DIRECT_MESSAGES

        def for_session(session: _Session) -> JSON:
            return self._apply_content_intent(session, message, channel)

        await self.dispatch(event, for_session, guild_id=guild.id if guild else None, intent=intent)

    def _apply_content_intent(self, session: _Session, message: JSON, channel: FakeChannel) -> JSON:
        """Without MESSAGE_CONTENT, Discord blanks content/embeds/attachments/components/poll, except in
        DMs, in messages that mention the bot, and in the bot's own messages.
        """
        if session.intents & Intent.MESSAGE_CONTENT or channel.is_dm:
            return message
        bot_id = str(self.bot_user.id)
        if message["author"]["id"] == bot_id or any(m["id"] == bot_id for m in message["mentions"]):
            return message
        blanked = dict(message, content="", embeds=[], attachments=[], components=[])
        blanked.pop("poll", None)
        return blanked

    def _check_bot_can_send(self, channel: FakeChannel, body: JSON, files: Sequence[RecordedFile]) -> None:
        if channel.is_dm:
            recipient = self.users.get(channel.recipient_id or 0)
            if recipient is None or not recipient.dms_open or recipient.bot:
                raise DiscordAPIError(CANNOT_DM_USER)
            return
        if not self.enforce_permissions:
            return
        perms = self.bot_permissions(channel)
        if not perms & Perm.VIEW_CHANNEL:
            raise DiscordAPIError(MISSING_ACCESS)
        needed = Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        if not perms & needed:
            raise DiscordAPIError(MISSING_PERMISSIONS)
        if body.get("embeds") and not perms & Perm.EMBED_LINKS:
            raise DiscordAPIError(MISSING_PERMISSIONS)
        if files and not perms & Perm.ATTACH_FILES:
            raise DiscordAPIError(MISSING_PERMISSIONS)
        if body.get("message_reference") and not perms & Perm.READ_MESSAGE_HISTORY:
            raise DiscordAPIError(MISSING_PERMISSIONS)

    def _require_perm(self, channel: FakeChannel, *options: int) -> None:
        if not self.enforce_permissions or channel.is_dm:
            return
        perms = self.bot_permissions(channel)
        if not perms & Perm.VIEW_CHANNEL:
            raise DiscordAPIError(MISSING_ACCESS)
        if not any(perms & p == p for p in options):
            raise DiscordAPIError(MISSING_PERMISSIONS)

    def _bot_channel(self, req: FakeRequest) -> FakeChannel:
        channel = self._find_channel(req.int_param("channel_id"))
        if channel is None:
            raise DiscordAPIError(UNKNOWN_CHANNEL)
        if channel.guild_id is not None and channel.guild_id not in self.guilds:
            raise DiscordAPIError(MISSING_ACCESS)
        if (
            self.enforce_permissions
            and not channel.is_dm
            and not self.bot_permissions(channel) & Perm.VIEW_CHANNEL
        ):
            raise DiscordAPIError(MISSING_ACCESS)
        return channel

    def _message_in(self, channel: FakeChannel, message_id: int) -> JSON:
        message = self.messages.get(message_id)
        if message is None or int(message["channel_id"]) != channel.id:
            raise DiscordAPIError(UNKNOWN_MESSAGE)
        return message

    def _apply_edit(
        self, message: JSON, channel: FakeChannel, body: JSON, files: Sequence[RecordedFile]
    ) -> None:
        self._validate_message(body, files, creating=False)
        for key in ("content", "components", "poll"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key == "components" else "")
        if "embeds" in body:
            message["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "attachments" in body or files:
            message["attachments"] = self._attachments_from(channel, body, files, message["attachments"])
        if "flags" in body and body["flags"] is not None:
            keep = message["flags"] & (MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING)
            message["flags"] = (int(body["flags"]) & ~(MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING)) | keep
        if "allowed_mentions" in body or "content" in body:
            mentions, roles, everyone = self._mentions(
                channel, message["content"], body.get("allowed_mentions"), None
            )
            message.update(mentions=mentions, mention_roles=roles, mention_everyone=everyone)
        message["edited_timestamp"] = iso_now()

    # ================================================================================================
    # REST: users, application, gateway
    # ================================================================================================

    @route("GET", "/users/@me")
    async def route_get_me(self, req: FakeRequest) -> JSON:
        return {
            **self.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "email": None,
            "locale": "en-US",
            "premium_type": 0,
        }

    @route("GET", "/users/{user_id}")
    async def route_get_user(self, req: FakeRequest) -> JSON:
        user = self.users.get(req.int_param("user_id"))
        if user is None:
            raise DiscordAPIError(UNKNOWN_USER)
        return user.payload()

    @route("GET", "/oauth2/applications/@me")
    async def route_get_oauth_application(self, req: FakeRequest) -> JSON:
        return self.application_payload()

    @route("GET", "/applications/@me")
    async def route_get_application(self, req: FakeRequest) -> JSON:
        return self.application_payload()

    @route("GET", "/gateway", auth=False)
    async def route_get_gateway(self, req: FakeRequest) -> JSON:
        return {"url": self.gateway_url}

    @route("GET", "/gateway/bot")
    async def route_get_gateway_bot(self, req: FakeRequest) -> JSON:
        return {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14400000,
                "max_concurrency": 1,
            },
        }

    @route("POST", "/users/@me/channels")
    async def route_create_dm(self, req: FakeRequest) -> JSON:
        recipient = self.users.get(int(req.body.get("recipient_id") or 0))
        if recipient is None:
            raise invalid_form({"recipient_id": "Unknown user"})
        channel = self.dm_channel(recipient)
        assert channel is not None
        return self.channel_payload(channel)

    # ================================================================================================
    # REST: application commands
    # ================================================================================================

    _COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")

    def _validate_options(
        self, options: Sequence[JSON], prefix: str, errors: dict[str, str], depth: int = 0
    ) -> None:
        if len(options) > 25:
            errors[prefix.rstrip(".")] = "Must be 25 or fewer in length."
        seen: set[str] = set()
        optional_seen = False
        for i, option in enumerate(options):
            where = f"{prefix}{i}."
            name = str(option.get("name") or "")
            if not self._COMMAND_NAME.match(name) or name != name.lower():
                errors[where + "name"] = "Command name is invalid"
            if name in seen:
                errors[where + "name"] = "Option names must be unique"
            seen.add(name)
            if not 1 <= len(str(option.get("description") or "")) <= 100:
                errors[where + "description"] = "Must be between 1 and 100 in length."
            kind = option.get("type")
            if kind in (1, 2):
                if depth >= (1 if kind == 2 else 2):
                    errors[where + "type"] = "Sub-command groups cannot be nested this deep"
                self._validate_options(option.get("options") or [], where + "options.", errors, depth + 1)
                continue
            if option.get("required"):
                if optional_seen:
                    errors[where + "required"] = "Required options must be placed before non-required options"
            else:
                optional_seen = True
            choices = option.get("choices") or []
            if len(choices) > 25:
                errors[where + "choices"] = "Must be 25 or fewer in length."
            if choices and option.get("autocomplete"):
                errors[where + "autocomplete"] = "Autocomplete and choices are mutually exclusive"

    def _store_commands(self, guild_id: int | None, body: Any) -> list[JSON]:
        if not isinstance(body, list):
            raise invalid_form({"_": "Expected a list of commands"})
        errors: dict[str, str] = {}
        names: set[tuple[int, str]] = set()
        for i, command in enumerate(body):
            kind = int(command.get("type") or 1)
            name = str(command.get("name") or "")
            if (kind, name) in names:
                errors[f"{i}.name"] = "Application command names must be unique"
            names.add((kind, name))
            if kind == 1:
                if not self._COMMAND_NAME.match(name) or name != name.lower():
                    errors[f"{i}.name"] = "Command name is invalid"
                if not 1 <= len(str(command.get("description") or "")) <= 100:
                    errors[f"{i}.description"] = "Must be between 1 and 100 in length."
                self._validate_options(command.get("options") or [], f"{i}.options.", errors)
            elif not 1 <= len(name) <= 32:
                errors[f"{i}.name"] = "Must be between 1 and 32 in length."
        if len([c for c in body if int(c.get("type") or 1) == 1]) > 100:
            errors["_"] = "Maximum number of application commands reached (100)"
        if errors:
            raise invalid_form(errors)
        stored: list[JSON] = []
        for command in body:
            kind = int(command.get("type") or 1)
            key = (guild_id, kind, command["name"])
            command_id = self._command_ids.setdefault(key, snowflake())
            data: JSON = {
                "id": str(command_id),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
                "type": kind,
                "name": command["name"],
                "name_localizations": command.get("name_localizations"),
                "description": command.get("description") or "",
                "description_localizations": command.get("description_localizations"),
                "default_member_permissions": None
                if command.get("default_member_permissions") is None
                else str(command["default_member_permissions"]),  # discord.py sends an int, Discord a str
                "dm_permission": command.get("dm_permission", True),
                "contexts": command.get("contexts"),
                "integration_types": command.get("integration_types") or [0],
                "nsfw": bool(command.get("nsfw", False)),
            }
            if command.get("options"):
                data["options"] = command["options"]
            if guild_id is not None:
                data["guild_id"] = str(guild_id)
            stored.append(data)
        return stored

    def _check_app(self, req: FakeRequest) -> None:
        if req.int_param("application_id") != self.application_id:
            raise DiscordAPIError(MISSING_ACCESS)

    @route("GET", "/applications/{application_id}/commands")
    async def route_get_global_commands(self, req: FakeRequest) -> list[JSON]:
        self._check_app(req)
        return self.global_commands

    @route("PUT", "/applications/{application_id}/commands")
    async def route_put_global_commands(self, req: FakeRequest) -> list[JSON]:
        self._check_app(req)
        self.global_commands = self._store_commands(None, req.json)
        return self.global_commands

    def _command_guild(self, req: FakeRequest) -> int:
        self._check_app(req)
        guild_id = req.int_param("guild_id")
        if guild_id not in self.guilds:
            raise DiscordAPIError(MISSING_ACCESS)
        return guild_id

    @route("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
    async def route_get_guild_commands(self, req: FakeRequest) -> list[JSON]:
        return self.guild_commands.get(self._command_guild(req), [])

    @route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
    async def route_put_guild_commands(self, req: FakeRequest) -> list[JSON]:
        guild_id = self._command_guild(req)
        self.guild_commands[guild_id] = self._store_commands(guild_id, req.json)
        return self.guild_commands[guild_id]

    # ================================================================================================
    # REST: interactions and their webhooks
    # ================================================================================================

    _ALLOWED_CALLBACKS: Final = {1: {1}, 2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}

    @route("POST", "/interactions/{interaction_id}/{token:str}/callback", auth=False)
    async def route_interaction_callback(self, req: FakeRequest) -> JSON:
        handle = self.interactions.get(req.params["token"])
        if handle is None or handle.id != req.int_param("interaction_id"):
            raise DiscordAPIError(UNKNOWN_INTERACTION)
        if handle.callback is not None:
            raise DiscordAPIError(ALREADY_ACKNOWLEDGED)
        if (
            self.interaction_deadline is not None
            and time.monotonic() - handle.created > self.interaction_deadline
        ):
            raise DiscordAPIError(UNKNOWN_INTERACTION)
        body = req.body
        kind = int(body.get("type") or 0)
        if kind not in self._ALLOWED_CALLBACKS.get(handle.type, set()):
            raise invalid_form({"type": f"Interaction response type {kind} is invalid for this interaction"})
        data: JSON = body.get("data") or {}
        channel = handle.channel
        response_message: JSON | None = None
        if kind == 4:
            self._validate_message(data, req.files, creating=True)
            message = self._build_message(
                channel,
                self.bot_user,
                data,
                req.files,
                interaction=handle,
                message_type=20 if handle.type == 2 else 19,
            )
            handle.original_id = int(message["id"])
            handle.callback, handle.callback_files = body, req.files
            await self._store_and_announce(message, channel)
            response_message = message
        elif kind == 5:
            flags = int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
            message = self._build_message(
                channel,
                self.bot_user,
                {"content": ""},
                interaction=handle,
                message_type=20 if handle.type == 2 else 19,
                extra_flags=flags | MESSAGE_FLAG_LOADING,
            )
            handle.original_id = int(message["id"])
            handle.callback = body
            await self._store_and_announce(message, channel)
            response_message = message
        elif kind in (6, 7):
            target = handle.payload.get("message") or {}
            target_id = int(target.get("id") or 0)
            if target_id not in self.messages:
                raise DiscordAPIError(UNKNOWN_MESSAGE)
            handle.original_id = target_id
            handle.callback, handle.callback_files = body, req.files
            if kind == 7:
                message = self.messages[target_id]
                self._apply_edit(message, channel, data, req.files)
                handle.edits.append(data)
                if not message["flags"] & MESSAGE_FLAG_EPHEMERAL:
                    await self._dispatch_message_event("MESSAGE_UPDATE", message, channel)
                response_message = message
        else:  # 1 pong, 8 autocomplete result, 9 modal
            handle.callback = body
        result: JSON = {
            "interaction": {
                "id": str(handle.id),
                "type": handle.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(
                    response_message and response_message["flags"] & MESSAGE_FLAG_EPHEMERAL
                ),
            }
        }
        if response_message is not None:
            result["interaction"]["response_message_id"] = response_message["id"]
            result["resource"] = {"type": kind, "message": response_message}
        return result

    def _webhook_handle(self, req: FakeRequest) -> InteractionHandle:
        handle = self.interactions.get(req.params["token"])
        if handle is None or req.int_param("application_id") != self.application_id:
            raise DiscordAPIError(UNKNOWN_WEBHOOK)
        if handle.callback is None:
            raise DiscordAPIError(UNKNOWN_WEBHOOK)  # Discord: nothing to edit/follow up before the ack
        return handle

    def _handle_message(self, handle: InteractionHandle, message_id: int | None) -> JSON:
        target = handle.original_id if message_id is None else message_id
        allowed = {handle.original_id, *handle.followup_ids}
        if target is None or target not in allowed or target not in self.messages:
            raise DiscordAPIError(UNKNOWN_MESSAGE)
        return self.messages[target]

    @route("GET", "/webhooks/{application_id}/{token:str}/messages/@original", auth=False)
    async def route_get_original(self, req: FakeRequest) -> JSON:
        return self._handle_message(self._webhook_handle(req), None)

    @route("PATCH", "/webhooks/{application_id}/{token:str}/messages/@original", auth=False)
    async def route_edit_original(self, req: FakeRequest) -> JSON:
        handle = self._webhook_handle(req)
        return await self._edit_webhook_message(handle, self._handle_message(handle, None), req)

    @route("DELETE", "/webhooks/{application_id}/{token:str}/messages/@original", auth=False)
    async def route_delete_original(self, req: FakeRequest) -> None:
        handle = self._webhook_handle(req)
        await self._delete_message(self._handle_message(handle, None))
        handle.deleted_original = True

    @route("GET", "/webhooks/{application_id}/{token:str}/messages/{message_id}", auth=False)
    async def route_get_followup(self, req: FakeRequest) -> JSON:
        return self._handle_message(self._webhook_handle(req), req.int_param("message_id"))

    @route("PATCH", "/webhooks/{application_id}/{token:str}/messages/{message_id}", auth=False)
    async def route_edit_followup(self, req: FakeRequest) -> JSON:
        handle = self._webhook_handle(req)
        message = self._handle_message(handle, req.int_param("message_id"))
        return await self._edit_webhook_message(handle, message, req)

    @route("DELETE", "/webhooks/{application_id}/{token:str}/messages/{message_id}", auth=False)
    async def route_delete_followup(self, req: FakeRequest) -> None:
        handle = self._webhook_handle(req)
        await self._delete_message(self._handle_message(handle, req.int_param("message_id")))

    async def _edit_webhook_message(self, handle: InteractionHandle, message: JSON, req: FakeRequest) -> JSON:
        self._apply_edit(message, handle.channel, req.body, req.files)
        if message["flags"] & MESSAGE_FLAG_LOADING:
            message["flags"] &= ~MESSAGE_FLAG_LOADING
            message["edited_timestamp"] = None  # resolving a defer is not shown as an edit
        if int(message["id"]) == handle.original_id:
            handle.edits.append(req.body)
        if not message["flags"] & MESSAGE_FLAG_EPHEMERAL:
            await self._dispatch_message_event("MESSAGE_UPDATE", message, handle.channel)
        return message

    @route("POST", "/webhooks/{application_id}/{token:str}", auth=False)
    async def route_create_followup(self, req: FakeRequest) -> JSON | None:
        handle = self._webhook_handle(req)
        body = req.body
        original = self.messages.get(handle.original_id or 0)
        if handle.callback_type == 5 and original is not None and original["flags"] & MESSAGE_FLAG_LOADING:
            # Discord: the first followup after a DEFERRED response edits the loading message instead,
            # and the defer's ephemeral flag wins over the followup's.
            message = await self._edit_webhook_message(handle, original, req)
        else:
            self._validate_message(body, req.files, creating=True)
            flags = int(body.get("flags") or 0)
            message = self._build_message(
                handle.channel,
                self.bot_user,
                {**body, "flags": flags},
                req.files,
                interaction=handle,
                message_type=19 if handle.type != 2 else 20,
            )
            handle.followup_ids.append(int(message["id"]))
            await self._store_and_announce(message, handle.channel)
        if req.query.get("wait") in ("1", "true", "True"):
            return message
        return None

    # ================================================================================================
    # REST: channels and messages
    # ================================================================================================

    @route("GET", "/channels/{channel_id}")
    async def route_get_channel(self, req: FakeRequest) -> JSON:
        return self.channel_payload(self._bot_channel(req))

    @route("POST", "/channels/{channel_id}/typing")
    async def route_trigger_typing(self, req: FakeRequest) -> None:
        self._bot_channel(req)

    @route("POST", "/channels/{channel_id}/messages")
    async def route_create_message(self, req: FakeRequest) -> JSON:
        channel = self._bot_channel(req)
        body = req.body
        self._check_bot_can_send(channel, body, req.files)
        self._validate_message(body, req.files, creating=True)
        message = self._build_message(channel, self.bot_user, body, req.files)
        self._bot_message_ids.append(int(message["id"]))
        await self._store_and_announce(message, channel)
        return message

    @route("GET", "/channels/{channel_id}/messages")
    async def route_list_messages(self, req: FakeRequest) -> list[JSON]:
        channel = self._bot_channel(req)
        self._require_perm(channel, Perm.READ_MESSAGE_HISTORY)
        limit = int(req.query.get("limit", 50))
        messages = sorted(
            (
                m
                for m in self.messages.values()
                if int(m["channel_id"]) == channel.id and not m["flags"] & MESSAGE_FLAG_EPHEMERAL
            ),
            key=lambda m: int(m["id"]),
            reverse=True,
        )
        if "before" in req.query:
            messages = [m for m in messages if int(m["id"]) < int(req.query["before"])]
        if "after" in req.query:
            messages = [m for m in messages if int(m["id"]) > int(req.query["after"])]
        return messages[:limit]

    @route("GET", "/channels/{channel_id}/messages/{message_id}")
    async def route_get_message(self, req: FakeRequest) -> JSON:
        channel = self._bot_channel(req)
        self._require_perm(channel, Perm.READ_MESSAGE_HISTORY)
        return self._message_in(channel, req.int_param("message_id"))

    @route("PATCH", "/channels/{channel_id}/messages/{message_id}")
    async def route_edit_message(self, req: FakeRequest) -> JSON:
        channel = self._bot_channel(req)
        message = self._message_in(channel, req.int_param("message_id"))
        if message["author"]["id"] != str(self.bot_user.id) or message.get("webhook_id"):
            raise DiscordAPIError(CANNOT_EDIT_OTHERS)
        if req.body.get("embeds"):
            self._require_perm(channel, Perm.EMBED_LINKS)
        self._apply_edit(message, channel, req.body, req.files)
        await self._dispatch_message_event("MESSAGE_UPDATE", message, channel)
        return message

    async def _delete_message(self, message: JSON) -> None:
        message_id = int(message["id"])
        self.messages.pop(message_id, None)
        channel = self._find_channel(int(message["channel_id"]))
        if channel is None or message["flags"] & MESSAGE_FLAG_EPHEMERAL:
            return
        guild = self.guild_of(channel)
        data: JSON = {"id": str(message_id), "channel_id": str(channel.id)}
        if guild is not None:
            data["guild_id"] = str(guild.id)
        intent = Intent.GUILD_MESSAGES if guild else Intent.DIRECT_MESSAGES
        await self.dispatch("MESSAGE_DELETE", data, guild_id=guild.id if guild else None, intent=intent)

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}")
    async def route_delete_message(self, req: FakeRequest) -> None:
        channel = self._bot_channel(req)
        message = self._message_in(channel, req.int_param("message_id"))
        if message["author"]["id"] != str(self.bot_user.id):
            self._require_perm(channel, Perm.MANAGE_MESSAGES)
        await self._delete_message(message)

    @route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji:str}/@me")
    async def route_add_own_reaction(self, req: FakeRequest) -> None:
        channel = self._bot_channel(req)
        self._message_in(channel, req.int_param("message_id"))
        self._require_perm(channel, Perm.ADD_REACTIONS)
        self.reactions.setdefault(req.int_param("message_id"), []).append(
            (req.params["emoji"], self.bot_user.id)
        )

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji:str}/@me")
    async def route_remove_own_reaction(self, req: FakeRequest) -> None:
        channel = self._bot_channel(req)
        self._message_in(channel, req.int_param("message_id"))
        entries = self.reactions.get(req.int_param("message_id"), [])
        with contextlib.suppress(ValueError):
            entries.remove((req.params["emoji"], self.bot_user.id))

    async def _pin(self, req: FakeRequest, pinned: bool) -> None:
        channel = self._bot_channel(req)
        message = self._message_in(channel, req.int_param("message_id"))
        self._require_perm(channel, Perm.PIN_MESSAGES, Perm.MANAGE_MESSAGES)
        message["pinned"] = pinned
        message["_pinned_at"] = iso_now() if pinned else None
        guild = self.guild_of(channel)
        data: JSON = {"channel_id": str(channel.id), "last_pin_timestamp": iso_now()}
        if guild is not None:
            data["guild_id"] = str(guild.id)
        await self.dispatch(
            "CHANNEL_PINS_UPDATE",
            data,
            guild_id=guild.id if guild else None,
            intent=Intent.GUILDS if guild else Intent.DIRECT_MESSAGES,
        )

    @route("PUT", "/channels/{channel_id}/pins/{message_id}")
    async def route_pin_legacy(self, req: FakeRequest) -> None:
        await self._pin(req, True)

    @route("PUT", "/channels/{channel_id}/messages/pins/{message_id}")
    async def route_pin(self, req: FakeRequest) -> None:
        await self._pin(req, True)

    @route("DELETE", "/channels/{channel_id}/pins/{message_id}")
    async def route_unpin_legacy(self, req: FakeRequest) -> None:
        await self._pin(req, False)

    @route("DELETE", "/channels/{channel_id}/messages/pins/{message_id}")
    async def route_unpin(self, req: FakeRequest) -> None:
        await self._pin(req, False)

    @route("GET", "/channels/{channel_id}/messages/pins")
    async def route_list_pins(self, req: FakeRequest) -> JSON:
        channel = self._bot_channel(req)
        pinned = [m for m in self.messages.values() if int(m["channel_id"]) == channel.id and m.get("pinned")]
        return {
            "items": [{"pinned_at": m.get("_pinned_at") or iso_now(), "message": m} for m in pinned],
            "has_more": False,
        }

    @route("GET", "/channels/{channel_id}/pins")
    async def route_list_pins_legacy(self, req: FakeRequest) -> list[JSON]:
        return [item["message"] for item in (await self.route_list_pins(req))["items"]]

    async def _create_thread(
        self, parent: FakeChannel, *, thread_id: int, name: str, kind: int, body: JSON
    ) -> FakeChannel:
        guild = self.guild_of(parent)
        if guild is None:
            raise DiscordAPIError(WRONG_CHANNEL_TYPE)
        if not 1 <= len(name) <= 100:
            raise invalid_form({"name": "Must be between 1 and 100 in length."})
        thread = FakeChannel(
            thread_id,
            name,
            kind,
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=self.bot_user.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
        )
        guild.channels.append(thread)
        payload = {**self.channel_payload(thread), "newly_created": True}
        await self.dispatch("THREAD_CREATE", payload, guild_id=guild.id, intent=Intent.GUILDS)
        return thread

    @route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
    async def route_start_thread_from_message(self, req: FakeRequest) -> JSON:
        channel = self._bot_channel(req)
        message = self._message_in(channel, req.int_param("message_id"))
        if channel.type not in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
            raise DiscordAPIError(WRONG_CHANNEL_TYPE)
        if message.get("thread"):
            raise DiscordAPIError(THREAD_ALREADY_CREATED)
        self._require_perm(channel, Perm.CREATE_PUBLIC_THREADS)
        kind = (
            ChannelType.ANNOUNCEMENT_THREAD
            if channel.type == ChannelType.GUILD_ANNOUNCEMENT
            else ChannelType.PUBLIC_THREAD
        )
        thread = await self._create_thread(
            channel,
            thread_id=int(message["id"]),
            name=str(req.body.get("name") or ""),
            kind=kind,
            body=req.body,
        )
        message["thread"] = self.channel_payload(thread)
        return self.channel_payload(thread)

    @route("POST", "/channels/{channel_id}/threads")
    async def route_start_thread(self, req: FakeRequest) -> JSON:
        channel = self._bot_channel(req)
        body = req.body
        if channel.type == ChannelType.GUILD_FORUM:
            self._require_perm(channel, Perm.SEND_MESSAGES)
            thread = await self._create_thread(
                channel,
                thread_id=snowflake(),
                name=str(body.get("name") or ""),
                kind=ChannelType.PUBLIC_THREAD,
                body=body,
            )
            starter = self._build_message(thread, self.bot_user, body.get("message") or {}, req.files)
            starter["id"] = str(thread.id)
            await self._store_and_announce(starter, thread)
            return {**self.channel_payload(thread), "message": starter}
        if channel.type not in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
            raise DiscordAPIError(WRONG_CHANNEL_TYPE)
        kind = int(body.get("type") or ChannelType.PRIVATE_THREAD)
        self._require_perm(
            channel,
            Perm.CREATE_PRIVATE_THREADS if kind == ChannelType.PRIVATE_THREAD else Perm.CREATE_PUBLIC_THREADS,
        )
        thread = await self._create_thread(
            channel, thread_id=snowflake(), name=str(body.get("name") or ""), kind=kind, body=body
        )
        return self.channel_payload(thread)

    @route("PUT", "/channels/{channel_id}/thread-members/@me")
    async def route_join_thread(self, req: FakeRequest) -> None:
        self._bot_channel(req)

    # ================================================================================================
    # REST: guilds, members, roles, scheduled events
    # ================================================================================================

    def _guild(self, req: FakeRequest) -> FakeGuild:
        guild = self.guilds.get(req.int_param("guild_id"))
        if guild is None:
            raise DiscordAPIError(UNKNOWN_GUILD)
        return guild

    @route("GET", "/guilds/{guild_id}")
    async def route_get_guild(self, req: FakeRequest) -> JSON:
        guild = self._guild(req)
        data = self.guild_payload(guild)
        if req.query.get("with_counts") in ("1", "true"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return data

    @route("GET", "/guilds/{guild_id}/channels")
    async def route_get_guild_channels(self, req: FakeRequest) -> list[JSON]:
        guild = self._guild(req)
        return [self.channel_payload(c) for c in guild.channels if not c.is_thread]

    @route("GET", "/guilds/{guild_id}/roles")
    async def route_get_roles(self, req: FakeRequest) -> list[JSON]:
        return [r.payload() for r in self._guild(req).roles]

    @route("GET", "/guilds/{guild_id}/members/{user_id}")
    async def route_get_member(self, req: FakeRequest) -> JSON:
        guild = self._guild(req)
        member = guild.members.get(req.int_param("user_id"))
        if member is None:
            raise DiscordAPIError(UNKNOWN_MEMBER)
        return self.member_payload(guild, member)

    @route("GET", "/guilds/{guild_id}/members")
    async def route_list_members(self, req: FakeRequest) -> list[JSON]:
        guild = self._guild(req)
        if not self.privileged_intents & Intent.GUILD_MEMBERS:
            raise DiscordAPIError(MISSING_ACCESS)
        after = int(req.query.get("after", 0))
        limit = int(req.query.get("limit", 1))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return [self.member_payload(guild, m) for m in members[:limit]]

    def _validate_event(self, guild: FakeGuild, event: JSON) -> None:
        errors: dict[str, str] = {}
        if not 1 <= len(str(event.get("name") or "")) <= 100:
            errors["name"] = "Must be between 1 and 100 in length."
        if len(str(event.get("description") or "")) > 1000:
            errors["description"] = "Must be 1000 or fewer in length."
        if event.get("privacy_level") != 2:
            errors["privacy_level"] = "Value must be one of {2}."
        kind = event.get("entity_type")
        start = event.get("scheduled_start_time")
        end = event.get("scheduled_end_time")
        if kind not in (1, 2, 3):
            errors["entity_type"] = "Value must be one of {1, 2, 3}."
        if not start:
            errors["scheduled_start_time"] = "This field is required"
        elif event.get("status", 1) == 1 and _parse_iso(start) < self.now() - timedelta(seconds=5):
            errors["scheduled_start_time"] = "Cannot schedule event in the past."
        if start and end and _parse_iso(end) <= _parse_iso(start):
            errors["scheduled_end_time"] = "Cannot schedule event to end before starting."
        if kind == 3:
            location = (event.get("entity_metadata") or {}).get("location") or ""
            if not 1 <= len(location) <= 100:
                errors["entity_metadata.location"] = "This field is required for external events"
            if not end:
                errors["scheduled_end_time"] = "This field is required for external events"
            if event.get("channel_id"):
                errors["channel_id"] = "Must be null for external events"
        elif kind in (1, 2):
            channel = self._find_channel(int(event.get("channel_id") or 0))
            wanted = ChannelType.GUILD_STAGE_VOICE if kind == 1 else ChannelType.GUILD_VOICE
            if channel is None or channel.guild_id != guild.id or channel.type != wanted:
                errors["channel_id"] = "Unknown or wrong channel type for this entity_type"
        if errors:
            raise invalid_form(errors)

    def _require_event_perm(self, guild: FakeGuild) -> None:
        if self.enforce_permissions:
            perms = guild.base_permissions(self.bot_user.id)
            if not perms & (Perm.MANAGE_EVENTS | Perm.CREATE_EVENTS):
                raise DiscordAPIError(MISSING_PERMISSIONS)

    @route("GET", "/guilds/{guild_id}/scheduled-events")
    async def route_list_events(self, req: FakeRequest) -> list[JSON]:
        return list(self._guild(req).scheduled_events.values())

    @route("GET", "/guilds/{guild_id}/scheduled-events/{event_id}")
    async def route_get_event(self, req: FakeRequest) -> JSON:
        event = self._guild(req).scheduled_events.get(req.int_param("event_id"))
        if event is None:
            raise DiscordAPIError(UNKNOWN_EVENT)
        return event

    @route("POST", "/guilds/{guild_id}/scheduled-events")
    async def route_create_event(self, req: FakeRequest) -> JSON:
        guild = self._guild(req)
        self._require_event_perm(guild)
        body = req.body
        self._validate_event(guild, body)
        event_id = snowflake()
        event: JSON = {
            "id": str(event_id),
            "guild_id": str(guild.id),
            "channel_id": str(body["channel_id"]) if body.get("channel_id") else None,
            "creator_id": str(self.bot_user.id),
            "creator": self.bot_user.payload(),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body["privacy_level"],
            "status": 1,
            "entity_type": body["entity_type"],
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
        }
        guild.scheduled_events[event_id] = event
        await self.dispatch(
            "GUILD_SCHEDULED_EVENT_CREATE", event, guild_id=guild.id, intent=Intent.GUILD_SCHEDULED_EVENTS
        )
        return event

    @route("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}")
    async def route_edit_event(self, req: FakeRequest) -> JSON:
        guild = self._guild(req)
        self._require_event_perm(guild)
        event = guild.scheduled_events.get(req.int_param("event_id"))
        if event is None:
            raise DiscordAPIError(UNKNOWN_EVENT)
        merged = {**event, **req.body}
        if "scheduled_start_time" not in req.body:
            merged["status"] = req.body.get("status", event["status"])
        self._validate_event(guild, {**merged, "status": 0 if "scheduled_start_time" not in req.body else 1})
        if merged.get("channel_id") is not None:
            merged["channel_id"] = str(merged["channel_id"])
        event.update(merged)
        await self.dispatch(
            "GUILD_SCHEDULED_EVENT_UPDATE", event, guild_id=guild.id, intent=Intent.GUILD_SCHEDULED_EVENTS
        )
        return event

    @route("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}")
    async def route_delete_event(self, req: FakeRequest) -> None:
        guild = self._guild(req)
        self._require_event_perm(guild)
        event = guild.scheduled_events.pop(req.int_param("event_id"), None)
        if event is None:
            raise DiscordAPIError(UNKNOWN_EVENT)
        await self.dispatch(
            "GUILD_SCHEDULED_EVENT_DELETE", event, guild_id=guild.id, intent=Intent.GUILD_SCHEDULED_EVENTS
        )

    # ================================================================================================
    # Acting as users: messages
    # ================================================================================================

    async def send_message(
        self,
        channel: FakeChannel | int | str | None,
        content: str = "",
        *,
        author: FakeUser | str | int | None = None,
        mentions: Iterable[FakeUser | int] = (),
        embeds: Sequence[JSON] = (),
        attachments: Sequence[FakeAttachment] = (),
        reference: JSON | int | Reply | None = None,
        mention_author: bool = True,
        guild: bool | None = None,
    ) -> JSON:
        """A user posts a message; dispatches MESSAGE_CREATE and returns the message payload.

        ``channel`` None (or ``guild=False`` with an unknown id) means the author's DM with the bot.
        Mentions are parsed from ``<@id>`` in the content and can be added with ``mentions``; replying
        (``reference``) to someone mentions them unless ``mention_author=False``. Without the
        MESSAGE_CONTENT intent the bot receives blanked content, exactly as on Discord.
        """
        self._require_session()
        sender = self.user(author) if author is not None else self.alice
        target: FakeChannel | None
        if channel is None:
            target = self.dm_channel(sender)
        else:
            found = self._find_channel(channel) if isinstance(channel, int) else self.channel(channel)
            if found is None and guild is False and isinstance(channel, int):
                found = FakeChannel(channel, "", ChannelType.DM, recipient_id=sender.id)
                self.channels[channel] = found
            if found is None:
                raise KeyError(f"no channel {channel!r}")
            target = found
        assert target is not None
        if guild is True and target.is_dm:
            raise ValueError(f"channel {target.id} is a DM channel, not a guild channel")
        body: JSON = {"content": content, "embeds": list(embeds)}
        if reference is not None:
            ref_id = (
                reference.id
                if isinstance(reference, Reply)
                else int(reference["id"])
                if isinstance(reference, dict)
                else int(reference)
            )
            body["message_reference"] = {"message_id": ref_id, "channel_id": target.id}
            body["allowed_mentions"] = {
                "parse": ["users", "roles", "everyone"],
                "replied_user": mention_author,
            }
        explicit = [m if isinstance(m, int) else m.id for m in mentions]
        message = self._build_message(target, sender, body, mentions=explicit, attachments=attachments)
        await self._store_and_announce(message, target)
        return copy.deepcopy(message)

    async def send_dm(
        self,
        content: str,
        *,
        author: FakeUser | str | int | None = None,
        attachments: Sequence[FakeAttachment] = (),
    ) -> JSON:
        """A user DMs the bot."""
        return await self.send_message(None, content, author=author, attachments=attachments)

    async def add_reaction(
        self, message: JSON | Reply | int, emoji: str, *, user: FakeUser | str | int | None = None
    ) -> None:
        """A user reacts to a message (MESSAGE_REACTION_ADD, unicode emoji)."""
        self._require_session()
        data = self._message_payload(message)
        reactor = self.user(user) if user is not None else self.alice
        channel = self.channel(int(data["channel_id"]))
        guild = self.guild_of(channel)
        event: JSON = {
            "user_id": str(reactor.id),
            "channel_id": str(channel.id),
            "message_id": data["id"],
            "emoji": {"id": None, "name": emoji},
            "message_author_id": data["author"]["id"],
            "burst": False,
            "type": 0,
        }
        if guild is not None:
            event["guild_id"] = str(guild.id)
            if reactor.id in guild.members:
                event["member"] = self.member_payload(guild, guild.members[reactor.id])
        self.reactions.setdefault(int(data["id"]), []).append((emoji, reactor.id))
        intent = Intent.GUILD_MESSAGE_REACTIONS if guild else Intent.DIRECT_MESSAGE_REACTIONS
        await self.dispatch(
            "MESSAGE_REACTION_ADD", event, guild_id=guild.id if guild else None, intent=intent
        )

    def _message_payload(self, message: JSON | Reply | int) -> JSON:
        message_id = (
            message.id
            if isinstance(message, Reply)
            else int(message["id"])
            if isinstance(message, dict)
            else int(message)
        )
        try:
            return self.messages[message_id]
        except KeyError:
            raise KeyError(f"no message {message_id} (deleted, or never sent through the fake)") from None

    # ================================================================================================
    # Acting as users: guild model changes the bot should hear about
    # ================================================================================================

    async def sync_channel(self, channel: FakeChannel | int | str) -> None:
        """Tell the bot a channel changed (CHANNEL_UPDATE), e.g. after editing its overwrites."""
        chan = self.channel(channel)
        await self.dispatch(
            "CHANNEL_UPDATE", self.channel_payload(chan), guild_id=chan.guild_id, intent=Intent.GUILDS
        )

    async def sync_role(self, role: FakeRole, guild: FakeGuild | None = None) -> None:
        """Tell the bot a role changed (GUILD_ROLE_UPDATE), e.g. after editing its permissions."""
        target = guild or self.guild
        await self.dispatch(
            "GUILD_ROLE_UPDATE",
            {"guild_id": str(target.id), "role": role.payload()},
            guild_id=target.id,
            intent=Intent.GUILDS,
        )

    async def sync_member(self, user: FakeUser | str | int, guild: FakeGuild | None = None) -> None:
        """Tell the bot a member changed (GUILD_MEMBER_UPDATE, needs the members intent)."""
        target = guild or self.guild
        member = target.member(self.user(user))
        await self.dispatch(
            "GUILD_MEMBER_UPDATE",
            {**self.member_payload(target, member), "guild_id": str(target.id)},
            guild_id=target.id,
            intent=Intent.GUILD_MEMBERS,
        )

    # ================================================================================================
    # Acting as users: interactions
    # ================================================================================================

    def _resolve_context(
        self,
        user: FakeUser | str | int | None,
        guild_id: int | _Default | None,
        channel: FakeChannel | int | str | None,
    ) -> tuple[FakeUser, FakeGuild | None, FakeChannel]:
        invoker = self.user(user) if user is not None else self.alice
        chan: FakeChannel | None
        guild: FakeGuild | None
        if channel is not None:
            chan = self.channel(channel)
            guild = self.guild_of(chan)
        elif guild_id is None:
            guild, chan = None, self.dm_channel(invoker)
        else:
            guild = self.guild if isinstance(guild_id, _Default) else self.guilds[guild_id]
            chan = (
                guild.channel(guild.system_channel_id)
                if guild.system_channel_id
                else next(c for c in guild.channels if c.type == ChannelType.GUILD_TEXT)
            )
        assert chan is not None
        if guild is not None and invoker.id not in guild.members:
            raise CommandNotAvailable(f"{invoker.username} is not a member of {guild.name!r}")
        return invoker, guild, chan

    def _interaction_payload(
        self,
        kind: int,
        user: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        data: JSON,
        *,
        locale: str | None = None,
    ) -> JSON:
        interaction_id = snowflake()
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": f"fake-interaction-{interaction_id}-{secrets.token_urlsafe(16)}",
            "version": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "locale": locale or user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "channel_id": str(channel.id),
        }
        if data:
            payload["data"] = data
        if guild is not None:
            member_perms = guild.permissions_for(user.id, channel)
            channel_data = self.channel_payload(channel)
            channel_data["permissions"] = str(member_perms)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                member=self.member_payload(guild, guild.members[user.id], permissions=member_perms),
                app_permissions=str(self.bot_permissions(channel)),
                channel=channel_data,
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            channel_data = self.channel_payload(channel)
            channel_data["permissions"] = str(DM_PERMISSIONS)
            payload.update(
                user=user.payload(),
                app_permissions=str(DM_PERMISSIONS),
                channel=channel_data,
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        return payload

    async def _send_interaction(
        self, payload: JSON, user: FakeUser, channel: FakeChannel
    ) -> InteractionHandle:
        self._require_session()
        handle = InteractionHandle(self, payload, channel, user)
        self.interactions[handle.token] = handle
        sent = await self.dispatch(
            "INTERACTION_CREATE",
            payload,
            guild_id=int(payload["guild_id"]) if "guild_id" in payload else None,
        )
        if not sent:
            raise RuntimeError("no live gateway session received the interaction")
        return handle

    def find_command(self, name: str, *, guild_id: int | None = None, kind: int = 1) -> JSON:
        """A synced command by name: the guild's commands first (when ``guild_id``), then global ones."""
        candidates = [*(self.guild_commands.get(guild_id, []) if guild_id else []), *self.global_commands]
        for command in candidates:
            if command["name"] == name and int(command.get("type") or 1) == kind:
                return command
        synced = sorted({c["name"] for c in candidates})
        raise CommandNotAvailable(f"command {name!r} (type {kind}) was never synced; synced: {synced}")

    def _check_command_available(self, command: JSON, user: FakeUser, guild: FakeGuild | None) -> None:
        contexts = command.get("contexts")
        if guild is None:
            if (
                command.get("guild_id")
                or command.get("dm_permission") is False
                or (contexts is not None and 1 not in contexts)
            ):
                raise CommandNotAvailable(f"/{command['name']} is not available in DMs")
            return
        if contexts is not None and 0 not in contexts:
            raise CommandNotAvailable(f"/{command['name']} is not available in guilds")
        required = command.get("default_member_permissions")
        if required is not None:
            perms = guild.base_permissions(user.id)
            if perms & int(required) != int(required):
                raise CommandNotAvailable(
                    f"{user.username} lacks default_member_permissions={required} for /{command['name']}"
                )

    def _resolve_value(
        self,
        spec: JSON,
        value: Any,
        resolved: JSON,
        guild: FakeGuild | None,
        invoker: FakeUser,
        channel: FakeChannel,
        *,
        strict: bool,
    ) -> Any:
        kind = int(spec["type"])
        name = spec["name"]
        if kind == 3:
            text = str(value)
            if strict:
                if "min_length" in spec and len(text) < spec["min_length"]:
                    raise ValueError(f"option {name!r}: shorter than min_length {spec['min_length']}")
                if "max_length" in spec and len(text) > spec["max_length"]:
                    raise ValueError(f"option {name!r}: longer than max_length {spec['max_length']}")
            result: Any = text
        elif kind in (4, 10):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"option {name!r} expects a number, got {value!r}")
            if kind == 4 and not isinstance(value, int):
                raise TypeError(f"option {name!r} expects an integer, got {value!r}")
            if strict and spec.get("min_value") is not None and value < spec["min_value"]:
                raise ValueError(f"option {name!r}: {value} < min_value {spec['min_value']}")
            if strict and spec.get("max_value") is not None and value > spec["max_value"]:
                raise ValueError(f"option {name!r}: {value} > max_value {spec['max_value']}")
            result = value
        elif kind == 5:
            if not isinstance(value, bool):
                raise TypeError(f"option {name!r} expects a bool, got {value!r}")
            result = value
        elif kind == 6 or (kind == 9 and not isinstance(value, FakeRole)):
            user = self.user(value)
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if guild is not None and user.id in guild.members:
                resolved.setdefault("members", {})[str(user.id)] = self.member_payload(
                    guild,
                    guild.members[user.id],
                    with_user=False,
                    permissions=guild.permissions_for(user.id, channel),
                )
            result = str(user.id)
        elif kind == 7:
            chan = self.channel(value)
            allowed = spec.get("channel_types")
            if strict and allowed and chan.type not in allowed:
                raise ValueError(f"option {name!r}: channel type {chan.type} not in {allowed}")
            data: JSON = {
                "id": str(chan.id),
                "name": chan.name,
                "type": chan.type,
                "permissions": str(guild.permissions_for(invoker.id, chan) if guild else DM_PERMISSIONS),
            }
            if chan.parent_id:
                data["parent_id"] = str(chan.parent_id)
            if chan.is_thread:
                data["thread_metadata"] = self.channel_payload(chan)["thread_metadata"]
            resolved.setdefault("channels", {})[str(chan.id)] = data
            result = str(chan.id)
        elif kind in (8, 9):
            if guild is None:
                raise ValueError(f"option {name!r}: roles only exist in guilds")
            role = value if isinstance(value, FakeRole) else guild.role(value)
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            result = str(role.id)
        elif kind == 11:
            attachment = value if isinstance(value, FakeAttachment) else FakeAttachment(*value)
            data = self._register_attachment(channel, attachment)
            resolved.setdefault("attachments", {})[data["id"]] = data
            result = data["id"]
        else:
            raise ValueError(f"option {name!r}: unsupported option type {kind}")
        choices = spec.get("choices")
        if strict and choices and result not in [c["value"] for c in choices]:
            raise ValueError(f"option {name!r}: {result!r} is not one of the choices {choices}")
        return result

    def _command_data(
        self,
        path: str,
        options: Mapping[str, Any],
        *,
        invoker: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        focused: str | None,
        force: bool,
    ) -> JSON:
        parts = path.split()
        if not parts:
            raise ValueError("empty command name")
        command = self.find_command(parts[0], guild_id=guild.id if guild else None)
        if not force:
            self._check_command_available(command, invoker, guild)
        schema: list[JSON] = list(command.get("options") or [])
        chain: list[JSON] = []
        for part in parts[1:]:
            node = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
            if node is None:
                raise CommandNotAvailable(
                    f"/{command['name']} has no subcommand (group) {part!r} at "
                    f"{' '.join(parts[: len(chain) + 1])!r}"
                )
            chain.append(node)
            schema = list(node.get("options") or [])
        if any(o["type"] in (1, 2) for o in schema) or (chain and chain[-1]["type"] == 2):
            names = [o["name"] for o in schema if o["type"] in (1, 2)]
            raise ValueError(f"/{path} needs a subcommand; choose one of {names}")
        resolved: JSON = {}
        by_name = {o["name"]: o for o in schema}
        leaf: list[JSON] = []
        for name, value in options.items():
            spec = by_name.get(name)
            if spec is None:
                raise ValueError(f"/{path} has no option {name!r}; options: {sorted(by_name)}")
            if name == focused:
                leaf.append({"name": name, "type": spec["type"], "value": str(value), "focused": True})
                continue
            encoded = self._resolve_value(
                spec, value, resolved, guild, invoker, channel, strict=not force and focused is None
            )
            leaf.append({"name": name, "type": spec["type"], "value": encoded})
        if focused is not None and focused not in by_name:
            raise ValueError(f"/{path} has no option {focused!r} to autocomplete")
        if focused is not None and focused not in options:
            leaf.append({"name": focused, "type": by_name[focused]["type"], "value": "", "focused": True})
        if focused is None and not force:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
            if missing:
                raise ValueError(f"/{path}: missing required option(s) {missing}")
        nested = leaf
        for node in reversed(chain):
            nested = [{"name": node["name"], "type": node["type"], "options": nested}]
        data: JSON = {"id": command["id"], "name": command["name"], "type": 1}
        if nested:
            data["options"] = nested
        if resolved:
            data["resolved"] = resolved
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]  # without it discord.py looks in the global commands
        return data

    async def invoke_slash(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | str | int | None = None,
        guild_id: int | _Default | None = DEFAULT,
        channel: FakeChannel | int | str | None = None,
        locale: str | None = None,
        force: bool = False,
    ) -> InteractionHandle:
        """A user runs a slash command: ``command`` is the full path, e.g. ``"paper tag add"``.

        Options are ``{name: value}``; values are checked against the synced schema (choices, ranges,
        required) unless ``force``. Users/channels/roles may be given as objects, ids or names and are put
        in ``resolved``; attachments as :class:`FakeAttachment` or ``(filename, bytes[, content_type])``.
        ``guild_id=None`` runs it in the user's DM with the bot. Raises :class:`CommandNotAvailable` if the
        command was never synced or the user could not see it there.
        """
        invoker, guild, chan = self._resolve_context(user, guild_id, channel)
        data = self._command_data(
            command, options or {}, invoker=invoker, guild=guild, channel=chan, focused=None, force=force
        )
        payload = self._interaction_payload(2, invoker, guild, chan, data, locale=locale)
        return await self._send_interaction(payload, invoker, chan)

    async def autocomplete(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        user: FakeUser | str | int | None = None,
        guild_id: int | _Default | None = DEFAULT,
        channel: FakeChannel | int | str | None = None,
    ) -> InteractionHandle:
        """A user types in option ``focused`` (its partial text is ``options[focused]``): a type-4
        interaction. Read the answer with ``await handle.choices()``.
        """
        invoker, guild, chan = self._resolve_context(user, guild_id, channel)
        data = self._command_data(
            command, options or {}, invoker=invoker, guild=guild, channel=chan, focused=focused, force=False
        )
        payload = self._interaction_payload(4, invoker, guild, chan, data)
        return await self._send_interaction(payload, invoker, chan)

    async def invoke_context_menu(
        self,
        name: str,
        target: FakeUser | JSON | Reply | int,
        *,
        user: FakeUser | str | int | None = None,
        channel: FakeChannel | int | str | None = None,
        guild_id: int | _Default | None = DEFAULT,
    ) -> InteractionHandle:
        """A user runs a user command (target is a user) or message command (target is a message)."""
        is_message = isinstance(target, dict | Reply) or (isinstance(target, int) and target in self.messages)
        if is_message:
            message = self._message_payload(target)  # type: ignore[arg-type]
            channel = channel or int(message["channel_id"])
        invoker, guild, chan = self._resolve_context(user, guild_id, channel)
        kind = 3 if is_message else 2
        command = self.find_command(name, guild_id=guild.id if guild else None, kind=kind)
        self._check_command_available(command, invoker, guild)
        resolved: JSON = {}
        if is_message:
            target_id = message["id"]
            resolved["messages"] = {target_id: message}
        else:
            spec = {"type": 6, "name": "target"}
            target_id = self._resolve_value(spec, target, resolved, guild, invoker, chan, strict=False)
        data: JSON = {
            "id": command["id"],
            "name": name,
            "type": kind,
            "target_id": target_id,
            "resolved": resolved,
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        payload = self._interaction_payload(2, invoker, guild, chan, data)
        return await self._send_interaction(payload, invoker, chan)

    async def click(
        self,
        message: JSON | Reply | int,
        custom_id: str,
        *,
        user: FakeUser | str | int | None = None,
        values: Sequence[Any] | None = None,
        force: bool = False,
    ) -> InteractionHandle:
        """A user clicks a button / picks select values on a message the bot sent (its *current* state).

        Refuses (ValueError) components that don't exist or are disabled, and ephemeral messages of someone
        else, as the Discord client would, unless ``force``.
        """
        await self._user_reaction_time()
        data = self._message_payload(message)
        clicker = self.user(user) if user is not None else self.alice
        chan = self.channel(int(data["channel_id"]))
        guild = self.guild_of(chan)
        component = next(
            (c for c in walk_components(data.get("components") or []) if c.get("custom_id") == custom_id),
            None,
        )
        if not force:
            if component is None:
                raise ValueError(f"message {data['id']} has no component {custom_id!r}")
            if component.get("disabled"):
                raise ValueError(f"component {custom_id!r} is disabled")
            meta = data.get("interaction_metadata") or {}
            if data["flags"] & MESSAGE_FLAG_EPHEMERAL and meta.get("user", {}).get("id") != str(clicker.id):
                raise ValueError("only the invoking user can see (and click) an ephemeral message")
        component_type = int((component or {}).get("type") or (3 if values is not None else 2))
        inner: JSON = {"custom_id": custom_id, "component_type": component_type}
        if component is not None and "id" in component:
            inner["id"] = component["id"]
        if component_type in (3, 5, 6, 7, 8):
            chosen = list(values or [])
            resolved: JSON = {}
            if component_type == 3:
                options = [o["value"] for o in (component or {}).get("options") or []]
                if not force and any(v not in options for v in chosen):
                    raise ValueError(f"values {chosen} not all in select options {options}")
                inner["values"] = [str(v) for v in chosen]
            else:
                spec_type = {5: 6, 6: 8, 7: 9, 8: 7}[component_type]
                inner["values"] = [
                    self._resolve_value(
                        {"type": spec_type, "name": custom_id},
                        v,
                        resolved,
                        guild,
                        clicker,
                        chan,
                        strict=False,
                    )
                    for v in chosen
                ]
                inner["resolved"] = resolved
            if component is not None and not force:
                low, high = component.get("min_values", 1), component.get("max_values", 1)
                if not low <= len(chosen) <= high:
                    raise ValueError(f"select {custom_id!r} takes {low}..{high} values, got {len(chosen)}")
        if guild is not None and clicker.id not in guild.members:
            raise CommandNotAvailable(f"{clicker.username} is not a member of {guild.name!r}")
        payload = self._interaction_payload(3, clicker, guild, chan, inner)
        payload["message"] = data
        return await self._send_interaction(payload, clicker, chan)

    async def submit_modal(
        self,
        opened_by: InteractionHandle,
        values: Mapping[str, Any],
        *,
        user: FakeUser | str | int | None = None,
        force: bool = False,
    ) -> InteractionHandle:
        """A user fills in and submits the modal the bot opened in answer to ``opened_by`` (type 5)."""
        modal = await opened_by.modal()
        await self._user_reaction_time()
        submitter = self.user(user) if user is not None else opened_by.user
        unknown = set(values)
        components: list[JSON] = []

        def field_value(child: JSON) -> JSON:
            cid = str(child.get("custom_id") or "")
            unknown.discard(cid)
            if child.get("type") == 4:
                text = str(values.get(cid, child.get("value") or ""))
                if not force and child.get("required", True) and not text:
                    raise ValueError(f"modal field {cid!r} is required")
                return {"type": 4, "custom_id": cid, "value": text}
            chosen = values.get(cid, [])
            return {
                "type": child.get("type"),
                "custom_id": cid,
                "values": [str(v) for v in (chosen if isinstance(chosen, list | tuple) else [chosen])],
            }

        for top in modal.get("components") or []:
            if top.get("type") == 1:
                components.append(
                    {"type": 1, "components": [field_value(c) for c in top.get("components") or []]}
                )
            elif top.get("type") == 18 and isinstance(top.get("component"), dict):
                entry: JSON = {"type": 18, "component": field_value(top["component"])}
                if "id" in top:
                    entry["id"] = top["id"]
                components.append(entry)
        if unknown and not force:
            raise ValueError(f"modal has no field(s) {sorted(unknown)}")
        guild = self.guild_of(opened_by.channel)
        data = {"custom_id": modal.get("custom_id"), "components": components}
        payload = self._interaction_payload(5, submitter, guild, opened_by.channel, data)
        if "message" in opened_by.payload:
            payload["message"] = self.messages.get(
                int(opened_by.payload["message"]["id"]), opened_by.payload["message"]
            )
        return await self._send_interaction(payload, submitter, opened_by.channel)


def loopback_address(address: Any) -> bool:
    """True for AF_UNIX paths and loopback IPs / 'localhost' (used by the conftest's network guard)."""
    if isinstance(address, str | bytes):
        return True
    host = str(address[0]).split("%", 1)[0]
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


__all__ = [
    "ALL_PERMISSIONS",
    "CANNOT_DM_USER",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "MISSING_ACCESS",
    "MISSING_PERMISSIONS",
    "UNKNOWN_MESSAGE",
    "ApiError",
    "BotRunner",
    "ChannelType",
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
    "Injection",
    "Intent",
    "InteractionHandle",
    "Perm",
    "RecordedFile",
    "RecordedRequest",
    "Reply",
    "loopback_address",
    "snowflake",
]
