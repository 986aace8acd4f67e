"""The world the fake holds: users, roles, permission overwrites, channels, members, attachments and guilds,
with Discord's documented permission algorithm (``FakeGuild.permissions_for``).

These are plain data; :class:`~tests.fake_discord.FakeDiscord` owns them and turns them into payloads.
See tests/README.md ("The default world").
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .wire import ALL_PERMISSIONS, JSON, THREAD_TYPES, ChannelType, Perm, iso_now, snowflake

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

    # -- permissions (Discord's documented algorithm) ------------------------------------------------

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
