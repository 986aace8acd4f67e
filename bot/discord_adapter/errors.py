"""One place that turns any error during an interaction into a short ephemeral reply and a log line.

Order: UserError (and its kinds) → its message; Discord-side checks (permissions, DMs) → what to do;
everything else → logged with the command, server and cause, and a generic apology. No traceback ever
reaches Discord.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import discord
from discord import app_commands

from bot.discord_adapter.shutdown import RESTARTING, InFlight
from bot.errors import PaperbotError, UserError
from bot.safetext import strip_controls

log = logging.getLogger("paperbot.discord")

APOLOGY = "Sorry — something went wrong on my side. The bot's operator has been told; please try again later."


def unwrap(error: BaseException) -> BaseException:
    """The error the code raised, not discord.py's wrapper around it."""
    wrappers = app_commands.CommandInvokeError | app_commands.TransformerError
    while isinstance(error, wrappers) and error.__cause__:
        error = error.__cause__
    original = getattr(error, "original", None)
    return original if isinstance(original, BaseException) else error


UI_NAMES = {"manage_guild": "Manage Server"}
"""discord.py's permission names that Discord's settings screens call something else."""


def permission_names(permissions: list[str]) -> str:
    """'Manage Server, Embed Links' — permissions as a server admin sees them in Discord."""
    return ", ".join(UI_NAMES.get(p, p.replace("_", " ").title()) for p in permissions)


def user_message(error: BaseException) -> str | None:
    """What to tell the user for an error they can act on, or None for a bug."""
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the **{permission_names(error.missing_permissions)}** permission to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = permission_names(error.missing_permissions)
        return f"I'm missing the **{needed}** permission here. Ask a server admin to grant it."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works in a server, not in DMs."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"You're asking a bit fast — try again in {max(1, round(error.retry_after))} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here."
    if isinstance(error, discord.Forbidden):
        return "Discord didn't let me do that here (missing permission). Ask a server admin to check my role."
    return None


def describe(interaction: discord.Interaction) -> str:
    """'/ask in guild 123 (channel 456) by user 789' — context for an operator's log line."""
    if interaction.command is not None:
        command = interaction.command.qualified_name
    else:
        data: dict[str, Any] = dict(interaction.data or {})
        command = str(data.get("custom_id", "component"))
    where = f"guild {interaction.guild_id}" if interaction.guild_id else "DM"
    return f"/{command} in {where} (channel {interaction.channel_id}) by user {interaction.user.id}"


async def reply_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Send `text` privately, whether or not the interaction was already answered or deferred."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException as exc:
        log.warning("could not deliver an error message for %s: %s", describe(interaction), exc)


async def admit(interaction: discord.Interaction) -> bool:
    """Count this interaction's handler as in flight (`shutdown.py`); while the bot shuts down, answer
    `RESTARTING` privately (autocomplete gets no answer) and return False: the caller does nothing else."""
    in_flight = getattr(interaction.client, "in_flight", None)
    if not isinstance(in_flight, InFlight) or in_flight.admit():
        return True
    if interaction.type is not discord.InteractionType.autocomplete:
        await reply_ephemeral(interaction, RESTARTING)
    return False


async def handle_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Reply to the user and log for the operator, as the module docstring orders."""
    cause = unwrap(error)
    message = user_message(cause)
    if message is not None:
        log.info("%s refused: %s", describe(interaction), message)
        await reply_ephemeral(interaction, message)
        return
    if isinstance(cause, PaperbotError):
        log.error("%s failed: %s", describe(interaction), cause.message)
    else:
        log.error(
            "%s failed: %s: %s",
            describe(interaction),
            type(cause).__name__,
            cause,
            exc_info=(type(cause), cause, cause.__traceback__),
        )
    await reply_ephemeral(interaction, APOLOGY)


def clean_options(options: list[dict[str, Any]]) -> None:
    """Strip control characters from every text option, in subcommands too (in place): what users type
    is stored, searched, logged and echoed without ESC sequences, NULs or forged line breaks."""
    for option in options:
        value = option.get("value")
        if isinstance(value, str):
            option["value"] = strip_controls(value)
        clean_options(option.get("options") or [])


class PaperTree(app_commands.CommandTree[discord.Client]):
    """The command tree, with the one error handler. Before any command or autocomplete runs, its text
    options are cleaned (`clean_options`) and it is admitted (`admit`)."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Clean the options (the namespace is built from them after this check); track the command as
        in flight, or refuse it with `RESTARTING` while the bot shuts down."""
        data = cast("dict[str, Any] | None", interaction.data)
        if data is not None:
            clean_options(data.get("options") or [])
        return await admit(interaction)

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Route every slash-command error through handle_interaction_error."""
        await handle_interaction_error(interaction, error)
