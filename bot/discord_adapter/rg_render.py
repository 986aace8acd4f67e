"""Pure rendering for the reading group: core results → message text and embeds, within Discord's limits.

Nothing here talks to Discord. Times are Discord timestamps (`<t:…:F>`), so every reader sees their own
zone; people are `<@id>` mentions, which render as names but ping nobody unless a send allows it — only
`reminder_message` is ever sent with pings (the presenter and the group's role). Paper titles are
escaped for markdown and, in the reminder, defused for mentions too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import discord
from discord.utils import escape_markdown, escape_mentions, format_dt

from bot.discord_adapter.limits import (
    CHOICE_NAME_MAX,
    EMBED_DESCRIPTION_MAX,
    THREAD_NAME_MAX,
    clip,
    fit_embed,
)
from bot.readinggroup.history import HistoryResults
from bot.readinggroup.models import (
    GroupSettings,
    HistoryEntry,
    Note,
    PaperRef,
    Proposal,
    ProposalStatus,
    RsvpCounts,
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
    "paper_text",
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
TITLE_CHARS = 200
EVENT_NAME_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
EVENT_LOCATION_MAX = 100
RSVP_ICONS = {"going": "✅", "maybe": "❔", "cant": "❌"}


# --- small pieces ----------------------------------------------------------------------------------


def _plain(text: str) -> str:
    return escape_markdown(text, as_needed=False)


def paper_text(ref: PaperRef | None, limit: int = TITLE_CHARS) -> str:
    """A paper as one markdown phrase: `[Title](link)` for a link, `**Title**` for a corpus paper."""
    if ref is None:
        return "*paper to be decided*"
    title = _plain(clip(" ".join(ref.title.split()), limit)).replace("[", "\\[").replace("]", "\\]")
    if ref.url and len(ref.url) <= 512:
        return f"[{title}]({ref.url})"
    return f"**{title}**"


def _when(instant: datetime) -> str:
    return f"{format_dt(instant, 'F')} ({format_dt(instant, 'R')})"


def _person(user_id: int | None, missing: str = "to be decided") -> str:
    return f"<@{user_id}>" if user_id is not None else missing


def _rsvp_line(counts: RsvpCounts) -> str:
    return (
        f"{RSVP_ICONS['going']} {counts.going} going · {RSVP_ICONS['maybe']} {counts.maybe} maybe · "
        f"{RSVP_ICONS['cant']} {counts.cant} can't"
    )


def _within(lines: Iterable[str], budget: int = EMBED_DESCRIPTION_MAX - 60) -> str:
    """`lines` joined while they fit in `budget` characters, then '… and N more'."""
    items = list(lines)
    kept: list[str] = []
    used = 0
    for line in items:
        if used + len(line) + 1 > budget:
            kept.append(f"… and {len(items) - len(kept)} more")
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def _where(settings: GroupSettings) -> str | None:
    if settings.location_channel_id is not None:
        room = f" ({_plain(settings.location)})" if settings.location else ""
        return f"<#{settings.location_channel_id}>{room}"
    return _plain(settings.location) if settings.location else None


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
    embed.add_field(name="Where", value=_where(settings) or "not set")
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
    note = f"\n> {_plain(clip(proposal.note, 150))}" if proposal.note else ""
    return (
        f"`#{proposal.id}` {paper_text(proposal.paper, 150)} — proposed by <@{proposal.proposer_id}> "
        f"{format_dt(proposal.created_at, 'D')}{status}{note}"
    )


def proposals_embed(proposals: Sequence[Proposal]) -> discord.Embed:
    """`/rg proposals`: every open (and selected) proposal, oldest first, with its proposer."""
    if not proposals:
        body = "Nothing is proposed yet. Propose a paper with `/rg propose`."
    else:
        body = _within(_proposal_line(p) for p in proposals)
    count = f"{len(proposals)} proposal" + ("" if len(proposals) == 1 else "s")
    return fit_embed(
        discord.Embed(title=f"Reading group proposals ({count})", description=body, colour=RG_COLOUR)
    )


# --- ballots ---------------------------------------------------------------------------------------


def ballot_embed(view: BallotView) -> discord.Embed:
    """A ballot with live counts; once closed, the winner and how it was decided."""
    ballot, tally = view.ballot, view.tally
    lines = []
    for number, row in enumerate(tally.options, start=1):
        votes = f"**{row.votes}** vote" + ("" if row.votes == 1 else "s")
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
    embed = discord.Embed(title=title, description=_within([head, "", *lines]), colour=colour)
    total = f"{tally.total_votes} vote" + ("" if tally.total_votes == 1 else "s")
    embed.set_footer(text=f"Ballot #{ballot.id} · {total} · {tally.rule}")
    return fit_embed(embed)


def _result_sentence(winner: PaperRef | None, view: BallotView) -> str:
    if winner is None:
        return "Voting closed without a winner: nobody voted for an eligible paper."
    top = max(row.votes for row in view.tally.options)
    text = f"Voting closed. Winner: {paper_text(winner)} with {top} vote" + ("" if top == 1 else "s") + "."
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
    title = session.paper.title if session.paper else "paper to be decided"
    cancelled = session.status is SessionStatus.CANCELLED
    embed = discord.Embed(
        title=clip(("Cancelled — " if cancelled else "📚 Reading group: ") + title, 256),
        url=session.paper.url
        if session.paper and session.paper.url and len(session.paper.url) <= 512
        else None,
        colour=CLOSED_COLOUR if cancelled else RG_COLOUR,
    )
    lines = [f"**When:** {_when(session.starts_at)}"]
    if session.paper is None:
        lines.append("**Paper:** to be decided — a vote (`/rg vote`) can fill it")
    elif session.paper.paper_id:
        lines.append(f"**Paper:** {paper_text(session.paper)} (`/paper {session.paper.paper_id}`)")
    else:
        lines.append(f"**Paper:** {paper_text(session.paper)}")
    lines.append(f"**Presenter:** {_person(session.presenter_id, 'to be decided — `/rg volunteer`')}")
    where = _where(settings)
    if where:
        lines.append(f"**Where:** {where}")
    if cancelled:
        lines.append("\n**This session was cancelled.**")
    elif session.status is SessionStatus.DONE:
        lines.append("\n*This session has taken place.*")
    embed.description = "\n".join(lines)
    embed.add_field(name="RSVP", value=_rsvp_line(view.rsvps), inline=False)
    embed.set_footer(text=f"Session #{session.id} · {session.duration_minutes} min · discuss in the thread")
    return fit_embed(embed)


def _session_line(view: SessionView) -> str:
    session = view.session
    counts = view.rsvps
    return (
        f"`#{session.id}` {format_dt(session.starts_at, 'F')} — {paper_text(session.paper, 120)}\n"
        f"presenter {_person(session.presenter_id)} · ✅ {counts.going} ❔ {counts.maybe} ❌ {counts.cant}"
    )


def upcoming_embed(
    views: Sequence[SessionView], *, title: str = "Upcoming reading-group sessions"
) -> discord.Embed:
    """`/rg upcoming` (and `/rg next` with one session): time, paper, presenter, RSVPs."""
    body = (
        _within(_session_line(v) for v in views)
        if views
        else "No session is scheduled. An admin can `/rg schedule` one."
    )
    return fit_embed(discord.Embed(title=title, description=body, colour=RG_COLOUR))


def session_choice_name(session: Session, zone: ZoneInfo) -> str:
    """An autocomplete choice for a session, in plain text (choices can't show Discord timestamps)."""
    local = session.starts_at.astimezone(zone)
    title = session.paper.title if session.paper else "paper to be decided"
    state = "" if session.status is SessionStatus.SCHEDULED else f" [{session.status.value}]"
    head = f"#{session.id} · {local:%a %d %b %Y %H:%M}{state} · "
    return head + clip(title, max(10, CHOICE_NAME_MAX - len(head)))


def thread_name(session: Session) -> str:
    """The discussion thread's name (≤ 100 characters)."""
    title = session.paper.title if session.paper else "paper to be decided"
    return clip(f"RG #{session.id}: {title}", THREAD_NAME_MAX)


def event_details(
    session: Session, settings: GroupSettings, channel_name: str | None
) -> tuple[str, str, str]:
    """(name, description, external location) for the session's Discord Scheduled Event."""
    title = session.paper.title if session.paper else "paper to be decided"
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
    embed.add_field(name="When", value=_when(session.starts_at), inline=False)
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
        body = _within(lines)
    embed = discord.Embed(title="Presenter rotation", description=body, colour=RG_COLOUR)
    embed.set_footer(text="Whoever presented least recently goes next; newcomers first.")
    return fit_embed(embed)


def _history_line(entry: HistoryEntry) -> str:
    session = entry.session
    line = (
        f"{format_dt(session.starts_at, 'D')} — {paper_text(session.paper, 150)} · presented by "
        f"{_person(session.presenter_id, 'nobody')} · {entry.rsvps.going} going"
    )
    if entry.notes:
        line += f"\n> {_plain(clip(' '.join(entry.notes[-1].text.split()), 200))}"
    return line


def history_embed(entries: Sequence[HistoryEntry]) -> discord.Embed:
    """`/rg history`: past sessions, newest first, with presenter, attendance and the latest note."""
    body = _within(_history_line(e) for e in entries) if entries else "No session has taken place yet."
    return fit_embed(discord.Embed(title="Reading-group history", description=body, colour=RG_COLOUR))


def history_search_embed(query: str, results: HistoryResults) -> discord.Embed:
    """`/rg history query`: past sessions matching the query, best first, with the matching snippet."""
    lines = []
    for hit in results.hits:
        line = _history_line(hit.entry)
        if hit.snippet:
            line += f"\n*{_plain(clip(' '.join(hit.snippet.split()), 200))}*"
        lines.append(line)
    body = _within(lines) if lines else "No past session matches that."
    notes = "\n".join(f"*{_plain(n)}*" for n in results.notes)
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
        description=clip(_plain(note.text), EMBED_DESCRIPTION_MAX),
        colour=RG_COLOUR,
    )
    embed.add_field(name="By", value=f"<@{note.author_id}>")
    embed.set_footer(text="Find them later with /rg history <words>.")
    return fit_embed(embed)
