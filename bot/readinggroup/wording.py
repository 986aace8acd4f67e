"""The core's default `Wording`: members and instants in plain words anyone can read.

The core writes its refusals with a `Wording` (a port, `bot.readinggroup.ports`) instead of Discord
markup, so a front end that is not Discord (the terminal) never shows `<@123>` or `<t:1772722800:F>`.
This is what a service gets unless its front end words things its own way; the Discord adapter passes
`bot.discord_adapter.readinggroup.text.DiscordWording` (mentions and timestamps each reader sees in their
zone).
Instants are shown in UTC and say so, since a plain text has no reader's zone to adapt to.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.readinggroup.ports import MomentStyle

__all__ = ["PLAIN_WORDING", "PlainWording"]


class PlainWording:
    """`member 123` and `2026-03-05 15:00 UTC`: what a terminal (or a log) can show as it is."""

    def member(self, user_id: int) -> str:
        """A member by id, the way the calendar names a presenter without Discord."""
        return f"member {user_id}"

    def moment(self, instant: datetime, style: MomentStyle = "full") -> str:
        """The date and time in UTC; a date alone for "date"; "relative" reads as the full instant."""
        utc = instant.astimezone(UTC)
        if style == "date":
            return utc.strftime("%Y-%m-%d")
        return utc.strftime("%Y-%m-%d %H:%M UTC")


PLAIN_WORDING = PlainWording()
