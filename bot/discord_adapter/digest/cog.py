"""The paper of the day on Discord: `/digest …`, for admins (members' `/subscribe` is in `subscriptions`).

Each command checks its input (and, for channels, the bot's permissions there), calls one DigestService
method and renders with `render`. Settings need Manage Server twice over: `default_permissions`
hides the group from other members, and `has_permissions` refuses them on the server side, since server
admins can override who sees a command. Replies are ephemeral — only `/digest now` posts publicly, in the
digest channel. The buttons under posts are the persistent paper buttons of `papers.views`.

Permission preflight: `/digest channel`, `enable`, `resume` and `now` check that the bot can view, send
and embed in the channel (from the gateway's cache) and name what is missing, changing nothing. Only
these clear a pause; a new time or topic leaves the server paused. At post time Discord has the last
word: a refusal pauses the post and tells the admins once (the core does it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import time
from functools import cache
from typing import TYPE_CHECKING, TypedDict, Unpack
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import MISSING

from bot.digest.ports import OutcomeStatus
from bot.discord_adapter.digest.render import (
    NOTICE_PERMISSIONS,
    POST_PERMISSIONS,
    WEEKDAYS,
    history_embed,
    message_link,
    missing_permissions,
    preview_message,
    settings_summary,
    status_embed,
)
from bot.discord_adapter.interactions import NO_MENTIONS, guild_of, say
from bot.discord_adapter.limits import AUTOCOMPLETE_CHOICES_MAX
from bot.discord_adapter.papers.embeds import display_title
from bot.errors import UserError

if TYPE_CHECKING:
    from bot.app import App
    from bot.digest.models import DigestSettings
    from bot.discord_adapter.client import PaperBot

__all__ = ["DigestCog", "preflight", "timezone_choices"]

log = logging.getLogger("paperbot.discord.digest")

POPULAR_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Zurich",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Australia/Sydney",
)
"""Offered before the user types anything."""


@cache
def _zones() -> tuple[str, ...]:
    """Every IANA zone name this system knows, sorted (read once, on first use)."""
    return tuple(sorted(available_timezones()))


def timezone_choices(typed: str) -> list[app_commands.Choice[str]]:
    """IANA zones matching what was typed (≤ 25): prefix matches of the zone or its city first, then
    names containing it; case-insensitive, and a space matches the underscore ("new york")."""
    wanted = "_".join(typed.strip().lower().split())
    if not wanted:
        names = [z for z in POPULAR_ZONES if z in _zones()]
    else:
        scored = []
        for zone in _zones():
            lowered = zone.lower()
            city = lowered.rsplit("/", 1)[-1]
            if lowered.startswith(wanted) or city.startswith(wanted):
                scored.append((0, zone))
            elif wanted in lowered:
                scored.append((1, zone))
        names = [zone for _, zone in sorted(scored)]
    return [app_commands.Choice(name=z, value=z) for z in names[:AUTOCOMPLETE_CHOICES_MAX]]


def preflight(
    guild: discord.Guild,
    channel: discord.abc.GuildChannel | discord.Thread | None,
    needed: tuple[tuple[str, str], ...] = POST_PERMISSIONS,
) -> None:
    """Refuse (UserError, nothing saved) unless the bot has every `needed` permission in `channel`."""
    if channel is None:
        raise UserError(
            "The channel for the paper of the day no longer exists. Choose another with `/digest channel`."
        )
    missing = missing_permissions(channel.permissions_for(guild.me), needed)
    if missing:
        raise UserError(
            f"I can't post in {channel.mention}: I'm missing **{', '.join(missing)}** there. "
            "Give my role those permissions in the channel's settings, then try again. Nothing was changed."
        )


class SettingsChange(TypedDict, total=False):
    """The `DigestService.configure` arguments a command changes (the others stay as they are)."""

    channel_id: int
    post_time: str | time
    timezone: str
    weekdays_only: bool
    weekly_day: int | None
    topic: str | None
    enabled: bool


Headline = str | Callable[["DigestSettings"], str]
"""The first line of a settings reply, or how to write it from the saved settings."""

_admin_only = app_commands.checks.has_permissions(manage_guild=True)


# --- the cog ------------------------------------------------------------------------------------


class DigestCog(commands.Cog, name="Digest"):
    """Paper-of-the-day settings, preview, posting now, history and status."""

    digest = app_commands.Group(
        name="digest",
        description="The paper of the day in this server (needs Manage Server).",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    @property
    def app(self) -> App:
        """The core services."""
        return self.bot.app

    async def _postable_channel(self, guild: discord.Guild) -> int:
        """The digest channel's id, once the bot can post there (else a UserError saying what to fix)."""
        current = await self.app.digest.settings(guild.id)
        if current is None or current.channel_id is None:
            raise UserError("Choose the channel for the paper of the day first: `/digest channel`.")
        preflight(guild, guild.get_channel_or_thread(current.channel_id))
        return current.channel_id

    async def _confirm(
        self, interaction: discord.Interaction, settings: DigestSettings, headline: str
    ) -> None:
        """Reply privately with the headline and the resulting settings; log the change for the operator."""
        log.info("server %s: %s (by user %s)", settings.guild_id, headline, interaction.user.id)
        next_at = await self.app.digest.next_fire(settings.guild_id)
        await say(interaction, f"{headline}\n{settings_summary(settings, next_at)}")

    async def _change(
        self,
        interaction: discord.Interaction,
        headline: Headline,
        *,
        preflight_current: bool = False,
        **changes: Unpack[SettingsChange],
    ) -> None:
        """An admin's settings change: check the bot can post in the current channel if asked (turning
        the post on), save through the core (which validates each value), reply with the result."""
        guild = guild_of(interaction)
        if preflight_current:
            await self._postable_channel(guild)
        settings = await self.app.digest.configure(guild.id, **changes)
        await self._confirm(interaction, settings, headline(settings) if callable(headline) else headline)

    async def _titles(self) -> dict[str, str]:
        """Every paper's title by id, gathered in the worker pool (a pass over the whole corpus)."""
        papers = self.app.library.index.papers
        return await self.app.offload(lambda: {p.id: display_title(p) for p in papers})

    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA zones as the admin types."""
        return timezone_choices(current)

    # --- settings -------------------------------------------------------------------------------

    @digest.command(name="channel", description="Post the paper of the day in this channel.")
    @app_commands.describe(channel="Where the paper of the day goes (I need View, Send and Embed Links)")
    @_admin_only
    async def digest_channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        """Check the bot's permissions there, then save; the first channel chosen also turns it on."""
        guild = guild_of(interaction)
        preflight(guild, channel)
        before = await self.app.digest.settings(guild.id)
        changes: SettingsChange = {"channel_id": channel.id}
        if before is None or before.channel_id is None:
            changes["enabled"] = True
        await self._change(interaction, f"✅ The paper of the day goes to {channel.mention}.", **changes)

    @digest.command(name="time", description="When the paper of the day goes out (24-hour, local time).")
    @app_commands.describe(
        post_time="Time of day, 24-hour HH:MM, e.g. 09:00",
        timezone="IANA time zone, e.g. Europe/Zurich (start typing); default: unchanged",
        weekdays_only="Skip Saturdays and Sundays; default: unchanged",
    )
    @app_commands.rename(post_time="time", weekdays_only="weekdays-only")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @_admin_only
    async def digest_time(
        self,
        interaction: discord.Interaction,
        post_time: str,
        timezone: str | None = None,
        weekdays_only: bool | None = None,
    ) -> None:
        """Save the wall-clock time (and zone); 09:00 stays 09:00 local across daylight-saving changes."""
        changes: SettingsChange = {"post_time": post_time}
        if timezone is not None:
            changes["timezone"] = timezone
        if weekdays_only is not None:
            changes["weekdays_only"] = weekdays_only
        await self._change(interaction, "✅ Time saved.", **changes)

    @digest.command(name="topic", description="Only papers on this topic (leave empty for any paper).")
    @app_commands.describe(query="Words or the query language, e.g. `diffusion cat:CV`; empty clears it")
    @_admin_only
    async def digest_topic(self, interaction: discord.Interaction, query: str | None = None) -> None:
        """Narrow (or, empty, widen) the papers; a topic matching nothing is refused now, not tomorrow."""
        await self._change(
            interaction,
            lambda s: "✅ Topic saved." if s.topic else "✅ Topic cleared: any paper in the corpus.",
            topic=query,
        )

    @digest.command(name="weekly", description="On which day the post carries the week in review.")
    @app_commands.describe(day="The weekday, or off")
    @app_commands.choices(
        day=[app_commands.Choice(name=name, value=str(i)) for i, name in enumerate(WEEKDAYS)]
        + [app_commands.Choice(name="off", value="off")]
    )
    @_admin_only
    async def digest_weekly(self, interaction: discord.Interaction, day: app_commands.Choice[str]) -> None:
        """Set or turn off the weekly review (weekly DM subscribers get theirs that day, Monday if off)."""
        weekly_day = None if day.value == "off" else int(day.value)
        await self._change(interaction, "✅ Week in review saved.", weekly_day=weekly_day)

    @digest.command(name="enable", description="Turn the daily post on (after checking my permissions).")
    @_admin_only
    async def digest_enable(self, interaction: discord.Interaction) -> None:
        """Turn on (clearing a pause) once the bot can post in the chosen channel."""
        await self._change(
            interaction, "✅ The paper of the day is on.", preflight_current=True, enabled=True
        )

    @digest.command(name="disable", description="Turn the daily post off (settings are kept).")
    @_admin_only
    async def digest_disable(self, interaction: discord.Interaction) -> None:
        """Turn off; subscribers' DMs continue."""
        await self._change(interaction, "✅ The paper of the day is off.", enabled=False)

    @digest.command(name="resume", description="Resume the post after fixing what paused it.")
    @_admin_only
    async def digest_resume(self, interaction: discord.Interaction) -> None:
        """Clear a pause once the bot can post again."""
        guild = guild_of(interaction)
        await self._postable_channel(guild)
        resumed = await self.app.digest.resume(guild.id)
        settings = await self.app.digest.settings(guild.id)
        assert settings is not None  # _postable_channel found them
        headline = "✅ Resumed." if resumed else "It wasn't paused — nothing to resume."
        await self._confirm(interaction, settings, headline)

    @digest.command(name="admin-channel", description="Where I report problems with the paper of the day.")
    @app_commands.describe(channel="A channel the admins read; leave empty to report in the bot's log only")
    @_admin_only
    async def digest_admin_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Save the admin channel after checking the bot can write there."""
        guild = guild_of(interaction)
        if channel is not None:
            preflight(guild, channel, NOTICE_PERMISSIONS)
        current = await self.app.guilds.get(guild.id)
        await self.app.guilds.save(replace(current, admin_channel_id=channel.id if channel else None))
        text = (
            f"✅ I'll report problems with the paper of the day in {channel.mention}."
            if channel
            else "✅ Problems will go to the bot's log only."
        )
        await say(interaction, text)

    # --- looking and posting --------------------------------------------------------------------

    @digest.command(name="preview", description="Show privately exactly what the next post will be.")
    @_admin_only
    async def digest_preview(self, interaction: discord.Interaction) -> None:
        """The next post (today's if not out yet), recording nothing."""
        guild = guild_of(interaction)
        post = await self.app.digest.preview(guild.id)
        settings = await self.app.digest.settings(guild.id)
        assert settings is not None  # preview raised UserError otherwise
        rendered = preview_message(post, settings)
        await interaction.response.send_message(
            content=rendered.content,
            embeds=list(rendered.embeds),
            view=rendered.view or MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @digest.command(name="now", description="Post today's paper of the day now (it counts as today's).")
    @_admin_only
    async def digest_now(self, interaction: discord.Interaction) -> None:
        """Post now; the scheduled post then finds the day taken."""
        guild = guild_of(interaction)
        channel_id = await self._postable_channel(guild)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.app.digest.post_now(guild.id)
        if outcome.status is OutcomeStatus.POSTED and outcome.message_id is not None:
            link = message_link(guild.id, channel_id, outcome.message_id)
            text = f"✅ Posted in <#{channel_id}>: {link}\nToday's scheduled post won't repeat it."
        elif outcome.status is OutcomeStatus.RELEASED:
            text = f"Discord didn't take the post just now ({outcome.detail}). Try again in a minute."
        else:
            text = outcome.detail or f"Nothing was posted ({outcome.status})."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @digest.command(name="history", description="The latest papers of the day, with links to the posts.")
    @_admin_only
    async def digest_history(self, interaction: discord.Interaction) -> None:
        """The ledger's latest days, newest first, each linked in the channel it was posted in."""
        guild = guild_of(interaction)
        settings = await self.app.digest.settings(guild.id)
        entries = await self.app.digest.repo.history(guild.id)
        titles = await self._titles()
        embed = history_embed(
            entries, titles, guild_id=guild.id, channel_id=settings.channel_id if settings else None
        )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @digest.command(name="status", description="Settings, the next post time, and any pause or failure.")
    @_admin_only
    async def digest_status(self, interaction: discord.Interaction) -> None:
        """Everything an admin needs to see why a post did or didn't happen."""
        guild = guild_of(interaction)
        status = await self.app.digest.status(guild.id)
        admin_channel = (await self.app.guilds.get(guild.id)).admin_channel_id
        embed = status_embed(status, admin_channel_id=admin_channel, titles=await self._titles())
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)
