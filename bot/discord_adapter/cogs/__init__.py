"""The bot's features, one cog per area; `all_cogs` is the list the client adds in setup_hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot


def all_cogs(bot: PaperBot) -> list[commands.Cog]:
    """Every cog, built for `bot`."""
    from bot.discord_adapter.cogs.admin import AdminCog
    from bot.discord_adapter.cogs.digest import DigestCog
    from bot.discord_adapter.cogs.papers import PapersCog
    from bot.discord_adapter.cogs.questions import QuestionsCog
    from bot.discord_adapter.cogs.readinggroup import ReadingGroupCog
    from bot.discord_adapter.cogs.subscriptions import SubscriptionsCog

    return [
        PapersCog(bot),
        QuestionsCog(bot),
        AdminCog(bot),
        DigestCog(bot),
        SubscriptionsCog(bot),
        ReadingGroupCog(bot),
    ]
