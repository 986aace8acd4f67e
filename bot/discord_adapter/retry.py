"""Transient Discord errors are retried for every REST request the bot makes: one mechanism, one place.

discord.py already retries 429s (after Discord's `retry_after`), and its HTTP client retries 500, 502, 504
and 524 five times. Its webhook client, which carries every interaction response and slash-command
follow-up, retries *every* 5xx. The HTTP client gives up at once on the other 5xx — above all 503 Service
Unavailable, Discord's answer during an outage or overload — so one 503 would lose a free-text reply, a
thread, a paper of the day, an admin notice or a DM.

`retry_transient_errors` wraps the client's `request`, the one method every REST call goes through, and
retries those errors with the webhook client's backoff (1, 3, 5, 7 s), or after Discord's `Retry-After`
when it sends one (capped). Each retry is one WARNING line; a request still refused after the last retry
raises `DiscordServerError` as before, for the caller's usual handling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import discord
from discord.http import HTTPClient, Route

__all__ = ["DEFAULT_RETRY", "DISCORD_PY_RETRIES", "RetryPolicy", "retry_transient_errors"]

log = logging.getLogger("paperbot.discord")

DISCORD_PY_RETRIES: Final = frozenset({500, 502, 504, 524})
"""Statuses discord.py's HTTP client has already retried five times when it raises: not retried again."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait before each retry of a request Discord answered with a transient 5xx."""

    delays: tuple[float, ...] = (1.0, 3.0, 5.0, 7.0)
    """One wait per retry; the default is what discord.py's webhook client waits (1 + 2 × attempt s)."""
    max_retry_after: float = 30.0
    """The longest `Retry-After` honoured; a longer one is cut to this."""

    def wait(self, retry: int, error: discord.DiscordServerError) -> float:
        """Seconds to wait before retry number `retry` (0-based): Discord's Retry-After, else the schedule."""
        header = error.response.headers.get("Retry-After") if error.response is not None else None
        try:
            retry_after = float(header) if header is not None else None
        except ValueError:  # an HTTP date: not worth parsing for a transient error
            retry_after = None
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_retry_after)
        return self.delays[retry]


DEFAULT_RETRY: Final = RetryPolicy()


def retry_transient_errors(http: HTTPClient, policy: RetryPolicy) -> None:
    """Make `http` retry the 5xx answers discord.py gives up on at once, following `policy`."""
    request = http.request

    async def request_with_retries(
        route: Route,
        *,
        files: Sequence[discord.File] | None = None,
        form: Iterable[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> Any:
        retry = 0
        while True:
            try:
                return await request(route, files=files, form=form, **kwargs)
            except discord.DiscordServerError as exc:
                if exc.status in DISCORD_PY_RETRIES or retry >= len(policy.delays):
                    raise
                wait = policy.wait(retry, exc)
                retry += 1
                log.warning(
                    "Discord answered %s %s to %s %s; retrying in %.2g s (retry %d of %d)",
                    exc.status,
                    exc.response.reason if exc.response is not None else "",
                    route.method,
                    route.path,  # the template: ids and webhook tokens stay out of the log
                    wait,
                    retry,
                    len(policy.delays),
                )
                await asyncio.sleep(wait)
                for file in files or ():
                    file.reset()  # discord.py only rewinds files between its own tries

    http.request = request_with_retries  # type: ignore[method-assign]
