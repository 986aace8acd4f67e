"""Server-admin commands: `/config ask-channels add|remove|list`, `/corpus reload` (Manage Server) and
`/corpus add|import|edit|remove` (Manage Server or a paper editors' role; see `additions.py`).

Both groups are hidden from members without Manage Server (`default_permissions`) *and* checked when run
(`checks.has_permissions`, `additions.require_editor`): a server can override who sees a command, so the
check on our side is what actually guards it. Replies are private (ephemeral).
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
from bot.discord_adapter.papers import additions, autocomplete
from bot.errors import SourceError, UserError
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

    # --- adding and changing papers (Manage Server or a paper editors' role) --------------------------

    def _require_editor(self, interaction: discord.Interaction) -> None:
        additions.require_editor(interaction, self.bot.app.settings.discord.paper_editor_role_ids)

    async def paper_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Titles (and papers of matching authors) as the user types."""
        return autocomplete.paper_choices(self.bot.app.library.index, current)

    async def _followup(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @corpus.command(name="add", description="Add a paper from arXiv or a DOI; it's searchable right away.")
    @app_commands.describe(reference="An arXiv id or link (2302.11563), a DOI (10.1145/…), or the full title")
    async def corpus_add(self, interaction: discord.Interaction, reference: str) -> None:
        """Fetch the paper's metadata and add it, or say it is already there."""
        self._require_editor(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)  # arXiv may take seconds
        try:
            result = await self.bot.app.additions.add(reference, additions.actor(interaction.user))
        except SourceError as exc:
            additions.log_source_failure(interaction, reference, exc)
            raise
        await self._followup(interaction, additions.added_text(result))

    @corpus.command(name="import", description="Add the papers of a .bib file; broken entries are listed.")
    @app_commands.describe(file="A BibTeX file (.bib, UTF-8, at most 1 MiB)")
    async def corpus_import(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Import every readable entry; name each broken one with its line."""
        self._require_editor(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)  # the download may take a moment
        text = await additions.read_bib(file)
        report = await self.bot.app.additions.import_bibtex(
            text, file.filename, additions.actor(interaction.user)
        )
        await self._followup(interaction, additions.import_text(report, file.filename))

    @corpus.command(name="edit", description="Fix a paper's title, or add a link to its code.")
    @app_commands.describe(
        paper="Start typing a title, then pick the paper",
        title="The corrected title",
        code="A link to the paper's code, e.g. https://github.com/lab/repo",
    )
    @app_commands.autocomplete(paper=paper_autocomplete)
    async def corpus_edit(
        self, interaction: discord.Interaction, paper: str, title: str | None = None, code: str | None = None
    ) -> None:
        """Change what was asked; the paper keeps its id."""
        self._require_editor(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        edited = await self.bot.app.additions.edit(
            paper, additions.actor(interaction.user), title=title, code_link=code
        )
        await self._followup(interaction, additions.edited_text(edited))

    @corpus.command(name="remove", description="Remove a paper someone added.")
    @app_commands.describe(paper="Start typing a title, then pick the paper")
    @app_commands.autocomplete(paper=paper_autocomplete)
    async def corpus_remove(self, interaction: discord.Interaction, paper: str) -> None:
        """Remove an added paper (a corpus file's paper is refused: edit its file)."""
        self._require_editor(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        removed = await self.bot.app.additions.remove(paper, additions.actor(interaction.user))
        await self._followup(interaction, additions.removed_text(removed))

    # --- following people on arXiv (Manage Server or a paper editors' role) ----------------------------

    @corpus.command(
        name="follow", description="Follow someone on arXiv: their new papers are added and announced."
    )
    @app_commands.describe(who='A name ("Thomas Hofmann") or an arXiv query (au:Hofmann_T AND cat:cs.LG)')
    async def corpus_follow(self, interaction: discord.Interaction, who: str) -> None:
        """Follow a name or query for this server; its papers already out are not announced."""
        self._require_editor(interaction)
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        following = self.bot.app.following
        try:
            follow, already = await following.follow(guild.id, who, additions.actor(interaction.user))
        except SourceError as exc:
            additions.log_source_failure(interaction, who, exc)
            raise
        channel = await following.store.channel(guild.id)
        await self._followup(interaction, additions.followed_text(follow.label, already, channel))

    @corpus.command(name="unfollow", description="Stop following someone on arXiv.")
    @app_commands.describe(who="The name or query, as you followed it (see /corpus following)")
    async def corpus_unfollow(self, interaction: discord.Interaction, who: str) -> None:
        """Stop following; papers already announced stay in the corpus."""
        self._require_editor(interaction)
        follow = await self.bot.app.following.unfollow(_guild(interaction).id, who)
        await _reply(interaction, f"✅ No longer following {follow.label}. Their papers stay in the corpus.")

    @corpus.command(name="following", description="Whom this server follows on arXiv, and where news goes.")
    async def corpus_following(self, interaction: discord.Interaction) -> None:
        """The server's follows and announcement channel."""
        guild = _guild(interaction)
        follows = await self.bot.app.following.store.follows(guild.id)
        channel = await self.bot.app.following.store.channel(guild.id)
        await _reply(interaction, additions.following_text([f.label for f in follows], channel))

    @corpus.command(name="follow-channel", description="Where I announce followed people's new papers.")
    @app_commands.describe(channel='The channel for "New from the group" posts')
    async def corpus_follow_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        """Set the announcement channel, warning when the bot can't post there."""
        self._require_editor(interaction)
        guild = _guild(interaction)
        await self.bot.app.following.store.set_channel(guild.id, channel.id)
        warning = self._access_warning(guild, channel.id)
        await _reply(
            interaction, f"✅ I'll announce followed people's new papers in <#{channel.id}>.{warning}"
        )
