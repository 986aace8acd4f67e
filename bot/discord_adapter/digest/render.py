"""How the paper of the day looks on Discord: the post, the week in review, DMs, previews and admin views.

Pure rendering: core data (DigestPost, WeeklyDigest, DigestSettings, ledger entries) in, message parts
out, every embed within Discord's limits — each one through `limits.fit_embed`, and the embeds of one
message together within the 6000-character message budget.

The buttons under a post are the persistent paper buttons of `views.paper_buttons` (`paper:abstract:<id>`,
`paper:similar:<id>`, `rg:propose:<id>`), the same as under a paper card: handlers registered once per
bot answer them, after a restart too. Their View is rendered only (`views.PaperButtons`, stopped before
it is sent), so build these messages inside the running event loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import discord

from bot.corpus.model import Paper
from bot.digest.models import DigestSettings, LedgerEntry, Subscription
from bot.digest.post import DigestPost, WeeklyDigest
from bot.digest.service import DigestStatus
from bot.discord_adapter.limits import (
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_TOTAL_MAX,
    clip,
    fit_embed,
)
from bot.discord_adapter.papers.embeds import date_stamp, display_title, paper_embed, paper_link
from bot.discord_adapter.papers.views import PaperButtons

__all__ = [
    "NOTICE_PERMISSIONS",
    "POST_PERMISSIONS",
    "STILL_PAUSED",
    "WEEKDAYS",
    "RenderedMessage",
    "digest_message",
    "dm_message",
    "history_embed",
    "message_link",
    "missing_permissions",
    "post_embed",
    "preview_message",
    "settings_summary",
    "status_embed",
    "subscribed_text",
    "weekly_embed",
]

POST_COLOUR = discord.Colour.gold()
WEEKLY_COLOUR = discord.Colour.dark_gold()
STATUS_COLOUR = discord.Colour.teal()
PAUSED_COLOUR = discord.Colour.orange()

STILL_PAUSED = "⚠️ Still paused: `/digest status` says why; `/digest resume` once it's fixed."
"""Under the settings of a paused server: a settings change alone does not resume the post."""
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AUTHORS_SHOWN = 8
AUTHORS_CHARS = 600
LINKS_SHOWN = 4
WEEKLY_RESERVE = 1500
"""Characters of a message's 6000 the paper's embed leaves to the week in review beside it, however long
the paper's own parts are: room for the review's header and at least its first list."""
HISTORY_SHOWN = 10

POST_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)
"""What the bot needs where the paper of the day goes (attribute on discord.Permissions, name in the UI)."""
NOTICE_PERMISSIONS: tuple[tuple[str, str], ...] = POST_PERMISSIONS[:2]
"""What the bot needs in the admin channel (notices are plain text)."""


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready to send: `channel.send(content=…, embeds=list(…), view=…)`."""

    content: str | None
    embeds: tuple[discord.Embed, ...]
    view: discord.ui.View | None = None


# --- small text helpers -------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Paper text shown as written (markdown characters escaped)."""
    return discord.utils.escape_markdown(text, as_needed=False)


def _linked(paper: Paper, limit: int = 150) -> str:
    """`[Title](link)`, or the bold title when the paper has no usable link."""
    title = _plain(clip(display_title(paper), limit)).replace("[", "\\[").replace("]", "\\]")
    link = paper_link(paper)
    return f"[{title}]({link})" if link and len(link) <= 300 else f"**{title}**"


def _lines(lines: Sequence[str], limit: int, empty: str) -> str:
    """Whole lines joined while they fit in `limit`, then '… and N more' — never a line cut in half."""
    if not lines:
        return empty
    reserve = len("\n… and 9999 more")
    kept: list[str] = []
    used = 0
    for number, line in enumerate(lines):
        last = number == len(lines) - 1
        if kept and used + 1 + len(line) + (0 if last else reserve) > limit:
            kept.append(f"… and {len(lines) - number} more")
            break
        kept.append(line)
        used += len(line) + 1
    return clip("\n".join(kept), limit)


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    """The jump link to a message."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _moment(instant: datetime) -> str:
    """`<t:…:F> (<t:…:R>)`: a full date and time in each reader's zone, and how far away it is."""
    return f"{discord.utils.format_dt(instant, 'F')} ({discord.utils.format_dt(instant, 'R')})"


def missing_permissions(
    permissions: discord.Permissions, needed: Iterable[tuple[str, str]] = POST_PERMISSIONS
) -> list[str]:
    """The names (as Discord's UI shows them) of the `needed` permissions missing from `permissions`."""
    return [label for attribute, label in needed if not getattr(permissions, attribute)]


def _buttons_view(paper_id: str, *, propose: bool, disabled: bool) -> discord.ui.View | None:
    """The post's persistent buttons (rendered only); None when the id fits no custom_id at all."""
    view = PaperButtons(paper_id, propose=propose, disabled=disabled)
    return view if view.children else None  # the post goes out without buttons rather than not at all


# --- the post -----------------------------------------------------------------------------------


def _authors(paper: Paper) -> str:
    """Up to AUTHORS_SHOWN names (fewer if they are long), then how many more there are."""
    if not paper.authors:
        return "unknown"
    shown: list[str] = []
    for name in paper.authors[:AUTHORS_SHOWN]:
        escaped = _plain(clip(name, 100))
        if shown and sum(len(n) + 2 for n in shown) + len(escaped) > AUTHORS_CHARS:
            break
        shown.append(escaped)
    text = ", ".join(shown)
    hidden = len(paper.authors) - len(shown)
    if hidden > 0:
        text += f" and {hidden} more"
    elif paper.authors_truncated:
        text += " et al."
    return text


def _links(post: DigestPost) -> str:
    lines = ["✅ code available"] if post.paper.has_code else []
    lines += [link for link in post.links if len(link) <= 300][:LINKS_SHOWN]
    return "\n".join(lines)


def post_embed(post: DigestPost) -> discord.Embed:
    """The paper of the day: title (linked), authors, date, category, an excerpt, links, and why it
    was chosen — the same for the channel post, the preview and a subscriber's DM."""
    paper = post.paper
    embed = discord.Embed(
        title=clip(display_title(paper), 256),
        url=paper_link(paper),
        description=_plain(post.excerpt) if post.excerpt else "*No abstract available.*",
        colour=POST_COLOUR,
    )
    header = "📄 Paper of the day"
    if post.topic:
        header += f" · topic: {post.topic}"
    embed.set_author(name=clip(header, 256))
    embed.add_field(name="Authors", value=_authors(paper), inline=False)
    embed.add_field(name="Published", value=paper.published_text(date_stamp) or "unknown")
    embed.add_field(name="Category", value=", ".join(paper.categories) or "—")
    links = _links(post)
    if links:
        embed.add_field(name="Code & links", value=clip(links, EMBED_FIELD_VALUE_MAX), inline=False)
    why = [f"• {_plain(reason)}" for reason in post.reasons] or ["• next in this server's rotation"]
    embed.add_field(name="Why this paper", value=_lines(why, EMBED_FIELD_VALUE_MAX, "—"), inline=False)
    embed.set_footer(text=f"{paper.id} · paper {post.position_label} of this round")
    return fit_embed(embed)


# --- the week in review -------------------------------------------------------------------------


def _dated(items: Sequence[tuple[date, Paper]]) -> list[str]:
    return [f"{date_stamp(day)} · {_linked(paper, 120)}" for day, paper in items]


def _weekly_at(weekly: WeeklyDigest, field_limit: int) -> discord.Embed:
    description = f"{date_stamp(weekly.start)} – {date_stamp(weekly.end)}"
    if weekly.topic:
        description += f"\nTopic: **{_plain(weekly.topic)}**"
    embed = discord.Embed(title="🗓️ The week in papers", description=description, colour=WEEKLY_COLOUR)
    embed.add_field(
        name="Papers of the day",
        value=_lines(_dated(weekly.featured), field_limit, "None this week."),
        inline=False,
    )
    new = [f"• {_linked(p, 120)} — {_plain(p.short_authors(2))}" for p in weekly.new_papers]
    embed.add_field(
        name="New in the corpus", value=_lines(new, field_limit, "Nothing new this week."), inline=False
    )
    if weekly.upcoming:
        embed.add_field(
            name="Coming up", value=_lines(_dated(weekly.upcoming), field_limit, "—"), inline=False
        )
    return fit_embed(embed)


def weekly_embed(weekly: WeeklyDigest, budget: int = EMBED_TOTAL_MAX) -> discord.Embed:
    """The week in review — papers of the day, papers new in the corpus, what's coming up — in at most
    `budget` characters (what is left of the message's 6000 next to the paper of the day)."""
    limit = EMBED_FIELD_VALUE_MAX
    embed = _weekly_at(weekly, limit)
    while len(embed) > budget and limit > 80:
        limit = limit * 3 // 4  # fewer whole lines per list, each list ending in "… and N more"
        embed = _weekly_at(weekly, limit)
    return fit_embed(embed, budget)  # still over: the last lists go, then the description is cut


def _with_weekly(first: discord.Embed, weekly: WeeklyDigest | None) -> tuple[discord.Embed, ...]:
    """The paper's embed and, on the weekly day, the week in review: together within the message's 6000
    characters, the paper's embed leaving the review at least WEEKLY_RESERVE of them."""
    if weekly is None:
        return (first,)
    first = fit_embed(first, EMBED_TOTAL_MAX - WEEKLY_RESERVE)
    return (first, weekly_embed(weekly, EMBED_TOTAL_MAX - len(first)))


# --- whole messages -----------------------------------------------------------------------------


def digest_message(post: DigestPost) -> RenderedMessage:
    """The channel post: a one-line header, the paper's embed (plus the week in review on the weekly
    day) and the buttons *Show abstract*, *Similar papers*, *Propose for reading group*."""
    content = f"📄 **Paper of the day** — {date_stamp(post.local_date)}"
    if post.weekly is not None:
        content += " · with the week in review"
    view = _buttons_view(post.paper.id, propose=True, disabled=False)
    return RenderedMessage(content, _with_weekly(post_embed(post), post.weekly), view)


def announcement_message(paper: Paper) -> RenderedMessage:
    """A followed author's new paper: "New from the group", the paper's card and its buttons."""
    return RenderedMessage(
        content=f"📣 New from the group: **{_plain(clip(display_title(paper), 200))}**",
        embeds=(paper_embed(paper),),
        view=_buttons_view(paper.id, propose=True, disabled=False),
    )


def preview_message(post: DigestPost, settings: DigestSettings) -> RenderedMessage:
    """`/digest preview`: exactly the post's embeds and buttons (greyed out: nothing to click in a
    preview), under a line saying when and where it goes out."""
    when = discord.utils.format_dt(settings.schedule.instant_on(post.local_date), "F")
    if settings.channel_id is None:
        where = "nowhere yet — choose a channel with `/digest channel`"
    elif not settings.enabled:
        where = f"<#{settings.channel_id}> once you run `/digest enable` (the channel post is off)"
    else:
        where = f"<#{settings.channel_id}>"
    content = (
        f"**Preview** of the paper of the day for {date_stamp(post.local_date)} — scheduled for {when} "
        f"in {where}. Nothing was recorded; `/digest now` posts it now."
    )
    if settings.paused_reason:
        content += "\n⚠️ The post is paused (see `/digest status`)."
    view = _buttons_view(post.paper.id, propose=True, disabled=True)
    return RenderedMessage(clip(content, 2000), _with_weekly(post_embed(post), post.weekly), view)


def dm_message(message: DigestPost | WeeklyDigest) -> RenderedMessage:
    """A subscriber's DM: their paper of the day (with *Show abstract* / *Similar papers*, which work in
    DMs) or their week in review."""
    if isinstance(message, WeeklyDigest):
        return RenderedMessage("📬 **Your week in papers**", (weekly_embed(message),))
    content = f"📬 **Your paper of the day** — {date_stamp(message.local_date)}"
    view = _buttons_view(message.paper.id, propose=False, disabled=False)
    return RenderedMessage(content, _with_weekly(post_embed(message), message.weekly), view)


# --- admin views --------------------------------------------------------------------------------


def _state(settings: DigestSettings) -> str:
    if settings.channel_id is None:
        return "off (no channel chosen)"
    if settings.paused_reason:
        return f"⚠️ paused, in <#{settings.channel_id}>"
    return (
        f"on, in <#{settings.channel_id}>" if settings.enabled else f"off (channel <#{settings.channel_id}>)"
    )


def settings_summary(settings: DigestSettings, next_at: datetime | None) -> str:
    """One paragraph for a settings reply: where, when (next post as a Discord timestamp), topic."""
    lines = [f"Paper of the day: **{_state(settings)}**"]
    if settings.paused_reason:
        lines.append(STILL_PAUSED)
    lines.append(f"Time: {settings.schedule.describe()}")
    if next_at is not None and settings.posts_to_channel:
        lines.append(f"Next post: {_moment(next_at)}")
    lines.append(f"Topic: {_plain(settings.topic)}" if settings.topic else "Topic: any paper in the corpus")
    if settings.weekly_day is not None:
        lines.append(f"Week in review: on {WEEKDAYS[settings.weekly_day]}s")
    return "\n".join(lines)


def subscribed_text(sub: Subscription, settings: DigestSettings, next_at: datetime | None) -> str:
    """`/subscribe`'s confirmation: what comes by DM and when (the server's schedule), and how DMs end."""
    when = f"{settings.post_time:%H:%M} {settings.timezone}"
    if sub.cadence == "weekly":
        day = WEEKDAYS[settings.weekly_day if settings.weekly_day is not None else 0]
        what = f"the week in review by DM every {day} at {when}"
    else:
        stamp = discord.utils.format_dt(next_at, "F") if next_at else when
        what = f"a paper of the day by DM at {when} (first one {stamp})"
    on = f" on **{discord.utils.escape_markdown(sub.topic)}**" if sub.topic else ""
    return (
        f"✅ You'll get {what}{on}. Keep DMs from this server open — if Discord refuses a DM, "
        "the subscription ends. `/unsubscribe` stops it."
    )


def _entry_line(
    entry: LedgerEntry, titles: Mapping[str, str], guild_id: int, current_channel_id: int | None
) -> str:
    """One ledger day: date, title linked to the post, and any problem. The link uses the channel the
    post went to; only entries recorded before it was stored fall back to the channel set now."""
    title = _plain(clip(titles.get(entry.paper_id, entry.paper_id), 120))
    title = title.replace("[", "\\[").replace("]", "\\]")
    channel_id = entry.channel_id or current_channel_id
    if entry.status == "posted" and entry.message_id is not None and channel_id is not None:
        shown = f"[{title}]({message_link(guild_id, channel_id, entry.message_id)})"
    else:
        shown = f"**{title}**"
    status = {"posted": "", "claimed": " · being posted (or interrupted)", "failed": " · ❌ not posted"}
    return f"{date_stamp(entry.local_date)} · {shown}{status.get(entry.status, ' · ' + entry.status)}"


def history_embed(
    entries: Sequence[LedgerEntry], titles: Mapping[str, str], *, guild_id: int, channel_id: int | None
) -> discord.Embed:
    """The latest papers of the day, newest first, each linked to its message in the channel it was
    posted in (`channel_id`, the channel set now, serves only entries recorded without one)."""
    recent = list(reversed(entries))[:HISTORY_SHOWN]
    lines = [_entry_line(e, titles, guild_id, channel_id) for e in recent]
    embed = discord.Embed(
        title="Recent papers of the day",
        description=_lines(lines, EMBED_DESCRIPTION_MAX, "No paper of the day has been posted here yet."),
        colour=STATUS_COLOUR,
    )
    if len(entries) > HISTORY_SHOWN:
        embed.set_footer(text=f"The latest {HISTORY_SHOWN} of {len(entries)} days.")
    return fit_embed(embed)


def status_embed(
    status: DigestStatus, *, admin_channel_id: int | None, titles: Mapping[str, str]
) -> discord.Embed:
    """`/digest status`: state, schedule, next post, topic, admin channel, the last day, and a pause."""
    settings = status.settings
    embed = discord.Embed(
        title="Paper of the day — status",
        colour=PAUSED_COLOUR if settings.paused_reason else STATUS_COLOUR,
        description=(
            f"⚠️ **Paused:** {clip(settings.paused_reason, 1500)}" if settings.paused_reason else None
        ),
    )
    embed.add_field(name="Posting", value=_state(settings), inline=False)
    embed.add_field(name="Time", value=settings.schedule.describe())
    next_value = _moment(status.next_run) if settings.posts_to_channel else "— (not posting)"
    embed.add_field(name="Next post", value=next_value)
    embed.add_field(
        name="Topic", value=_plain(settings.topic) if settings.topic else "any paper", inline=False
    )
    weekly = WEEKDAYS[settings.weekly_day] + "s" if settings.weekly_day is not None else "off"
    embed.add_field(name="Week in review", value=weekly)
    embed.add_field(
        name="Problems reported in",
        value=f"<#{admin_channel_id}>"
        if admin_channel_id
        else "the bot's log only (`/digest admin-channel`)",
    )
    if status.last is not None:
        line = _entry_line(status.last, titles, settings.guild_id, settings.channel_id)
        if status.last.status == "failed" and status.last.error:
            line += f"\n{clip(status.last.error, 300)}"
        embed.add_field(name="Last day", value=clip(line, EMBED_FIELD_VALUE_MAX), inline=False)
    return fit_embed(embed)
