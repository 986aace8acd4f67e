"""Refusals name members and times through the front end's `Wording`: Discord markup only on Discord.

The same refusal reads `<@12> is presenting …` on Discord and `member 12 is presenting …` anywhere else
(the terminal), because the core holds ids and instants and never writes markup itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.discord_adapter.readinggroup.text import DISCORD_WORDING
from bot.errors import ReadingGroupError
from bot.readinggroup.errors import DuplicateProposalError
from bot.readinggroup.service import ReadingGroupService
from bot.readinggroup.wording import PLAIN_WORDING

from .support import ALICE, BOB, CAROL, GUILD

STARTS = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


def test_plain_wording_is_words_and_utc() -> None:
    assert PLAIN_WORDING.member(12) == "member 12"
    assert PLAIN_WORDING.moment(STARTS) == "2026-03-05 15:00 UTC"
    assert PLAIN_WORDING.moment(STARTS, "date") == "2026-03-05"
    assert PLAIN_WORDING.moment(STARTS, "relative") == "2026-03-05 15:00 UTC"


def test_discord_wording_is_mentions_and_timestamps() -> None:
    assert DISCORD_WORDING.member(12) == "<@12>"
    assert DISCORD_WORDING.moment(STARTS) == "<t:1772722800:F>"
    assert DISCORD_WORDING.moment(STARTS, "date") == "<t:1772722800:D>"
    assert DISCORD_WORDING.moment(STARTS, "relative") == "<t:1772722800:R>"


async def test_a_service_not_worded_for_discord_refuses_in_plain_words(group: ReadingGroupService) -> None:
    plain = group.worded(PLAIN_WORDING)
    taken = await plain.sessions.schedule(GUILD, presenter_id=BOB)
    with pytest.raises(ReadingGroupError) as caught:
        await plain.presenters.volunteer(GUILD, CAROL, taken.id)
    assert caught.value.message.startswith("member 12 is presenting that session.")

    await plain.proposals.propose(GUILD, ALICE, "2302.11520")
    with pytest.raises(DuplicateProposalError) as duplicate:
        await plain.proposals.propose(GUILD, BOB, "2302.11520")
    assert "— member 11 proposed it 2026-03-02 (proposal #1)." in duplicate.value.message
    assert "<" not in caught.value.message + duplicate.value.message


async def test_worded_shares_the_state_and_keeps_the_same_wording_as_is(group: ReadingGroupService) -> None:
    assert group.worded(DISCORD_WORDING) is group
    plain = group.worded(PLAIN_WORDING)
    await plain.presenters.add(GUILD, ALICE)
    with pytest.raises(ReadingGroupError, match=r"^<@11> is already on the presenter roster"):
        await group.presenters.add(GUILD, ALICE)
    with pytest.raises(ReadingGroupError, match=r"^member 11 is already on the presenter roster"):
        await plain.presenters.add(GUILD, ALICE)
