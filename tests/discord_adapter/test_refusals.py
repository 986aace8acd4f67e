"""Discord's refusals, as the core's DeliveryError: the publisher alone reads Discord's JSON codes."""

from __future__ import annotations

import pytest

from bot.discord_adapter.publisher import DMS_CLOSED, PERMANENT_CODES, refused_dm, refused_post


@pytest.mark.parametrize("code", sorted(PERMANENT_CODES))
def test_a_post_refused_for_good_is_permanent_and_says_where_and_why(code: int) -> None:
    error = refused_post(100, code, "Discord refused the paper of the day in channel 100: 403 Forbidden")
    assert error.permanent
    assert error.reason == (
        f"I couldn't post the paper of the day in <#100>: Discord says {PERMANENT_CODES[code]} (error {code})"
    )
    assert error.message == f"{code}: Discord refused the paper of the day in channel 100: 403 Forbidden"


@pytest.mark.parametrize("code", [None, 0, 40005, 50035, DMS_CLOSED])
def test_any_other_post_refusal_is_transient_and_keeps_its_message(code: int | None) -> None:
    error = refused_post(100, code, "Discord refused the paper of the day in channel 100: 500 oops")
    assert not error.permanent
    assert error.message == error.reason == "Discord refused the paper of the day in channel 100: 500 oops"


def test_a_dm_refused_because_dms_are_closed_is_permanent() -> None:
    error = refused_dm(DMS_CLOSED, "Discord refused a DM to user 5: 403 Cannot send messages to this user")
    assert error.permanent
    assert error.reason == "Discord refused the DM (50007): DMs closed or no shared server"
    assert error.message == "50007: Discord refused a DM to user 5: 403 Cannot send messages to this user"


@pytest.mark.parametrize("code", [None, 50013, 40005])
def test_any_other_dm_refusal_is_transient(code: int | None) -> None:
    assert not refused_dm(code, "Discord refused a DM to user 5: 500 oops").permanent
