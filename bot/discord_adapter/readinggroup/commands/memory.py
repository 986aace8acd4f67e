"""`/rg history`, `notes`, `calendar`: what the group read, what it said, and an .ics of what is next."""

from __future__ import annotations

import io

import discord
from discord import app_commands

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.limits import clip
from bot.discord_adapter.readinggroup.commands import choices
from bot.discord_adapter.readinggroup.commands.area import RgCommandArea
from bot.discord_adapter.readinggroup.interactions import RG_IN_A_SERVER
from bot.discord_adapter.readinggroup.render import history_embed, history_search_embed, note_embed

__all__ = ["MemoryCommands"]


class MemoryCommands(RgCommandArea):
    """The group's memory: past sessions and their notes, and the calendar file."""

    @app_commands.command(name="history", description="Past sessions; give words to search papers and notes.")
    @app_commands.describe(query="Words to look for in past papers and notes (optional)")
    async def history(self, interaction: discord.Interaction, query: str | None = None) -> None:
        """The latest sessions, or the past sessions best matching `query`."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        if query and query.strip():
            results = await self.rg.memory.search(guild_id, query)
            embed = history_search_embed(query.strip(), results)
        else:
            embed = history_embed(await self.rg.memory.history(guild_id))
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)

    @app_commands.command(
        name="notes", description="Add notes to a session; they become searchable in history."
    )
    @app_commands.describe(
        session="The session the notes are about", text="The notes (up to 4000 characters)"
    )
    @app_commands.autocomplete(session=choices.any_session)
    async def notes(
        self, interaction: discord.Interaction, session: int, text: app_commands.Range[str, 1, 4000]
    ) -> None:
        """Attach notes to a session."""
        note = await self.rg.memory.add_note(
            guild_id_of(interaction, RG_IN_A_SERVER), session, interaction.user.id, text
        )
        await interaction.response.send_message(embed=note_embed(note), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="calendar", description="The upcoming sessions as a calendar file (.ics).")
    async def calendar(self, interaction: discord.Interaction) -> None:
        """Attach `reading-group.ics`, the same file `paperbot rg ics` writes."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        settings = await self.rg.settings(guild_id)
        await interaction.response.defer(thinking=True)
        upcoming = await self.rg.sessions.upcoming(guild_id, limit=50)
        names = await _member_names(interaction.guild, {v.session.presenter_id for v in upcoming})
        guild_name = interaction.guild.name if interaction.guild else "Reading group"
        ics = await self.rg.memory.calendar_ics(
            guild_id, name=clip(f"{guild_name} reading group", 100), presenter_names=names
        )
        await interaction.followup.send(
            f"The upcoming sessions ({len(upcoming)}), times in {settings.timezone}. "
            "Import the file into your calendar app; importing it again updates the events.",
            file=discord.File(io.BytesIO(ics), filename="reading-group.ics"),
            allowed_mentions=NO_MENTIONS,
        )


async def _member_names(guild: discord.Guild | None, user_ids: set[int | None]) -> dict[int, str]:
    """Display names for the calendar (members not found keep a neutral label)."""
    names: dict[int, str] = {}
    if guild is None:
        return names
    for user_id in user_ids:
        if user_id is None:
            continue
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                continue
        names[user_id] = member.display_name
    return names
