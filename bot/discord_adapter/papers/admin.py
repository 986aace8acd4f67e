"""Server-admin commands: `/config ask-channels add|remove|list` and `/corpus reload` (Manage Server).

Both groups are hidden from members without Manage Server (`default_permissions`) *and* checked when run
(`checks.has_permissions`): a server can override who sees a command, so the check on our side is what
actually guards it. Replies are private (ephemeral).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.interactions import NO_MENTIONS
from bot.discord_adapter.limits import CONTENT_MAX, clip
from bot.errors import UserError
from bot.library import ReloadReport

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["MAX_ASK_CHANNELS", "AdminCog", "reload_summary"]

log = logging.getLogger("paperbot.discord.admin")

MAX_ASK_CHANNELS = 25
MANAGE_SERVER = discord.Permissions(manage_guild=True)
SHOWN_IDS = 10
SHOWN_PROBLEMS = 10


def reload_summary(report: ReloadReport) -> str:
    """What `/corpus reload` did, for the admin: size and changes, or why the old corpus stayed."""
    if not report.ok:
        return clip(
            f"❌ Reload failed — still serving the previous **{report.papers} papers**.\n"
            f"Why: {report.error or 'unknown error'}",
            CONTENT_MAX,
        )
    lines = [
        f"✅ Corpus reloaded: **{report.papers} papers** "
        f"({len(report.added)} new, {len(report.removed)} gone)."
    ]
    for label, ids in (("New", report.added), ("Gone", report.removed)):
        if ids:
            more = f" … and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
            lines.append(f"{label}: " + ", ".join(f"`{i}`" for i in ids[:SHOWN_IDS]) + more)
    if report.problems:
        lines.append(f"⚠️ {len(report.problems)} record(s) skipped:")
        lines += [f"• {p}" for p in report.problems[:SHOWN_PROBLEMS]]
        if len(report.problems) > SHOWN_PROBLEMS:
            lines.append(f"… and {len(report.problems) - SHOWN_PROBLEMS} more (see the bot's log)")
    return clip("\n".join(lines), CONTENT_MAX)


def _guild(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:  # guild_only commands; kept for the type checker and odd clients
        raise UserError("That command only works in a server.")
    return interaction.guild


async def _reply(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(
        clip(text, CONTENT_MAX), ephemeral=True, allowed_mentions=NO_MENTIONS
    )


class AdminCog(commands.Cog, name="Admin"):
    """Ask channels and corpus reloads."""

    config = app_commands.Group(
        name="config",
        description="paperbot's settings for this server (Manage Server).",
        guild_only=True,
        default_permissions=MANAGE_SERVER,
    )
    ask_channels = app_commands.Group(
        name="ask-channels",
        description="Channels where I answer every message as a question.",
        parent=config,
    )
    corpus = app_commands.Group(
        name="corpus",
        description="The papers I know (Manage Server).",
        guild_only=True,
        default_permissions=MANAGE_SERVER,
    )

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    # --- ask channels ------------------------------------------------------------------------------

    def _forget_cached(self, guild_id: int) -> None:
        from bot.discord_adapter.papers.questions import QuestionsCog

        questions = self.bot.get_cog("Questions")
        if isinstance(questions, QuestionsCog):
            questions.ask_channels.forget(guild_id)

    async def _save(self, guild: discord.Guild, channel_ids: list[int]) -> None:
        settings = await self.bot.app.guilds.get(guild.id)
        await self.bot.app.guilds.save(replace(settings, ask_channel_ids=tuple(channel_ids)))
        self._forget_cached(guild.id)

    async def _current(self, guild: discord.Guild) -> list[int]:
        """The stored ask channels that still exist (deleted channels are dropped on the next change)."""
        stored = (await self.bot.app.guilds.get(guild.id)).ask_channel_ids
        return [c for c in stored if guild.get_channel(c) is not None]

    def _access_warning(self, guild: discord.Guild, channel_id: int) -> str:
        channel = guild.get_channel(channel_id)
        if channel is None or not isinstance(channel, discord.abc.GuildChannel):
            return ""
        perms = channel.permissions_for(guild.me)
        if not perms.view_channel:
            missing = ["View Channel"]
        elif not perms.send_messages:  # Discord then denies embeds too; one thing to fix first
            missing = ["Send Messages"]
        else:
            missing = [
                name
                for name, ok in (
                    ("Embed Links", perms.embed_links),
                    ("Create Public Threads", perms.create_public_threads),
                    ("Send Messages in Threads", perms.send_messages_in_threads),
                )
                if not ok
            ]
        if not missing:
            return ""
        needed = ", ".join(missing)
        return f"\n⚠️ I'm missing **{needed}** in <#{channel_id}> — grant it, or my answers there will fail."

    def _intent_note(self) -> str:
        if self.bot.intents.message_content:
            return ""
        return (
            "\nℹ️ The Message Content intent is off, so in ask channels I only see messages that mention me "
            "(see the bot's docs to enable it)."
        )

    @ask_channels.command(name="add", description="Answer every message in a channel as a question.")
    @app_commands.describe(channel="The text channel where every message is a question for me")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ask_channels_add(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        """Add an ask channel (idempotent), warning when the bot can't post there."""
        guild = _guild(interaction)
        current = await self._current(guild)
        if channel.id in current:
            await _reply(interaction, f"{channel.mention} is already an ask channel.")
            return
        if len(current) >= MAX_ASK_CHANNELS:
            raise UserError(
                f"This server already has {MAX_ASK_CHANNELS} ask channels; remove one first "
                "(`/config ask-channels remove`)."
            )
        await self._save(guild, [*current, channel.id])
        log.info("ask channel %s added in server %s by user %s", channel.id, guild.id, interaction.user.id)
        text = f"✅ I'll answer every message in {channel.mention} as a question (replies open a thread)."
        await _reply(interaction, text + self._access_warning(guild, channel.id) + self._intent_note())

    @ask_channels.command(name="remove", description="Stop answering every message in a channel.")
    @app_commands.describe(channel="The ask channel to turn back into a normal channel")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ask_channels_remove(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        """Remove an ask channel; mentions there are still answered."""
        guild = _guild(interaction)
        current = await self._current(guild)
        if channel.id not in current:
            raise UserError(
                f"{channel.mention} isn't an ask channel. See them with `/config ask-channels list`."
            )
        await self._save(guild, [c for c in current if c != channel.id])
        log.info("ask channel %s removed in server %s by user %s", channel.id, guild.id, interaction.user.id)
        await _reply(interaction, f"✅ {channel.mention} is a normal channel again (mentions still work).")

    @ask_channels.command(name="list", description="The channels where every message is a question.")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ask_channels_list(self, interaction: discord.Interaction) -> None:
        """List the ask channels of this server."""
        guild = _guild(interaction)
        current = await self._current(guild)
        if not current:
            await _reply(
                interaction,
                "No ask channels yet — I answer mentions and DMs. Add one with `/config ask-channels add`.",
            )
            return
        lines = [f"Ask channels ({len(current)}):"]
        lines += [f"• <#{c}>" + self._access_warning(guild, c).replace("\n", " ") for c in current]
        await _reply(interaction, "\n".join(lines) + self._intent_note())

    # --- corpus ------------------------------------------------------------------------------------

    @corpus.command(
        name="reload",
        description="Re-read the corpus files; the current papers serve until the new ones load.",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def corpus_reload(self, interaction: discord.Interaction) -> None:
        """Reload the corpus (shared by every server) and say what changed, or why nothing did."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.bot.app.reload_corpus()
        log.info(
            "corpus reload by user %s in server %s: %s (%d papers)",
            interaction.user.id,
            interaction.guild_id,
            "ok" if report.ok else f"failed: {report.error}",
            report.papers,
        )
        await interaction.followup.send(reload_summary(report), ephemeral=True, allowed_mentions=NO_MENTIONS)
