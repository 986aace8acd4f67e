"""Members' paper of the day by DM: `/subscribe` (daily or weekly, optionally on a topic), `/unsubscribe`.

Anyone may subscribe; the DMs follow the server's schedule (`/digest time`), even when the server has no
digest channel. Each command calls one SubscriptionService method and renders with `render`;
replies are private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.digest.render import subscribed_text
from bot.discord_adapter.interactions import guild_of, say

if TYPE_CHECKING:
    from bot.app import App
    from bot.discord_adapter.client import PaperBot

__all__ = ["SubscriptionsCog"]


class SubscriptionsCog(commands.Cog, name="Subscriptions"):
    """A member's own paper of the day, by DM."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    @property
    def app(self) -> App:
        """The core services."""
        return self.bot.app

    @app_commands.command(name="subscribe", description="Get a paper by DM, daily or weekly.")
    @app_commands.describe(
        topic="Only papers on this topic (words or the query language); empty for any paper",
        frequency="daily: a paper each day; weekly: the week in review",
    )
    @app_commands.guild_only()
    async def subscribe(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        frequency: Literal["daily", "weekly"] = "daily",
    ) -> None:
        """Start or change the member's DM digest, on this server's schedule."""
        guild = guild_of(interaction)
        sub = await self.app.subscriptions.subscribe(interaction.user.id, guild.id, topic, frequency)
        settings = await self.app.digest.settings(guild.id)
        assert settings is not None  # subscribe creates them
        await say(interaction, subscribed_text(sub, settings, await self.app.digest.next_fire(guild.id)))

    @app_commands.command(name="unsubscribe", description="Stop your paper-of-the-day DMs.")
    async def unsubscribe(self, interaction: discord.Interaction) -> None:
        """End the member's DM digest."""
        ended = await self.app.subscriptions.unsubscribe(interaction.user.id)
        await say(interaction, "✅ No more DMs from me." if ended else "You weren't subscribed.")
