"""Which session reminder is due at an instant: pure, so catch-up after downtime is testable by clock.

A group configures offsets (default 24 h and 1 h before). At instant `now`, for one session:
- nothing is due once the session has started, or for a cancelled/done session;
- an offset is *reached* when `starts_at - offset <= now`; reminders for offsets reached before the
  session's time was set (`time_set_at`) are never sent — the announcement was the notice;
- of the reached offsets, only the **smallest** (the one closest to the start) is due. So a bot that was
  down across both the 24 h and the 1 h mark sends one late 1 h reminder, not two pings in a row; and
  once the 1 h reminder has gone, a missed 24 h one is simply moot.
The ledger key is (session, offset, starts_at): exactly once per session time. A rescheduled session gets
fresh reminders for its new time; the old time's ledger rows stay as the record of what was sent.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import ReadingGroupError
from bot.readinggroup.models import Session, SessionStatus

MAX_OFFSET_MINUTES = 14 * 24 * 60
_OFFSET = re.compile(r"^(?P<n>\d+)\s*(?P<unit>d|days?|h|hours?|m|min|mins|minutes?)$")
_UNIT_MINUTES = {"d": 1440, "h": 60, "m": 1}


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder that should be posted now for `session`, `offset_minutes` before its start."""

    session: Session
    offset_minutes: int
    channel_id: int
    ping_user_ids: tuple[int, ...]  # the presenter, if any — nobody else
    ping_role_id: int | None  # the group's role, if configured

    @property
    def key(self) -> tuple[int, int, datetime]:
        """The ledger key: (session id, offset, the start time it was computed for)."""
        return (self.session.id, self.offset_minutes, self.session.starts_at)


def due_offset(
    session: Session, offsets: Sequence[int], now: datetime, claimed: Collection[int] = ()
) -> int | None:
    """The offset (minutes) whose reminder is due for `session` at `now`, or None (module docstring rule).

    `claimed` holds the offsets already in the ledger for the session's current start time.
    """
    if session.status is not SessionStatus.SCHEDULED or now >= session.starts_at:
        return None
    reached = [
        offset
        for offset in offsets
        if session.time_set_at <= session.starts_at - timedelta(minutes=offset) <= now
    ]
    if not reached:
        return None
    smallest = min(reached)
    return None if smallest in claimed else smallest


def next_fire_time(session: Session, offsets: Sequence[int], now: datetime) -> datetime | None:
    """When the next reminder for `session` will become due after `now` (for a scheduler), if ever."""
    if session.status is not SessionStatus.SCHEDULED:
        return None
    upcoming = [
        fire
        for fire in (session.starts_at - timedelta(minutes=offset) for offset in offsets)
        if fire > now and fire >= session.time_set_at
    ]
    return min(upcoming, default=None)


def parse_offsets(text: str) -> tuple[int, ...]:
    """Reminder offsets from "24h, 1h", "2d 30m" or "90min" → minutes, largest first, no duplicates.

    An empty string or "none" turns reminders off.
    """
    parts = [p for p in re.split(r"[,\s]+(?=\d)|,", text.strip().lower()) if p.strip()]
    if not parts or parts == ["none"] or parts == ["off"]:
        return ()
    minutes = {_offset_minutes(part.strip()) for part in parts}
    return tuple(sorted(minutes, reverse=True))


def format_offset(minutes: int) -> str:
    """ "1d", "24h"→"1d", "90m"→"1h 30m": how an offset is shown back to the admin."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    shown = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return " ".join(shown) or "0m"


def _offset_minutes(part: str) -> int:
    match = _OFFSET.match(part)
    if match is None:
        raise ReadingGroupError(
            f"“{part}” isn't a reminder offset. Write offsets like `24h, 1h` or `2d, 30m`, or `none`."
        )
    minutes = int(match.group("n")) * _UNIT_MINUTES[match.group("unit")[0]]
    if not 1 <= minutes <= MAX_OFFSET_MINUTES:
        raise ReadingGroupError(f"Reminder offsets must be between 1 minute and 14 days; “{part}” isn't.")
    return minutes
