"""Messages as Discord stores and announces them, and the checks a REST handler makes before acting: shared
by the routes (``routes/``) and the user-side helpers (``acting/``).

Validation follows Discord's limits (content 2000, embeds 6000 in total, 5 rows of 5 components, …) and
answers 50035 Invalid Form Body; mentions are computed per ``allowed_mentions``; the MESSAGE_CONTENT rule
blanks what a bot without the intent would not see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .gateway import Gateway, _Session
from .replies import Reply
from .wire import (
    CANNOT_DM_USER,
    EMPTY_MESSAGE,
    JSON,
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MESSAGE,
    DiscordAPIError,
    Intent,
    Perm,
    invalid_form,
    iso_now,
    snowflake,
    snowflake_time,
)
from .world import FakeAttachment, FakeChannel, FakeGuild, FakeUser

if TYPE_CHECKING:
    from .recording import RecordedFile
    from .replies import InteractionHandle
    from .routing import FakeRequest


class Messaging(Gateway):
    """Building, validating, storing, editing and deleting messages; permission and lookup checks."""

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

    # -- lookups for REST handlers (raise Discord's errors) ------------------------------------------

    def _guild(self, req: FakeRequest) -> FakeGuild:
        guild = self.guilds.get(req.int_param("guild_id"))
        if guild is None:
            raise DiscordAPIError(UNKNOWN_GUILD)
        return guild
