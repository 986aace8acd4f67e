"""REST: the bot's own user and other users, the application, the gateway URL, and DM channels."""

from __future__ import annotations

from ..messaging import Messaging
from ..routing import FakeRequest, route
from ..wire import JSON, UNKNOWN_USER, DiscordAPIError, invalid_form


class UserRoutes(Messaging):
    """``/users``, ``/oauth2/applications/@me``, ``/applications/@me``, ``/gateway(/bot)``."""

    @route("GET", "/users/@me")
    async def route_get_me(self, req: FakeRequest) -> JSON:
        return {
            **self.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "email": None,
            "locale": "en-US",
            "premium_type": 0,
        }

    @route("GET", "/users/{user_id}")
    async def route_get_user(self, req: FakeRequest) -> JSON:
        user = self.users.get(req.int_param("user_id"))
        if user is None:
            raise DiscordAPIError(UNKNOWN_USER)
        return user.payload()

    @route("GET", "/oauth2/applications/@me")
    async def route_get_oauth_application(self, req: FakeRequest) -> JSON:
        return self.application_payload()

    @route("GET", "/applications/@me")
    async def route_get_application(self, req: FakeRequest) -> JSON:
        return self.application_payload()

    @route("GET", "/gateway", auth=False)
    async def route_get_gateway(self, req: FakeRequest) -> JSON:
        return {"url": self.gateway_url}

    @route("GET", "/gateway/bot")
    async def route_get_gateway_bot(self, req: FakeRequest) -> JSON:
        return {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14400000,
                "max_concurrency": 1,
            },
        }

    @route("POST", "/users/@me/channels")
    async def route_create_dm(self, req: FakeRequest) -> JSON:
        recipient = self.users.get(int(req.body.get("recipient_id") or 0))
        if recipient is None:
            raise invalid_form({"recipient_id": "Unknown user"})
        channel = self.dm_channel(recipient)
        assert channel is not None
        return self.channel_payload(channel)
