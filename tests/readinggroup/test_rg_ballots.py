"""`/rg vote`: one changeable vote per member, deadline or admin close, winner onto the next session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import ReadingGroupError
from bot.readinggroup.models import BallotStatus, ProposalStatus
from bot.readinggroup.service import ReadingGroupService

from .support import ALICE, BOB, CAROL, DAVE, GUILD

THURSDAY = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)  # the next usual slot, 16:00 Zurich


async def three_proposals(rg: ReadingGroupService, clock: ManualClock) -> list[int]:
    ids = []
    for user, paper in ((ALICE, "2302.11520"), (BOB, "2306.17759"), (CAROL, "2304.05816")):
        ids.append((await rg.proposals.propose(GUILD, user, paper)).proposal.id)
        clock.advance(timedelta(minutes=1))
    return ids


async def test_a_ballot_targets_the_next_slot_and_closes_24h_before_it(
    group: ReadingGroupService, clock: ManualClock
):
    ids = await three_proposals(group, clock)
    view = await group.ballots.open(GUILD, ALICE)
    assert view.ballot.target_starts_at == THURSDAY
    assert view.ballot.deadline == THURSDAY - timedelta(hours=24)
    assert view.ballot.options == tuple(ids)
    assert [row.votes for row in view.tally.options] == [0, 0, 0]
    assert view.is_open


async def test_nothing_proposed_means_no_ballot(group: ReadingGroupService):
    with pytest.raises(ReadingGroupError, match="/rg propose"):
        await group.ballots.open(GUILD, ALICE)


async def test_only_one_ballot_at_a_time(group: ReadingGroupService, clock: ManualClock):
    await three_proposals(group, clock)
    await group.ballots.open(GUILD, ALICE)
    with pytest.raises(ReadingGroupError, match="already open"):
        await group.ballots.open(GUILD, BOB)


async def test_votes_are_one_per_member_changeable_and_counted_live(
    group: ReadingGroupService, clock: ManualClock
):
    a, b, _c = await three_proposals(group, clock)
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    await group.ballots.vote(GUILD, ballot.id, ALICE, a)
    await group.ballots.vote(GUILD, ballot.id, BOB, a)
    view = await group.ballots.vote(GUILD, ballot.id, ALICE, b)  # Alice changes her mind
    assert [row.votes for row in view.tally.options] == [1, 1, 0]
    view = await group.ballots.retract(GUILD, ballot.id, BOB)
    assert [row.votes for row in view.tally.options] == [0, 1, 0]
    assert [row.votes for row in (await group.ballots.get(GUILD)).tally.options] == [0, 1, 0]


async def test_votes_after_the_deadline_or_for_other_papers_are_refused(
    group: ReadingGroupService, clock: ManualClock
):
    a, _b, _c = await three_proposals(group, clock)
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    with pytest.raises(ReadingGroupError, match="isn't on this ballot"):
        await group.ballots.vote(GUILD, ballot.id, ALICE, 999)
    clock.set(ballot.deadline)
    with pytest.raises(ReadingGroupError, match="closed"):
        await group.ballots.vote(GUILD, ballot.id, ALICE, a)


async def test_admin_close_picks_the_winner_and_schedules_it_with_the_next_presenter(
    group: ReadingGroupService, clock: ManualClock
):
    await group.presenters.add(GUILD, DAVE)
    a, b, c = await three_proposals(group, clock)
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    for user, choice in ((ALICE, c), (BOB, b), (CAROL, c), (DAVE, a)):
        await group.ballots.vote(GUILD, ballot.id, user, choice)
    result = await group.ballots.close(GUILD, closed_by=ALICE)
    assert result.winner is not None
    assert result.winner.id == c
    assert result.ballot.status is BallotStatus.CLOSED
    assert result.ballot.closed_by == ALICE
    assert result.session_created
    assert result.session is not None
    assert (result.session.starts_at, result.session.paper, result.session.presenter_id) == (
        THURSDAY,
        result.winner.paper,
        DAVE,
    )
    statuses = {p.id: p.status for p in await group.proposals.open_proposals(GUILD)}
    assert statuses == {a: ProposalStatus.OPEN, b: ProposalStatus.OPEN, c: ProposalStatus.SELECTED}


async def test_a_tie_goes_to_the_earliest_proposal(group: ReadingGroupService, clock: ManualClock):
    a, b, _c = await three_proposals(group, clock)
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    await group.ballots.vote(GUILD, ballot.id, ALICE, b)
    await group.ballots.vote(GUILD, ballot.id, BOB, a)
    result = await group.ballots.close(GUILD, closed_by=ALICE)
    assert result.winner is not None
    assert result.winner.id == a
    assert [p.id for p in result.tally.tied] == [a, b]


async def test_the_deadline_job_closes_overdue_ballots_once(group: ReadingGroupService, clock: ManualClock):
    a, _b, _c = await three_proposals(group, clock)
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    await group.ballots.vote(GUILD, ballot.id, BOB, a)
    assert await group.ballots.close_due() == []
    clock.set(ballot.deadline + timedelta(minutes=1))
    results = await group.ballots.close_due()
    assert [(r.ballot.id, r.ballot.closed_by, r.winner and r.winner.id) for r in results] == [
        (ballot.id, None, a)
    ]
    assert await group.ballots.close_due() == []
    with pytest.raises(ReadingGroupError, match="already closed"):
        await group.ballots.close(GUILD, closed_by=ALICE, ballot_id=ballot.id)


async def test_no_votes_no_winner_and_nothing_scheduled(group: ReadingGroupService, clock: ManualClock):
    await three_proposals(group, clock)
    await group.ballots.open(GUILD, ALICE)
    result = await group.ballots.close(GUILD, closed_by=ALICE)
    assert (result.winner, result.session, result.session_created) == (None, None, False)
    assert await group.sessions.upcoming(GUILD) == []


async def test_the_winner_fills_a_session_already_scheduled_without_a_paper(
    group: ReadingGroupService, clock: ManualClock
):
    placeholder = await group.sessions.schedule(GUILD, presenter_id=BOB)
    a, _b, _c = await three_proposals(group, clock)
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    assert ballot.target_starts_at == placeholder.starts_at
    await group.ballots.vote(GUILD, ballot.id, CAROL, a)
    result = await group.ballots.close(GUILD, closed_by=ALICE)
    assert not result.session_created
    assert result.session is not None
    assert (result.session.id, result.session.presenter_id) == (placeholder.id, BOB)
    assert result.session.paper is not None
    assert result.session.paper.paper_id == "2302.11520"


async def test_a_discussed_paper_leaves_the_ballot_until_it_is_proposed_again(
    group: ReadingGroupService, clock: ManualClock
):
    a, b, _c = await three_proposals(group, clock)
    ballot = (await group.ballots.open(GUILD, ALICE)).ballot
    await group.ballots.vote(GUILD, ballot.id, ALICE, a)
    session = (await group.ballots.close(GUILD, closed_by=ALICE)).session
    assert session is not None
    clock.set(session.ends_at + timedelta(hours=1))  # the session took place: paper a is discussed

    second = await group.ballots.open(GUILD, ALICE)
    assert a not in second.ballot.options
    assert b in second.ballot.options
    await group.ballots.close(GUILD, closed_by=ALICE)

    again = (await group.proposals.propose(GUILD, DAVE, "2302.11520")).proposal
    third = await group.ballots.open(GUILD, ALICE)
    assert again.id in third.ballot.options
