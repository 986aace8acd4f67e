"""What the fake records, and how tests wait on it.

Every HTTP request the client makes becomes a :class:`RecordedRequest` (``fake.requests``; those no route
answered also go to ``fake.unhandled``), every gateway payload either way a :class:`GatewayFrame`
(``fake.gateway_log``). Tests assert on these, or wait for them with the bounded ``wait_for_*`` helpers
of :class:`Recording`. See tests/README.md ("Recordings and waiting").
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .replies import Reply
from .state import FakeState
from .wire import DEFAULT_WAIT
from .world import FakeChannel

T = TypeVar("T")


@dataclass
class RecordedFile:
    """One file part of a multipart request (``files[n]``)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request the client made, and what the fake answered.

    ``json`` is the JSON body, or the parsed ``payload_json`` part of a multipart body, so tests can treat
    both the same way. ``path`` has no ``/api/v10`` prefix and no query string.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    text: str | None = None
    files: list[RecordedFile] = field(default_factory=list)
    route: str | None = None
    status: int = 0
    response: Any = None
    injected: bool = False
    at: float = field(default_factory=time.monotonic)
    claimed: bool = field(default=False, repr=False)

    @property
    def multipart(self) -> bool:
        return bool(self.files) or "multipart/form-data" in self.headers.get("Content-Type", "")

    def matches(self, method: str | None = None, path: str | None = None) -> bool:
        """``method`` is exact (case-insensitive) or None; ``path`` is a regex that must match fully."""
        if method is not None and method.upper() != self.method:
            return False
        return path is None or re.fullmatch(path, self.path) is not None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class GatewayFrame:
    """One gateway payload; ``direction`` is ``"in"`` (client → fake) or ``"out"`` (fake → client)."""

    direction: str
    op: int
    d: Any
    t: str | None = None
    s: int | None = None
    at: float = field(default_factory=time.monotonic)


class Recording(FakeState):
    """Waiting on what the fake recorded; failing every wait at once when something fatal happened."""

    def _notify(self) -> None:
        self._last_activity = time.monotonic()
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def report_fatal(self, message: str, *, count_as_error: bool = True) -> None:
        """Make every pending and future wait fail at once with ``message``.

        Used when the client's connect() task dies, and (via the conftest) when discord.py logs an ERROR:
        failing immediately with the cause beats a 5 s timeout that hides it.
        """
        if self._fatal is None:
            self._fatal = message
        if count_as_error:
            self.errors.append(message)
        self._notify()

    async def wait_until(
        self, probe: Callable[[], T | None], *, within: float = DEFAULT_WAIT, what: str = "a condition"
    ) -> T:
        """Re-evaluate ``probe`` until it returns non-None (bounded): on every change in the fake, and every
        10 ms, since probes may look at the bot's own state (its cache), which the fake can't observe.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            if self._fatal is not None:
                raise AssertionError(f"stopped waiting for {what}: {self._fatal}")
            event = self._changed
            result = probe()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {within}s waiting for {what}; {self.describe_recent()}")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(remaining, 0.01)):
                    await event.wait()

    def describe_recent(self, count: int = 12) -> str:
        recent = ", ".join(str(r) for r in self.requests[-count:]) or "none"
        extra = f"; unhandled: {[str(r) for r in self.unhandled]}" if self.unhandled else ""
        errors = f"; fake errors: {self.errors}" if self.errors else ""
        return f"recent requests: [{recent}]{extra}{errors}"

    async def wait_for_request(
        self,
        method: str | None = None,
        path: str | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        status: int | None = None,
        within: float = DEFAULT_WAIT,
    ) -> RecordedRequest:
        """The oldest not-yet-claimed request matching (method, full-match path regex, predicate, status).

        Claiming makes consecutive waits return consecutive requests, and removes the race between "the bot
        already sent it" and "the test started waiting".
        """

        def probe() -> RecordedRequest | None:
            for request in self.requests:
                if request.claimed or not request.matches(method, path):
                    continue
                if status is not None and request.status != status:
                    continue
                if predicate is not None and not predicate(request):
                    continue
                request.claimed = True
                return request
            return None

        return await self.wait_until(probe, within=within, what=f"request {method or '*'} {path or '*'}")

    def find_requests(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """All recorded requests matching (no waiting, no claiming)."""
        return [r for r in self.requests if r.matches(method, path)]

    async def wait_for_bot_message(
        self,
        channel: FakeChannel | int | str | None = None,
        predicate: Callable[[Reply], bool] | None = None,
        *,
        within: float = DEFAULT_WAIT,
    ) -> Reply:
        """The oldest not-yet-claimed message the bot created with ``POST /channels/{id}/messages``."""
        channel_id = None if channel is None else self.channel(channel).id

        def probe() -> Reply | None:
            for message_id in self._bot_message_ids:
                if message_id in self._claimed_bot_messages or message_id not in self.messages:
                    continue
                reply = Reply(copy.deepcopy(self.messages[message_id]), "channel")
                if channel_id is not None and reply.channel_id != channel_id:
                    continue
                if predicate is not None and not predicate(reply):
                    continue
                self._claimed_bot_messages.add(message_id)
                return reply
            return None

        return await self.wait_until(
            probe, within=within, what=f"a bot message in {channel or 'any channel'}"
        )

    async def wait_for_gateway(
        self,
        *,
        op: int | None = None,
        event: str | None = None,
        direction: str = "in",
        predicate: Callable[[GatewayFrame], bool] | None = None,
        after: int = 0,
        within: float = DEFAULT_WAIT,
    ) -> GatewayFrame:
        """The first gateway frame (index >= ``after`` in ``gateway_log``) matching the filters."""

        def probe() -> GatewayFrame | None:
            for frame in self.gateway_log[after:]:
                if frame.direction != direction or (op is not None and frame.op != op):
                    continue
                if event is not None and frame.t != event:
                    continue
                if predicate is None or predicate(frame):
                    return frame
            return None

        return await self.wait_until(probe, within=within, what=f"gateway {direction} op={op} t={event}")

    async def _user_reaction_time(self) -> None:
        """Let the bot finish with what it just sent before a user acts on it.

        discord.py registers a View only after it has parsed the HTTP response that created the message;
        the fake records the message earlier. A human can't click within that window, a test can.
        """
        await self.settle(0.02)

    async def settle(self, quiet: float = 0.05, *, within: float = DEFAULT_WAIT) -> None:
        """Wait until nothing (no request, no frame) happened for ``quiet`` seconds: for negative checks."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            idle = time.monotonic() - self._last_activity
            if idle >= quiet:
                return
            if loop.time() > deadline:
                raise TimeoutError(f"the bot kept talking for {within}s; {self.describe_recent()}")
            await asyncio.sleep(quiet - idle)

    def allow_error_log(self, pattern: str) -> None:
        """Let ERROR log records whose message matches ``pattern`` (re.search) pass the fixture's check."""
        self.allowed_error_logs.append(re.compile(pattern))
