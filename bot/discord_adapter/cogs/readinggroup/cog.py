"""`ReadingGroupCog`: the `/rg` command areas joined into one cog and one command group, the reading
group's persistent buttons, and its periodic job (close ballots past their deadline, send reminders).
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.cogs.readinggroup.memory import MemoryCommands
from bot.discord_adapter.cogs.readinggroup.presenters import PresenterCommands, RosterCommands
from bot.discord_adapter.cogs.readinggroup.proposals import ProposalCommands
from bot.discord_adapter.cogs.readinggroup.sessions import SessionCommands
from bot.discord_adapter.cogs.readinggroup.setup import SetupCommands
from bot.discord_adapter.rg_posts import RgPosts
from bot.discord_adapter.rg_views import ALL_DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["JOB_ID", "ReadingGroupCog"]

log = logging.getLogger("paperbot.discord")

JOB_ID = "readinggroup:jobs"
JOB_EVERY_SECONDS = 60


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
    """Every `/rg` command, the reading group's persistent buttons, and its periodic job."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot
        self.posts = RgPosts(bot)

    async def cog_load(self) -> None:
        """Listen for the reading group's buttons, including those on messages from before a restart."""
        self.bot.add_dynamic_items(*ALL_DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        """Stop listening for the buttons."""
        self.bot.remove_dynamic_items(*ALL_DYNAMIC_ITEMS)

    async def arm_jobs(self, scheduler: AsyncIOScheduler) -> None:
        """Run `run_jobs` every minute (the reminder ledger makes a late or doubled run harmless)."""
        scheduler.add_job(
            self.run_jobs,
            IntervalTrigger(seconds=JOB_EVERY_SECONDS, timezone=UTC),
            id=JOB_ID,
            replace_existing=True,
        )

    async def run_jobs(self) -> None:
        """Close ballots past their deadline (announcing winners and new sessions), then send reminders."""
        try:
            results = await self.rg.ballots.close_due()
        except Exception:
            log.exception("reading group: closing ballots past their deadline failed")
            results = []
        for result in results:
            try:
                await self.posts.after_ballot(result)
            except Exception:
                log.exception("reading group: announcing the result of ballot #%d failed", result.ballot.id)
        try:
            outcomes = await self.rg.reminders.send_due(self.bot.app.outbox)
        except Exception:
            log.exception("reading group: sending reminders failed")
            return
        for outcome in outcomes:
            if outcome.status == "failed":
                log.warning(
                    "reading group: reminder for session #%d in channel %d not sent (will retry): %s",
                    outcome.reminder.session.id,
                    outcome.reminder.channel_id,
                    outcome.error.message if outcome.error else "unknown",
                )
