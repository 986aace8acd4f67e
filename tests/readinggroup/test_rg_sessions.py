"""`/rg schedule|next|upcoming|cancel|reschedule` and RSVPs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import ReadingGroupError
from bot.readinggroup.models import PaperRef, ProposalStatus, RsvpChoice, RsvpCounts, SessionStatus
from bot.readinggroup.service import ReadingGroupService

from .support import ALICE, BOB, CAROL, GUILD


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_schedule_defaults_next_usual_slot_paper_to_be_decided_and_rotation_presenter(
    group: ReadingGroupService,
):
    await group.presenters.add(GUILD, ALICE)
    await group.presenters.add(GUILD, BOB)
    first = await group.sessions.schedule(GUILD)
    second = await group.sessions.schedule(GUILD)
    assert [(s.starts_at, s.presenter_id, s.paper) for s in (first, second)] == [
        (utc(2026, 3, 5, 15, 0), ALICE, None),
        (utc(2026, 3, 12, 15, 0), BOB, None),
    ]
    assert (first.status, first.sequence, first.duration_minutes) == (SessionStatus.SCHEDULED, 0, 60)


async def test_default_slots_follow_the_groups_zone_across_dst(
    group: ReadingGroupService, clock: ManualClock
):
    clock.set(utc(2026, 3, 27, 9, 0))
    session = await group.sessions.schedule(GUILD)
    assert session.starts_at == utc(2026, 4, 2, 14, 0)  # still 16:00 in Zurich, now summer time


async def test_schedule_with_explicit_when_paper_and_presenter(group: ReadingGroupService):
    await group.proposals.propose(GUILD, BOB, "2306.17759")
    session = await group.sessions.schedule(
        GUILD, when="2026-03-10 18:30", paper="2306.17759", presenter_id=CAROL
    )
    assert session.starts_at == utc(2026, 3, 10, 17, 30)
    assert session.presenter_id == CAROL
    assert session.paper is not None
    assert session.paper.paper_id == "2306.17759"
    assert session.proposal_id is not None
    (proposal,) = await group.proposals.open_proposals(GUILD)
    assert proposal.status is ProposalStatus.SELECTED


async def test_schedule_takes_a_selected_winner_that_is_not_yet_on_a_session(
    group: ReadingGroupService, clock: ManualClock
):
    blocker = await group.sessions.schedule(
        GUILD, paper="2304.05816"
    )  # takes the Thursday slot, with a paper
    proposal = (
        await group.proposals.propose(GUILD, ALICE, "https://example.org/x", title="External X")
    ).proposal
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    assert ballot.target_starts_at == blocker.starts_at + timedelta(days=7)
    await group.ballots.vote(GUILD, ballot.id, BOB, proposal.id)
    result = await group.ballots.close(GUILD, closed_by=ALICE)
    assert result.session is not None
    assert result.session.paper == PaperRef("External X", url="https://example.org/x")


async def test_times_in_the_past_and_double_bookings_are_refused(group: ReadingGroupService):
    with pytest.raises(ReadingGroupError, match="in the past"):
        await group.sessions.schedule(GUILD, when="2026-03-01 16:00")
    first = await group.sessions.schedule(GUILD, when="2026-03-10 18:00")
    with pytest.raises(ReadingGroupError, match=f"Session #{first.id} is already scheduled"):
        await group.sessions.schedule(GUILD, when="2026-03-10 18:00")


async def test_cancel_bumps_sequence_reopens_the_proposal_and_frees_the_slot(group: ReadingGroupService):
    await group.proposals.propose(GUILD, ALICE, "2302.11520")
    session = await group.sessions.schedule(GUILD, paper="2302.11520")
    cancelled = await group.sessions.cancel(GUILD)
    assert (cancelled.id, cancelled.status, cancelled.sequence) == (session.id, SessionStatus.CANCELLED, 1)
    assert [p.status for p in await group.proposals.open_proposals(GUILD)] == [ProposalStatus.OPEN]
    assert await group.sessions.next_session(GUILD) is None
    assert (await group.sessions.schedule(GUILD)).starts_at == session.starts_at
    with pytest.raises(ReadingGroupError, match="cancelled"):
        await group.sessions.cancel(GUILD, cancelled.id)


async def test_reschedule_moves_the_session_and_bumps_sequence(
    group: ReadingGroupService, clock: ManualClock
):
    session = await group.sessions.schedule(GUILD)
    clock.advance(timedelta(hours=2))
    moved = await group.sessions.reschedule(GUILD, "friday 10:00")
    assert (moved.id, moved.starts_at, moved.sequence) == (session.id, utc(2026, 3, 6, 9, 0), 1)
    assert moved.time_set_at == clock.now()
    moved_again = await group.sessions.reschedule(
        GUILD, "friday 10:00", session_id=session.id
    )  # same time: fine
    assert moved_again.sequence == 2
    with pytest.raises(ReadingGroupError, match="in the past"):
        await group.sessions.reschedule(GUILD, "today 08:00")


async def test_next_and_upcoming_show_rsvp_counts_and_a_changed_rsvp_counts_once(group: ReadingGroupService):
    first = await group.sessions.schedule(GUILD)
    await group.sessions.schedule(GUILD)
    await group.sessions.rsvp(GUILD, first.id, ALICE, RsvpChoice.GOING)
    await group.sessions.rsvp(GUILD, first.id, BOB, RsvpChoice.GOING)
    counts = await group.sessions.rsvp(GUILD, first.id, BOB, RsvpChoice.CANT)
    assert counts == RsvpCounts(going=1, maybe=0, cant=1)
    upcoming = await group.sessions.upcoming(GUILD)
    assert [(v.session.id, v.rsvps.going) for v in upcoming] == [(first.id, 1), (first.id + 1, 0)]
    nxt = await group.sessions.next_session(GUILD)
    assert nxt is not None
    assert nxt.session.id == first.id


async def test_a_finished_session_leaves_upcoming_and_takes_no_more_rsvps(
    group: ReadingGroupService, clock: ManualClock
):
    session = await group.sessions.schedule(GUILD)
    clock.set(session.starts_at + timedelta(minutes=30))
    nxt = await group.sessions.next_session(GUILD)
    assert nxt is not None
    assert nxt.session.id == session.id  # in progress still counts as next
    clock.set(session.ends_at)
    assert await group.sessions.upcoming(GUILD) == []
    assert (await group.sessions.get(GUILD, session.id)).session.status is SessionStatus.DONE
    with pytest.raises(ReadingGroupError, match="RSVPs are closed"):
        await group.sessions.rsvp(GUILD, session.id, ALICE, RsvpChoice.GOING)


async def test_discord_ids_are_recorded_for_later_edits(group: ReadingGroupService):
    session = await group.sessions.schedule(GUILD)
    await group.sessions.record_links(GUILD, session.id, announcement_message_id=5001, thread_id=5002)
    updated = await group.sessions.record_links(GUILD, session.id, scheduled_event_id=5003)
    assert (updated.announcement_message_id, updated.thread_id, updated.scheduled_event_id) == (
        5001,
        5002,
        5003,
    )


async def test_another_servers_session_is_invisible(group: ReadingGroupService):
    session = await group.sessions.schedule(GUILD)
    with pytest.raises(ReadingGroupError, match=f"no session #{session.id}"):
        await group.sessions.cancel(GUILD + 1, session.id)
