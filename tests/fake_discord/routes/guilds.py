"""REST: guilds, their channels, roles and members."""

from __future__ import annotations

from ..messaging import Messaging
from ..routing import FakeRequest, route
from ..wire import JSON, MISSING_ACCESS, UNKNOWN_MEMBER, DiscordAPIError, Intent


class GuildRoutes(Messaging):
    """``/guilds/{id}``, ``/guilds/{id}/channels``, ``/guilds/{id}/roles``, ``/guilds/{id}/members…``."""

    @route("GET", "/guilds/{guild_id}")
    async def route_get_guild(self, req: FakeRequest) -> JSON:
        guild = self._guild(req)
        data = self.guild_payload(guild)
        if req.query.get("with_counts") in ("1", "true"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return data

    @route("GET", "/guilds/{guild_id}/channels")
    async def route_get_guild_channels(self, req: FakeRequest) -> list[JSON]:
        guild = self._guild(req)
        return [self.channel_payload(c) for c in guild.channels if not c.is_thread]

    @route("GET", "/guilds/{guild_id}/roles")
    async def route_get_roles(self, req: FakeRequest) -> list[JSON]:
        return [r.payload() for r in self._guild(req).roles]

    @route("GET", "/guilds/{guild_id}/members/{user_id}")
    async def route_get_member(self, req: FakeRequest) -> JSON:
        guild = self._guild(req)
        member = guild.members.get(req.int_param("user_id"))
        if member is None:
            raise DiscordAPIError(UNKNOWN_MEMBER)
        return self.member_payload(guild, member)

    @route("GET", "/guilds/{guild_id}/members")
    async def route_list_members(self, req: FakeRequest) -> list[JSON]:
        guild = self._guild(req)
        if not self.privileged_intents & Intent.GUILD_MEMBERS:
            raise DiscordAPIError(MISSING_ACCESS)
        after = int(req.query.get("after", 0))
        limit = int(req.query.get("limit", 1))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return [self.member_payload(guild, m) for m in members[:limit]]
