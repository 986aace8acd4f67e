"""Reminders fired by moving the clock: exactly once, across failures, restarts and two instances."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.readinggroup.service import ReadingGroupService
from bot.storage.database import Database

from .support import ALICE, CHANNEL, GUILD, ROLE, FakePublisher, make_service, missing_access, open_copy

THURSDAY = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


async def test_24h_and_1h_reminders_ping_only_the_presenter_and_the_role_once_each(
    group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    session = await group.sessions.schedule(GUILD, presenter_id=ALICE)
    assert await group.reminders.send_due(publisher) == []

    clock.set(THURSDAY - timedelta(hours=24))
    (outcome,) = await group.reminders.send_due(publisher)
    assert (outcome.status, outcome.reminder.offset_minutes, outcome.message_id) == ("sent", 1440, 901)
    assert await group.reminders.send_due(publisher) == []  # the next tick finds nothing

    clock.set(THURSDAY - timedelta(minutes=59))
    await group.reminders.send_due(publisher)
    clock.set(THURSDAY - timedelta(minutes=1))
    await group.reminders.send_due(publisher)
    clock.set(THURSDAY)
    await group.reminders.send_due(publisher)

    assert publisher.sent == [(CHANNEL, session.id, (ALICE,), ROLE), (CHANNEL, session.id, (ALICE,), ROLE)]


async def test_without_presenter_or_role_nobody_is_pinged(rg: ReadingGroupService, clock: ManualClock):
    await rg.setup(GUILD, CHANNEL, timezone="Europe/Zurich")
    await rg.sessions.schedule(GUILD)
    clock.set(THURSDAY - timedelta(hours=1))
    (due,) = await rg.reminders.due()
    assert (due.ping_user_ids, due.ping_role_id, due.offset_minutes) == ((), None, 60)


async def test_a_bot_down_for_days_sends_one_late_reminder_not_a_burst(
    group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    await group.sessions.schedule(GUILD, presenter_id=ALICE)
    clock.set(THURSDAY - timedelta(minutes=20))  # the bot was down since Monday
    outcomes = await group.reminders.send_due(publisher)
    assert [o.reminder.offset_minutes for o in outcomes] == [60]
    clock.set(THURSDAY + timedelta(minutes=5))
    assert await group.reminders.send_due(publisher) == []
    assert len(publisher.sent) == 1


async def test_a_failed_send_releases_the_claim_so_the_next_tick_retries(
    group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    await group.sessions.schedule(GUILD, presenter_id=ALICE)
    clock.set(THURSDAY - timedelta(hours=1))
    publisher.fail_with = missing_access()
    (failed,) = await group.reminders.send_due(publisher)
    assert (failed.status, failed.error and failed.error.code) == ("failed", 50001)
    publisher.fail_with = None
    clock.advance(timedelta(minutes=1))
    (sent,) = await group.reminders.send_due(publisher)
    assert sent.status == "sent"
    assert len(publisher.sent) == 1


async def test_an_unexpected_error_releases_the_claim_and_propagates(
    group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    await group.sessions.schedule(GUILD)
    clock.set(THURSDAY - timedelta(hours=1))
    publisher.fail_with = RuntimeError("bug in the adapter")
    with pytest.raises(RuntimeError, match="bug in the adapter"):
        await group.reminders.send_due(publisher)
    publisher.fail_with = None
    assert [o.status for o in await group.reminders.send_due(publisher)] == ["sent"]


async def test_a_restart_between_claim_and_send_does_not_double_ping(
    db: Database, db_url: str, group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    await group.sessions.schedule(GUILD, presenter_id=ALICE)
    clock.set(THURSDAY - timedelta(hours=1))
    publisher.fail_with = asyncio.CancelledError()  # the process is stopped mid-send, after the claim
    with pytest.raises(asyncio.CancelledError):
        await group.reminders.send_due(publisher)
    await db.close()

    restarted_db = await open_copy(db_url)
    try:
        restarted = make_service(restarted_db, clock)
        publisher.fail_with = None
        assert await restarted.reminders.due() == []
        clock.advance(timedelta(minutes=5))
        assert await restarted.reminders.send_due(publisher) == []
    finally:
        await restarted_db.close()
    assert publisher.sent == []


async def test_two_instances_racing_send_the_reminder_once(
    db_url: str, group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    await group.sessions.schedule(GUILD, presenter_id=ALICE)
    clock.set(THURSDAY - timedelta(hours=1))
    other_db = await open_copy(db_url)
    try:
        other = make_service(other_db, clock)
        (due_here,), (due_there,) = await group.reminders.due(), await other.reminders.due()
        outcomes = await asyncio.gather(
            group.reminders.claim_and_send(due_here, publisher),
            other.reminders.claim_and_send(due_there, publisher),
        )
    finally:
        await other_db.close()
    assert sorted(o.status for o in outcomes) == ["already_claimed", "sent"]
    assert len(publisher.sent) == 1


async def test_a_rescheduled_session_gets_reminders_for_its_new_time(
    group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    session = await group.sessions.schedule(GUILD, presenter_id=ALICE)
    clock.set(THURSDAY - timedelta(hours=24))
    await group.reminders.send_due(publisher)
    await group.sessions.reschedule(GUILD, "2026-03-12", session_id=session.id)  # a week later
    next_week = THURSDAY + timedelta(days=7)
    assert await group.reminders.next_at() == next_week - timedelta(hours=24)
    clock.set(next_week - timedelta(hours=24))
    (outcome,) = await group.reminders.send_due(publisher)
    assert (outcome.reminder.offset_minutes, outcome.reminder.session.starts_at) == (1440, next_week)
    assert len(publisher.sent) == 2


async def test_cancelled_sessions_are_not_reminded(
    group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    await group.sessions.schedule(GUILD)
    await group.sessions.cancel(GUILD)
    clock.set(THURSDAY - timedelta(hours=1))
    assert await group.reminders.send_due(publisher) == []
    assert await group.reminders.next_at() is None


async def test_reminders_turned_off_send_nothing(
    group: ReadingGroupService, clock: ManualClock, publisher: FakePublisher
):
    await group.setup(GUILD, CHANNEL, reminders="none")
    await group.sessions.schedule(GUILD)
    clock.set(THURSDAY - timedelta(hours=1))
    assert await group.reminders.send_due(publisher) == []
