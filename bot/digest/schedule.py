"""When a server's paper of the day goes out: an IANA zone plus a wall-clock time, recomputed with zoneinfo
for every date, so 09:00 stays 09:00 local across daylight-saving changes. Pure.

Two edge cases, chosen on purpose:
* a time inside a spring-forward gap (02:30 on the night clocks jump 02:00→03:00) posts at the same offset
  as before the jump, i.e. one hour later (03:30) — the day still gets its post;
* a time that occurs twice (the fall-back night) posts at the first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import UserError

_SCAN_DAYS = 9  # weekdays-only leaves at most 3 days between runs; 9 covers any week plus DST slack


def parse_timezone(name: str) -> str:
    """Check an IANA zone name ('Europe/Zurich'); a UserError says what a valid one looks like."""
    cleaned = name.strip()
    try:
        if not cleaned:
            raise ValueError(cleaned)
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserError(
            f"I don't know the time zone “{name}”. Use an IANA name such as Europe/Zurich, "
            "America/New_York or UTC."
        ) from exc
    return cleaned


def parse_post_time(text: str) -> time:
    """Parse 'HH:MM' (24-hour, '9:00' accepted); a UserError shows the expected form.

    The range is `datetime.time`'s own (00:00–23:59): "24:00" or "23:60" is refused with the same
    message as any other unreadable time, never as a bare ValueError.
    """
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    try:
        if match is None:
            raise ValueError(text)
        return time(int(match[1]), int(match[2]))
    except ValueError:
        raise UserError(
            f"“{text}” is not a time of day. Use 24-hour HH:MM, for example 09:00 or 17:30."
        ) from None


@dataclass(frozen=True)
class Schedule:
    """When a server's paper of the day goes out: wall-clock `post_time` in IANA `timezone`."""

    post_time: time
    timezone: str
    weekdays_only: bool = False

    @property
    def zone(self) -> ZoneInfo:
        """The zone, looked up fresh (zoneinfo caches it), so rules are current for each computation."""
        return ZoneInfo(self.timezone)

    def runs_on(self, day: date) -> bool:
        """Whether a post is due on this local date."""
        return not (self.weekdays_only and day.weekday() >= 5)

    def instant_on(self, day: date) -> datetime:
        """The aware instant of the post on local date `day` (see the module docstring for DST edges)."""
        zone = self.zone
        wall = datetime.combine(day, self.post_time).replace(tzinfo=zone, fold=0)
        # Round-tripping through UTC normalises a wall time inside a gap to the real instant after it.
        return wall.astimezone(UTC).astimezone(zone)

    def local_date(self, instant: datetime) -> date:
        """The local calendar date of an instant in this schedule's zone."""
        return instant.astimezone(self.zone).date()

    def describe(self) -> str:
        """'09:00 Europe/Zurich, weekdays only' — for settings replies."""
        days = ", weekdays only" if self.weekdays_only else ", every day"
        return f"{self.post_time:%H:%M} {self.timezone}{days}"


def next_run(schedule: Schedule, after: datetime) -> datetime:
    """The first scheduled instant strictly after `after` (aware)."""
    start = schedule.local_date(after) - timedelta(days=1)
    for offset in range(_SCAN_DAYS):
        day = start + timedelta(days=offset)
        if schedule.runs_on(day) and (instant := schedule.instant_on(day)) > after:
            return instant
    raise AssertionError("unreachable: a schedule runs at least five days a week")


def previous_run(schedule: Schedule, at: datetime) -> datetime:
    """The last scheduled instant at or before `at` (aware)."""
    start = schedule.local_date(at) + timedelta(days=1)
    for offset in range(_SCAN_DAYS):
        day = start - timedelta(days=offset)
        if schedule.runs_on(day) and (instant := schedule.instant_on(day)) <= at:
            return instant
    raise AssertionError("unreachable: a schedule runs at least five days a week")


def run_dates(schedule: Schedule, start: date, end: date) -> list[date]:
    """The local dates in [start, end) on which the schedule posts."""
    count = max(0, (end - start).days)
    days = (start + timedelta(days=i) for i in range(count))
    return [d for d in days if schedule.runs_on(d)]
