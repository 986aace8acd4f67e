"""`/rg`: the reading group on Discord — setup, proposals, votes, sessions, presenters, memory, calendar.

Each command checks who may run it, calls one method of the core `ReadingGroupService`, renders with
`rg_render`, and lets `RgPosts` bring the Discord posts (ballot, announcement, thread, event) in line.

Who may do what. Discord's `default_permissions` would hide the *whole* `/rg` group from members, so
admin subcommands are guarded on the server side instead (`checks.has_permissions(manage_guild=True)`):
setup, vote (opening a ballot), close-vote, schedule, cancel, reschedule and swap need **Manage Server**;
roster add/remove for someone else, skip for someone else's session and withdrawing someone else's
proposal need it too. Everything else is open to every member.

Pings: every post disables mentions, except the reminders (the presenter and the group's role only).
Announcements name the role but do not ping it. The periodic job (`run_jobs`, every minute) closes
ballots whose deadline passed and sends due reminders; tests call it directly after moving the clock.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.discord_adapter import autocomplete
from bot.discord_adapter.limits import AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX, clip
from bot.discord_adapter.rg_render import (
    ballot_result_text,
    history_embed,
    history_search_embed,
    note_embed,
    paper_text,
    proposal_receipt_text,
    proposals_embed,
    roster_embed,
    session_choice_name,
    session_embed,
    settings_embed,
    upcoming_embed,
)
from bot.discord_adapter.rg_views import ALL_DYNAMIC_ITEMS, RgPosts, refusal
from bot.errors import PermissionDeniedError, ReadingGroupError, UserError
from bot.readinggroup import slots
from bot.readinggroup.models import Session
from bot.readinggroup.papers import looks_like_link
from bot.readinggroup.service import ReadingGroupService

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["JOB_ID", "ReadingGroupCog"]

log = logging.getLogger("paperbot.discord")

NO_MENTIONS = discord.AllowedMentions.none()
JOB_ID = "readinggroup:jobs"
JOB_EVERY_SECONDS = 60
WEEKDAY_CHOICES = [app_commands.Choice(name=day.capitalize(), value=day) for day in slots.WEEKDAYS]
Choices = list[app_commands.Choice[int]]
admin_only = app_commands.checks.has_permissions(manage_guild=True)


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise UserError("The reading group lives in a server; run `/rg` there.")
    return interaction.guild_id


def _jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


async def _private(interaction: discord.Interaction, lines: list[str]) -> None:
    """Finish a deferred private command with `lines` (a result and any problems for the admin)."""
    await interaction.followup.send(
        clip("\n".join(lines), 2000), ephemeral=True, allowed_mentions=NO_MENTIONS
    )


async def _public(interaction: discord.Interaction, text: str, problems: list[str]) -> None:
    """Finish a deferred public command; problems for the admin follow privately."""
    await interaction.followup.send(clip(text, 2000), allowed_mentions=NO_MENTIONS)
    if problems:
        await _private(interaction, problems)


@app_commands.guild_only()
class ReadingGroupCog(
    commands.GroupCog,
    name="ReadingGroup",
    group_name="rg",
    group_description="The reading group: propose, vote, schedule, RSVP, remember.",
):
    """Every `/rg` command, the reading group's persistent buttons, and its periodic job."""

    roster = app_commands.Group(name="roster", description="The presenter rotation.")

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot
        self.posts = RgPosts(bot)

    @property
    def rg(self) -> ReadingGroupService:
        """The core service."""
        return self.bot.app.reading_group

    async def cog_load(self) -> None:
        """Listen for the reading group's buttons, including those on messages from before a restart."""
        self.bot.add_dynamic_items(*ALL_DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        """Stop listening for the buttons."""
        self.bot.remove_dynamic_items(*ALL_DYNAMIC_ITEMS)

    # --- the periodic job -----------------------------------------------------------------------

    async def arm_jobs(self, scheduler: AsyncIOScheduler) -> None:
        """Run `run_jobs` every minute (the reminder ledger makes a late or doubled run harmless)."""
        scheduler.add_job(
            self.run_jobs,
            IntervalTrigger(seconds=JOB_EVERY_SECONDS, timezone=UTC),
            id=JOB_ID,
            replace_existing=True,
        )

    async def run_jobs(self) -> None:
        """Close ballots past their deadline (announcing winners and new sessions), then send reminders."""
        try:
            results = await self.rg.ballots.close_due()
        except Exception:
            log.exception("reading group: closing ballots past their deadline failed")
            results = []
        for result in results:
            try:
                await self.posts.after_ballot(result)
            except Exception:
                log.exception("reading group: announcing the result of ballot #%d failed", result.ballot.id)
        try:
            outcomes = await self.rg.reminders.send_due(self.bot.app.outbox)
        except Exception:
            log.exception("reading group: sending reminders failed")
            return
        for outcome in outcomes:
            if outcome.status == "failed":
                log.warning(
                    "reading group: reminder for session #%d in channel %d not sent (will retry): %s",
                    outcome.reminder.session.id,
                    outcome.reminder.channel_id,
                    outcome.error.message if outcome.error else "unknown",
                )

    # --- autocomplete ---------------------------------------------------------------------------

    async def paper_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Corpus titles as the user types; a pasted link is offered as itself."""
        choices = autocomplete.paper_choices(self.bot.app.library.index, current)
        typed = current.strip()
        if looks_like_link(typed) and len(typed) <= autocomplete.VALUE_MAX:
            choices = [app_commands.Choice(name=clip(typed, CHOICE_NAME_MAX), value=typed), *choices]
        return choices[:AUTOCOMPLETE_CHOICES_MAX]

    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA zone names containing what was typed."""
        typed = current.strip().lower().replace(" ", "_")
        found = [zone for zone in _zones() if typed in zone.lower()]
        return [app_commands.Choice(name=z, value=z) for z in found[:AUTOCOMPLETE_CHOICES_MAX]]

    async def _session_choices(
        self, interaction: discord.Interaction, current: str, *, past: bool
    ) -> Choices:
        if interaction.guild_id is None:
            return []
        try:
            settings = await self.rg.settings(interaction.guild_id)
        except ReadingGroupError:
            return []
        sessions: list[Session] = [
            v.session for v in await self.rg.sessions.upcoming(interaction.guild_id, 15)
        ]
        if past:
            sessions += [e.session for e in await self.rg.memory.history(interaction.guild_id, 10)]
        typed = current.strip().lower().lstrip("#")
        names = ((session_choice_name(x, settings.zone), x.id) for x in sessions)
        return [app_commands.Choice(name=n, value=i) for n, i in names if typed in n.lower()][
            :AUTOCOMPLETE_CHOICES_MAX
        ]

    async def upcoming_autocomplete(self, interaction: discord.Interaction, current: str) -> Choices:
        """Scheduled sessions, soonest first."""
        return await self._session_choices(interaction, current, past=False)

    async def any_session_autocomplete(self, interaction: discord.Interaction, current: str) -> Choices:
        """Scheduled sessions, then the latest past ones (for notes)."""
        return await self._session_choices(interaction, current, past=True)

    async def proposal_autocomplete(self, interaction: discord.Interaction, current: str) -> Choices:
        """Open proposals."""
        if interaction.guild_id is None:
            return []
        typed = current.strip().lower().lstrip("#")
        proposals = await self.rg.proposals.open_proposals(interaction.guild_id)
        names = ((clip(f"#{p.id} · {p.paper.title}", CHOICE_NAME_MAX), p.id) for p in proposals)
        return [app_commands.Choice(name=n, value=i) for n, i in names if typed in n.lower()][
            :AUTOCOMPLETE_CHOICES_MAX
        ]

    # --- setup ----------------------------------------------------------------------------------

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
    @app_commands.autocomplete(timezone=timezone_autocomplete)
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
            _guild_id(interaction),
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
        embed = settings_embed(saved, next_slot=next_slot, warnings=_permission_warnings(channel, role))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # --- proposals ------------------------------------------------------------------------------

    @app_commands.command(name="propose", description="Propose a paper for a future session.")
    @app_commands.describe(
        paper="Start typing a title and pick the paper, or paste a link to a paper outside the corpus",
        title="The paper's title, when you give a link",
        note="Why the group should read it (optional)",
    )
    @app_commands.autocomplete(paper=paper_autocomplete)
    async def propose(
        self,
        interaction: discord.Interaction,
        paper: str,
        title: app_commands.Range[str, 1, 300] | None = None,
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        """Add a proposal; a paper already proposed or scheduled is refused politely."""
        receipt = await self.rg.proposals.propose(
            _guild_id(interaction), interaction.user.id, paper, title=title, note=note
        )
        await interaction.response.send_message(proposal_receipt_text(receipt), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="proposals", description="The papers proposed so far, and who proposed them.")
    async def proposals(self, interaction: discord.Interaction) -> None:
        """Open (and selected) proposals, oldest first."""
        found = await self.rg.proposals.open_proposals(_guild_id(interaction))
        await interaction.response.send_message(embed=proposals_embed(found), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="withdraw", description="Withdraw a proposal (yours; admins: any).")
    @app_commands.describe(proposal="The proposal to withdraw")
    @app_commands.autocomplete(proposal=proposal_autocomplete)
    async def withdraw(self, interaction: discord.Interaction, proposal: int) -> None:
        """Withdraw an open proposal."""
        gone = await self.rg.proposals.withdraw(
            _guild_id(interaction),
            proposal,
            interaction.user.id,
            is_admin=interaction.permissions.manage_guild,
        )
        await interaction.response.send_message(
            f"Withdrew proposal #{gone.id}: {paper_text(gone.paper)}.", allowed_mentions=NO_MENTIONS
        )

    # --- votes ----------------------------------------------------------------------------------

    @app_commands.command(
        name="vote", description="Open a ballot on the proposals for the next session (Manage Server)."
    )
    @app_commands.describe(
        deadline="When voting closes, e.g. `tuesday 18:00` (default: 24 h before the session)"
    )
    @admin_only
    async def vote(self, interaction: discord.Interaction, deadline: str | None = None) -> None:
        """Post a ballot with one button per proposal in the group's channel."""
        guild_id = _guild_id(interaction)
        settings = await self.rg.settings(guild_id)
        channel = await self.posts.text_channel(settings.channel_id)
        _require_can_post(channel)
        view = await self.rg.ballots.open(guild_id, interaction.user.id, deadline=deadline)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            message = await self.posts.post_ballot(guild_id, view)
        except discord.HTTPException as exc:
            await self.rg.ballots.close(guild_id, interaction.user.id, view.ballot.id)
            raise UserError(f"I couldn't post the ballot in {channel.mention}: {refusal(exc)}.") from exc
        await _private(
            interaction,
            [
                f"Ballot #{view.ballot.id} is up: {message.jump_url}",
                f"Voting closes {format_dt(view.ballot.deadline, 'F')}; `/rg close-vote` closes it earlier.",
            ],
        )

    @app_commands.command(
        name="close-vote", description="Close the open ballot now and apply the winner (Manage Server)."
    )
    @admin_only
    async def close_vote(self, interaction: discord.Interaction) -> None:
        """Close the ballot, show the result, and announce (or fill) the session the winner goes to."""
        result = await self.rg.ballots.close(_guild_id(interaction), interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await self.posts.after_ballot(result)
        await _private(interaction, [ballot_result_text(result), *problems])

    # --- sessions -------------------------------------------------------------------------------

    @app_commands.command(name="schedule", description="Schedule a session and announce it (Manage Server).")
    @app_commands.describe(
        when="e.g. `2026-12-03 16:00`, `next thursday`, `tomorrow 17:00` (default: the next usual slot)",
        paper="A paper from the corpus, or a link (default: the vote winner)",
        title="The paper's title, when you give a link",
        presenter="Who presents (default: the next in the rotation)",
    )
    @app_commands.autocomplete(paper=paper_autocomplete)
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
            _guild_id(interaction),
            when=when,
            paper=paper,
            title=title,
            presenter_id=presenter.id if presenter else None,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await self.posts.announce(session)
        await _private(
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
        guild_id = _guild_id(interaction)
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
        found = await self.rg.sessions.upcoming(_guild_id(interaction), limit=10)
        await interaction.response.send_message(embed=upcoming_embed(found), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="cancel", description="Cancel a session (Manage Server).")
    @app_commands.describe(session="Which session (default: the next one)")
    @app_commands.autocomplete(session=upcoming_autocomplete)
    @admin_only
    async def cancel(self, interaction: discord.Interaction, session: int | None = None) -> None:
        """Cancel; the announcement says so, the Discord event is cancelled, the paper is proposed again."""
        guild_id = _guild_id(interaction)
        cancelled = await self.rg.sessions.cancel(guild_id, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        when = format_dt(cancelled.starts_at, "F")
        notice = f"🚫 Session #{cancelled.id} on {when} ({paper_text(cancelled.paper)}) is cancelled."
        problems = await self.posts.refresh_session(guild_id, cancelled.id, notice=notice)
        await _private(interaction, [f"Cancelled session #{cancelled.id} ({when}).", *problems])

    @app_commands.command(name="reschedule", description="Move a session to another time (Manage Server).")
    @app_commands.describe(
        when="The new time, e.g. `2026-12-10 16:00` or `next friday 15:00`",
        session="Which session (default: the next one)",
    )
    @app_commands.autocomplete(session=upcoming_autocomplete)
    @admin_only
    async def reschedule(
        self, interaction: discord.Interaction, when: str, session: int | None = None
    ) -> None:
        """Move the session; the announcement and Discord event follow, reminders restart for the new time."""
        guild_id = _guild_id(interaction)
        moved = await self.rg.sessions.reschedule(guild_id, when, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        notice = (
            f"📅 Session #{moved.id} ({paper_text(moved.paper)}) moved to {format_dt(moved.starts_at, 'F')}."
        )
        problems = await self.posts.refresh_session(guild_id, moved.id, notice=notice)
        await _private(
            interaction, [f"Moved session #{moved.id} to {format_dt(moved.starts_at, 'F')}.", *problems]
        )

    # --- presenters -----------------------------------------------------------------------------

    @roster.command(
        name="add", description="Join the presenter rotation (adding someone else: Manage Server)."
    )
    @app_commands.describe(member="Who joins (default: you)")
    async def roster_add(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """Add a member to the rotation."""
        target = _self_or_admin(interaction, member, "add someone else to the rotation")
        await self.rg.presenters.add(_guild_id(interaction), target.id)
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
        removal = await self.rg.presenters.remove(_guild_id(interaction), target.id)
        text = f"{target.mention} left the presenter rotation."
        if removal.still_presenting:
            ids = ", ".join(f"#{x.id}" for x in removal.still_presenting)
            text += f" They are still down to present session(s) {ids}; `/rg skip` hands one on."
        await interaction.response.send_message(text, allowed_mentions=NO_MENTIONS)

    @roster.command(name="list", description="The rotation: who presents next.")
    async def roster_list(self, interaction: discord.Interaction) -> None:
        """The roster in rotation order."""
        order = await self.rg.presenters.roster(_guild_id(interaction))
        await interaction.response.send_message(embed=roster_embed(order), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="swap", description="Swap the presenters of two sessions (Manage Server).")
    @app_commands.describe(first="One session", second="The other session")
    @app_commands.autocomplete(first=upcoming_autocomplete, second=upcoming_autocomplete)
    @admin_only
    async def swap(self, interaction: discord.Interaction, first: int, second: int) -> None:
        """Exchange presenters and update both announcements."""
        guild_id = _guild_id(interaction)
        a, b = await self.rg.presenters.swap(guild_id, first, second)
        await interaction.response.defer(thinking=True)
        problems = await self.posts.refresh_session(guild_id, a.id) + await self.posts.refresh_session(
            guild_id, b.id
        )
        text = (
            f"Swapped presenters: session #{a.id} is now presented by {_who(a.presenter_id)}, "
            f"session #{b.id} by {_who(b.presenter_id)}."
        )
        await _public(interaction, text, problems)

    @app_commands.command(
        name="skip", description="Step down as a session's presenter; the next in rotation takes over."
    )
    @app_commands.describe(
        session="Which session (default: the next one); someone else's needs Manage Server"
    )
    @app_commands.autocomplete(session=upcoming_autocomplete)
    async def skip(self, interaction: discord.Interaction, session: int | None = None) -> None:
        """The presenter (or an admin) hands the session to the next member in rotation."""
        guild_id = _guild_id(interaction)
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
            f"{_who(result.session.presenter_id)} presents instead."
        )
        await _public(interaction, text, problems)

    @app_commands.command(name="volunteer", description="Present a session that has no presenter yet.")
    @app_commands.describe(session="Which session (default: the next one)")
    @app_commands.autocomplete(session=upcoming_autocomplete)
    async def volunteer(self, interaction: discord.Interaction, session: int | None = None) -> None:
        """Take a session without a presenter."""
        guild_id = _guild_id(interaction)
        taken = await self.rg.presenters.volunteer(guild_id, interaction.user.id, session)
        await interaction.response.defer(thinking=True)
        problems = await self.posts.refresh_session(guild_id, taken.id)
        when = format_dt(taken.starts_at, "F")
        text = f"{interaction.user.mention} presents session #{taken.id} on {when}. Thank you!"
        await _public(interaction, text, problems)

    # --- memory ---------------------------------------------------------------------------------

    @app_commands.command(name="history", description="Past sessions; give words to search papers and notes.")
    @app_commands.describe(query="Words to look for in past papers and notes (optional)")
    async def history(self, interaction: discord.Interaction, query: str | None = None) -> None:
        """The latest sessions, or the past sessions best matching `query`."""
        guild_id = _guild_id(interaction)
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
    @app_commands.autocomplete(session=any_session_autocomplete)
    async def notes(
        self, interaction: discord.Interaction, session: int, text: app_commands.Range[str, 1, 4000]
    ) -> None:
        """Attach notes to a session."""
        note = await self.rg.memory.add_note(_guild_id(interaction), session, interaction.user.id, text)
        await interaction.response.send_message(embed=note_embed(note), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="calendar", description="The upcoming sessions as a calendar file (.ics).")
    async def calendar(self, interaction: discord.Interaction) -> None:
        """Attach `reading-group.ics`, the same file `paperbot rg ics` writes."""
        guild_id = _guild_id(interaction)
        settings = await self.rg.settings(guild_id)
        await interaction.response.defer(thinking=True)
        upcoming = await self.rg.sessions.upcoming(guild_id, limit=50)
        names = await self._member_names(interaction.guild, {v.session.presenter_id for v in upcoming})
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

    async def _member_names(self, guild: discord.Guild | None, user_ids: set[int | None]) -> dict[int, str]:
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


def _who(user_id: int | None) -> str:
    return f"<@{user_id}>" if user_id is not None else "nobody (the roster is empty)"


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


def _require_can_post(channel: discord.TextChannel) -> None:
    """Refuse before opening a ballot the bot could not post."""
    me = channel.guild.me
    perms = channel.permissions_for(me)
    if not (perms.view_channel and perms.send_messages and perms.embed_links):
        raise UserError(
            f"I can't post in {channel.mention} (I need View Channel, Send Messages and Embed Links there). "
            "Grant them, or pick another channel with `/rg setup`."
        )


def _permission_warnings(channel: discord.TextChannel, role: discord.Role | None) -> list[str]:
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
