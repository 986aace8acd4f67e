"""Pure rendering for the reading group: core results → message text and embeds, within Discord's limits.

Nothing here talks to Discord; the phrases (a paper, a person, a time) come from `text`. Times are
Discord timestamps (`<t:…:F>`), so every reader sees their own zone; people are `<@id>` mentions, which
render as names but ping nobody unless a send allows it — only `reminder_message` is ever sent with pings
(the presenter and the group's role). Paper titles are escaped for markdown and, in the reminder,
defused for mentions too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import discord
from discord.utils import escape_mentions, format_dt

from bot.discord_adapter.limits import (
    CHOICE_NAME_MAX,
    EMBED_DESCRIPTION_MAX,
    THREAD_NAME_MAX,
    clip,
    fit_embed,
)
from bot.discord_adapter.readinggroup.text import (
    noun,
    paper_link,
    paper_text,
    person,
    place_text,
    plain,
    rsvp_line,
    session_title,
    time_text,
    within,
)
from bot.readinggroup.history import HistoryResults
from bot.readinggroup.models import (
    GroupSettings,
    HistoryEntry,
    Note,
    PaperRef,
    Proposal,
    ProposalStatus,
    Session,
    SessionStatus,
)
from bot.readinggroup.reminders import format_offset
from bot.readinggroup.results import BallotResult, BallotView, ProposalReceipt, SessionView
from bot.readinggroup.rotation import RotationSlot
from bot.readinggroup.slots import WEEKDAYS

__all__ = [
    "ballot_embed",
    "ballot_result_text",
    "discussed_line",
    "event_details",
    "history_embed",
    "history_search_embed",
    "note_embed",
    "proposal_receipt_text",
    "proposals_embed",
    "reminder_message",
    "roster_embed",
    "session_choice_name",
    "session_embed",
    "settings_embed",
    "thread_name",
    "upcoming_embed",
]

RG_COLOUR = discord.Colour.dark_teal()
CLOSED_COLOUR = discord.Colour.light_grey()
EVENT_NAME_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
EVENT_LOCATION_MAX = 100


def discussed_line(dates: Sequence[datetime]) -> str:
    """ "📚 Discussed in the reading group on …" for a paper card; "" when it never was."""
    if not dates:
        return ""
    shown = ", ".join(format_dt(d, "D") for d in dates[-5:])
    return f"📚 Discussed in the reading group on {shown}"


# --- setup and proposals ---------------------------------------------------------------------------


def settings_embed(
    settings: GroupSettings, *, next_slot: datetime, warnings: Sequence[str] = ()
) -> discord.Embed:
    """What `/rg setup` saved: channel, usual slot (and when that is next), role, place, reminders."""
    slot = f"{WEEKDAYS[settings.weekday].capitalize()}s {settings.time:%H:%M} ({settings.timezone})"
    embed = discord.Embed(title="Reading group set up", colour=RG_COLOUR)
    embed.add_field(name="Channel", value=f"<#{settings.channel_id}>")
    embed.add_field(name="Usual slot", value=f"{slot}\nnext: {format_dt(next_slot, 'F')}", inline=False)
    embed.add_field(name="Role to notify", value=f"<@&{settings.role_id}>" if settings.role_id else "none")
    embed.add_field(name="Where", value=place_text(settings) or "not set")
    offsets = ", ".join(format_offset(m) for m in settings.reminder_offsets) or "off"
    embed.add_field(name="Reminders before", value=offsets)
    embed.add_field(name="Length", value=f"{settings.duration_minutes} min")
    if warnings:
        embed.add_field(name="⚠️ Check my permissions", value="\n".join(warnings), inline=False)
    return fit_embed(embed)


def proposal_receipt_text(receipt: ProposalReceipt) -> str:
    """The reply to a proposal: what was proposed, and when it was discussed before (a re-proposal)."""
    proposal = receipt.proposal
    text = f"Proposed {paper_text(proposal.paper)} for the reading group (proposal #{proposal.id})."
    if receipt.discussed_on:
        dates = ", ".join(format_dt(d, "D") for d in receipt.discussed_on)
        text += f" The group discussed it before on {dates}; this proposal can win a new vote."
    return clip(text + " It will be on the next ballot (`/rg vote`).", 2000)


def _proposal_line(proposal: Proposal) -> str:
    status = " · *selected*" if proposal.status is ProposalStatus.SELECTED else ""
    note = f"\n> {plain(clip(proposal.note, 150))}" if proposal.note else ""
    return (
        f"`#{proposal.id}` {paper_text(proposal.paper, 150)} — proposed by <@{proposal.proposer_id}> "
        f"{format_dt(proposal.created_at, 'D')}{status}{note}"
    )


def proposals_embed(proposals: Sequence[Proposal]) -> discord.Embed:
    """`/rg proposals`: every open (and selected) proposal, oldest first, with its proposer."""
    if not proposals:
        body = "Nothing is proposed yet. Propose a paper with `/rg propose`."
    else:
        body = within(_proposal_line(p) for p in proposals)
    title = f"Reading group proposals ({len(proposals)} {noun(len(proposals), 'proposal')})"
    return fit_embed(discord.Embed(title=title, description=body, colour=RG_COLOUR))


# --- ballots ---------------------------------------------------------------------------------------


def ballot_embed(view: BallotView) -> discord.Embed:
    """A ballot with live counts; once closed, the winner and how it was decided."""
    ballot, tally = view.ballot, view.tally
    lines = []
    for number, row in enumerate(tally.options, start=1):
        votes = f"**{row.votes}** {noun(row.votes, 'vote')}"
        line = (
            f"**{number}.** {paper_text(row.proposal.paper, 150)} — <@{row.proposal.proposer_id}> · {votes}"
        )
        if not row.eligible:
            line += " · *can't win (discussed, or withdrawn, since it was proposed)*"
        lines.append(line)
    if view.is_open:
        head = (
            f"Which paper for the session on {format_dt(ballot.target_starts_at, 'F')}?\n"
            f"Voting closes {format_dt(ballot.deadline, 'R')} ({format_dt(ballot.deadline, 'f')}). "
            "One vote per member — click another paper to change it."
        )
        title = "🗳️ Reading group vote"
        colour = RG_COLOUR
    else:
        head = _result_sentence(tally.winner.paper if tally.winner else None, view)
        title = "🗳️ Reading group vote — closed"
        colour = CLOSED_COLOUR
    if view.omitted:
        lines.append(f"*{view.omitted} more proposal(s) did not fit on this ballot; they stay proposed.*")
    embed = discord.Embed(title=title, description=within([head, "", *lines]), colour=colour)
    embed.set_footer(
        text=f"Ballot #{ballot.id} · {tally.total_votes} {noun(tally.total_votes, 'vote')} · {tally.rule}"
    )
    return fit_embed(embed)


def _result_sentence(winner: PaperRef | None, view: BallotView) -> str:
    if winner is None:
        return "Voting closed without a winner: nobody voted for an eligible paper."
    top = max(row.votes for row in view.tally.options)
    text = f"Voting closed. Winner: {paper_text(winner)} with {top} {noun(top, 'vote')}."
    if view.tally.tied:
        text += f" It was a {len(view.tally.tied)}-way tie, so the paper proposed first won."
    return text


def ballot_result_text(result: BallotResult) -> str:
    """The channel announcement when a ballot closes: the winner and which session it fills."""
    view = BallotView(result.ballot, result.tally)
    text = "🗳️ " + _result_sentence(result.winner.paper if result.winner else None, view)
    if result.winner is not None:
        if result.session is not None:
            text += f" It's on for {format_dt(result.session.starts_at, 'F')} (session #{result.session.id})."
        else:
            text += " An admin can put it on the programme with `/rg schedule`."
    return clip(text, 2000)


# --- sessions --------------------------------------------------------------------------------------


def session_embed(view: SessionView, settings: GroupSettings) -> discord.Embed:
    """A session's announcement: paper, time, presenter, place and RSVP counts (or that it was cancelled)."""
    session = view.session
    cancelled = session.status is SessionStatus.CANCELLED
    embed = discord.Embed(
        title=clip(("Cancelled — " if cancelled else "📚 Reading group: ") + session_title(session), 256),
        url=paper_link(session.paper),
        colour=CLOSED_COLOUR if cancelled else RG_COLOUR,
    )
    lines = [f"**When:** {time_text(session.starts_at)}"]
    if session.paper is None:
        lines.append("**Paper:** to be decided — a vote (`/rg vote`) can fill it")
    elif session.paper.paper_id:
        lines.append(f"**Paper:** {paper_text(session.paper)} (`/paper {session.paper.paper_id}`)")
    else:
        lines.append(f"**Paper:** {paper_text(session.paper)}")
    lines.append(f"**Presenter:** {person(session.presenter_id, 'to be decided — `/rg volunteer`')}")
    place = place_text(settings)
    if place:
        lines.append(f"**Where:** {place}")
    if cancelled:
        lines.append("\n**This session was cancelled.**")
    elif session.status is SessionStatus.DONE:
        lines.append("\n*This session has taken place.*")
    embed.description = "\n".join(lines)
    embed.add_field(name="RSVP", value=rsvp_line(view.rsvps), inline=False)
    embed.set_footer(text=f"Session #{session.id} · {session.duration_minutes} min · discuss in the thread")
    return fit_embed(embed)


def _session_line(view: SessionView) -> str:
    session = view.session
    counts = view.rsvps
    return (
        f"`#{session.id}` {format_dt(session.starts_at, 'F')} — {paper_text(session.paper, 120)}\n"
        f"presenter {person(session.presenter_id)} · ✅ {counts.going} ❔ {counts.maybe} ❌ {counts.cant}"
    )


def upcoming_embed(
    views: Sequence[SessionView], *, title: str = "Upcoming reading-group sessions"
) -> discord.Embed:
    """`/rg upcoming` (and `/rg next` with one session): time, paper, presenter, RSVPs."""
    body = (
        within(_session_line(v) for v in views)
        if views
        else "No session is scheduled. An admin can `/rg schedule` one."
    )
    return fit_embed(discord.Embed(title=title, description=body, colour=RG_COLOUR))


def session_choice_name(session: Session, zone: ZoneInfo) -> str:
    """An autocomplete choice for a session, in plain text (choices can't show Discord timestamps)."""
    local = session.starts_at.astimezone(zone)
    state = "" if session.status is SessionStatus.SCHEDULED else f" [{session.status.value}]"
    head = f"#{session.id} · {local:%a %d %b %Y %H:%M}{state} · "
    return head + clip(session_title(session), max(10, CHOICE_NAME_MAX - len(head)))


def thread_name(session: Session) -> str:
    """The discussion thread's name (≤ 100 characters)."""
    return clip(f"RG #{session.id}: {session_title(session)}", THREAD_NAME_MAX)


def event_details(
    session: Session, settings: GroupSettings, channel_name: str | None
) -> tuple[str, str, str]:
    """(name, description, external location) for the session's Discord Scheduled Event."""
    title = session_title(session)
    name = clip(f"Reading group: {title}", EVENT_NAME_MAX)
    parts = [f"Paper: {title}"]
    if session.paper and session.paper.url:
        parts.append(session.paper.url)
    if channel_name:
        parts.append(f"RSVP and discussion in #{channel_name}.")
    location = settings.location or (f"#{channel_name}" if channel_name else "Discord")
    return name, clip("\n".join(parts), EVENT_DESCRIPTION_MAX), clip(location, EVENT_LOCATION_MAX)


def reminder_message(
    session: Session, ping_user_ids: tuple[int, ...], ping_role_id: int | None
) -> tuple[str, discord.Embed | None]:
    """The reminder: content that mentions exactly the presenter(s) and the role, plus a small embed.

    The publisher allows exactly these mentions; the paper title is defused so a title like
    "@everyone" can never add another ping.
    """
    role = f"<@&{ping_role_id}> " if ping_role_id else ""
    title = escape_mentions(paper_text(session.paper, 150))
    people = " and ".join(f"<@{u}>" for u in ping_user_ids)
    presenter = f" — presented by {people}" if people else " — no presenter yet (`/rg volunteer`)"
    content = (
        f"{role}⏰ Reading group {format_dt(session.starts_at, 'R')} "
        f"({format_dt(session.starts_at, 'F')}): {title}{presenter}."
    )
    embed = discord.Embed(title=clip(f"Reminder: session #{session.id}", 256), colour=RG_COLOUR)
    embed.add_field(name="When", value=time_text(session.starts_at), inline=False)
    if session.thread_id is not None:
        embed.add_field(name="Discussion", value=f"<#{session.thread_id}>")
    return clip(content, 2000), fit_embed(embed)


# --- presenters and memory -------------------------------------------------------------------------


def roster_embed(slots: Sequence[RotationSlot]) -> discord.Embed:
    """`/rg roster list`: the roster in rotation order, who presents next first."""
    if not slots:
        body = "The roster is empty. Join it with `/rg roster add`."
    else:
        lines = []
        for number, slot in enumerate(slots, start=1):
            last = format_dt(slot.last_presented, "D") if slot.last_presented else "never yet"
            lines.append(f"**{number}.** <@{slot.entry.user_id}> — last presenting: {last}")
        body = within(lines)
    embed = discord.Embed(title="Presenter rotation", description=body, colour=RG_COLOUR)
    embed.set_footer(text="Whoever presented least recently goes next; newcomers first.")
    return fit_embed(embed)


def _history_line(entry: HistoryEntry) -> str:
    session = entry.session
    line = (
        f"{format_dt(session.starts_at, 'D')} — {paper_text(session.paper, 150)} · presented by "
        f"{person(session.presenter_id, 'nobody')} · {entry.rsvps.going} going"
    )
    if entry.notes:
        line += f"\n> {plain(clip(' '.join(entry.notes[-1].text.split()), 200))}"
    return line


def history_embed(entries: Sequence[HistoryEntry]) -> discord.Embed:
    """`/rg history`: past sessions, newest first, with presenter, attendance and the latest note."""
    body = within(_history_line(e) for e in entries) if entries else "No session has taken place yet."
    return fit_embed(discord.Embed(title="Reading-group history", description=body, colour=RG_COLOUR))


def history_search_embed(query: str, results: HistoryResults) -> discord.Embed:
    """`/rg history query`: past sessions matching the query, best first, with the matching snippet."""
    lines = []
    for hit in results.hits:
        line = _history_line(hit.entry)
        if hit.snippet:
            line += f"\n*{plain(clip(' '.join(hit.snippet.split()), 200))}*"
        lines.append(line)
    body = within(lines) if lines else "No past session matches that."
    notes = "\n".join(f"*{plain(n)}*" for n in results.notes)
    embed = discord.Embed(
        title=clip(f"Reading-group history: “{query}”", 256),
        description=clip(f"{notes}\n{body}" if notes else body, EMBED_DESCRIPTION_MAX),
        colour=RG_COLOUR,
    )
    return fit_embed(embed)


def note_embed(note: Note) -> discord.Embed:
    """The reply to `/rg notes`: the note as saved, searchable from now on."""
    embed = discord.Embed(
        title=f"Notes added to session #{note.session_id}",
        description=clip(plain(note.text), EMBED_DESCRIPTION_MAX),
        colour=RG_COLOUR,
    )
    embed.add_field(name="By", value=f"<@{note.author_id}>")
    embed.set_footer(text="Find them later with /rg history <words>.")
    return fit_embed(embed)
