"""Acting as users, the command side: finding a synced command, checking the user may use it there, and
encoding options as Discord does (values checked against the schema, users/channels/roles/attachments
put in ``resolved``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..messaging import Messaging
from ..wire import DM_PERMISSIONS, JSON
from ..world import FakeAttachment, FakeChannel, FakeGuild, FakeRole, FakeUser


class CommandNotAvailable(LookupError):
    """The invoking user could not see/use this command in that context (unsynced, wrong context, perms)."""


class CommandInput(Messaging):
    """Command lookup and option encoding, shared by slash commands, autocomplete, menus and selects."""

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
