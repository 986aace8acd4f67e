"""The .ics export: parsed back by icalendar and by the independent `ics` parser, zones included."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.readinggroup.calendar import build_calendar, session_uid
from bot.readinggroup.models import GroupSettings, PaperRef, Session, SessionStatus

ZURICH = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SETTINGS = GroupSettings(
    guild_id=1001, channel_id=2, weekday=3, time=time(16), timezone="Europe/Zurich", location="HG F 26.5"
)


def session(sid: int, starts: datetime, **changes: object) -> Session:
    values: dict[str, object] = {
        "id": sid,
        "guild_id": 1001,
        "starts_at": starts,
        "duration_minutes": 90,
        "paper": PaperRef(title="Random Teachers are Good Teachers", paper_id="2302.11520"),
        "proposal_id": None,
        "presenter_id": 11,
        "status": SessionStatus.SCHEDULED,
        "sequence": 0,
        "time_set_at": NOW,
        "created_at": NOW,
    }
    values.update(changes)
    return Session(**values)  # type: ignore[arg-type]


WINTER = session(1, datetime(2026, 3, 26, 15, 0, tzinfo=UTC))  # 16:00 CET
SUMMER = session(
    2,
    datetime(2026, 4, 2, 14, 0, tzinfo=UTC),  # 16:00 CEST
    paper=PaperRef(title="An External Paper", url="https://example.org/paper"),
    presenter_id=None,
)
CANCELLED = session(3, datetime(2026, 4, 9, 14, 0, tzinfo=UTC), status=SessionStatus.CANCELLED, sequence=2)


def build() -> bytes:
    return build_calendar([SUMMER, CANCELLED, WINTER], SETTINGS, now=NOW, presenter_names={11: "Alice"})


def events_by_uid(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_icalendar_reads_back_each_session_at_16h_zurich_on_both_sides_of_dst():
    events = events_by_uid(build())
    winter, summer = events["rg-1001-session-1@paperbot"], events["rg-1001-session-2@paperbot"]
    assert winter.decoded("DTSTART") == datetime(2026, 3, 26, 16, 0, tzinfo=ZURICH)
    assert summer.decoded("DTSTART") == datetime(2026, 4, 2, 16, 0, tzinfo=ZURICH)
    assert winter["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert winter.decoded("DTEND").astimezone(UTC) == datetime(2026, 3, 26, 16, 30, tzinfo=UTC)


def test_the_embedded_vtimezone_itself_gives_the_right_utc_offsets():
    calendar = icalendar.Calendar.from_ical(build())
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Zurich"
    embedded = vtimezone.to_tz()  # built from the file's STANDARD/DAYLIGHT rules, not the system zone
    assert datetime(2026, 3, 26, 16, 0, tzinfo=embedded).astimezone(UTC) == WINTER.starts_at
    assert datetime(2026, 4, 2, 16, 0, tzinfo=embedded).astimezone(UTC) == SUMMER.starts_at


def test_summary_description_location_status_and_sequence():
    events = events_by_uid(build())
    winter, summer, cancelled = (events[session_uid(s)] for s in (WINTER, SUMMER, CANCELLED))
    assert str(winter["SUMMARY"]) == "Reading group: Random Teachers are Good Teachers"
    assert str(winter["DESCRIPTION"]) == "Presenter: Alice\nPaper: Random Teachers are Good Teachers"
    assert str(summer["DESCRIPTION"]) == (
        "Presenter: to be decided\nPaper: An External Paper\nhttps://example.org/paper"
    )
    assert str(summer["URL"]) == "https://example.org/paper"
    assert str(winter["LOCATION"]) == "HG F 26.5"
    assert [str(e["STATUS"]) for e in (winter, cancelled)] == ["CONFIRMED", "CANCELLED"]
    assert [int(e["SEQUENCE"]) for e in (winter, cancelled)] == [0, 2]


def test_the_independent_ics_parser_agrees_on_instants_names_and_status():
    # ics-py has its own grammar and time-zone handling: a second opinion. A test-only dependency.
    ics = pytest.importorskip("ics")
    parsed = ics.Calendar(build().decode("utf-8"))
    found = sorted(
        (e.uid, e.begin.to("UTC").datetime, e.end.to("UTC").datetime, e.name, e.status) for e in parsed.events
    )
    assert found == [
        (
            "rg-1001-session-1@paperbot",
            datetime(2026, 3, 26, 15, 0, tzinfo=UTC),
            datetime(2026, 3, 26, 16, 30, tzinfo=UTC),
            "Reading group: Random Teachers are Good Teachers",
            "CONFIRMED",
        ),
        (
            "rg-1001-session-2@paperbot",
            datetime(2026, 4, 2, 14, 0, tzinfo=UTC),
            datetime(2026, 4, 2, 15, 30, tzinfo=UTC),
            "Reading group: An External Paper",
            "CONFIRMED",
        ),
        (
            "rg-1001-session-3@paperbot",
            datetime(2026, 4, 9, 14, 0, tzinfo=UTC),
            datetime(2026, 4, 9, 15, 30, tzinfo=UTC),
            "Reading group: Random Teachers are Good Teachers",
            "CANCELLED",
        ),
    ]


def test_a_utc_group_gets_plain_utc_times_and_no_vtimezone():
    utc_settings = GroupSettings(guild_id=1001, channel_id=2, weekday=3, time=time(15), timezone="UTC")
    data = build_calendar([WINTER], utc_settings, now=NOW)
    assert b"DTSTART:20260326T150000Z" in data
    assert b"VTIMEZONE" not in data


def test_same_sessions_same_file_so_subscribers_see_no_spurious_changes():
    assert build() == build()


def test_an_empty_calendar_is_still_valid():
    data = build_calendar([], SETTINGS, now=NOW)
    assert icalendar.Calendar.from_ical(data).walk("VEVENT") == []
    assert list(pytest.importorskip("ics").Calendar(data.decode("utf-8")).events) == []
