"""The fake's state: its configuration, the world it holds (users, guilds, channels, messages, commands,
interactions), everything it records, and the JSON payloads Discord would send for the world.

Every other part of :class:`~tests.fake_discord.FakeDiscord` is a mixin over :class:`FakeState`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .routing import _ROUTES, _Route, compile_route
from .wire import (
    API_PREFIX,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM_PERMISSIONS,
    JSON,
    PRIVILEGED_INTENTS,
    ChannelType,
    Intent,
    Perm,
    _real_now,
    shard_snowflake,
    snowflake,
)
from .world import FakeAttachment, FakeChannel, FakeGuild, FakeMember, FakeOverwrite, FakeRole, FakeUser

if TYPE_CHECKING:
    from .gateway import _GatewayConnection, _Session
    from .recording import GatewayFrame, RecordedRequest
    from .replies import InteractionHandle
    from .rest import Hold, Injection


class FakeState:
    """Configuration, world and records of the fake, and the payload builders. Everything the tests configure
    (guild model, privileged intents, permission enforcement, deadlines) is a plain attribute, read when
    needed, so it can be changed after start-up and before the bot connects.
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

    # -- URLs (the port is known once the server started) --------------------------------------------

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

    # -- world helpers -------------------------------------------------------------------------------

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

    def add_guild(
        self, name: str, *, owner: FakeUser | None = None, shard: tuple[int, int] | None = None
    ) -> FakeGuild:
        """An extra guild (with @everyone and the bot as a member); add channels/members yourself.
        ``shard=(id, count)`` gives it an id on that shard, so a sharded client sees it there only."""
        guild_id = snowflake() if shard is None else shard_snowflake(shard)
        guild = FakeGuild(guild_id, name, owner_id=(owner or self.owner).id)
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

    # -- payload builders ----------------------------------------------------------------------------

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
