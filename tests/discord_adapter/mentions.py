"""Who a message the bot sent could ping, read from the payloads the fake Discord recorded.

Everything paperbot sends disables mentions except the ones it means: a reading-group reminder names its
presenter(s) and the group's role, both in its content and in `allowed_mentions`; nothing else may ping.
"""

from __future__ import annotations

from typing import Any

from tests.fake_discord import FakeDiscord, RecordedRequest

from .test_freetext_support import message_payload


def bot_message_payloads(fake: FakeDiscord) -> list[tuple[RecordedRequest, dict[str, Any]]]:
    """Every message body sent so far (posts, edits, interaction replies, follow-ups) with its request."""
    return [(r, p) for r in fake.requests if (p := message_payload(r)) is not None]


def assert_pings_only_whom_it_names(payload: dict[str, Any], where: str = "") -> None:
    """The payload parses no mention (no @everyone/@here, no user or role found in the text, no ping of
    a replied-to author); users and roles it allows by id are ones its content mentions on purpose."""
    mentions = payload.get("allowed_mentions")
    assert mentions is not None, (
        f"{where}: no allowed_mentions, so Discord would ping everyone named: {payload}"
    )
    assert mentions.get("parse") == [], f"{where}: mentions parsed from the text: {mentions}"
    assert not mentions.get("replied_user"), f"{where}: pings the author it replies to: {mentions}"
    content = str(payload.get("content") or "")
    for user_id in mentions.get("users") or []:
        assert f"<@{user_id}>" in content, f"{where}: may ping user {user_id}, who is not named: {payload}"
    for role_id in mentions.get("roles") or []:
        assert f"<@&{role_id}>" in content, f"{where}: may ping role {role_id}, which is not named: {payload}"
