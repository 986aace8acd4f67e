"""REST: application commands (global and guild sync), validated as Discord validates them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..messaging import Messaging
from ..routing import FakeRequest, route
from ..wire import JSON, MISSING_ACCESS, DiscordAPIError, invalid_form, snowflake


class CommandRoutes(Messaging):
    """``/applications/{id}/commands`` and ``/applications/{id}/guilds/{id}/commands``."""

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
