"""Every `/rg` command and reading-group button, end to end through the loopback Discord.

Each test asserts what Discord receives (REST payloads) and, at the end, that nothing the bot sent could
ping anyone (`assert_silent`; reminders have their own tests in test_rg_reminders.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.serve import build_client
from tests.fake_discord import BotRunner, FakeDiscord, Perm, Reply

from .conftest import TEST_NOW  # the clock's start: when the proposals were made
from .rg_helpers import (
    FIRST_SLOT,
    SECOND_SLOT,
    add_group_role,
    assert_silent,
    discord_follows,
    setup_group,
    slash,
    ts,
)

PAPER_A = "random-teachers-are-good-teachers"
PAPER_B = "scaling-mlps-a-tale-of-inductive-bias"
TITLE_A = "Random Teachers are Good Teachers"
TITLE_B = "Scaling MLPs: A Tale of Inductive Bias"


@pytest.fixture(autouse=True)
def _nothing_pings(fake_discord: FakeDiscord, clock: ManualClock) -> Iterator[None]:
    """Discord's own time is the test clock; after every test, all the bot sent disabled mentions."""
    discord_follows(fake_discord, clock)
    yield
    assert_silent(fake_discord)


async def _private(
    fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, *, user: str
) -> str:
    """Run a command that should answer privately; its text."""
    handle = await fake.invoke_slash(command, options or {}, user=user, channel="general")
    reply = await handle.reply()
    assert reply.ephemeral, reply.content
    return reply.content


async def _schedule(fake: FakeDiscord, **options: Any) -> Reply:
    """bob schedules a session; the announcement the bot posted in #papers."""
    await slash(fake, "rg schedule", options, user="bob")
    return await fake.wait_for_bot_message(
        "papers", lambda r: r.embed is not None and "Session #" in r.text()
    )


# --- setup ---------------------------------------------------------------------------------------


async def test_rg_is_visible_to_members_but_setup_is_refused_without_manage_server(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    command = fake_discord.find_command("rg")
    assert command.get("default_member_permissions") is None  # it would hide /rg propose etc. too
    assert command["contexts"] == [0]
    text = await _private(fake_discord, "rg setup", {"channel": "papers"}, user="alice")
    assert text == "You need the **Manage Server** permission to do that."
    refused = await _private(fake_discord, "rg schedule", user="bob")
    assert refused == "The reading group isn't set up here yet. An admin can run `/rg setup` first."


async def test_setup_saves_the_slot_role_room_and_reminders(fake_discord: FakeDiscord, paperbot: Any) -> None:
    role = add_group_role(fake_discord)
    reply = await setup_group(
        fake_discord, role, location="HG E 33", reminders="2d, 30m", duration=90, voice="Voice"
    )
    assert reply.ephemeral
    assert reply.embed is not None
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    voice = fake_discord.channel("Voice").id
    assert fields == {
        "Channel": f"<#{fake_discord.channel('papers').id}>",
        "Usual slot": f"Thursdays 16:00 (Europe/Zurich)\nnext: {ts(FIRST_SLOT)}",
        "Role to notify": f"<@&{role.id}>",
        "Where": f"<#{voice}> (HG E 33)",
        "Reminders before": "2d, 30m",
        "Length": "90 min",
    }


async def test_setup_warns_about_permissions_the_bot_lacks_there(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    reply = await setup_group(fake_discord, channel="read-only")
    assert reply.embed is not None
    warning = reply.embed["fields"][-1]
    assert warning["name"] == "⚠️ Check my permissions"
    # without Send Messages, Discord implicitly denies embeds and attachments too
    assert warning["value"] == (
        f"In <#{fake_discord.channel('read-only').id}> I lack: Send Messages, Embed Links, Attach Files."
    )


async def test_setup_refuses_an_unknown_time_zone_with_an_example(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    handle = await fake_discord.invoke_slash(
        "rg setup", {"channel": "papers", "timezone": "Mars/Olympus"}, user="bob", channel="general"
    )
    reply = await handle.reply()
    assert reply.ephemeral
    assert reply.content.startswith("I don't know the time zone “Mars/Olympus”. Use an IANA name such as")


async def test_time_zone_autocomplete_finds_zurich(fake_discord: FakeDiscord, paperbot: Any) -> None:
    handle = await fake_discord.autocomplete(
        "rg setup", {"channel": "papers", "timezone": "zuri"}, focused="timezone", user="bob"
    )
    assert await handle.choices() == [{"name": "Europe/Zurich", "value": "Europe/Zurich"}]
    await slash(fake_discord, "rg upcoming")  # (something visible for the silence check)


# --- proposals -----------------------------------------------------------------------------------


async def test_propose_autocomplete_offers_corpus_titles_and_a_pasted_link(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    titles = await fake_discord.autocomplete("rg propose", {"paper": "random teach"}, focused="paper")
    assert (await titles.choices())[0] == {"name": TITLE_A, "value": PAPER_A}
    link = "https://openreview.net/forum?id=abc123"
    pasted = await fake_discord.autocomplete("rg propose", {"paper": link}, focused="paper")
    assert (await pasted.choices())[0] == {"name": link, "value": link}
    await slash(fake_discord, "rg upcoming")


async def test_a_link_needs_a_title_and_a_duplicate_is_refused_politely(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord)
    link = "https://arxiv.org/abs/1706.03762"
    untitled = await _private(fake_discord, "rg propose", {"paper": link}, user="alice")
    assert untitled.startswith("Give the paper's title with a link")
    await slash(
        fake_discord, "rg propose", {"paper": link, "title": "Attention Is All You Need"}, user="alice"
    )
    again = await _private(
        fake_discord,
        "rg propose",
        {"paper": "http://www.arxiv.org/pdf/1706.03762v5", "title": "Attention"},
        user="bob",
    )
    assert again.startswith(
        f"“Attention Is All You Need” is already on the list — <@{fake_discord.alice.id}> proposed"
    )


async def test_proposals_list_and_withdraw_yours_or_as_an_admin(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord)
    await slash(fake_discord, "rg propose", {"paper": PAPER_A, "note": "Great  figures"}, user="alice")
    await slash(fake_discord, "rg propose", {"paper": PAPER_B}, user="bob")
    listing = await slash(fake_discord, "rg proposals")
    assert listing.embed is not None
    assert listing.embed["description"].split("\n")[:2] == [
        f"`#1` **{TITLE_A}** — proposed by <@{fake_discord.alice.id}> {ts(TEST_NOW, 'D')}",
        "> Great figures",
    ]
    choices = await fake_discord.autocomplete(
        "rg withdraw", {"proposal": 2}, focused="proposal", user="alice"
    )
    assert await choices.choices() == [{"name": f"#2 · {TITLE_B}", "value": 2}]
    refused = await _private(fake_discord, "rg withdraw", {"proposal": 2}, user="alice")
    assert refused == "Only the member who proposed it, or an admin, can withdraw it."
    mine = await slash(fake_discord, "rg withdraw", {"proposal": 1}, user="alice")
    assert mine.content == f"Withdrew proposal #1: **{TITLE_A}**."
    theirs = await slash(fake_discord, "rg withdraw", {"proposal": 2}, user="bob")
    assert theirs.content == f"Withdrew proposal #2: **{TITLE_B}**."


async def test_the_card_button_proposes_and_the_card_shows_no_discussion_yet(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord)
    card = await slash(fake_discord, "paper", {"paper": PAPER_A})
    button = card.component(f"rg:propose:{PAPER_A}")
    assert button["label"] == "Propose for reading group"
    assert "Discussed" not in card.text()
    first = await (await fake_discord.click(card, f"rg:propose:{PAPER_A}", user="alice")).reply()
    assert first.ephemeral
    assert first.content.startswith(f"Proposed **{TITLE_A}** for the reading group (proposal #1)")
    second = await (await fake_discord.click(card, f"rg:propose:{PAPER_A}", user="bob")).reply()
    assert second.ephemeral
    assert "already on the list" in second.content


async def test_the_card_button_in_a_dm_says_proposals_belong_to_a_server(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    handle = await fake_discord.invoke_slash("paper", {"paper": PAPER_A}, user="alice", guild_id=None)
    card = await handle.reply()
    answer = await (await fake_discord.click(card, f"rg:propose:{PAPER_A}", user="alice")).reply()
    assert answer.ephemeral
    assert answer.content == (
        "The reading group lives in a server — use this button (or `/rg`) there, not in DMs."
    )


# --- votes ---------------------------------------------------------------------------------------


async def _ballot(fake: FakeDiscord) -> Reply:
    await setup_group(fake)
    await slash(fake, "rg propose", {"paper": PAPER_A}, user="alice")
    await slash(fake, "rg propose", {"paper": PAPER_B}, user="bob")
    opened = await _private(fake, "rg vote", user="bob")
    assert opened.startswith("Ballot #1 is up: https://discord.com/channels/")
    return await fake.wait_for_bot_message("papers", lambda r: "rg:vote:1:1" in str(r.components))


async def test_voting_is_one_changeable_vote_with_visible_counts_and_a_withdraw(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    ballot = await _ballot(fake_discord)
    assert ballot.embed is not None
    assert ballot.embed["footer"]["text"] == (
        "Ballot #1 · 0 votes · Most votes wins; a tie goes to the paper proposed first."
    )
    vote = await fake_discord.click(ballot, "rg:vote:1:2", user="alice")
    assert (await vote.followup()).content == f"Your vote: **{TITLE_B}**. Click another paper to change it."
    moved = await fake_discord.click(ballot, "rg:vote:1:1", user="alice")
    assert [b["label"] for b in (await moved.reply()).buttons()][:2] == [
        f"1. {TITLE_A} · 1",
        f"2. {TITLE_B} · 0",
    ]
    withdrawn = await fake_discord.click(ballot, "rg:unvote:1", user="alice")
    assert "0 votes" in (await withdrawn.reply()).embed["footer"]["text"]  # type: ignore[index]


async def test_only_admins_can_close_a_vote_and_the_winner_gets_a_session(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    ballot = await _ballot(fake_discord)
    await (await fake_discord.click(ballot, "rg:vote:1:2", user="alice")).reply()
    refused = await (await fake_discord.click(ballot, "rg:close:1", user="alice")).reply()
    assert refused.ephemeral
    assert refused.content == "Only members with **Manage Server** can close a vote early."
    closing = await fake_discord.click(ballot, "rg:close:1", user="bob")
    closed = await closing.reply()
    assert closed.components == []
    assert closed.embed is not None
    assert closed.embed["description"].startswith(f"Voting closed. Winner: **{TITLE_B}** with 1 vote.")
    result = await fake_discord.wait_for_bot_message("papers", lambda r: r.content.startswith("🗳️"))
    assert result.content.endswith(f"It's on for {ts(FIRST_SLOT)} (session #1).")
    announcement = await fake_discord.wait_for_bot_message("papers", lambda r: r.embed is not None)
    assert announcement.embed is not None
    assert announcement.embed["title"] == f"📚 Reading group: {TITLE_B}"
    assert (await closing.followup()).content == "Vote closed."


async def test_close_vote_breaks_a_tie_for_the_earlier_proposal(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    ballot = await _ballot(fake_discord)
    await (await fake_discord.click(ballot, "rg:vote:1:2", user="alice")).reply()
    await (await fake_discord.click(ballot, "rg:vote:1:1", user="bob")).reply()
    assert await _private(fake_discord, "rg close-vote", user="bob") == (
        f"🗳️ Voting closed. Winner: **{TITLE_A}** with 1 vote. It was a 2-way tie, so the paper "
        f"proposed first won. It's on for {ts(FIRST_SLOT)} (session #1)."
    )
    edited = fake_discord.messages[ballot.id]
    assert edited["components"] == []
    assert edited["embeds"][0]["title"] == "🗳️ Reading group vote — closed"
    members_cant = await _private(fake_discord, "rg close-vote", user="alice")
    assert members_cant == "You need the **Manage Server** permission to do that."


async def test_ballot_buttons_keep_working_after_a_restart(
    fake_discord: FakeDiscord, bot_runner: BotRunner, paperbot: Any, app: Any
) -> None:
    ballot = await _ballot(fake_discord)
    await bot_runner.stop(paperbot)
    restarted = build_client(app, scheduler_paused=True)
    await bot_runner.start(restarted)
    vote = await fake_discord.click(ballot, "rg:vote:1:1", user="alice")
    assert next(b["label"] for b in (await vote.reply()).buttons()) == f"1. {TITLE_A} · 1"


# --- sessions ------------------------------------------------------------------------------------


async def test_schedule_posts_an_announcement_with_rsvp_a_thread_and_a_discord_event(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord, location="HG E 33")
    await slash(fake_discord, "rg roster add", user="alice")
    announcement = await _schedule(fake_discord, when="2026-12-03 16:00", paper=PAPER_A)
    assert announcement.embed is not None
    assert announcement.embed["description"] == (
        f"**When:** {ts(SECOND_SLOT)} ({ts(SECOND_SLOT, 'R')})\n"
        f"**Paper:** **{TITLE_A}** (`/paper {PAPER_A}`)\n"
        f"**Presenter:** <@{fake_discord.alice.id}>\n"
        "**Where:** HG E 33"
    )
    assert [b["custom_id"] for b in announcement.buttons()] == [
        "rg:rsvp:1:going",
        "rg:rsvp:1:maybe",
        "rg:rsvp:1:cant",
    ]
    thread = await fake_discord.wait_for_request("POST", rf"/channels/\d+/messages/{announcement.id}/threads")
    assert thread.json == {
        "name": f"RG #1: {TITLE_A}",
        "auto_archive_duration": 10080,
        "rate_limit_per_user": None,
    }
    event = await fake_discord.wait_for_request("POST", r"/guilds/\d+/scheduled-events")
    assert event.json == {
        "name": f"Reading group: {TITLE_A}",
        "description": f"Paper: {TITLE_A}\nRSVP and discussion in #papers.",
        "scheduled_start_time": "2026-12-03T15:00:00+00:00",
        "scheduled_end_time": "2026-12-03T16:00:00+00:00",
        "entity_type": 3,
        "entity_metadata": {"location": "HG E 33"},
        "privacy_level": 2,
    }
    rsvp = await fake_discord.click(announcement, "rg:rsvp:1:cant", user="bob")
    assert [b["label"] for b in (await rsvp.reply()).buttons()] == ["Going (0)", "Maybe (0)", "Can't (1)"]
    assert (await rsvp.followup()).content.startswith("Noted: **Can't** for session #1.")


async def test_a_voice_channel_session_gets_a_voice_event(fake_discord: FakeDiscord, paperbot: Any) -> None:
    await setup_group(fake_discord, voice="Voice")
    await _schedule(fake_discord)
    event = await fake_discord.wait_for_request("POST", r"/guilds/\d+/scheduled-events")
    assert event.json["entity_type"] == 2
    assert str(event.json["channel_id"]) == str(fake_discord.channel("Voice").id)


async def test_without_manage_events_no_discord_event_is_made(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    bot_role = fake_discord.guild.role("Fake Bot")
    bot_role.permissions &= ~int(Perm.MANAGE_EVENTS | Perm.CREATE_EVENTS)
    await fake_discord.sync_role(bot_role)
    reply = await setup_group(fake_discord)
    assert "Without **Manage Events** I can't create Discord events for sessions." in reply.text()
    await _schedule(fake_discord)
    await fake_discord.settle()
    assert fake_discord.find_requests("POST", r"/guilds/\d+/scheduled-events") == []


async def test_next_and_upcoming_show_time_paper_presenter_and_rsvps(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord)
    nothing = await _private(fake_discord, "rg next", user="alice")
    assert nothing == "No session is scheduled. An admin can schedule one with `/rg schedule`."
    announcement = await _schedule(fake_discord, paper=PAPER_A)
    await _schedule(fake_discord, paper=PAPER_B)
    await (await fake_discord.click(announcement, "rg:rsvp:1:going", user="alice")).reply()
    nxt = await slash(fake_discord, "rg next")
    assert nxt.content.endswith(f"/{fake_discord.channel('papers').id}/{announcement.id}")
    assert nxt.embed is not None
    assert nxt.embed["fields"][0]["value"] == "✅ 1 going · ❔ 0 maybe · ❌ 0 can't"
    upcoming = await slash(fake_discord, "rg upcoming")
    assert upcoming.embed is not None
    assert upcoming.embed["description"] == (
        f"`#1` {ts(FIRST_SLOT)} — **{TITLE_A}**\npresenter to be decided · ✅ 1 ❔ 0 ❌ 0\n"
        f"`#2` {ts(SECOND_SLOT)} — **{TITLE_B}**\npresenter to be decided · ✅ 0 ❔ 0 ❌ 0"
    )


async def test_reschedule_edits_the_announcement_and_the_event_and_tells_the_channel(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord)
    announcement = await _schedule(fake_discord, paper=PAPER_A)
    choices = await fake_discord.autocomplete(
        "rg reschedule", {"when": "x", "session": 1}, focused="session", user="bob"
    )
    assert await choices.choices() == [{"name": f"#1 · Thu 26 Nov 2026 16:00 · {TITLE_A}", "value": 1}]
    moved = await _private(
        fake_discord, "rg reschedule", {"when": "2026-12-03 17:30", "session": 1}, user="bob"
    )
    new_start = SECOND_SLOT + timedelta(minutes=90)
    assert moved == f"Moved session #1 to {ts(new_start)}."
    edited = fake_discord.messages[announcement.id]
    assert edited["embeds"][0]["description"].startswith(f"**When:** {ts(new_start)}")
    patch = await fake_discord.wait_for_request("PATCH", r"/guilds/\d+/scheduled-events/\d+")
    assert patch.json["scheduled_start_time"] == "2026-12-03T16:30:00+00:00"
    assert patch.json["scheduled_end_time"] == "2026-12-03T17:30:00+00:00"
    notice = await fake_discord.wait_for_bot_message("papers", lambda r: r.content.startswith("📅"))
    assert notice.content == f"📅 Session #1 (**{TITLE_A}**) moved to {ts(new_start)}."


async def test_cancel_cancels_the_event_removes_rsvp_and_reopens_the_proposal(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord)
    await slash(fake_discord, "rg propose", {"paper": PAPER_A}, user="alice")
    announcement = await _schedule(fake_discord, paper=PAPER_A)
    assert (
        await _private(fake_discord, "rg cancel", user="bob") == f"Cancelled session #1 ({ts(FIRST_SLOT)})."
    )
    edited = fake_discord.messages[announcement.id]
    assert edited["components"] == []
    assert edited["embeds"][0]["title"] == f"Cancelled — {TITLE_A}"
    patch = await fake_discord.wait_for_request("PATCH", r"/guilds/\d+/scheduled-events/\d+")
    assert patch.json == {"status": 4}
    notice = await fake_discord.wait_for_bot_message("papers", lambda r: r.content.startswith("🚫"))
    assert notice.content == f"🚫 Session #1 on {ts(FIRST_SLOT)} (**{TITLE_A}**) is cancelled."
    listing = await slash(fake_discord, "rg proposals")
    assert listing.embed is not None
    assert listing.embed["title"] == "Reading group proposals (1 proposal)"
    refused = await _private(fake_discord, "rg cancel", {"session": 1}, user="bob")
    assert refused == "Session #1 is cancelled; only scheduled sessions can change."


# --- presenters ----------------------------------------------------------------------------------


async def test_roster_add_remove_list_and_only_admins_act_for_others(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await setup_group(fake_discord)
    alice, bob, owner = fake_discord.alice.id, fake_discord.bob.id, fake_discord.owner.id
    refused = await _private(fake_discord, "rg roster add", {"member": "bob"}, user="alice")
    assert refused == "You need the **Manage Server** permission to add someone else to the rotation."
    joined = await slash(fake_discord, "rg roster add", user="alice")
    assert joined.content == f"<@{alice}> joined the presenter rotation."
    clock.advance(timedelta(minutes=1))
    await slash(fake_discord, "rg roster add", {"member": "owner"}, user="bob")
    clock.advance(timedelta(minutes=1))
    await slash(fake_discord, "rg roster add", user="bob")
    await _schedule(fake_discord)  # alice presents: she joined first
    listing = await slash(fake_discord, "rg roster list")
    assert listing.embed is not None
    assert listing.embed["description"] == (
        f"**1.** <@{owner}> — last presenting: never yet\n"
        f"**2.** <@{bob}> — last presenting: never yet\n"
        f"**3.** <@{alice}> — last presenting: {ts(FIRST_SLOT, 'D')}"
    )
    removed = await slash(fake_discord, "rg roster remove", user="alice")
    assert removed.content == (
        f"<@{alice}> left the presenter rotation. They are still down to present session(s) #1; "
        "`/rg skip` hands one on."
    )


async def test_swap_skip_and_volunteer_update_the_announcements(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await setup_group(fake_discord)
    alice, owner = fake_discord.alice.id, fake_discord.owner.id
    first = await _schedule(fake_discord)  # nobody on the roster yet
    taken = await slash(fake_discord, "rg volunteer", user="alice")
    assert taken.content == f"<@{alice}> presents session #1 on {ts(FIRST_SLOT)}. Thank you!"
    assert f"**Presenter:** <@{alice}>" in fake_discord.messages[first.id]["embeds"][0]["description"]
    await slash(fake_discord, "rg roster add", user="alice")
    clock.advance(timedelta(minutes=1))
    await slash(fake_discord, "rg roster add", user="owner")
    second = await _schedule(fake_discord)  # owner: alice already presents #1
    swapped = await slash(fake_discord, "rg swap", {"first": 1, "second": 2}, user="bob")
    assert swapped.content == (
        f"Swapped presenters: session #1 is now presented by <@{owner}>, session #2 by <@{alice}>."
    )
    assert f"**Presenter:** <@{alice}>" in fake_discord.messages[second.id]["embeds"][0]["description"]
    not_hers = await _private(fake_discord, "rg skip", {"session": 1}, user="alice")
    assert not_hers.startswith("Only the presenter of session #1, or a member with **Manage Server**")
    skipped = await slash(fake_discord, "rg skip", {"session": 2}, user="alice")
    assert skipped.content == f"<@{alice}> steps down from session #2; <@{owner}> presents instead."
    assert f"**Presenter:** <@{owner}>" in fake_discord.messages[second.id]["embeds"][0]["description"]


# --- memory --------------------------------------------------------------------------------------


async def test_history_and_notes(fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock) -> None:
    await setup_group(fake_discord)
    empty = await slash(fake_discord, "rg history")
    assert empty.embed is not None
    assert empty.embed["description"] == "No session has taken place yet."
    await _schedule(fake_discord, paper=PAPER_B)
    clock.set(FIRST_SLOT + timedelta(hours=2))
    choices = await fake_discord.autocomplete("rg notes", {"session": 1, "text": "x"}, focused="session")
    assert await choices.choices() == [{"name": f"#1 · Thu 26 Nov 2026 16:00 [done] · {TITLE_B}", "value": 1}]
    note = await slash(fake_discord, "rg notes", {"session": 1, "text": "MLPs *do* scale with data."})
    assert note.embed is not None
    assert note.embed["description"] == "MLPs \\*do\\* scale with data."
    found = await slash(fake_discord, "rg history", {"query": "scale data"})
    assert found.embed is not None
    assert found.embed["description"].startswith(
        f"{ts(FIRST_SLOT, 'D')} — **{TITLE_B}** · presented by nobody"
    )
    missing = await _private(fake_discord, "rg notes", {"session": 7, "text": "hello"}, user="alice")
    assert missing == "There is no session #7 here. `/rg upcoming` lists the sessions."


async def test_calendar_attaches_an_ics_of_the_upcoming_sessions(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    await setup_group(fake_discord)
    await slash(fake_discord, "rg roster add", user="alice")
    await _schedule(fake_discord, paper=PAPER_A)
    reply = await slash(fake_discord, "rg calendar")
    assert reply.attachments[0]["filename"] == "reading-group.ics"
    upload = fake_discord.find_requests("POST", r"/webhooks/\d+/[^/]+")[-1]
    ics = upload.files[0].data.decode()
    assert "DTSTART;TZID=Europe/Zurich:20261126T160000" in ics
    assert f"SUMMARY:Reading group: {TITLE_A}" in ics
    assert "Presenter: Alice" in ics
    assert ics.count("BEGIN:VEVENT") == 1
