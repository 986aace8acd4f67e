"""The usual slot and the `when` a member types, in the group's zone, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from bot.discord_adapter.readinggroup.text import discord_timestamp
from bot.errors import ReadingGroupError
from bot.readinggroup.slots import (
    iter_slots,
    localize,
    next_slot,
    parse_time,
    parse_timezone,
    parse_weekday,
    parse_when,
)

ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")
THU = 3
SIXTEEN = time(16, 0)
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Zurich


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_next_slot_is_the_coming_thursday_at_local_16h():
    assert next_slot(THU, SIXTEEN, ZURICH, MONDAY_MORNING) == utc(2026, 3, 5, 15, 0)


def test_slots_stay_at_16h_local_across_spring_forward():
    slots = list(islice(iter_slots(THU, SIXTEEN, ZURICH, utc(2026, 3, 20)), 2))
    assert slots == [utc(2026, 3, 26, 15, 0), utc(2026, 4, 2, 14, 0)]
    assert [s.astimezone(ZURICH).time() for s in slots] == [SIXTEEN, SIXTEEN]


def test_slots_stay_at_16h_local_across_fall_back():
    slots = list(islice(iter_slots(THU, SIXTEEN, ZURICH, utc(2026, 10, 20)), 2))
    assert slots == [utc(2026, 10, 22, 14, 0), utc(2026, 10, 29, 15, 0)]


def test_new_york_switches_on_its_own_date_not_europes():
    # The US moves clocks on 8 March 2026, three weeks before Europe.
    slots = list(islice(iter_slots(THU, time(12, 0), NEW_YORK, utc(2026, 3, 1)), 2))
    assert slots == [utc(2026, 3, 5, 17, 0), utc(2026, 3, 12, 16, 0)]


def test_a_slot_exactly_now_is_not_next_the_following_week_is():
    assert next_slot(THU, SIXTEEN, ZURICH, utc(2026, 3, 5, 15, 0)) == utc(2026, 3, 12, 15, 0)


def test_a_time_in_the_spring_gap_moves_forward_and_a_repeated_time_means_the_first():
    assert localize(date(2026, 3, 29), time(2, 30), ZURICH) == utc(2026, 3, 29, 1, 30)  # 03:30 CEST
    assert localize(date(2026, 10, 25), time(2, 30), ZURICH) == utc(2026, 10, 25, 0, 30)  # first 02:30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03 16:00", utc(2026, 12, 3, 15, 0)),
        ("2026-12-03T16:30", utc(2026, 12, 3, 15, 30)),
        ("2026-12-03", utc(2026, 12, 3, 15, 0)),  # no time: the usual 16:00
        ("next thursday", utc(2026, 3, 5, 15, 0)),
        ("Thursday 17:00", utc(2026, 3, 5, 16, 0)),
        ("thu at 5pm", utc(2026, 3, 5, 16, 0)),
        ("tomorrow 16:00", utc(2026, 3, 3, 15, 0)),
        ("Tomorrow, 4pm", utc(2026, 3, 3, 15, 0)),
        ("today 18:30", utc(2026, 3, 2, 17, 30)),
        ("17:00", utc(2026, 3, 2, 16, 0)),
        ("8:00", utc(2026, 3, 3, 7, 0)),  # 08:00 today has passed: tomorrow
    ],
)
def test_when_is_read_in_the_groups_zone(text: str, expected: datetime):
    assert parse_when(text, ZURICH, MONDAY_MORNING, SIXTEEN) == expected


def test_weekday_means_today_if_still_ahead_but_next_weekday_never_today():
    thursday_morning = utc(2026, 3, 5, 9, 0)
    assert parse_when("thursday", ZURICH, thursday_morning, SIXTEEN) == utc(2026, 3, 5, 15, 0)
    assert parse_when("next thursday", ZURICH, thursday_morning, SIXTEEN) == utc(2026, 3, 12, 15, 0)


def test_next_thursday_across_the_dst_change_is_still_16h_local():
    assert parse_when("next thursday", ZURICH, utc(2026, 3, 26, 9, 0), SIXTEEN) == utc(2026, 4, 2, 14, 0)


@pytest.mark.parametrize(
    "text",
    [
        "someday",
        "2026-02-30 16:00",
        "thursday 25:00",
        "thursday 24:00",
        "tomorrow 23:60",
        "2026-12-03 24:00",
        "at 4",
        "next blursday",
        "",
    ],
)
def test_unreadable_when_gets_an_error_with_examples_and_the_zone(text: str):
    with pytest.raises(ReadingGroupError) as caught:
        parse_when(text, ZURICH, MONDAY_MORNING, SIXTEEN)
    assert "`2026-12-03 16:00`" in caught.value.message
    assert "Europe/Zurich" in caught.value.message


def test_time_formats():
    assert [parse_time(t) for t in ("16:00", "4pm", "4:30 pm", "12am", "12pm")] == [
        time(16, 0),
        time(16, 0),
        time(16, 30),
        time(0, 0),
        time(12, 0),
    ]
    with pytest.raises(ReadingGroupError, match="`16:00`"):
        parse_time("16")  # 16 what? refuse rather than guess
    assert (parse_time("00:00"), parse_time("23:59")) == (time(0, 0), time(23, 59))


@pytest.mark.parametrize("text", ["24:00", "23:60", "24:30", "13pm", "0am", "12:60 pm"])
def test_a_time_outside_the_day_is_refused_with_examples(text: str):
    with pytest.raises(ReadingGroupError, match="Write it like `16:00` or `4pm`"):
        parse_time(text)


def test_weekday_names_and_abbreviations():
    assert [parse_weekday(w) for w in ("Thursday", "thu", "thurs", "MON", "sun")] == [3, 3, 3, 0, 6]
    with pytest.raises(ReadingGroupError, match="`thursday`"):
        parse_weekday("t")


@pytest.mark.parametrize("name", ["Europe/Zurch", "", "../../etc/passwd", "GMT+25"])
def test_unknown_time_zone_is_refused_with_examples(name: str):
    with pytest.raises(ReadingGroupError, match="Europe/Zurich"):
        parse_timezone(name)


def test_discord_timestamp_markup():
    assert discord_timestamp(utc(2026, 3, 5, 15, 0)) == "<t:1772722800:F>"
    assert discord_timestamp(utc(2026, 3, 5, 15, 0), "R") == "<t:1772722800:R>"
