"""What the reading group's interaction handlers share: the core service behind the client, the server a
click came from, error-guarded button callbacks, and the no-pings default for everything sent.

Buttons and autocomplete callbacks receive only the interaction, so they reach the service through the
client (`interaction.client` is the running `PaperBot`). Every part of the adapter takes the service
through `for_discord`, worded for Discord: the core's refusals then name members as mentions and times as
timestamps (`text.DiscordWording`), as they always read here.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord

from bot.discord_adapter.errors import admit, handle_interaction_error
from bot.discord_adapter.readinggroup.text import DISCORD_WORDING
from bot.readinggroup.service import ReadingGroupService

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = [
    "CLICK_IN_A_SERVER",
    "RG_IN_A_SERVER",
    "Button",
    "for_discord",
    "guarded",
    "paperbot",
    "reading_group",
]

RG_IN_A_SERVER = "The reading group lives in a server; run `/rg` there."
"""`/rg` run outside a server (it is `guild_only`, so only a guard)."""
CLICK_IN_A_SERVER = "The reading group lives in a server — use this button (or `/rg`) there, not in DMs."
"""A reading-group button clicked in DMs."""

Button = discord.ui.Button[discord.ui.View]

ItemT = TypeVar("ItemT")
Callback = Callable[[ItemT, discord.Interaction], Coroutine[Any, Any, None]]


def paperbot(interaction: discord.Interaction) -> PaperBot:
    """The bot that received the interaction."""
    return cast("PaperBot", interaction.client)


def for_discord(service: ReadingGroupService) -> ReadingGroupService:
    """The core service as the adapter uses it: its refusals worded for Discord."""
    return service.worded(DISCORD_WORDING)


def reading_group(interaction: discord.Interaction) -> ReadingGroupService:
    """The core reading-group service of the bot that received the interaction (worded for Discord)."""
    return for_discord(paperbot(interaction).app.reading_group)


def guarded(callback: Callback[ItemT]) -> Callback[ItemT]:
    """Wrap a button callback so any error becomes the usual private message and operator log line
    (a DynamicItem's errors would otherwise only reach discord.py's default log), and so a shutdown
    waits for it (`errors.admit`)."""

    @wraps(callback)
    async def run(item: ItemT, interaction: discord.Interaction) -> None:
        if not await admit(interaction):  # the bot is shutting down
            return
        try:
            await callback(item, interaction)
        except Exception as exc:
            await handle_interaction_error(interaction, exc)

    return run
