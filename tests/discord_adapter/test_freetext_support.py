"""Helpers shared by the free-text, admin and runtime end-to-end tests — and tests that they catch pings.

`assert_all_quiet(fake)` checks every message payload the bot sent during a test (channel messages,
edits, interaction callbacks, webhook follow-ups): nobody can be pinged (`allowed_mentions` parses
nothing and never pings the replied-to author), content ≤ 2000 characters, embeds within Discord's limits.
"""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from tests.fake_discord import FakeDiscord, RecordedRequest

MESSAGE_ROUTES = (
    ("POST", r"/channels/\d+/messages"),
    ("PATCH", r"/channels/\d+/messages/\d+"),
    ("POST", r"/webhooks/\d+/[^/]+"),
    ("PATCH", r"/webhooks/\d+/[^/]+/messages/[^/]+"),
    ("POST", r"/interactions/\d+/[^/]+/callback"),
)
MESSAGE_CALLBACK_TYPES = {4, 7}  # CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE


def message_payload(request: RecordedRequest) -> dict[str, Any] | None:
    """The message body a request carries, or None when it carries none (a defer, a reaction, ...)."""
    if not any(request.matches(method, path) for method, path in MESSAGE_ROUTES):
        return None
    body = request.json if isinstance(request.json, dict) else None
    if body is None:
        return None
    if re.fullmatch(r"/interactions/\d+/[^/]+/callback", request.path):
        if body.get("type") not in MESSAGE_CALLBACK_TYPES:
            return None
        data = body.get("data")
        return data if isinstance(data, dict) else None
    return body


def assert_no_pings(payload: dict[str, Any]) -> None:
    """The payload can't ping anyone: `allowed_mentions` parses nothing and doesn't ping a replied-to user."""
    mentions = payload.get("allowed_mentions")
    assert mentions is not None, f"no allowed_mentions in {payload}"
    assert mentions.get("parse") == [], mentions
    assert set(mentions) <= {"parse", "replied_user"}, mentions  # no explicit users/roles lists
    assert mentions.get("replied_user", False) is False, mentions


def assert_within_limits(payload: dict[str, Any]) -> None:
    """Content ≤ 2000 characters, ≤ 10 embeds, each within the per-part and 6000-character limits."""
    assert len(payload.get("content") or "") <= 2000
    embeds = payload.get("embeds") or []
    assert len(embeds) <= 10
    for data in embeds:
        embed = discord.Embed.from_dict(data)
        assert len(embed) <= 6000
        assert len(embed.title or "") <= 256
        assert len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25
        assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)


def bot_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Every message payload the bot sent so far."""
    return [p for r in fake.requests if (p := message_payload(r)) is not None]


def assert_all_quiet(fake: FakeDiscord) -> int:
    """Every message the bot sent is ping-free and within limits; returns how many were checked."""
    payloads = bot_messages(fake)
    for payload in payloads:
        assert_no_pings(payload)
        assert_within_limits(payload)
    return len(payloads)


def request(method: str, path: str, body: dict[str, Any]) -> RecordedRequest:
    return RecordedRequest(method=method, path=path, query={}, headers={}, json=body)


def test_a_reply_that_parses_nothing_is_quiet() -> None:
    assert_no_pings({"content": "x", "allowed_mentions": {"parse": []}})
    assert_no_pings({"content": "x", "allowed_mentions": {"parse": [], "replied_user": False}})


@pytest.mark.parametrize(
    "mentions",
    [
        None,
        {"parse": ["everyone"]},
        {"parse": ["users", "roles"]},
        {"parse": [], "replied_user": True},
        {"parse": [], "users": ["123"]},
    ],
)
def test_anything_that_could_ping_is_caught(mentions: dict[str, Any] | None) -> None:
    payload: dict[str, Any] = {"content": "@everyone"}
    if mentions is not None:
        payload["allowed_mentions"] = mentions
    with pytest.raises(AssertionError):
        assert_no_pings(payload)


def test_message_payloads_are_found_in_messages_and_interaction_callbacks() -> None:
    sent = request("POST", "/channels/1/messages", {"content": "a", "allowed_mentions": {"parse": []}})
    answered = request("POST", "/interactions/1/tok/callback", {"type": 4, "data": {"content": "b"}})
    deferred = request("POST", "/interactions/1/tok/callback", {"type": 5, "data": {"flags": 64}})
    thread = request("POST", "/channels/1/messages/2/threads", {"name": "q"})
    assert [message_payload(r) for r in (sent, answered, deferred, thread)] == [
        {"content": "a", "allowed_mentions": {"parse": []}},
        {"content": "b"},
        None,
        None,
    ]


def test_oversized_content_is_caught() -> None:
    with pytest.raises(AssertionError):
        assert_within_limits({"content": "x" * 2001})
