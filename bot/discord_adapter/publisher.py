"""Delivers the core's posts to Discord: paper of the day, admin notices, DMs and reading-group reminders.

Sends go through partial channels (ids only), so they work before the gateway cache is filled — catch-up
posts happen in setup_hook. Discord refusals become the core's DeliveryError, and this is the one place
that reads Discord's JSON error codes: the codes retrying cannot fix make it `permanent`, with a `reason`
in Discord's terms for the admins (a `<#channel>` mention, what the code means) — 50001/50013/10003 on a
paper of the day (the core pauses the post and tells the admins), 50007 on a DM (the core ends the
subscription). Every other refusal is transient: the core releases its claim and retries.

Before a paper of the day goes out, the bot's permissions in the channel are checked against the gateway
cache when it has the channel: Discord itself refuses a post without View Channel or Send Messages, but
*without Embed Links it silently drops the embed* and posts a bare header line. That case is refused here
with code 50013, so the core pauses and tells the admins exactly as when Discord refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.utils import MISSING

from bot.corpus.model import Paper
from bot.digest.post import DigestPost, WeeklyDigest
from bot.discord_adapter.digest.render import (
    RenderedMessage,
    announcement_message,
    digest_message,
    dm_message,
    missing_permissions,
)
from bot.discord_adapter.interactions import NO_MENTIONS
from bot.discord_adapter.limits import clip
from bot.errors import DeliveryError
from bot.readinggroup.models import Session

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot


# Discord JSON error codes that retrying a channel post cannot fix, with what they mean for the admin.
PERMANENT_CODES = {
    50001: "Missing Access — I can't see that channel",
    50013: "Missing Permissions — I need View Channel, Send Messages and Embed Links there",
    10003: "Unknown Channel — the channel was deleted",
}
DMS_CLOSED = 50007
"""Discord's code for a DM it will not deliver: the member closed their DMs or shares no server with us."""


def _refused(exc: discord.HTTPException, what: str) -> DeliveryError:
    return DeliveryError(f"Discord refused {what}: {exc.status} {exc.text}", code=exc.code or None)


def refused_post(channel_id: int, code: int | None, detail: str) -> DeliveryError:
    """Discord's refusal (JSON `code`) of a paper of the day in a channel, as the core's DeliveryError:
    permanent for the codes in PERMANENT_CODES, with the sentence the admins read; transient otherwise.
    A permanent refusal's message leads with the code, which is what the ledger records."""
    meaning = PERMANENT_CODES.get(code) if code is not None else None
    if code is None or meaning is None:
        return DeliveryError(detail, code=code)
    return DeliveryError(
        f"{code}: {detail}",
        code=code,
        permanent=True,
        reason=(
            f"I couldn't post the paper of the day in <#{channel_id}>: Discord says {meaning} (error {code})"
        ),
    )


def refused_dm(code: int | None, detail: str) -> DeliveryError:
    """Discord's refusal (JSON `code`) of a DM, as the core's DeliveryError: permanent for DMS_CLOSED (the
    core then ends the subscription, with `reason`), transient otherwise."""
    if code != DMS_CLOSED:
        return DeliveryError(detail, code=code)
    return DeliveryError(
        f"{code}: {detail}",
        code=code,
        permanent=True,
        reason=f"Discord refused the DM ({code}): DMs closed or no shared server",
    )


class DiscordPublisher:
    """The core's Publisher, on a PaperBot."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    def _posted(self, kind: str) -> None:
        self.bot.app.metrics.posts.labels(kind).inc()

    def _refused_by_discord(self, exc: discord.HTTPException) -> None:
        self.bot.app.metrics.discord_errors.labels(str(exc.status)).inc()

    def _cached_refusal(self, channel_id: int) -> DeliveryError | None:
        """A refusal predicted from the gateway cache; None when all is well or the cache doesn't know."""
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return None
        missing = missing_permissions(channel.permissions_for(channel.guild.me))
        if not missing:
            return None
        code = 50001 if "View Channel" in missing else 50013
        return refused_post(channel_id, code, f"I'm missing {', '.join(missing)} in channel {channel_id}")

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
            self._refused_by_discord(exc)
            detail = f"Discord refused the paper of the day in channel {channel_id}: {exc.status} {exc.text}"
            raise refused_post(channel_id, exc.code or None, detail) from exc
        self._posted("digest")
        return message.id

    async def announce_paper(self, channel_id: int, paper: Paper) -> int:
        """ "New from the group" with the paper's card and its persistent buttons; returns the message id."""
        if (refusal := self._cached_refusal(channel_id)) is not None:
            raise refusal
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            message = await self._send(channel, announcement_message(paper))
        except discord.HTTPException as exc:
            self._refused_by_discord(exc)
            raise refused_post(channel_id, exc.code or None, f"{exc.status} {exc.text}") from exc
        self._posted("announcement")
        return message.id

    async def notify_admins(self, channel_id: int, text: str) -> None:
        """Tell the admins, in their admin channel."""
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            await channel.send(clip(text, 2000), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            self._refused_by_discord(exc)
            raise _refused(exc, f"an admin notice in channel {channel_id}") from exc
        self._posted("admin_notice")

    async def send_dm(self, user_id: int, message: DigestPost | WeeklyDigest) -> int:
        """DM a subscriber; 50007 (DMs closed) surfaces as a permanent DeliveryError."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            sent = await self._send(user, dm_message(message))
        except discord.HTTPException as exc:
            self._refused_by_discord(exc)
            detail = f"Discord refused a DM to user {user_id}: {exc.status} {exc.text}"
            raise refused_dm(exc.code or None, detail) from exc
        self._posted("dm")
        return sent.id

    async def send_reminder(
        self, channel_id: int, session: Session, ping_user_ids: tuple[int, ...], ping_role_id: int | None
    ) -> int:
        """Post a reminder that pings exactly the presenter(s) and the role — nobody else."""
        from bot.discord_adapter.readinggroup.render import reminder_message

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
            self._refused_by_discord(exc)
            raise _refused(exc, f"a reading-group reminder in channel {channel_id}") from exc
        self._posted("reminder")
        return message.id
