"""The phrases reading-group messages are made of: a paper, a person, a time, a place, RSVP counts, and a
list cut to fit an embed. Pure; `render` builds the messages from them.

Paper titles and free text are escaped for markdown; people are `<@id>` mentions, which show as names but
ping nobody unless a send allows it; times are Discord timestamps, so every reader sees their own zone.

The core writes its refusals with a `Wording` port and knows no Discord markup; `DiscordWording` is the
adapter's, so a refusal on Discord names a member as a mention and a time as a timestamp
(`reading_group()` in `interactions` hands the service out worded this way).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from discord.utils import escape_markdown, format_dt

from bot.discord_adapter.limits import EMBED_DESCRIPTION_MAX, clip
from bot.readinggroup.models import GroupSettings, PaperRef, RsvpCounts, Session
from bot.readinggroup.ports import MomentStyle

__all__ = [
    "DISCORD_WORDING",
    "DiscordWording",
    "discord_timestamp",
    "noun",
    "paper_link",
    "paper_text",
    "person",
    "place_text",
    "plain",
    "rsvp_line",
    "session_title",
    "time_text",
    "within",
]

TITLE_CHARS = 200
LINK_MAX = 512
"""A longer link is not shown: the paper appears as its bold title instead."""
UNDECIDED = "paper to be decided"
RSVP_ICONS = {"going": "✅", "maybe": "❔", "cant": "❌"}


def plain(text: str) -> str:
    """`text` with every markdown character escaped, so a title or note shows as typed."""
    return escape_markdown(text, as_needed=False)


def noun(number: int, word: str) -> str:
    """`word` as it goes with `number`: 1 vote, 2 votes."""
    return word if number == 1 else f"{word}s"


def session_title(session: Session) -> str:
    """The session's paper title, unformatted, or that the paper is still open."""
    return session.paper.title if session.paper else UNDECIDED


def paper_link(ref: PaperRef | None) -> str | None:
    """The paper's link, if it has one short enough to show."""
    return ref.url if ref and ref.url and len(ref.url) <= LINK_MAX else None


def paper_text(ref: PaperRef | None, limit: int = TITLE_CHARS) -> str:
    """A paper as one markdown phrase: `[Title](link)` for a link, `**Title**` for a corpus paper."""
    if ref is None:
        return f"*{UNDECIDED}*"
    title = plain(clip(" ".join(ref.title.split()), limit)).replace("[", "\\[").replace("]", "\\]")
    link = paper_link(ref)
    if link:
        return f"[{title}]({link})"
    return f"**{title}**"


def time_text(instant: datetime) -> str:
    """An instant as the full date and time, then how far away it is."""
    return f"{format_dt(instant, 'F')} ({format_dt(instant, 'R')})"


def person(user_id: int | None, missing: str = "to be decided") -> str:
    """A member as a mention, or `missing` when there is nobody."""
    return f"<@{user_id}>" if user_id is not None else missing


def discord_timestamp(instant: datetime, style: str = "F") -> str:
    """Discord's `<t:unix:style>` markup, which every reader sees in their own time zone."""
    return f"<t:{int(instant.timestamp())}:{style}>"


TIMESTAMP_STYLES: dict[MomentStyle, str] = {"full": "F", "date": "D", "relative": "R"}
"""The core's instant styles as Discord timestamp styles."""


class DiscordWording:
    """The core's `Wording` on Discord: members as `<@id>` mentions, instants as `<t:…>` timestamps."""

    def member(self, user_id: int) -> str:
        """A mention, shown as the member's name (it pings nobody: replies allow no mentions)."""
        return person(user_id)

    def moment(self, instant: datetime, style: MomentStyle = "full") -> str:
        """A timestamp each reader sees in their own zone."""
        return discord_timestamp(instant, TIMESTAMP_STYLES[style])


DISCORD_WORDING = DiscordWording()


def rsvp_line(counts: RsvpCounts) -> str:
    """Going / maybe / can't counts on one line."""
    return (
        f"{RSVP_ICONS['going']} {counts.going} going · {RSVP_ICONS['maybe']} {counts.maybe} maybe · "
        f"{RSVP_ICONS['cant']} {counts.cant} can't"
    )


def within(lines: Iterable[str], budget: int = EMBED_DESCRIPTION_MAX - 60) -> str:
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


def place_text(settings: GroupSettings) -> str | None:
    """Where the group meets: its voice channel (and room), or the room; None when not set."""
    if settings.location_channel_id is not None:
        room = f" ({plain(settings.location)})" if settings.location else ""
        return f"<#{settings.location_channel_id}>{room}"
    return plain(settings.location) if settings.location else None
