"""Who presents: `/rg roster add|remove|list` (the rotation), and `swap`, `skip`, `volunteer` for a session.

Two classes, because the commands appear in Discord in the order the cog inherits them: the roster
subgroup first, the per-session commands after the session commands.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.utils import format_dt

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.readinggroup.commands import choices
from bot.discord_adapter.readinggroup.commands.area import RgCommandArea, admin_only, reply_publicly, who
from bot.discord_adapter.readinggroup.interactions import RG_IN_A_SERVER
from bot.discord_adapter.readinggroup.render import roster_embed
from bot.errors import PermissionDeniedError, ReadingGroupError, UserError

__all__ = ["PresenterCommands", "RosterCommands"]


def _self_or_admin(
    interaction: discord.Interaction, member: discord.Member | None, action: str
) -> discord.User | discord.Member:
    """`member` when the caller may act on others (Manage Server), else the caller themselves."""
    if member is None or member.id == interaction.user.id:
        return interaction.user
    if not interaction.permissions.manage_guild:
        raise PermissionDeniedError(f"You need the **Manage Server** permission to {action}.")
    if member.bot:
        raise UserError("Bots can't present papers.")
    return member


class RosterCommands(RgCommandArea):
    """`/rg roster`: joining and leaving the presenter rotation, and its order."""

    roster = app_commands.Group(name="roster", description="The presenter rotation.")

    @roster.command(
        name="add", description="Join the presenter rotation (adding someone else: Manage Server)."
    )
    @app_commands.describe(member="Who joins (default: you)")
    async def roster_add(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """Add a member to the rotation."""
        target = _self_or_admin(interaction, member, "add someone else to the rotation")
        await self.rg.presenters.add(guild_id_of(interaction, RG_IN_A_SERVER), target.id)
        await interaction.response.send_message(
            f"{target.mention} joined the presenter rotation.", allowed_mentions=NO_MENTIONS
        )

    @roster.command(
        name="remove", description="Leave the presenter rotation (removing someone else: Manage Server)."
    )
    @app_commands.describe(member="Who leaves (default: you)")
    async def roster_remove(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """Remove a member; sessions they already present are listed so someone can take them over."""
        target = _self_or_admin(interaction, member, "remove someone else from the rotation")
        removal = await self.rg.presenters.remove(guild_id_of(interaction, RG_IN_A_SERVER), target.id)
        text = f"{target.mention} left the presenter rotation."
        if removal.still_presenting:
            ids = ", ".join(f"#{x.id}" for x in removal.still_presenting)
            text += f" They are still down to present session(s) {ids}; `/rg skip` hands one on."
        await interaction.response.send_message(text, allowed_mentions=NO_MENTIONS)

    @roster.command(name="list", description="The rotation: who presents next.")
    async def roster_list(self, interaction: discord.Interaction) -> None:
        """The roster in rotation order."""
        order = await self.rg.presenters.roster(guild_id_of(interaction, RG_IN_A_SERVER))
        await interaction.response.send_message(embed=roster_embed(order), allowed_mentions=NO_MENTIONS)


class PresenterCommands(RgCommandArea):
    """Changing who presents a session: swap two, step down, volunteer."""

    @app_commands.command(name="swap", description="Swap the presenters of two sessions (Manage Server).")
    @app_commands.describe(first="One session", second="The other session")
    @app_commands.autocomplete(first=choices.upcoming_session, second=choices.upcoming_session)
    @admin_only
    async def swap(self, interaction: discord.Interaction, first: int, second: int) -> None:
        """Exchange presenters and update both announcements."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        a, b = await self.rg.presenters.swap(guild_id, first, second)
        await interaction.response.defer(thinking=True)
        problems = await self.posts.refresh_session(guild_id, a.id) + await self.posts.refresh_session(
            guild_id, b.id
        )
        text = (
            f"Swapped presenters: session #{a.id} is now presented by {who(a.presenter_id)}, "
            f"session #{b.id} by {who(b.presenter_id)}."
        )
        await reply_publicly(interaction, text, problems)

    @app_commands.command(
        name="skip", description="Step down as a session's presenter; the next in rotation takes over."
    )
    @app_commands.describe(
        session="Which session (default: the next one); someone else's needs Manage Server"
    )
    @app_commands.autocomplete(session=choices.upcoming_session)
    async def skip(self, interaction: discord.Interaction, session: int | None = None) -> None:
        """The presenter (or an admin) hands the session to the next member in rotation."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        target = (
            await self.rg.sessions.get(guild_id, session)
            if session
            else await self.rg.sessions.next_session(guild_id)
        )
        if target is None:
            raise ReadingGroupError("No session is scheduled, so there is nobody to skip.")
        presenter = target.session.presenter_id
        if presenter != interaction.user.id and not interaction.permissions.manage_guild:
            raise PermissionDeniedError(
                f"Only the presenter of session #{target.session.id}, or a member with **Manage Server**, "
                "can skip them."
            )
        result = await self.rg.presenters.skip(guild_id, target.session.id)
        await interaction.response.defer(thinking=True)
        problems = await self.posts.refresh_session(guild_id, result.session.id)
        text = (
            f"<@{result.skipped_id}> steps down from session #{result.session.id}; "
            f"{who(result.session.presenter_id)} presents instead."
        )
        await reply_publicly(interaction, text, problems)

    @app_commands.command(name="volunteer", description="Present a session that has no presenter yet.")
    @app_commands.describe(session="Which session (default: the next one)")
    @app_commands.autocomplete(session=choices.upcoming_session)
    async def volunteer(self, interaction: discord.Interaction, session: int | None = None) -> None:
        """Take a session without a presenter."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        taken = await self.rg.presenters.volunteer(guild_id, interaction.user.id, session)
        await interaction.response.defer(thinking=True)
        problems = await self.posts.refresh_session(guild_id, taken.id)
        when = format_dt(taken.starts_at, "F")
        text = f"{interaction.user.mention} presents session #{taken.id} on {when}. Thank you!"
        await reply_publicly(interaction, text, problems)
