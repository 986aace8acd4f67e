"""The reading group's messages on Discord: their persistent buttons, and keeping the posts in step.

Every button is a `discord.ui.DynamicItem` whose custom_id carries the state it needs, so clicks work on
messages posted before a restart (the cog registers the classes with `bot.add_dynamic_items`):

    rg:propose:<paper_id>               any paper card or digest post (other features only add the button)
    rg:vote:<ballot_id>:<proposal_id>   one per ballot option
    rg:unvote:<ballot_id>               take my vote back
    rg:close:<ballot_id>                close the ballot now (Manage Server, checked on click)
    rg:rsvp:<session_id>:<going|maybe|cant>

A click asks the core, then redraws the message it is on (counts update in place) and tells the clicker
privately what happened. Errors go through the one interaction error handler.

`RgPosts` keeps what Discord shows in step with the core: the ballot message, each session's
announcement (RSVP buttons), its discussion thread and — when the bot has Manage Events — its Discord
Scheduled Event (created, edited on reschedule, cancelled on cancel). A post that Discord refuses never
undoes the core's change; the refusal is returned as a sentence for the admin and logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, cast

import discord
from discord import EntityType

from bot.discord_adapter.errors import handle_interaction_error
from bot.discord_adapter.limits import BUTTON_LABEL_MAX, clip
from bot.discord_adapter.rg_render import (
    ballot_embed,
    ballot_result_text,
    event_details,
    paper_text,
    proposal_receipt_text,
    session_embed,
    thread_name,
)
from bot.errors import PermissionDeniedError, UserError
from bot.readinggroup.models import GroupSettings, RsvpChoice, RsvpCounts, Session, SessionStatus
from bot.readinggroup.results import BallotResult, BallotView, SessionView
from bot.readinggroup.service import ReadingGroupService

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = [
    "CloseVoteButton",
    "ProposeButton",
    "RgPosts",
    "RsvpButton",
    "UnvoteButton",
    "VoteButton",
    "ballot_view",
    "propose_custom_id",
    "rsvp_view",
]

log = logging.getLogger("paperbot.discord")

NO_MENTIONS = discord.AllowedMentions.none()
RSVP_LABELS = {RsvpChoice.GOING: "Going", RsvpChoice.MAYBE: "Maybe", RsvpChoice.CANT: "Can't"}
RSVP_STYLES = {
    RsvpChoice.GOING: discord.ButtonStyle.success,
    RsvpChoice.MAYBE: discord.ButtonStyle.secondary,
    RsvpChoice.CANT: discord.ButtonStyle.danger,
}
CUSTOM_ID_MAX = 100
PROPOSE_PREFIX = "rg:propose:"

Button = discord.ui.Button[discord.ui.View]


def propose_custom_id(paper_id: str) -> str | None:
    """The custom_id of a *Propose for reading group* button, or None if the id is too long for one."""
    custom_id = f"{PROPOSE_PREFIX}{paper_id}"
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


def _bot(interaction: discord.Interaction) -> PaperBot:
    return cast("PaperBot", interaction.client)


def _rg(interaction: discord.Interaction) -> ReadingGroupService:
    return _bot(interaction).app.reading_group


def _posts(interaction: discord.Interaction) -> RgPosts:
    return RgPosts(_bot(interaction))


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise UserError("The reading group lives in a server — use this button (or `/rg`) there, not in DMs.")
    return interaction.guild_id


async def _guarded(interaction: discord.Interaction, action: Callable[[], Awaitable[None]]) -> None:
    """Run a click's action; any error becomes the usual private message and operator log line."""
    try:
        await action()
    except Exception as exc:
        await handle_interaction_error(interaction, exc)


# --- propose ---------------------------------------------------------------------------------------


class ProposeButton(discord.ui.DynamicItem[Button], template=r"rg:propose:(?P<paper>.+)"):
    """*Propose for reading group* under a paper card or digest post: proposes that paper for the clicker."""

    def __init__(self, paper_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Propose for reading group",
                emoji="📚",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PROPOSE_PREFIX}{paper_id}",
            )
        )
        self.paper_id = paper_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ProposeButton:
        """Rebuild the button from its custom_id."""
        return cls(match["paper"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Propose the paper; the reply (or a polite refusal of a duplicate) is private."""

        async def act() -> None:
            receipt = await _rg(interaction).proposals.propose(
                _guild_id(interaction), interaction.user.id, self.paper_id
            )
            await interaction.response.send_message(
                proposal_receipt_text(receipt), ephemeral=True, allowed_mentions=NO_MENTIONS
            )

        await _guarded(interaction, act)


# --- ballots ---------------------------------------------------------------------------------------


class VoteButton(discord.ui.DynamicItem[Button], template=r"rg:vote:(?P<ballot>[0-9]+):(?P<proposal>[0-9]+)"):
    """One ballot option: clicking casts (or moves) the member's one vote."""

    def __init__(
        self, ballot_id: int, proposal_id: int, label: str = "Vote", *, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.primary,
                custom_id=f"rg:vote:{ballot_id}:{proposal_id}",
                disabled=disabled,
            )
        )
        self.ballot_id = ballot_id
        self.proposal_id = proposal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["ballot"]), int(match["proposal"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the vote, redraw the counts, and tell the voter privately what they chose."""

        async def act() -> None:
            view = await _rg(interaction).ballots.vote(
                _guild_id(interaction), self.ballot_id, interaction.user.id, self.proposal_id
            )
            await _redraw_ballot(interaction, view)
            chosen = next(r.proposal for r in view.tally.options if r.proposal.id == self.proposal_id)
            await interaction.followup.send(
                f"Your vote: {paper_text(chosen.paper)}. Click another paper to change it.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )

        await _guarded(interaction, act)


class UnvoteButton(discord.ui.DynamicItem[Button], template=r"rg:unvote:(?P<ballot>[0-9]+)"):
    """Take my vote back while the ballot is open."""

    def __init__(self, ballot_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Withdraw my vote",
                style=discord.ButtonStyle.secondary,
                custom_id=f"rg:unvote:{ballot_id}",
            )
        )
        self.ballot_id = ballot_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> UnvoteButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["ballot"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Retract the vote and redraw the counts."""

        async def act() -> None:
            view = await _rg(interaction).ballots.retract(
                _guild_id(interaction), self.ballot_id, interaction.user.id
            )
            await _redraw_ballot(interaction, view)
            await interaction.followup.send(
                "Your vote is withdrawn; you can vote again until the ballot closes.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )

        await _guarded(interaction, act)


class CloseVoteButton(discord.ui.DynamicItem[Button], template=r"rg:close:(?P<ballot>[0-9]+)"):
    """Close the ballot now; only members with Manage Server may (checked on the server side)."""

    def __init__(self, ballot_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Close vote (admins)",
                style=discord.ButtonStyle.danger,
                custom_id=f"rg:close:{ballot_id}",
            )
        )
        self.ballot_id = ballot_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CloseVoteButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["ballot"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Close the ballot, show the result on it, then announce the winner (and its session)."""

        async def act() -> None:
            if not interaction.permissions.manage_guild:
                raise PermissionDeniedError("Only members with **Manage Server** can close a vote early.")
            result = await _rg(interaction).ballots.close(
                _guild_id(interaction), interaction.user.id, self.ballot_id
            )
            await interaction.response.edit_message(
                embed=ballot_embed(BallotView(result.ballot, result.tally)),
                view=None,
                allowed_mentions=NO_MENTIONS,
            )
            problems = await _posts(interaction).after_ballot(result, edit_ballot=False)
            await interaction.followup.send(
                "\n".join(["Vote closed.", *problems]), ephemeral=True, allowed_mentions=NO_MENTIONS
            )

        await _guarded(interaction, act)


async def _redraw_ballot(interaction: discord.Interaction, view: BallotView) -> None:
    await interaction.response.edit_message(
        embed=ballot_embed(view), view=ballot_view(view), allowed_mentions=NO_MENTIONS
    )


def ballot_view(view: BallotView) -> discord.ui.View | None:
    """The ballot's buttons (one per option with its count, withdraw, close); None once it is closed."""
    if not view.is_open:
        return None
    buttons = discord.ui.View(timeout=None)
    for number, row in enumerate(view.tally.options, start=1):
        label = f"{number}. {clip(row.proposal.paper.title, 60)} · {row.votes}"
        buttons.add_item(VoteButton(view.ballot.id, row.proposal.id, label, disabled=not row.eligible))
    buttons.add_item(UnvoteButton(view.ballot.id))
    buttons.add_item(CloseVoteButton(view.ballot.id))
    return buttons


# --- RSVP ------------------------------------------------------------------------------------------


class RsvpButton(
    discord.ui.DynamicItem[Button], template=r"rg:rsvp:(?P<session>[0-9]+):(?P<choice>going|maybe|cant)"
):
    """*Going* / *Maybe* / *Can't* under a session announcement (a later click replaces the earlier one)."""

    def __init__(self, session_id: int, choice: RsvpChoice, count: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{RSVP_LABELS[choice]} ({count})",
                style=RSVP_STYLES[choice],
                custom_id=f"rg:rsvp:{session_id}:{choice.value}",
            )
        )
        self.session_id = session_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["session"]), RsvpChoice(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the answer, update the counts on the announcement, confirm privately."""

        async def act() -> None:
            guild_id = _guild_id(interaction)
            rg = _rg(interaction)
            await rg.sessions.rsvp(guild_id, self.session_id, interaction.user.id, self.choice)
            view = await rg.sessions.get(guild_id, self.session_id)
            settings = await rg.settings(guild_id)
            await interaction.response.edit_message(
                embed=session_embed(view, settings), view=rsvp_view(view), allowed_mentions=NO_MENTIONS
            )
            await interaction.followup.send(
                f"Noted: **{RSVP_LABELS[self.choice]}** for session #{self.session_id}. "
                "Click another answer to change it.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )

        await _guarded(interaction, act)


def rsvp_view(view: SessionView) -> discord.ui.View | None:
    """The RSVP buttons with their counts; None once the session is cancelled or over."""
    if view.session.status is not SessionStatus.SCHEDULED:
        return None
    buttons = discord.ui.View(timeout=None)
    counts = {
        RsvpChoice.GOING: view.rsvps.going,
        RsvpChoice.MAYBE: view.rsvps.maybe,
        RsvpChoice.CANT: view.rsvps.cant,
    }
    for choice, count in counts.items():
        buttons.add_item(RsvpButton(view.session.id, choice, count))
    return buttons


ALL_DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ProposeButton,
    VoteButton,
    UnvoteButton,
    CloseVoteButton,
    RsvpButton,
)
"""What the cog registers with `bot.add_dynamic_items`."""


# --- keeping the posts in step ---------------------------------------------------------------------


def _or_missing(view: discord.ui.View | None) -> Any:
    """`send` takes no `view=None`; MISSING means "no components"."""
    return discord.utils.MISSING if view is None else view


def _can_manage_events(guild: discord.Guild) -> bool:
    """Whether the bot may create and edit Discord Scheduled Events in `guild`."""
    me = guild.me
    return me is not None and me.guild_permissions.manage_events


def refusal(exc: discord.HTTPException) -> str:
    """Why Discord refused, in words an admin can act on."""
    if isinstance(exc, discord.Forbidden):
        return "I'm missing a permission there (Discord said “" + (exc.text or "Forbidden") + "”)"
    if isinstance(exc, discord.NotFound):
        return "it no longer exists"
    return f"Discord answered {exc.status} {exc.text}".strip()


class RgPosts:
    """The reading group's posts: ballots, session announcements, threads and scheduled events."""

    THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080
    """A week: the thread stays open from the announcement until after the session."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    @property
    def rg(self) -> ReadingGroupService:
        """The core service."""
        return self.bot.app.reading_group

    async def text_channel(self, channel_id: int) -> discord.TextChannel:
        """The group's text channel (from the cache, else fetched)."""
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise UserError(
                f"<#{channel_id}> isn't a text channel I can post in. Pick another with `/rg setup`."
            )
        return channel

    async def _edit(
        self, channel_id: int, message_id: int, *, embed: discord.Embed, view: discord.ui.View | None
    ) -> None:
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        await message.edit(embed=embed, view=view, allowed_mentions=NO_MENTIONS)

    async def _say(self, channel_id: int, text: str) -> None:
        await self.bot.get_partial_messageable(channel_id).send(
            clip(text, 2000), allowed_mentions=NO_MENTIONS
        )

    # --- ballots ---

    async def post_ballot(self, guild_id: int, view: BallotView) -> discord.Message:
        """Post a new ballot in the group's channel and remember where it is (the closing job edits it)."""
        settings = await self.rg.settings(guild_id)
        channel = await self.text_channel(settings.channel_id)
        message = await channel.send(
            embed=ballot_embed(view), view=_or_missing(ballot_view(view)), allowed_mentions=NO_MENTIONS
        )
        await self.rg.ballots.record_message(guild_id, view.ballot.id, channel.id, message.id)
        return message

    async def after_ballot(self, result: BallotResult, *, edit_ballot: bool = True) -> list[str]:
        """A ballot closed: show the result on it, announce the winner, announce or update its session."""
        ballot = result.ballot
        problems: list[str] = []
        settings = await self.rg.settings(ballot.guild_id)
        channel_id = ballot.channel_id or settings.channel_id
        if edit_ballot and ballot.channel_id and ballot.message_id:
            try:
                view = BallotView(ballot, result.tally)
                await self._edit(ballot.channel_id, ballot.message_id, embed=ballot_embed(view), view=None)
            except discord.HTTPException as exc:
                problems.append(
                    self._problem(f"I couldn't update the ballot message in <#{channel_id}>", exc)
                )
        try:
            await self._say(channel_id, ballot_result_text(result))
        except discord.HTTPException as exc:
            problems.append(self._problem(f"I couldn't announce the result in <#{channel_id}>", exc))
        if result.session is not None:
            if result.session_created:
                problems += await self.announce(result.session)
            else:
                problems += await self.refresh_session(ballot.guild_id, result.session.id)
        return problems

    # --- sessions ---

    async def announce(self, session: Session) -> list[str]:
        """Post the session's announcement with RSVP buttons, open its thread, create its Discord event."""
        settings = await self.rg.settings(session.guild_id)
        view = SessionView(session, RsvpCounts())
        try:
            channel = await self.text_channel(settings.channel_id)
            message = await channel.send(
                embed=session_embed(view, settings),
                view=_or_missing(rsvp_view(view)),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException as exc:
            return [self._problem(f"I couldn't post the announcement in <#{settings.channel_id}>", exc)]
        except UserError as exc:  # the configured channel is not a text channel
            log.warning("reading group: %s", exc.message)
            return [exc.message]
        problems: list[str] = []
        thread_id: int | None = None
        try:
            thread = await message.create_thread(
                name=thread_name(session), auto_archive_duration=self.THREAD_ARCHIVE_MINUTES
            )
            thread_id = thread.id
        except discord.HTTPException as exc:
            problems.append(self._problem("I couldn't open the discussion thread", exc))
        event_id: int | None = None
        if _can_manage_events(channel.guild):
            try:
                event_id = await self._create_event(session, settings, channel)
            except discord.HTTPException as exc:
                problems.append(self._problem("I couldn't create the Discord event", exc))
        await self.rg.sessions.record_links(
            session.guild_id,
            session.id,
            announcement_message_id=message.id,
            thread_id=thread_id,
            scheduled_event_id=event_id,
        )
        return problems

    async def refresh_session(
        self, guild_id: int, session_id: int, *, notice: str | None = None
    ) -> list[str]:
        """Redraw the announcement and update the Discord event after a change; post `notice` if given.

        The notice (a cancellation, a new time) goes to the group's channel, where everyone who saw the
        announcement will see it too.
        """
        view = await self.rg.sessions.get(guild_id, session_id)
        settings = await self.rg.settings(guild_id)
        session = view.session
        problems: list[str] = []
        if session.announcement_message_id is not None:
            try:
                await self._edit(
                    settings.channel_id,
                    session.announcement_message_id,
                    embed=session_embed(view, settings),
                    view=rsvp_view(view),
                )
            except discord.HTTPException as exc:
                problems.append(self._problem("I couldn't update the announcement", exc))
        if notice:
            try:
                await self._say(settings.channel_id, notice)
            except discord.HTTPException as exc:
                problems.append(self._problem(f"I couldn't post in <#{settings.channel_id}>", exc))
        if session.scheduled_event_id is not None:
            guild = self.bot.get_guild(guild_id)
            if guild is None or not _can_manage_events(guild):
                problems.append(
                    "I couldn't update the Discord event: I need the **Manage Events** permission."
                )
            else:
                try:
                    await self._sync_event(guild, session.scheduled_event_id, session, settings)
                except discord.HTTPException as exc:
                    problems.append(self._problem("I couldn't update the Discord event", exc))
        return problems

    async def _create_event(
        self, session: Session, settings: GroupSettings, channel: discord.TextChannel
    ) -> int:
        guild = channel.guild
        name, description, location = event_details(session, settings, channel.name)
        place = guild.get_channel(settings.location_channel_id) if settings.location_channel_id else None
        if isinstance(place, discord.VoiceChannel | discord.StageChannel):
            event = await guild.create_scheduled_event(
                name=name,
                description=description,
                start_time=session.starts_at,
                end_time=session.ends_at,
                channel=place,  # the entity type (voice or stage) follows from the channel
                privacy_level=discord.PrivacyLevel.guild_only,
            )
        else:
            event = await guild.create_scheduled_event(
                name=name,
                description=description,
                start_time=session.starts_at,
                end_time=session.ends_at,
                entity_type=EntityType.external,
                location=location,
                privacy_level=discord.PrivacyLevel.guild_only,
            )
        return event.id

    async def _sync_event(
        self, guild: discord.Guild, event_id: int, session: Session, settings: GroupSettings
    ) -> None:
        event = guild.get_scheduled_event(event_id) or await guild.fetch_scheduled_event(event_id)
        if session.status is SessionStatus.CANCELLED:
            if event.status is discord.EventStatus.scheduled:
                await event.cancel()
            return
        if session.status is not SessionStatus.SCHEDULED:
            return
        text = guild.get_channel(settings.channel_id)
        name, description, location = event_details(session, settings, text.name if text else None)
        if event.entity_type is EntityType.external:
            await event.edit(
                name=name,
                description=description,
                start_time=session.starts_at,
                end_time=session.ends_at,
                location=location,
            )
        else:
            await event.edit(
                name=name, description=description, start_time=session.starts_at, end_time=session.ends_at
            )

    @staticmethod
    def _problem(what: str, exc: discord.HTTPException) -> str:
        sentence = f"{what}: {refusal(exc)}."
        log.warning("reading group: %s", sentence)
        return sentence
