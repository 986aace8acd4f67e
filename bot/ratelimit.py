"""A per-user cooldown (N uses per window), on an injected clock so tests can move time."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

from bot.clock import Clock
from bot.errors import CooldownError


class Cooldown:
    """Allow each key `uses` actions per `per_seconds`; the next one raises CooldownError with the wait."""

    def __init__(self, uses: int, per_seconds: float, clock: Clock) -> None:
        self.uses = uses
        self.per_seconds = per_seconds
        self.clock = clock
        self._history: dict[Hashable, deque[float]] = {}

    def hit(self, key: Hashable) -> None:
        """Record one use by `key`, or raise CooldownError if it has used up its window."""
        if self.per_seconds <= 0:
            return
        now = self.clock.now().timestamp()
        window = self._history.setdefault(key, deque())
        while window and now - window[0] >= self.per_seconds:
            window.popleft()
        if len(window) >= self.uses:
            raise CooldownError(self.per_seconds - (now - window[0]))
        window.append(now)
        if len(self._history) > 10_000:  # forget idle users so memory stays bounded
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, w in self._history.items() if not w or now - w[-1] >= self.per_seconds]:
            del self._history[key]
