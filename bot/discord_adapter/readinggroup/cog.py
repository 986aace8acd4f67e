"""`ReadingGroupCog`: the `/rg` command areas joined into one cog and one command group and the reading
group's persistent buttons. (Its periodic job — closing ballots, reminders — is in `bot.scheduling`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.readinggroup.buttons import ALL_DYNAMIC_ITEMS
from bot.discord_adapter.readinggroup.commands.memory import MemoryCommands
from bot.discord_adapter.readinggroup.commands.presenters import PresenterCommands, RosterCommands
from bot.discord_adapter.readinggroup.commands.proposals import ProposalCommands
from bot.discord_adapter.readinggroup.commands.sessions import SessionCommands
from bot.discord_adapter.readinggroup.commands.setup import SetupCommands
from bot.discord_adapter.readinggroup.posts import RgPosts

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["ReadingGroupCog"]


# discord.py collects a cog's commands walking its bases from the last to the first, so the areas are
# listed in reverse of the order Discord shows the subcommands in (roster, setup, propose … calendar).
@app_commands.guild_only()
class ReadingGroupCog(
    MemoryCommands,
    PresenterCommands,
    SessionCommands,
    ProposalCommands,
    SetupCommands,
    RosterCommands,
    commands.GroupCog,
    name="ReadingGroup",
    group_name="rg",
    group_description="The reading group: propose, vote, schedule, RSVP, remember.",
):
    """Every `/rg` command and the reading group's persistent buttons."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot
        self.posts = RgPosts(bot)

    async def cog_load(self) -> None:
        """Listen for the reading group's buttons, including those on messages from before a restart."""
        self.bot.add_dynamic_items(*ALL_DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        """Stop listening for the buttons."""
        self.bot.remove_dynamic_items(*ALL_DYNAMIC_ITEMS)
