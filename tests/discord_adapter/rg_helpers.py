"""Shared steps for the reading-group end-to-end tests (`test_rg_*.py`): setup, assertions, time.

The bot's clock is the `clock` fixture (ManualClock, Thursday 26 Nov 2026 08:00 UTC). The group meets
Thursdays 16:00 Europe/Zurich = 15:00 UTC, so its next usual slot is the same day at 15:00 UTC, and the
one after that Thursday 3 Dec 2026, 15:00 UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot.clock import ManualClock
from tests.fake_discord import FakeDiscord, FakeRole, RecordedRequest, Reply

GROUP_CHANNEL = "papers"
FIRST_SLOT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
SECOND_SLOT = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
CHANNEL_MESSAGES = r"/channels/\d+/messages"
_MESSAGE_PATHS = re.compile(r"/channels/\d+/messages(/\d+)?|/webhooks/\d+/[^/]+(/messages/(@original|\d+))?")
_CALLBACK_PATH = re.compile(r"/interactions/\d+/[^/]+/callback")


def ts(instant: datetime, style: str = "F") -> str:
    """The Discord timestamp markup the bot should show for `instant`."""
    return f"<t:{int(instant.timestamp())}:{style}>"


def message_bodies(fake: FakeDiscord) -> list[tuple[RecordedRequest, dict[str, Any]]]:
    """Every message the bot sent or edited: channel posts, interaction replies/updates, followups."""
    found = []
    for request in fake.requests:
        if request.method not in ("POST", "PATCH") or not isinstance(request.json, dict):
            continue
        if _CALLBACK_PATH.fullmatch(request.path):
            body = request.json.get("data") or {}
        elif _MESSAGE_PATHS.fullmatch(request.path):
            body = request.json
        else:
            continue
        if {"content", "embeds", "components", "attachments"} & set(body):
            found.append((request, body))
    return found


def is_reminder(body: dict[str, Any]) -> bool:
    """A reminder post (the only kind allowed to ping)."""
    return "⏰ Reading group" in str(body.get("content") or "")


def assert_silent(fake: FakeDiscord) -> int:
    """Every message the bot sent or edited, reminders aside, pinged nobody; returns how many were checked."""
    checked = 0
    for request, body in message_bodies(fake):
        if is_reminder(body):
            continue
        assert body.get("allowed_mentions") == {"parse": []}, f"{request}: {body}"
        checked += 1
    assert checked > 0
    return checked


def discord_follows(fake: FakeDiscord, clock: ManualClock) -> None:
    """Make the fake Discord's "now" (it refuses scheduled events that start in the past) the test clock,
    so the suite does not depend on the real date: events are created for the ManualClock's week.
    Test modules call it from an autouse fixture.
    """
    fake.now = clock.now


def add_group_role(fake: FakeDiscord) -> FakeRole:
    """A mentionable "Reading group" role in the fake guild."""
    return fake.guild.add_role("Reading group", 0, mentionable=True)


async def setup_group(fake: FakeDiscord, role: FakeRole | None = None, **options: Any) -> Reply:
    """bob (Manage Server) runs `/rg setup` for Thursdays 16:00 Europe/Zurich in #papers."""
    values: dict[str, Any] = {
        "channel": GROUP_CHANNEL,
        "weekday": "thursday",
        "time": "16:00",
        "timezone": "Europe/Zurich",
        **options,
    }
    if role is not None:
        values["role"] = role
    handle = await fake.invoke_slash("rg setup", values, user="bob", channel="general")
    return await handle.reply()


async def slash(
    fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, *, user: str = "alice"
) -> Reply:
    """`user` runs a slash command in #general; the first visible answer."""
    handle = await fake.invoke_slash(command, options or {}, user=user, channel="general")
    return await handle.reply()
