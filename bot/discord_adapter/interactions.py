"""What every feature of the adapter shares when it answers an interaction: the no-pings default for
everything sent, the server a command or click came from, and the private one-line reply.

Everything paperbot sends disables mentions (`NO_MENTIONS`) unless a call names exactly whom to ping
(the reading group's reminders). Commands that only make sense in a server are also `guild_only` in
Discord's schema; `guild_of`/`guild_id_of` guard the type and refuse, with the caller's wording, when an
interaction comes from DMs anyway.
"""

from __future__ import annotations

import discord

from bot.errors import UserError

__all__ = ["IN_A_SERVER", "NO_MENTIONS", "guild_id_of", "guild_of", "say"]

NO_MENTIONS = discord.AllowedMentions.none()
"""The default for every post and reply: ping nobody."""

IN_A_SERVER = "That command only works in a server, not in DMs."
"""The refusal of a server-only command run in DMs, unless the caller words its own."""


def guild_id_of(interaction: discord.Interaction, refusal: str = IN_A_SERVER) -> int:
    """The id of the server the interaction came from; `UserError(refusal)` in DMs."""
    if interaction.guild_id is None:
        raise UserError(refusal)
    return interaction.guild_id


def guild_of(interaction: discord.Interaction, refusal: str = IN_A_SERVER) -> discord.Guild:
    """The server the interaction came from, for commands that need the guild itself (its `me`, its
    channels); `UserError(refusal)` in DMs."""
    if interaction.guild is None:
        raise UserError(refusal)
    return interaction.guild


async def say(interaction: discord.Interaction, text: str) -> None:
    """Answer privately, pinging nobody."""
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
