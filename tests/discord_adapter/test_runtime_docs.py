"""The README states facts an operator acts on; these tests keep them true."""

from __future__ import annotations

import re
from pathlib import Path

import discord

from bot.discord_adapter.papers.admin import MAX_ASK_CHANNELS
from bot.discord_adapter.papers.questions import MEMORY_CAPACITY
from bot.discord_adapter.shutdown import SHUTDOWN_GRACE

DOC = Path(__file__).resolve().parents[2] / "README.md"
ATTRIBUTE = {"View Channels": "view_channel"}  # Discord's UI name → discord.py's, where they differ


def test_the_invite_permissions_integer_is_the_sum_of_the_listed_permissions() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z][A-Za-z ]+?) \| 1 << (\d+) = (\d+) \|", text, re.MULTILINE)
    assert len(rows) == 8
    total = 0
    for name, bit, value in rows:
        attribute = ATTRIBUTE.get(name, name.lower().replace(" ", "_"))
        assert discord.Permissions(**{attribute: True}).value == 1 << int(bit) == int(value), name
        total |= int(value)
    assert total == 317827697664
    assert f"Permissions integer: **{total}**" in text
    assert f"scope=bot+applications.commands&permissions={total}" in text


def test_documented_limits_match_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"the {MEMORY_CAPACITY} most recent threads/DMs" in text
    assert f"max {MAX_ASK_CHANNELS} per server" in text
    assert "PAPERBOT_UPDATE_SNAPSHOTS=1 pytest tests/discord_adapter/test_command_schema.py" in text


def test_the_documented_shutdown_grace_is_the_one_in_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert SHUTDOWN_GRACE < 10  # docker stop kills after 10 s by default
    assert f"at most {SHUTDOWN_GRACE:g} s, then it cancels the rest" in text
    assert f"replies in flight finish (≤ {SHUTDOWN_GRACE:g} s)" in text
