"""REST: channels and their messages: send, list, fetch, edit, delete, typing, reactions, pins."""

from __future__ import annotations

import contextlib

from ..messaging import Messaging
from ..routing import FakeRequest, route
from ..wire import CANNOT_EDIT_OTHERS, JSON, MESSAGE_FLAG_EPHEMERAL, DiscordAPIError, Intent, Perm, iso_now


class MessageRoutes(Messaging):
    """``/channels/{id}`` and ``/channels/{id}/messages…``, ``/channels/{id}/pins…``."""

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
