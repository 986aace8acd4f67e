"""Time as a dependency: everything that asks "what time is it?" asks a Clock, so tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A source of the current time, always timezone-aware UTC."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: for tests, simulations and `--date` previews."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the instant the clock was last set to."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta` and return the new instant."""
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to `instant` (aware)."""
        if instant.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = instant.astimezone(UTC)
