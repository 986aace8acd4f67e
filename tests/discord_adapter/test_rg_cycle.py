"""The issue's "done when": one reading-group cycle end to end through the loopback Discord.

Propose three papers (slash command, the card's button, an external link), schedule the session, vote
on buttons, let the deadline close the vote, RSVP, get the reminders at −24 h and −1 h by moving the
clock, hold the session, add notes, and find it in history and on the paper's card.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from tests.fake_discord import FakeDiscord, Reply

from .rg_helpers import (
    CHANNEL_MESSAGES,
    SECOND_SLOT,
    add_group_role,
    assert_silent,
    discord_follows,
    is_reminder,
    message_bodies,
    setup_group,
    slash,
    ts,
)

PAPER_A = "random-teachers-are-good-teachers"
PAPER_B = "scaling-mlps-a-tale-of-inductive-bias"
LINK_C = "https://arxiv.org/pdf/1706.03762v7.pdf"


@pytest.fixture(autouse=True)
def _discord_time(fake_discord: FakeDiscord, clock: ManualClock) -> None:
    """Discord's own time (scheduled-event checks) is the test clock."""
    discord_follows(fake_discord, clock)


async def _click(fake: FakeDiscord, message: Reply | int, custom_id: str, user: str) -> Reply:
    """`user` clicks a button; the message as it looks after the bot's update."""
    handle = await fake.click(message, custom_id, user=user)
    await handle.wait_callback()
    return await handle.reply()


async def test_full_reading_group_cycle(fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock) -> None:
    fake = fake_discord
    jobs = paperbot.schedules.reading_group
    clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # Friday: the next usual slot is Thu 3 Dec
    role = add_group_role(fake)
    alice, bob, owner = fake.alice.id, fake.bob.id, fake.owner.id
    await setup_group(fake, role)
    for user in ("alice", "bob", "owner"):  # joining order is rotation order
        await slash(fake, "rg roster add", user=user)
        clock.advance(timedelta(minutes=1))

    # Three proposals: a slash command, the paper card's button, and an external link with a title.
    proposed = await slash(fake, "rg propose", {"paper": PAPER_A, "note": "Short and fun"})
    assert proposed.content.startswith("Proposed **Random Teachers are Good Teachers** for the reading group")
    card = await slash(fake, "paper", {"paper": PAPER_B}, user="bob")
    by_button = await fake.click(card, f"rg:propose:{PAPER_B}", user="bob")
    assert (await by_button.reply()).ephemeral
    link = await slash(
        fake, "rg propose", {"paper": LINK_C, "title": "Attention Is All You Need"}, user="owner"
    )
    assert "[Attention Is All You Need](https://arxiv.org/abs/1706.03762)" in link.content
    twice = await fake.invoke_slash("rg propose", {"paper": PAPER_A}, user="owner", channel="general")
    refusal = await twice.reply()
    assert refusal.ephemeral
    assert "already on the list" in refusal.content
    assert f"<@{alice}>" in refusal.content
    listing = await slash(fake, "rg proposals")
    assert listing.embed is not None
    assert listing.embed["title"] == "Reading group proposals (3 proposals)"

    # Schedule the session (paper still open: the vote will fill it); announcement, thread and event.
    scheduled = await slash(fake, "rg schedule", user="bob")
    assert f"Scheduled session #1: *paper to be decided* on {ts(SECOND_SLOT)}, presented by <@{alice}>" in (
        scheduled.content
    )
    announcement = await fake.wait_for_bot_message("papers", lambda r: r.embed is not None)
    assert [b["label"] for b in announcement.buttons()] == ["Going (0)", "Maybe (0)", "Can't (0)"]
    thread = await fake.wait_for_request("POST", rf"/channels/\d+/messages/{announcement.id}/threads")
    assert thread.json["name"] == "RG #1: paper to be decided"
    event = await fake.wait_for_request("POST", r"/guilds/\d+/scheduled-events")
    assert event.json["scheduled_start_time"] == "2026-12-03T15:00:00+00:00"
    assert event.json["name"] == "Reading group: paper to be decided"

    # The vote: buttons with live counts, one vote per member, changeable.
    opened = await slash(fake, "rg vote", {"deadline": "2026-11-30 12:00"}, user="bob")
    assert opened.ephemeral
    assert "Ballot #1 is up" in opened.content
    ballot = await fake.wait_for_bot_message("papers", lambda r: "vote" in (r.embed or {}).get("title", ""))
    assert [b["custom_id"] for b in ballot.buttons()] == [
        "rg:vote:1:1",
        "rg:vote:1:2",
        "rg:vote:1:3",
        "rg:unvote:1",
        "rg:close:1",
    ]
    await _click(fake, ballot, "rg:vote:1:1", "alice")
    await _click(fake, ballot, "rg:vote:1:2", "bob")
    await _click(fake, ballot, "rg:vote:1:1", "bob")  # bob changes his mind
    after = await _click(fake, ballot, "rg:vote:1:3", "owner")
    assert [b["label"] for b in after.buttons()][:3] == [
        "1. Random Teachers are Good Teachers · 2",
        "2. Scaling MLPs: A Tale of Inductive Bias · 0",
        "3. Attention Is All You Need · 1",
    ]

    # The deadline passes: the job closes the vote, announces the winner, fills the session.
    clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    await jobs.run()
    result = await fake.wait_for_bot_message("papers", lambda r: r.content.startswith("🗳️"))
    assert result.content == (
        "🗳️ Voting closed. Winner: **Random Teachers are Good Teachers** with 2 votes. "
        f"It's on for {ts(SECOND_SLOT)} (session #1)."
    )
    closed = fake.messages[ballot.id]
    assert closed["components"] == []
    assert "closed" in closed["embeds"][0]["title"]
    renamed = await fake.wait_for_request("PATCH", r"/guilds/\d+/scheduled-events/\d+")
    assert renamed.json["name"] == "Reading group: Random Teachers are Good Teachers"

    # RSVPs update the counts on the announcement.
    await _click(fake, announcement, "rg:rsvp:1:going", "alice")
    await _click(fake, announcement, "rg:rsvp:1:maybe", "owner")
    rsvped = await _click(fake, announcement, "rg:rsvp:1:going", "bob")
    assert [b["label"] for b in rsvped.buttons()] == ["Going (2)", "Maybe (1)", "Can't (0)"]
    assert rsvped.embed is not None
    assert rsvped.embed["title"] == "📚 Reading group: Random Teachers are Good Teachers"

    # Reminders at −24 h and −1 h, each exactly once, pinging alice (presenter) and the role only.
    clock.set(SECOND_SLOT - timedelta(hours=24))
    await jobs.run()
    await jobs.run()
    clock.set(SECOND_SLOT - timedelta(hours=1))
    await jobs.run()
    await fake.settle()
    reminders = [(r, body) for r, body in message_bodies(fake) if is_reminder(body)]
    assert len(reminders) == 2
    for request, body in reminders:
        assert body["allowed_mentions"] == {"parse": [], "users": [alice], "roles": [role.id]}
        assert body["content"] == (
            f"<@&{role.id}> ⏰ Reading group {ts(SECOND_SLOT, 'R')} ({ts(SECOND_SLOT)}): "
            f"**Random Teachers are Good Teachers** — presented by <@{alice}>."
        )
        assert fake.messages[int(request.response["id"])]["mention_roles"] == [str(role.id)]

    # The session takes place; notes; history (listed and searched); the card remembers it.
    clock.set(SECOND_SLOT + timedelta(minutes=65))
    noted = await slash(
        fake, "rg notes", {"session": 1, "text": "Lottery tickets appear even with random teachers."}
    )
    assert noted.embed is not None
    assert noted.embed["title"] == "Notes added to session #1"
    history = await slash(fake, "rg history")
    assert history.embed is not None
    assert history.embed["description"] == (
        f"{ts(SECOND_SLOT, 'D')} — **Random Teachers are Good Teachers** · "
        f"presented by <@{alice}> · 2 going\n"
        "> Lottery tickets appear even with random teachers."
    )
    found = await slash(fake, "rg history", {"query": "lottery tickets"})
    assert found.embed is not None
    assert "Random Teachers are Good Teachers" in found.embed["description"]
    again = await slash(fake, "paper", {"paper": PAPER_A})
    assert f"📚 Discussed in the reading group on {ts(SECOND_SLOT, 'D')}" in again.text()

    assert {bob, owner}.isdisjoint({int(u) for _, b in reminders for u in b["allowed_mentions"]["users"]})
    assert_silent(fake)
    assert fake.find_requests("POST", CHANNEL_MESSAGES)
