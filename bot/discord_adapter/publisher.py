"""Delivers the core's posts to Discord: paper of the day, admin notices, DMs and reading-group reminders.

Sends go through partial channels (ids only), so they work before the gateway cache is filled — catch-up
posts happen in setup_hook. Discord refusals become DeliveryError with Discord's JSON code, which the
core's ledgers understand (50001/50013: pause and tell admins; 50007: end a DM subscription).

Before a paper of the day goes out, the bot's permissions in the channel are checked against the gateway
cache when it has the channel: Discord itself refuses a post without View Channel or Send Messages, but
*without Embed Links it silently drops the embed* and posts a bare header line. That case is refused here
with code 50013, so the core pauses and tells the admins exactly as when Discord refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.utils import MISSING

from bot.digest.post import DigestPost, WeeklyDigest
from bot.discord_adapter.digest_render import RenderedMessage, digest_message, dm_message, missing_permissions
from bot.discord_adapter.limits import clip
from bot.errors import DeliveryError
from bot.readinggroup.models import Session

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

NO_MENTIONS = discord.AllowedMentions.none()


def _refused(exc: discord.HTTPException, what: str) -> DeliveryError:
    return DeliveryError(f"Discord refused {what}: {exc.status} {exc.text}", code=exc.code or None)


class DiscordPublisher:
    """The core's Publisher, on a PaperBot."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    def _cached_refusal(self, channel_id: int) -> DeliveryError | None:
        """A refusal predicted from the gateway cache; None when all is well or the cache doesn't know."""
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return None
        missing = missing_permissions(channel.permissions_for(channel.guild.me))
        if not missing:
            return None
        code = 50001 if "View Channel" in missing else 50013
        return DeliveryError(f"I'm missing {', '.join(missing)} in channel {channel_id}", code=code)

    async def _send(self, target: discord.abc.Messageable, message: RenderedMessage) -> discord.Message:
        return await target.send(
            content=message.content,
            embeds=list(message.embeds),
            view=message.view or MISSING,
            allowed_mentions=NO_MENTIONS,
        )

    async def post_digest(self, channel_id: int, post: DigestPost) -> int:
        """Post the paper of the day (with its buttons, and the week in review on the weekly day)."""
        refusal = self._cached_refusal(channel_id)
        if refusal is not None:
            raise refusal
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            message = await self._send(channel, digest_message(post))
        except discord.HTTPException as exc:
            raise _refused(exc, f"the paper of the day in channel {channel_id}") from exc
        return message.id

    async def notify_admins(self, channel_id: int, text: str) -> None:
        """Tell the admins, in their admin channel."""
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            await channel.send(clip(text, 2000), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            raise _refused(exc, f"an admin notice in channel {channel_id}") from exc

    async def send_dm(self, user_id: int, message: DigestPost | WeeklyDigest) -> int:
        """DM a subscriber; 50007 (DMs closed) surfaces as DeliveryError(code=50007)."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            sent = await self._send(user, dm_message(message))
        except discord.HTTPException as exc:
            raise _refused(exc, f"a DM to user {user_id}") from exc
        return sent.id

    async def send_reminder(
        self, channel_id: int, session: Session, ping_user_ids: tuple[int, ...], ping_role_id: int | None
    ) -> int:
        """Post a reminder that pings exactly the presenter(s) and the role — nobody else."""
        from bot.discord_adapter.rg_render import reminder_message

        content, embed = reminder_message(session, ping_user_ids, ping_role_id)
        mentions = discord.AllowedMentions(
            everyone=False,
            users=[discord.Object(id=u) for u in ping_user_ids],
            roles=[discord.Object(id=ping_role_id)] if ping_role_id else False,
            replied_user=False,
        )
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            message = await channel.send(
                content=content, embed=embed if embed is not None else MISSING, allowed_mentions=mentions
            )
        except discord.HTTPException as exc:
            raise _refused(exc, f"a reading-group reminder in channel {channel_id}") from exc
        return message.id
