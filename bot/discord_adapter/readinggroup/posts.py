"""Keeping what Discord shows in step with the reading group's core.

`RgPosts` owns each session's announcement (with RSVP buttons), its discussion thread and — when the bot
has Manage Events — its Discord Scheduled Event, and announces a ballot's result. A post that Discord
refuses never undoes the core's change; the refusal is returned as a sentence for the admin and logged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.discord_adapter.interactions import NO_MENTIONS
from bot.discord_adapter.limits import clip
from bot.discord_adapter.readinggroup.events import can_manage_events, create_event, sync_event
from bot.discord_adapter.readinggroup.interactions import for_discord
from bot.discord_adapter.readinggroup.render import (
    ballot_embed,
    ballot_result_text,
    session_embed,
    thread_name,
)
from bot.discord_adapter.readinggroup.rsvp import rsvp_view
from bot.errors import UserError
from bot.readinggroup.models import RsvpCounts, Session
from bot.readinggroup.results import BallotResult, BallotView, SessionView
from bot.readinggroup.service import ReadingGroupService

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["RgPosts", "or_missing", "refusal"]

log = logging.getLogger("paperbot.discord")


def or_missing(view: discord.ui.View | None) -> Any:
    """`send` takes no `view=None`; MISSING means "no components"."""
    return discord.utils.MISSING if view is None else view


def refusal(exc: discord.HTTPException) -> str:
    """Why Discord refused, in words an admin can act on."""
    if isinstance(exc, discord.Forbidden):
        return "I'm missing a permission there (Discord said “" + (exc.text or "Forbidden") + "”)"
    if isinstance(exc, discord.NotFound):
        return "it no longer exists"
    return f"Discord answered {exc.status} {exc.text}".strip()


def _problem(what: str, exc: discord.HTTPException) -> str:
    """`what` went wrong because Discord refused: the sentence for the admin, also logged."""
    sentence = f"{what}: {refusal(exc)}."
    log.warning("reading group: %s", sentence)
    return sentence


class RgPosts:
    """The reading group's posts: session announcements, threads, scheduled events and ballot results."""

    THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080
    """A week: the thread stays open from the announcement until after the session."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    @property
    def rg(self) -> ReadingGroupService:
        """The core service, worded for Discord."""
        return for_discord(self.bot.app.reading_group)

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
                problems.append(_problem(f"I couldn't update the ballot message in <#{channel_id}>", exc))
        try:
            await self._say(channel_id, ballot_result_text(result))
        except discord.HTTPException as exc:
            problems.append(_problem(f"I couldn't announce the result in <#{channel_id}>", exc))
        if result.session is not None:
            if result.session_created:
                problems += await self.announce(result.session)
            else:
                problems += await self.refresh_session(ballot.guild_id, result.session.id)
        return problems

    async def announce(self, session: Session) -> list[str]:
        """Post the session's announcement with RSVP buttons, open its thread, create its Discord event."""
        settings = await self.rg.settings(session.guild_id)
        view = SessionView(session, RsvpCounts())
        try:
            channel = await self.text_channel(settings.channel_id)
            message = await channel.send(
                embed=session_embed(view, settings),
                view=or_missing(rsvp_view(view)),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException as exc:
            return [_problem(f"I couldn't post the announcement in <#{settings.channel_id}>", exc)]
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
            problems.append(_problem("I couldn't open the discussion thread", exc))
        event_id: int | None = None
        if can_manage_events(channel.guild):
            try:
                event_id = await create_event(session, settings, channel)
            except discord.HTTPException as exc:
                problems.append(_problem("I couldn't create the Discord event", exc))
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
                problems.append(_problem("I couldn't update the announcement", exc))
        if notice:
            try:
                await self._say(settings.channel_id, notice)
            except discord.HTTPException as exc:
                problems.append(_problem(f"I couldn't post in <#{settings.channel_id}>", exc))
        if session.scheduled_event_id is not None:
            guild = self.bot.get_guild(guild_id)
            if guild is None or not can_manage_events(guild):
                problems.append(
                    "I couldn't update the Discord event: I need the **Manage Events** permission."
                )
            else:
                try:
                    await sync_event(guild, session.scheduled_event_id, session, settings)
                except discord.HTTPException as exc:
                    problems.append(_problem("I couldn't update the Discord event", exc))
        return problems
