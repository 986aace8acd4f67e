"""`/rg setup`, `/rg propose`, `/rg proposals`: settings kept, duplicates refused politely."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import ReadingGroupError, UnknownPaperError
from bot.readinggroup.errors import DuplicateProposalError
from bot.readinggroup.models import ProposalStatus
from bot.readinggroup.service import ReadingGroupService

from .support import ALICE, BOB, CAROL, CHANNEL, GUILD, ROLE


async def test_setup_stores_the_usual_slot_and_later_calls_change_only_what_they_name(
    rg: ReadingGroupService,
):
    first = await rg.setup(GUILD, CHANNEL, weekday="thu", time="4pm", timezone="Europe/Zurich", role_id=ROLE)
    assert (first.weekday, first.time, first.timezone, first.role_id) == (3, time(16), "Europe/Zurich", ROLE)
    assert first.reminder_offsets == (1440, 60)
    assert first.duration_minutes == 60

    second = await rg.setup(GUILD, CHANNEL, time="17:15", location="HG F 26.5", reminders="2d, 30m")
    assert (second.weekday, second.time, second.timezone, second.role_id) == (
        3,
        time(17, 15),
        "Europe/Zurich",
        ROLE,
    )
    assert second.location == "HG F 26.5"
    assert second.reminder_offsets == (2880, 30)
    assert await rg.settings(GUILD) == second


async def test_setup_defaults_to_thursday_16h_in_the_bots_default_zone(rg: ReadingGroupService):
    settings = await rg.setup(GUILD, CHANNEL)
    assert (settings.weekday, settings.time, settings.timezone) == (3, time(16), "UTC")


async def test_setup_refuses_a_bad_zone_and_keeps_the_old_settings(group: ReadingGroupService):
    with pytest.raises(ReadingGroupError, match="Europe/Zurich"):
        await group.setup(GUILD, CHANNEL, timezone="Mars/Olympus")
    assert (await group.settings(GUILD)).timezone == "Europe/Zurich"


async def test_commands_before_setup_point_at_setup(rg: ReadingGroupService):
    with pytest.raises(ReadingGroupError, match="/rg setup"):
        await rg.settings(GUILD)
    with pytest.raises(ReadingGroupError, match="/rg setup"):
        await rg.sessions.schedule(GUILD)


async def test_propose_a_corpus_paper_and_list_it_with_its_proposer(
    group: ReadingGroupService, clock: ManualClock
):
    receipt = await group.proposals.propose(GUILD, ALICE, "2302.11520", note="  nice   follow-up ")
    clock.advance(timedelta(minutes=5))
    await group.proposals.propose(GUILD, BOB, "https://example.org/p.pdf", title="An External Paper")
    listed = await group.proposals.open_proposals(GUILD)
    assert [(p.paper.title, p.proposer_id, p.status) for p in listed] == [
        ("Random Teachers are Good Teachers", ALICE, ProposalStatus.OPEN),
        ("An External Paper", BOB, ProposalStatus.OPEN),
    ]
    assert receipt.proposal.note == "nice follow-up"
    assert receipt.discussed_on == ()
    assert listed[1].paper.url == "https://example.org/p.pdf"


async def test_a_duplicate_is_refused_politely_naming_who_proposed_it_and_when(group: ReadingGroupService):
    first = await group.proposals.propose(GUILD, ALICE, "2302.11520")
    with pytest.raises(DuplicateProposalError) as caught:
        await group.proposals.propose(GUILD, BOB, "2302.11520")
    assert caught.value.existing == first.proposal
    assert caught.value.message == (
        "“Random Teachers are Good Teachers” is already on the list — <@11> proposed it <t:1772438400:D> "
        "(proposal #1). No need to propose it twice; vote for it when the ballot opens."
    )


async def test_the_same_arxiv_paper_as_a_different_link_is_a_duplicate(group: ReadingGroupService):
    await group.proposals.propose(GUILD, ALICE, "https://arxiv.org/abs/2401.00001", title="Some Paper")
    with pytest.raises(DuplicateProposalError):
        await group.proposals.propose(
            GUILD, BOB, "http://arxiv.org/pdf/2401.00001v3.pdf", title="Some Paper v3"
        )


async def test_unknown_papers_and_titleless_links_are_refused(group: ReadingGroupService):
    with pytest.raises(UnknownPaperError):
        await group.proposals.propose(GUILD, ALICE, "no-such-paper")
    with pytest.raises(ReadingGroupError, match="title"):
        await group.proposals.propose(GUILD, ALICE, "https://example.org/paper")
    assert await group.proposals.open_proposals(GUILD) == []


async def test_only_the_proposer_or_an_admin_withdraws_and_then_it_can_be_proposed_again(
    group: ReadingGroupService,
):
    receipt = await group.proposals.propose(GUILD, ALICE, "2302.11520")
    with pytest.raises(ReadingGroupError, match="Only the member who proposed it"):
        await group.proposals.withdraw(GUILD, receipt.proposal.id, BOB)
    withdrawn = await group.proposals.withdraw(GUILD, receipt.proposal.id, CAROL, is_admin=True)
    assert withdrawn.status is ProposalStatus.WITHDRAWN
    assert await group.proposals.open_proposals(GUILD) == []
    again = await group.proposals.propose(GUILD, BOB, "2302.11520")
    assert again.proposal.proposer_id == BOB


async def test_a_paper_already_on_the_programme_cannot_be_proposed(group: ReadingGroupService):
    session = await group.sessions.schedule(GUILD, paper="2302.11520")
    with pytest.raises(ReadingGroupError, match=f"session #{session.id}"):
        await group.proposals.propose(GUILD, ALICE, "2302.11520")


async def test_re_proposing_a_discussed_paper_is_allowed_and_says_when_it_was_discussed(
    group: ReadingGroupService, clock: ManualClock
):
    session = await group.sessions.schedule(GUILD, paper="2302.11520")
    clock.set(session.ends_at + timedelta(minutes=1))
    receipt = await group.proposals.propose(GUILD, ALICE, "2302.11520")
    assert receipt.discussed_on == (datetime(2026, 3, 5, 15, 0, tzinfo=UTC),)
    assert receipt.proposal.status is ProposalStatus.OPEN
