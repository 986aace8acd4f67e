"""Nobody is pinged by accident, by two layers of defence — each tested here on its own.

1. The client default: PaperBot is built with `allowed_mentions=AllowedMentions.none()`, so a send that
   forgets its own setting still pings nobody. Tested with a send that passes none of its own.
2. Each send path passes its own `allowed_mentions` (nobody; a reminder: exactly its presenter and the
   group's role). The `paperbot` fixture runs every end-to-end test with a *permissive* client default
   and audits every message payload at teardown (conftest `client_allowed_mentions`), so that layer is
   tested on its own by every send path the suite drives; the tests below show it on messages whose text
   names people.

What Discord would ping is read from the fake's stored messages (`mentions`, `mention_roles`,
`mention_everyone`), which it computes from the content and the request's `allowed_mentions`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.serve import build_client
from tests.fake_discord import BotRunner, FakeDiscord

from .mentions import assert_pings_only_whom_it_names
from .rg_helpers import SECOND_SLOT, add_group_role, discord_follows, setup_group, slash

PINGS_EVERYONE = "@everyone @here <@{user}> <@&{role}> — if this pinged anyone, layer 1 failed"


def pinged(message: dict[str, Any]) -> tuple[list[str], list[str], bool]:
    """Who Discord pings for a stored message: user ids, role ids, @everyone/@here."""
    return [m["id"] for m in message["mentions"]], list(message["mention_roles"]), message["mention_everyone"]


@pytest.fixture(autouse=True)
def _discord_time(fake_discord: FakeDiscord, clock: ManualClock) -> None:
    discord_follows(fake_discord, clock)


# --- layer 1: the client default ------------------------------------------------------------------------


async def test_the_client_default_alone_stops_a_send_without_its_own_setting_from_pinging(
    fake_discord: FakeDiscord, bot_runner: BotRunner, app: App
) -> None:
    client = build_client(app, scheduler_paused=True)  # as `paperbot run` builds it
    await bot_runner.start(client)
    role = add_group_role(fake_discord)
    alice = fake_discord.alice
    general = fake_discord.channel("general")
    text = PINGS_EVERYONE.format(user=alice.id, role=role.id)

    sent = await client.get_partial_messageable(general.id).send(text)  # no allowed_mentions of its own
    question = await fake_discord.send_message("general", "what about state space models?", author=alice)
    channel = client.get_channel(general.id)
    assert isinstance(channel, discord.TextChannel)
    answer = await (await channel.fetch_message(int(question["id"]))).reply(text)  # nor here

    await fake_discord.settle()
    for message_id in (sent.id, answer.id):
        assert pinged(fake_discord.messages[message_id]) == ([], [], False)
    payloads = [r.json for r in fake_discord.find_requests("POST", rf"/channels/{general.id}/messages")]
    assert len(payloads) == 2
    for payload in payloads:
        assert payload["allowed_mentions"] == {"parse": []}  # the default was applied, not merely absent


# --- layer 2: each send path's own setting ---------------------------------------------------------------


async def test_with_a_permissive_client_default_a_message_naming_a_member_still_pings_nobody(
    fake_discord: FakeDiscord, paperbot: Any
) -> None:
    assert paperbot.allowed_mentions.to_dict()["parse"]  # layer 1 is out of the way in this test
    await setup_group(fake_discord)
    bob = fake_discord.user("bob")
    joined = await slash(fake_discord, "rg roster add", {"member": bob}, user="bob")
    assert f"<@{bob.id}>" in joined.content  # the text names bob …
    assert pinged(joined.message) == ([], [], False)  # … without pinging him


async def test_with_a_permissive_client_default_a_reminder_pings_exactly_its_presenter_and_role(
    fake_discord: FakeDiscord, paperbot: Any, clock: ManualClock
) -> None:
    assert paperbot.allowed_mentions.to_dict()["parse"]
    role = add_group_role(fake_discord)
    fake_discord.guild.add_role("Bystanders", 0, mentionable=True)
    await setup_group(fake_discord, role)
    await slash(fake_discord, "rg roster add", user="alice")
    await slash(fake_discord, "rg roster add", user="bob")  # on the roster, not presenting: not pinged
    await slash(fake_discord, "rg schedule", {"when": "2026-12-03 16:00"}, user="bob")
    await fake_discord.wait_for_bot_message("papers")
    clock.set(SECOND_SLOT - timedelta(hours=1))
    await paperbot.schedules.reading_group.run()
    reminder = await fake_discord.wait_for_bot_message("papers", lambda r: "⏰" in r.content)
    assert pinged(reminder.message) == ([str(fake_discord.alice.id)], [str(role.id)], False)


# --- the audit the `paperbot` fixture runs ----------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"content": "x"},  # no setting: Discord parses every mention
        {"content": "x", "allowed_mentions": {"parse": ["everyone", "users", "roles"]}},
        {"content": "x", "allowed_mentions": {"parse": [], "replied_user": True}},
        {"content": "x", "allowed_mentions": {"parse": [], "users": [42]}},  # 42 is not named
        {"content": "<@42>", "allowed_mentions": {"parse": [], "roles": [7]}},
    ],
)
def test_the_audit_catches_any_payload_that_could_ping_someone_it_does_not_name(payload: Any) -> None:
    with pytest.raises(AssertionError):
        assert_pings_only_whom_it_names(payload)


def test_the_audit_accepts_no_pings_and_named_pings() -> None:
    assert_pings_only_whom_it_names({"content": "<@9>", "allowed_mentions": {"parse": []}})
    assert_pings_only_whom_it_names(
        {"content": "<@&7> … <@42>", "allowed_mentions": {"parse": [], "users": [42], "roles": [7]}}
    )
