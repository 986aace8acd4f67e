"""`/rg roster`, `/rg skip`, `/rg swap`, volunteering: a fair rotation the members can see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import ReadingGroupError
from bot.readinggroup.service import ReadingGroupService

from .support import ALICE, BOB, CAROL, DAVE, GUILD


async def roster_of_three(rg: ReadingGroupService, clock: ManualClock) -> None:
    for user in (ALICE, BOB, CAROL):
        await rg.presenters.add(GUILD, user)
        clock.advance(timedelta(minutes=1))


async def test_roster_lists_members_in_the_order_they_will_present(
    group: ReadingGroupService, clock: ManualClock
):
    await roster_of_three(group, clock)
    await group.sessions.schedule(GUILD)  # Alice presents next Thursday
    assert [slot.entry.user_id for slot in await group.presenters.roster(GUILD)] == [BOB, CAROL, ALICE]
    with pytest.raises(ReadingGroupError, match="already on the presenter roster"):
        await group.presenters.add(GUILD, BOB)


async def test_a_member_who_joins_later_presents_before_those_who_already_have(
    group: ReadingGroupService, clock: ManualClock
):
    await roster_of_three(group, clock)
    first = await group.sessions.schedule(GUILD)  # Alice, who joined first
    clock.set(first.starts_at + timedelta(days=1))  # Alice has presented; Bob and Carol never have
    await group.presenters.add(GUILD, DAVE)  # Dave joins weeks after all of them
    upcoming = [(await group.sessions.schedule(GUILD)).presenter_id for _ in range(4)]
    assert first.presenter_id == ALICE
    assert upcoming == [BOB, CAROL, DAVE, ALICE]


async def test_skip_hands_the_session_to_the_next_and_the_skipped_member_goes_first_next_time(
    group: ReadingGroupService, clock: ManualClock
):
    await roster_of_three(group, clock)
    session = await group.sessions.schedule(GUILD)
    result = await group.presenters.skip(GUILD)
    assert (result.skipped_id, result.session.presenter_id, result.session.id) == (ALICE, BOB, session.id)
    assert result.session.sequence == 1
    following = await group.sessions.schedule(GUILD)
    assert following.presenter_id == ALICE


async def test_skip_with_nobody_else_leaves_the_session_without_presenter(group: ReadingGroupService):
    await group.presenters.add(GUILD, ALICE)
    await group.sessions.schedule(GUILD)
    assert (await group.presenters.skip(GUILD)).session.presenter_id is None
    with pytest.raises(ReadingGroupError, match="nobody to skip"):
        await group.presenters.skip(GUILD)


async def test_swap_exchanges_presenters_of_two_sessions(group: ReadingGroupService, clock: ManualClock):
    await roster_of_three(group, clock)
    first = await group.sessions.schedule(GUILD)
    second = await group.sessions.schedule(GUILD)
    a, b = await group.presenters.swap(GUILD, first.id, second.id)
    assert [(a.id, a.presenter_id), (b.id, b.presenter_id)] == [(first.id, BOB), (second.id, ALICE)]
    with pytest.raises(ReadingGroupError, match="two different sessions"):
        await group.presenters.swap(GUILD, first.id, first.id)


async def test_a_volunteer_takes_a_session_without_presenter_but_not_someone_elses(
    group: ReadingGroupService,
):
    open_session = await group.sessions.schedule(GUILD)  # empty roster: nobody assigned
    taken = await group.sessions.schedule(GUILD, presenter_id=BOB)
    assert (await group.presenters.volunteer(GUILD, DAVE)).presenter_id == DAVE
    with pytest.raises(ReadingGroupError, match="<@12> is presenting"):
        await group.presenters.volunteer(GUILD, CAROL, taken.id)
    assert (await group.sessions.get(GUILD, open_session.id)).session.presenter_id == DAVE


async def test_removing_a_member_reports_the_sessions_they_still_present(
    group: ReadingGroupService, clock: ManualClock
):
    await roster_of_three(group, clock)
    session = await group.sessions.schedule(GUILD)
    removal = await group.presenters.remove(GUILD, ALICE)
    assert [s.id for s in removal.still_presenting] == [session.id]
    assert [slot.entry.user_id for slot in await group.presenters.roster(GUILD)] == [BOB, CAROL]
    with pytest.raises(ReadingGroupError, match="not on the presenter roster"):
        await group.presenters.remove(GUILD, ALICE)
