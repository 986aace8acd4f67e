"""`/rg setup`: where the group posts, when it usually meets, whom reminders ping."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.readinggroup.commands import choices
from bot.discord_adapter.readinggroup.commands.area import RgCommandArea, admin_only
from bot.discord_adapter.readinggroup.interactions import RG_IN_A_SERVER
from bot.discord_adapter.readinggroup.render import settings_embed
from bot.readinggroup import slots

__all__ = ["SetupCommands", "permission_warnings"]

WEEKDAY_CHOICES = [app_commands.Choice(name=day.capitalize(), value=day) for day in slots.WEEKDAYS]


class SetupCommands(RgCommandArea):
    """`/rg setup`."""

    @app_commands.command(
        name="setup", description="Set up the reading group in this server (Manage Server)."
    )
    @app_commands.describe(
        channel="Where announcements, ballots and reminders go",
        weekday="The usual meeting day (first setup: Thursday)",
        time="The usual start time, e.g. 16:00 or 4pm (first setup: 16:00)",
        timezone="The group's time zone, e.g. Europe/Zurich",
        role="The role that reminders ping",
        location="A room (free text); `none` clears it",
        voice="A voice or stage channel to meet in",
        reminders="When to remind before a session, e.g. `24h, 1h` (`none` turns them off)",
        duration="How long a session lasts, in minutes (15-600)",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.autocomplete(timezone=choices.timezone)
    @admin_only
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        weekday: app_commands.Choice[str] | None = None,
        time: str | None = None,
        timezone: str | None = None,
        role: discord.Role | None = None,
        location: app_commands.Range[str, 1, 100] | None = None,
        voice: discord.VoiceChannel | discord.StageChannel | None = None,
        reminders: str | None = None,
        duration: app_commands.Range[int, 15, 600] | None = None,
    ) -> None:
        """Save the group's settings; warn (privately) about permissions the bot lacks there."""
        saved = await self.rg.setup(
            guild_id_of(interaction, RG_IN_A_SERVER),
            channel.id,
            weekday=weekday.value if weekday else None,
            time=time,
            timezone=timezone,
            role_id=role.id if role else None,
            location="" if location is not None and location.strip().lower() == "none" else location,
            location_channel_id=voice.id if voice else None,
            reminders=reminders,
            duration_minutes=duration,
        )
        next_slot = slots.next_slot(saved.weekday, saved.time, saved.zone, self.bot.app.clock.now())
        embed = settings_embed(saved, next_slot=next_slot, warnings=permission_warnings(channel, role))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)


def permission_warnings(channel: discord.TextChannel, role: discord.Role | None) -> list[str]:
    """What the bot lacks for the reading group to work fully in `channel` (shown at setup)."""
    me = channel.guild.me
    perms = channel.permissions_for(me)
    needed = (
        (perms.view_channel, "View Channel"),
        (perms.send_messages, "Send Messages"),
        (perms.embed_links, "Embed Links"),
        (perms.create_public_threads, "Create Public Threads"),
        (perms.attach_files, "Attach Files"),
    )
    missing = [name for granted, name in needed if not granted]
    warnings = [f"In {channel.mention} I lack: {', '.join(missing)}."] if missing else []
    if not me.guild_permissions.manage_events:
        warnings.append("Without **Manage Events** I can't create Discord events for sessions.")
    if role is not None and not role.mentionable and not perms.mention_everyone:
        warnings.append(
            f"{role.mention} isn't mentionable and I lack Mention Everyone, so reminders can't ping it."
        )
    return warnings
