"""The per-user cooldown, on a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import CooldownError
from bot.ratelimit import Cooldown


def test_the_fourth_question_in_a_window_waits_for_the_oldest_to_expire() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    cooldown = Cooldown(uses=3, per_seconds=10, clock=clock)
    for _ in range(3):
        cooldown.hit("alice")
        clock.advance(timedelta(seconds=2))
    with pytest.raises(CooldownError) as caught:
        cooldown.hit("alice")
    assert caught.value.retry_after == pytest.approx(4.0)
    assert caught.value.message == "You're asking a bit fast — try again in 4 s."
    cooldown.hit("bob")  # others are not affected
    clock.advance(timedelta(seconds=4))
    cooldown.hit("alice")


def test_zero_seconds_disables_the_cooldown() -> None:
    cooldown = Cooldown(uses=1, per_seconds=0, clock=ManualClock(datetime(2026, 1, 1, tzinfo=UTC)))
    for _ in range(10):
        cooldown.hit("alice")
