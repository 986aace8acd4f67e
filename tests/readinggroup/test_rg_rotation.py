"""Presenter rotation: newcomers first in joining order, then whoever presented least recently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.readinggroup.models import RosterEntry
from bot.readinggroup.rotation import last_presentations, next_presenter, rotation_order

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def member(user: int, joined_day: int) -> RosterEntry:
    return RosterEntry(guild_id=1, user_id=user, joined_at=day(joined_day))


ROSTER = [member(1, 0), member(2, 1), member(3, 2), member(4, 3)]


def test_never_presented_come_first_in_joining_order_then_least_recent():
    last = {1: day(30), 3: day(10)}
    assert [slot.entry.user_id for slot in rotation_order(ROSTER, last)] == [2, 4, 3, 1]
    assert [slot.last_presented for slot in rotation_order(ROSTER, last)] == [None, None, day(10), day(30)]


def test_a_later_joiner_who_never_presented_goes_before_an_early_member_who_has():
    # Member 1 joined first and presented on day 5; member 2 joined on day 10 and never presented.
    # Ranking newcomers by their joining date (as if joining were a presentation) would put 1 first.
    roster = [member(1, 0), member(2, 10)]
    last = {1: day(5)}
    assert [slot.entry.user_id for slot in rotation_order(roster, last)] == [2, 1]
    assert next_presenter(roster, last) == 2


def test_rotation_is_fair_over_many_sessions_everyone_presents_once_per_round():
    history: list[tuple[int, datetime]] = []
    for week in range(12):
        presenter = next_presenter(ROSTER, last_presentations(history))
        assert presenter is not None
        history.append((presenter, day(40 + 7 * week)))
    presenters = [user for user, _ in history]
    assert presenters == [1, 2, 3, 4] * 3


def test_a_skipped_member_keeps_their_place_and_presents_next_time():
    history = [(1, day(10)), (2, day(17)), (3, day(24)), (4, day(31))]
    # Member 1 is up next but skips this week: member 2 takes it.
    this_week = next_presenter(ROSTER, last_presentations(history), exclude={1})
    history.append((this_week or 0, day(38)))
    assert this_week == 2
    assert next_presenter(ROSTER, last_presentations(history)) == 1


def test_upcoming_assignments_count_so_back_to_back_scheduling_picks_different_people():
    history = [(1, day(50))]  # member 1 already assigned to a future session
    assert next_presenter(ROSTER, last_presentations(history)) == 2


def test_latest_presentation_wins_when_a_member_presented_several_times():
    assert last_presentations([(1, day(5)), (1, day(20)), (1, day(9))]) == {1: day(20)}


def test_nobody_left_gives_none():
    assert next_presenter([member(1, 0)], {}, exclude={1}) is None
    assert next_presenter([], {}) is None


def test_joining_time_ties_break_on_user_id_so_order_is_deterministic():
    twins = [member(9, 0), member(5, 0)]
    assert [s.entry.user_id for s in rotation_order(twins, {})] == [5, 9]
