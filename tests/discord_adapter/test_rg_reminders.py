"""Reading-group reminders through the loopback Discord, fired by moving the injected clock.

A reminder pings the presenter and the group's role — nobody else — exactly once per offset, even when
the bot dies between claiming a reminder and posting it (the ledger keeps the claim: one reminder lost
rather than a whole role pinged twice).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.serve import build_client
from tests.fake_discord import (
    MISSING_PERMISSIONS,
    SERVER_ERROR,
    BotRunner,
    DiscordAPIError,
    FakeDiscord,
    FakeRequest,
    FakeRole,
)

from .rg_helpers import (
    SECOND_SLOT,
    add_group_role,
    discord_follows,
    is_reminder,
    message_bodies,
    setup_group,
    slash,
    ts,
)


@pytest.fixture(autouse=True)
def _discord_time(fake_discord: FakeDiscord, clock: ManualClock) -> None:
    """Discord's own time (scheduled-event checks) is the test clock."""
    discord_follows(fake_discord, clock)


async def _session_with_presenter(fake: FakeDiscord, role: FakeRole | None) -> None:
    await setup_group(fake, role)
    await slash(fake, "rg roster add", user="alice")
    await slash(
        fake,
        "rg schedule",
        {"when": "2026-12-03 16:00", "paper": "scaling-mlps-a-tale-of-inductive-bias"},
        user="bob",
    )
    await fake.wait_for_bot_message("papers")  # the announcement
    await fake.settle()


def _reminders(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [body for request, body in message_bodies(fake) if is_reminder(body) and request.status == 200]


async def test_reminders_at_24h_and_1h_ping_the_presenter_and_the_role_once_each(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    role = add_group_role(fake_discord)
    await _session_with_presenter(fake_discord, role)
    jobs = paperbot.schedules.reading_group

    clock.set(SECOND_SLOT - timedelta(hours=24, minutes=1))
    await jobs.run()
    await fake_discord.settle()
    assert _reminders(fake_discord) == []  # a minute early: nothing

    clock.set(SECOND_SLOT - timedelta(hours=24))
    await jobs.run()
    first = await fake_discord.wait_for_bot_message("papers", lambda r: "⏰" in r.content)
    clock.advance(timedelta(minutes=30))
    await jobs.run()  # the same mark again: already sent
    clock.set(SECOND_SLOT - timedelta(hours=1))
    await jobs.run()
    second = await fake_discord.wait_for_bot_message("papers", lambda r: "⏰" in r.content)
    await fake_discord.settle()

    alice = fake_discord.alice.id
    bodies = _reminders(fake_discord)
    assert len(bodies) == 2
    assert [b["allowed_mentions"] for b in bodies] == [
        {"parse": [], "users": [alice], "roles": [role.id]}
    ] * 2
    for reminder in (first, second):
        assert reminder.content == (
            f"<@&{role.id}> ⏰ Reading group {ts(SECOND_SLOT, 'R')} ({ts(SECOND_SLOT)}): "
            f"**Scaling MLPs: A Tale of Inductive Bias** — presented by <@{alice}>."
        )
        assert [m["id"] for m in reminder.message["mentions"]] == [str(alice)]
        assert reminder.message["mention_roles"] == [str(role.id)]
        assert reminder.message["mention_everyone"] is False


async def test_a_reminder_without_role_or_presenter_pings_nobody(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    await setup_group(fake_discord)
    await slash(fake_discord, "rg schedule", {"when": "2026-12-03 16:00"}, user="bob")
    await fake_discord.wait_for_bot_message("papers")
    clock.set(SECOND_SLOT - timedelta(hours=1))
    await paperbot.schedules.reading_group.run()
    reminder = await fake_discord.wait_for_bot_message("papers", lambda r: "⏰" in r.content)
    assert reminder.content.endswith("*paper to be decided* — no presenter yet (`/rg volunteer`).")
    assert _reminders(fake_discord)[0]["allowed_mentions"] == {"parse": [], "users": []}
    assert reminder.message["mentions"] == []
    assert reminder.message["mention_roles"] == []


async def test_a_refused_reminder_is_retried_on_the_next_run(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    role = add_group_role(fake_discord)
    await _session_with_presenter(fake_discord, role)
    jobs = paperbot.schedules.reading_group
    clock.set(SECOND_SLOT - timedelta(hours=24))
    fake_discord.fail_next("POST", r"/channels/\d+/messages", MISSING_PERMISSIONS)
    await jobs.run()
    await fake_discord.settle()
    assert _reminders(fake_discord) == []
    clock.advance(timedelta(minutes=1))
    await jobs.run()  # the claim was released, so the next run posts it
    await fake_discord.wait_for_bot_message("papers", lambda r: "⏰" in r.content)
    assert len(_reminders(fake_discord)) == 1


async def test_a_restart_between_claim_and_send_does_not_ping_twice(
    fake_discord: FakeDiscord, bot_runner: BotRunner, paperbot: Any, app: Any, clock: ManualClock
) -> None:
    role = add_group_role(fake_discord)
    await _session_with_presenter(fake_discord, role)
    stuck, release = asyncio.Event(), asyncio.Event()

    async def hang_reminders(req: FakeRequest) -> Any:
        """Discord doesn't answer the reminder post until released: the bot dies while it is in flight."""
        if "⏰" in str((req.body or {}).get("content")) and not release.is_set():
            stuck.set()
            await release.wait()
            raise DiscordAPIError(SERVER_ERROR)  # nobody is listening any more
        return await fake_discord.route_create_message(req)

    fake_discord.add_route("POST", "/channels/{channel_id}/messages", hang_reminders)
    clock.set(SECOND_SLOT - timedelta(hours=24))
    job = asyncio.create_task(paperbot.schedules.reading_group.run())
    await asyncio.wait_for(stuck.wait(), 5)
    job.cancel()  # the process is killed: the claim is committed, the post never completed
    await asyncio.gather(job, return_exceptions=True)
    await bot_runner.stop(paperbot)
    release.set()

    restarted = build_client(app, scheduler_paused=True)
    await bot_runner.start(restarted)
    jobs = restarted.schedules.reading_group
    await jobs.run()
    clock.advance(timedelta(minutes=5))
    await jobs.run()
    await fake_discord.settle()
    assert _reminders(fake_discord) == []  # the 24 h reminder is lost, not sent twice

    clock.set(SECOND_SLOT - timedelta(hours=1))
    await jobs.run()
    await fake_discord.wait_for_bot_message("papers", lambda r: "⏰" in r.content)
    assert len(_reminders(fake_discord)) == 1
