"""REST: threads: from a message, standalone (public/private), in a forum, and joining one."""

from __future__ import annotations

from ..messaging import Messaging
from ..routing import FakeRequest, route
from ..wire import (
    JSON,
    THREAD_ALREADY_CREATED,
    WRONG_CHANNEL_TYPE,
    ChannelType,
    DiscordAPIError,
    Intent,
    Perm,
    invalid_form,
    snowflake,
)
from ..world import FakeChannel


class ThreadRoutes(Messaging):
    """``/channels/{id}/threads``, ``/channels/{id}/messages/{id}/threads``, ``/thread-members/@me``."""

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
