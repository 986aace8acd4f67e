"""Wall-clock time for a reading group: the usual weekly slot and the `when` a user types.

Everything is computed from a weekday + wall-clock time + IANA zone with zoneinfo each time, never from
a stored UTC offset, so "Thursdays 16:00 Europe/Zurich" stays 16:00 in Zurich on both sides of a DST
change. Instants returned are aware UTC.

Two DST corner cases, resolved the way a person would expect:
- a wall-clock time that does not exist (the spring-forward gap, e.g. 02:30 on the last Sunday of March
  in Zurich) moves forward by the gap (→ 03:30 local);
- a wall-clock time that happens twice (the autumn fall-back hour) means its first occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ReadingGroupError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ALIASES = {"tues": 1, "wednes": 2, "thur": 3, "thurs": 3}

_TIME = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?"
_ISO = re.compile(rf"^(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}})(?:[ t](?:at )?{_TIME})?$")
_RELATIVE = re.compile(rf"^(?P<rel>today|tomorrow)(?: (?:at )?{_TIME})?$")
_WEEKDAY = re.compile(rf"^(?P<next>next )?(?P<day>[a-z]+)(?: (?:at )?{_TIME})?$")
_TIME_ONLY = re.compile(rf"^(?:at )?{_TIME}$")


def parse_timezone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a ReadingGroupError that shows what a valid name looks like."""
    cleaned = name.strip()
    try:
        if not cleaned:
            raise ValueError(name)
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReadingGroupError(
            f"I don't know the time zone “{name}”. Use an IANA name such as `Europe/Zurich`, "
            "`America/New_York` or `UTC`."
        ) from None


def parse_weekday(text: str) -> int:
    """0 (Monday) … 6 (Sunday) from a day name or its abbreviation ("thu", "Thursday")."""
    word = text.strip().lower()
    if len(word) >= 3:
        for number, name in enumerate(WEEKDAYS):
            if name.startswith(word):
                return number
    if word in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[word]
    raise ReadingGroupError(f"“{text}” isn't a weekday. Write it like `thursday` or `thu`.")


def parse_time(text: str) -> time:
    """A wall-clock time from "16:00", "4pm" or "4:30 pm"; a bare "16" is refused as ambiguous."""
    match = _TIME_ONLY.match(_normalise(text))
    parsed = _time_from(match) if match else None
    if parsed is None:
        raise ReadingGroupError(f"“{text}” isn't a time I can read. Write it like `16:00` or `4pm`.")
    return parsed


def localize(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone` (gap → moved forward, overlap → first)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_slot(weekday: int, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first usual slot (weekday + wall-clock time in `zone`) strictly after the instant `after`."""
    return next(iter_slots(weekday, at, zone, after))


def iter_slots(weekday: int, at: time, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """The usual slots strictly after `after`, in order, forever (UTC instants)."""
    day = after.astimezone(zone).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while True:
        candidate = localize(day, at, zone)
        if candidate > after:
            yield candidate
        day += timedelta(days=7)


def parse_when(text: str, zone: ZoneInfo, now: datetime, default_time: time) -> datetime:
    """The instant a user means by `text`, read as wall-clock time in the group's `zone`.

    Understood: "2026-12-03 16:00", "2026-12-03" (at `default_time`), "today 18:00", "tomorrow 16:00",
    "thursday 17:00" (the next Thursday at 17:00 — today if that is still ahead), "next thursday"
    (a Thursday after today, never today), and a bare "17:00" (its next occurrence). A day without a
    time means the group's usual time. Whether the result is in the past is the caller's business.
    """
    cleaned = _normalise(text)
    today = now.astimezone(zone).date()
    result = _parse_iso(cleaned, zone, default_time)
    if result is None:
        result = _parse_relative(cleaned, zone, today, default_time)
    if result is None:
        result = _parse_weekday(cleaned, zone, now, today, default_time)
    if result is None:
        result = _parse_time_only(cleaned, zone, now, today)
    if result is None:
        raise ReadingGroupError(
            f"I couldn't read “{text}” as a date. Try `2026-12-03 16:00`, `next thursday`, "
            f"`thursday 17:00` or `tomorrow 16:00` (times are in {zone.key})."
        )
    return result


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().replace(",", " ").split())


def _time_from(match: re.Match[str]) -> time | None:
    """The time captured by `_TIME`, or None when it is missing, ambiguous or out of range."""
    hour_text, minute_text, ampm = match.group("hour"), match.group("minute"), match.group("ampm")
    if hour_text is None:
        return None
    if minute_text is None and ampm is None:
        return None  # "at 4" could be 04:00 or 16:00
    hour, minute = int(hour_text), int(minute_text or 0)
    if ampm is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return time(hour, minute)  # its range is the rule: "24:00" or "23:60" reads as no time at all
    except ValueError:
        return None


def _time_or_default(match: re.Match[str], default_time: time) -> time | None:
    if match.group("hour") is None:
        return default_time
    return _time_from(match)


def _parse_iso(text: str, zone: ZoneInfo, default_time: time) -> datetime | None:
    match = _ISO.match(text)
    if match is None:
        return None
    try:
        day = date(int(match.group("y")), int(match.group("mo")), int(match.group("d")))
    except ValueError:
        return None
    at = _time_or_default(match, default_time)
    return None if at is None else localize(day, at, zone)


def _parse_relative(text: str, zone: ZoneInfo, today: date, default_time: time) -> datetime | None:
    match = _RELATIVE.match(text)
    if match is None:
        return None
    at = _time_or_default(match, default_time)
    day = today + timedelta(days=1 if match.group("rel") == "tomorrow" else 0)
    return None if at is None else localize(day, at, zone)


def _parse_weekday(
    text: str, zone: ZoneInfo, now: datetime, today: date, default_time: time
) -> datetime | None:
    match = _WEEKDAY.match(text)
    if match is None:
        return None
    try:
        weekday = parse_weekday(match.group("day"))
    except ReadingGroupError:
        return None
    at = _time_or_default(match, default_time)
    if at is None:
        return None
    if match.group("next"):
        ahead = (weekday - today.weekday()) % 7 or 7
        return localize(today + timedelta(days=ahead), at, zone)
    return next_slot(weekday, at, zone, now)


def _parse_time_only(text: str, zone: ZoneInfo, now: datetime, today: date) -> datetime | None:
    match = _TIME_ONLY.match(text)
    at = _time_from(match) if match else None
    if at is None:
        return None
    candidate = localize(today, at, zone)
    return candidate if candidate > now else localize(today + timedelta(days=1), at, zone)
