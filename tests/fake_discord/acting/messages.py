"""Acting as users: posting messages and DMs, reacting, and telling the bot the guild model changed."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

from ..messaging import Messaging
from ..replies import Reply
from ..wire import JSON, ChannelType, Intent
from ..world import FakeAttachment, FakeChannel, FakeGuild, FakeRole, FakeUser


class UserMessages(Messaging):
    """Users post, DM and react; ``sync_*`` dispatch the updates for changes a test made to the world."""

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

    # -- guild model changes the bot should hear about -----------------------------------------------

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
