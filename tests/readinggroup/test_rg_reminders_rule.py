"""Which reminder is due when: offsets, catch-up after downtime, never after the start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import ReadingGroupError
from bot.readinggroup.models import Session, SessionStatus
from bot.readinggroup.reminders import due_offset, format_offset, next_fire_time, parse_offsets

STARTS = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)  # Thursday 16:00 Zurich
SET_AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OFFSETS = (1440, 60)


def session(*, time_set_at: datetime = SET_AT, status: SessionStatus = SessionStatus.SCHEDULED) -> Session:
    return Session(
        id=1,
        guild_id=1,
        starts_at=STARTS,
        duration_minutes=60,
        paper=None,
        proposal_id=None,
        presenter_id=None,
        status=status,
        sequence=0,
        time_set_at=time_set_at,
        created_at=SET_AT,
    )


def before(**delta: float) -> datetime:
    return STARTS - timedelta(**delta)


@pytest.mark.parametrize(
    ("now", "claimed", "expected"),
    [
        (before(hours=24, seconds=1), set(), None),  # nothing reached yet
        (before(hours=24), set(), 1440),  # exactly on the 24 h mark
        (before(hours=20), {1440}, None),  # 24 h already sent, 1 h not reached
        (before(hours=1), {1440}, 60),
        (before(minutes=30), {1440, 60}, None),
        (STARTS, set(), None),  # never once the session has started
        (STARTS + timedelta(minutes=1), set(), None),
    ],
)
def test_due_offset_over_a_normal_week(now: datetime, claimed: set[int], expected: int | None):
    assert due_offset(session(), OFFSETS, now, claimed) == expected


def test_a_bot_down_across_both_marks_sends_only_the_1h_reminder_late():
    assert due_offset(session(), OFFSETS, before(minutes=20), set()) == 60


def test_once_the_1h_reminder_went_out_a_missed_24h_one_is_moot():
    assert due_offset(session(), OFFSETS, before(minutes=50), {60}) is None


def test_a_late_24h_reminder_is_still_sent_while_the_1h_mark_is_ahead():
    assert due_offset(session(), OFFSETS, before(hours=3), set()) == 1440


def test_marks_passed_before_the_session_was_scheduled_are_not_sent():
    # Scheduled at 14:10 for 15:00 the same day: the announcement was the notice; no 24 h or 1 h ping.
    late = session(time_set_at=before(minutes=50))
    assert due_offset(late, OFFSETS, before(minutes=40), set()) is None


def test_cancelled_sessions_get_no_reminders():
    assert due_offset(session(status=SessionStatus.CANCELLED), OFFSETS, before(hours=1), set()) is None


def test_next_fire_time_for_a_scheduler():
    assert next_fire_time(session(), OFFSETS, SET_AT) == before(hours=24)
    assert next_fire_time(session(), OFFSETS, before(hours=24)) == before(hours=1)
    assert next_fire_time(session(), OFFSETS, before(minutes=59)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h, 1h", (1440, 60)),
        ("1h,24h,1h", (1440, 60)),
        ("2d 30m", (2880, 30)),
        ("90 min", (90,)),
        ("1 day, 2 hours", (1440, 120)),
        ("none", ()),
        ("", ()),
    ],
)
def test_parse_offsets(text: str, expected: tuple[int, ...]):
    assert parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["soon", "15 days", "0m", "24"])
def test_bad_offsets_are_refused_with_an_example(text: str):
    with pytest.raises(ReadingGroupError, match=r"`24h, 1h`|between 1 minute and 14 days"):
        parse_offsets(text)


def test_format_offset():
    assert [format_offset(m) for m in (1440, 60, 90, 2880 + 30)] == ["1d", "1h", "1h 30m", "2d 30m"]
