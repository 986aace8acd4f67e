"""Sessions as an iCalendar (.ics) file, built with the `icalendar` library.

Calendar apps only update an event they already imported when it keeps its UID and shows a higher
SEQUENCE, so each session has a UID derived from its id and server, and the session's `sequence`
(bumped on reschedule and cancel) is written as SEQUENCE. Cancelled sessions stay in the file with
STATUS:CANCELLED so subscribers see the cancellation instead of a silently vanished event.
Start and end are written in the group's zone (DTSTART;TZID=…) with a matching VTIMEZONE, so the
event stays at 16:00 local across DST; a group on UTC gets plain UTC times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import icalendar
from icalendar.enums import STATUS

from bot.readinggroup.models import GroupSettings, Session, SessionStatus

PRODID = "-//paperbot//reading group//EN"


def session_uid(session: Session) -> str:
    """The event UID: stable for the life of the session, unique across servers."""
    return f"rg-{session.guild_id}-session-{session.id}@paperbot"


def session_summary(session: Session) -> str:
    """The one-line title shown in calendars."""
    if session.paper is None:
        return "Reading group (paper to be decided)"
    return f"Reading group: {session.paper.title}"


def build_calendar(
    sessions: Sequence[Session],
    settings: GroupSettings,
    *,
    now: datetime,
    name: str = "Reading group",
    presenter_names: Mapping[int, str] | None = None,
) -> bytes:
    """The .ics bytes for `sessions` (DTSTAMP = `now`, so the same input gives the same file)."""
    calendar = icalendar.Calendar.new(prodid=PRODID, name=name, uid=f"paperbot-rg-{settings.guild_id}")
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.id)):
        calendar.add_component(_event(session, settings, now, presenter_names or {}))
    if sessions:
        years = [s.starts_at.year for s in sessions]
        calendar.add_missing_timezones(
            first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
        )
    ics: bytes = calendar.to_ical()
    return ics


def _event(
    session: Session, settings: GroupSettings, now: datetime, presenter_names: Mapping[int, str]
) -> icalendar.Event:
    zone = settings.zone
    return icalendar.Event.new(
        uid=session_uid(session),
        start=session.starts_at.astimezone(zone),
        end=session.ends_at.astimezone(zone),
        stamp=now,
        summary=session_summary(session),
        description=_description(session, presenter_names),
        location=_location(settings),
        sequence=session.sequence,
        status=STATUS.CANCELLED if session.status is SessionStatus.CANCELLED else STATUS.CONFIRMED,
        url=session.paper.url if session.paper is not None else None,
    )


def _description(session: Session, presenter_names: Mapping[int, str]) -> str:
    lines = []
    if session.presenter_id is None:
        lines.append("Presenter: to be decided")
    else:
        shown = presenter_names.get(session.presenter_id, f"member {session.presenter_id}")
        lines.append(f"Presenter: {shown}")
    if session.paper is not None:
        lines.append(f"Paper: {session.paper.title}")
        if session.paper.url:
            lines.append(session.paper.url)
    if session.status is SessionStatus.CANCELLED:
        lines.append("This session was cancelled.")
    return "\n".join(lines)


def _location(settings: GroupSettings) -> str | None:
    if settings.location:
        return settings.location
    if settings.location_channel_id is not None:
        return "Discord voice channel"
    return None
