"""REST: guild scheduled events, validated as Discord validates them (against ``fake.now``)."""

from __future__ import annotations

from datetime import timedelta

from ..messaging import Messaging
from ..routing import FakeRequest, route
from ..wire import (
    JSON,
    MISSING_PERMISSIONS,
    UNKNOWN_EVENT,
    ChannelType,
    DiscordAPIError,
    Intent,
    Perm,
    _parse_iso,
    invalid_form,
    snowflake,
)
from ..world import FakeGuild


class EventRoutes(Messaging):
    """``/guilds/{id}/scheduled-events…``."""

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
