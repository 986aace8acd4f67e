"""`/rg schedule`, `next`, `upcoming`, `cancel`, `reschedule`: the group's meetings.

Scheduling posts the announcement (RSVP buttons), its thread and Discord event; a change posts a notice
in the group's channel and brings those posts in line.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.utils import format_dt

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.readinggroup.commands import choices
from bot.discord_adapter.readinggroup.commands.area import RgCommandArea, admin_only, reply_privately
from bot.discord_adapter.readinggroup.interactions import RG_IN_A_SERVER
from bot.discord_adapter.readinggroup.render import session_embed, upcoming_embed
from bot.discord_adapter.readinggroup.text import paper_text
from bot.errors import ReadingGroupError, UserError

__all__ = ["SessionCommands"]


def _jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


class SessionCommands(RgCommandArea):
    """Scheduling, showing and changing sessions."""

    @app_commands.command(name="schedule", description="Schedule a session and announce it (Manage Server).")
    @app_commands.describe(
        when="e.g. `2026-12-03 16:00`, `next thursday`, `tomorrow 17:00` (default: the next usual slot)",
        paper="A paper from the corpus, or a link (default: the vote winner)",
        title="The paper's title, when you give a link",
        presenter="Who presents (default: the next in the rotation)",
    )
    @app_commands.autocomplete(paper=choices.paper_or_link)
    @admin_only
    async def schedule(
        self,
        interaction: discord.Interaction,
        when: str | None = None,
        paper: str | None = None,
        title: app_commands.Range[str, 1, 300] | None = None,
        presenter: discord.Member | None = None,
    ) -> None:
        """Create the session, then its announcement (RSVP buttons), thread and Discord event."""
        if presenter is not None and presenter.bot:
            raise UserError("Pick a person to present, not a bot.")
        session = await self.rg.sessions.schedule(
            guild_id_of(interaction, RG_IN_A_SERVER),
            when=when,
            paper=paper,
            title=title,
            presenter_id=presenter.id if presenter else None,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await self.posts.announce(session)
        await reply_privately(
            interaction,
            [
                f"Scheduled session #{session.id}: {paper_text(session.paper)} on "
                f"{format_dt(session.starts_at, 'F')}, presented by "
                f"{f'<@{session.presenter_id}>' if session.presenter_id else 'nobody yet'}.",
                *problems,
            ],
        )

    @app_commands.command(name="next", description="The next session: paper, time, presenter, RSVPs.")
    async def next_session(self, interaction: discord.Interaction) -> None:
        """The next (or current) session."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        found = await self.rg.sessions.next_session(guild_id)
        if found is None:
            raise ReadingGroupError("No session is scheduled. An admin can schedule one with `/rg schedule`.")
        settings = await self.rg.settings(guild_id)
        message_id = found.session.announcement_message_id
        content = (
            f"RSVP on the announcement: {_jump_url(guild_id, settings.channel_id, message_id)}"
            if message_id
            else ""
        )
        await interaction.response.send_message(
            content, embed=session_embed(found, settings), allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="upcoming", description="The scheduled sessions, soonest first.")
    async def upcoming(self, interaction: discord.Interaction) -> None:
        """Up to ten scheduled sessions."""
        found = await self.rg.sessions.upcoming(guild_id_of(interaction, RG_IN_A_SERVER), limit=10)
        await interaction.response.send_message(embed=upcoming_embed(found), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="cancel", description="Cancel a session (Manage Server).")
    @app_commands.describe(session="Which session (default: the next one)")
    @app_commands.autocomplete(session=choices.upcoming_session)
    @admin_only
    async def cancel(self, interaction: discord.Interaction, session: int | None = None) -> None:
        """Cancel; the announcement says so, the Discord event is cancelled, the paper is proposed again."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        cancelled = await self.rg.sessions.cancel(guild_id, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        when = format_dt(cancelled.starts_at, "F")
        notice = f"🚫 Session #{cancelled.id} on {when} ({paper_text(cancelled.paper)}) is cancelled."
        problems = await self.posts.refresh_session(guild_id, cancelled.id, notice=notice)
        await reply_privately(interaction, [f"Cancelled session #{cancelled.id} ({when}).", *problems])

    @app_commands.command(name="reschedule", description="Move a session to another time (Manage Server).")
    @app_commands.describe(
        when="The new time, e.g. `2026-12-10 16:00` or `next friday 15:00`",
        session="Which session (default: the next one)",
    )
    @app_commands.autocomplete(session=choices.upcoming_session)
    @admin_only
    async def reschedule(
        self, interaction: discord.Interaction, when: str, session: int | None = None
    ) -> None:
        """Move the session; the announcement and Discord event follow, reminders restart for the new time."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        moved = await self.rg.sessions.reschedule(guild_id, when, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        new_time = format_dt(moved.starts_at, "F")
        notice = f"📅 Session #{moved.id} ({paper_text(moved.paper)}) moved to {new_time}."
        problems = await self.posts.refresh_session(guild_id, moved.id, notice=notice)
        await reply_privately(interaction, [f"Moved session #{moved.id} to {new_time}.", *problems])
