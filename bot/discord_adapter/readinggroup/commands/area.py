"""What every area of `/rg` commands shares: the bot, the core service, the posts, and how to answer.

`RgCommandArea` is a `commands.Cog` only so the type checker accepts app commands on its subclasses'
methods; an area is never added to the bot on its own — `ReadingGroupCog` inherits every area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.interactions import NO_MENTIONS
from bot.discord_adapter.limits import clip
from bot.discord_adapter.readinggroup.interactions import for_discord
from bot.discord_adapter.readinggroup.posts import RgPosts
from bot.readinggroup.service import ReadingGroupService

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["RgCommandArea", "admin_only", "reply_privately", "reply_publicly", "who"]

admin_only = app_commands.checks.has_permissions(manage_guild=True)
"""For admin subcommands: checked when run, since `default_permissions` would hide all of `/rg`."""


class RgCommandArea(commands.Cog):
    """Base of each area of `/rg` commands: the bot, its reading-group service and posts."""

    bot: PaperBot
    posts: RgPosts

    @property
    def rg(self) -> ReadingGroupService:
        """The core service, worded for Discord."""
        return for_discord(self.bot.app.reading_group)


def who(user_id: int | None) -> str:
    """A presenter as a mention, or that nobody is left to present."""
    return f"<@{user_id}>" if user_id is not None else "nobody (the roster is empty)"


async def reply_privately(interaction: discord.Interaction, lines: list[str]) -> None:
    """Finish a deferred private command with `lines` (a result and any problems for the admin)."""
    await interaction.followup.send(
        clip("\n".join(lines), 2000), ephemeral=True, allowed_mentions=NO_MENTIONS
    )


async def reply_publicly(interaction: discord.Interaction, text: str, problems: list[str]) -> None:
    """Finish a deferred public command; problems for the admin follow privately."""
    await interaction.followup.send(clip(text, 2000), allowed_mentions=NO_MENTIONS)
    if problems:
        await reply_privately(interaction, problems)
