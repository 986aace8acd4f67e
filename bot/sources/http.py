"""Polite HTTP for the metadata sources: one request at a time per source, spaced, retried when asked to.

arXiv's API terms ask for at most one request every three seconds and a descriptive User-Agent; Crossref
asks for a User-Agent with a contact address (its "polite pool"). Both answer an overloaded moment with
429 or 503 and often a Retry-After header. Peer bots either hammer the API or give up on the first 503
(docs/peers-and-user-complaints.md, class 10); here a busy answer is waited out when the wait is short
(`max_retry_wait`), and otherwise becomes a SourceUnavailableError saying when to try again. Nothing is
ever half-read: a reply is the whole body or an error.

Time is a dependency (`monotonic`, `sleep`), so tests check the spacing and the waits without waiting.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import aiohttp

from bot.errors import SourceNotFoundError, SourceUnavailableError

__all__ = ["HttpReply", "PoliteHttp", "Sleep"]

log = logging.getLogger("paperbot.sources")

Sleep = Callable[[float], Awaitable[None]]
BUSY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BODY_BYTES = 8 * 1024 * 1024  # a feed of a few hundred papers is well under this; more is not a feed


@dataclass(frozen=True)
class HttpReply:
    """A complete reply: status and body text."""

    status: int
    text: str


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """A Retry-After header in seconds (it is either a number of seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


class PoliteHttp:
    """GETs to one source (`name`, e.g. "arXiv"), spaced `interval` seconds apart, busy replies retried.

    `session_factory` builds the aiohttp session on first use (so nothing is created at import time or in
    a constructor), and `close()` releases it.
    """

    def __init__(
        self,
        name: str,
        *,
        user_agent: str,
        interval: float,
        timeout: float,
        max_retry_wait: float,
        retries: int = 2,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._user_agent = user_agent
        self._interval = interval
        self._timeout = timeout
        self._max_retry_wait = max_retry_wait
        self._retries = retries
        self._sleep = sleep
        self._monotonic = monotonic
        self._lock = asyncio.Lock()
        self._last_start: float | None = None
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Release the connection pool (idempotent)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers={"User-Agent": self._user_agent},
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            )
        return self._session

    async def _wait_turn(self) -> None:
        """Sleep until `interval` has passed since the previous request started."""
        if self._last_start is not None:
            remaining = self._last_start + self._interval - self._monotonic()
            if remaining > 0:
                await self._sleep(remaining)
        self._last_start = self._monotonic()

    async def get(self, url: str, params: Mapping[str, str] | None = None, *, what: str) -> HttpReply:
        """GET `url`; a 200 reply, or SourceNotFoundError (404/410) / SourceUnavailableError (anything else
        after the retries). `what` names the thing asked for in messages ("arXiv:2302.11563")."""
        async with self._lock:  # one request in flight per source, as the terms ask
            attempt = 0
            while True:
                await self._wait_turn()
                reply, retry_after = await self._once(url, params, what)
                if reply.status == 200:
                    return reply
                if reply.status in (404, 410):
                    raise SourceNotFoundError(
                        f"{self.name} has no paper {what}. Check the id or DOI.",
                        detail=f"{self.name} answered HTTP {reply.status} for {what}",
                    )
                if reply.status not in BUSY_STATUSES:
                    raise SourceUnavailableError(
                        f"{self.name} refused the request for {what} (HTTP {reply.status}). Try again later; "
                        "if it keeps happening, tell the bot's operator.",
                        detail=f"{self.name} answered HTTP {reply.status} for {what}: {reply.text[:200]!r}",
                    )
                wait = retry_after if retry_after is not None else self._interval
                if attempt >= self._retries or wait > self._max_retry_wait:
                    raise SourceUnavailableError(
                        f"{self.name} is busy right now (HTTP {reply.status}); nothing was added. "
                        f"Try again in {_minutes(max(wait, 60.0))}.",
                        detail=f"{self.name} answered HTTP {reply.status} for {what} "
                        f"(retry after {retry_after}s, attempt {attempt + 1})",
                    )
                log.warning(
                    "%s answered HTTP %d for %s; retrying in %.0f s", self.name, reply.status, what, wait
                )
                await self._sleep(wait)
                attempt += 1

    async def _whole_body(self, response: aiohttp.ClientResponse, what: str) -> bytes:
        """The complete body (a read may return any part of it), refused past MAX_BODY_BYTES."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise SourceUnavailableError(
                    f"{self.name} sent an unexpectedly large reply for {what}; nothing was added.",
                    detail=f"{self.name} reply for {what} exceeded {MAX_BODY_BYTES} bytes",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    async def _once(
        self, url: str, params: Mapping[str, str] | None, what: str
    ) -> tuple[HttpReply, float | None]:
        """One request: the reply and its Retry-After, or SourceUnavailableError if none came."""
        try:
            async with self._client().get(url, params=params) as response:
                body = await self._whole_body(response, what)
                text = body.decode(response.charset or "utf-8", errors="replace")
                return HttpReply(response.status, text), retry_after_seconds(
                    response.headers.get("Retry-After")
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SourceUnavailableError(
                f"I couldn't reach {self.name} just now; nothing was added. Try again in a few minutes.",
                detail=f"cannot reach {self.name} at {url} for {what}: {type(exc).__name__}: {exc}",
            ) from exc
