"""Acting as users: slash commands, autocomplete, context menus, component clicks and modal submits,
each sent as an INTERACTION_CREATE and returned as an :class:`~tests.fake_discord.InteractionHandle`.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..replies import InteractionHandle, Reply, walk_components
from ..wire import ATTACHMENT_SIZE_LIMIT, DM_PERMISSIONS, JSON, MESSAGE_FLAG_EPHEMERAL, ChannelType, snowflake
from ..world import FakeChannel, FakeGuild, FakeUser
from .commands import CommandInput, CommandNotAvailable


class _Default(enum.Enum):
    DEFAULT = enum.auto()


DEFAULT: Final = _Default.DEFAULT


class UserInteractions(CommandInput):
    """Users invoke commands, click components and submit modals."""

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
