"""Running blocking work — searching, answering, suggesting — off the event loop, in a bounded pool.

The Discord client serves every user and the gateway heartbeat from one event loop; a search that takes
seconds on a large corpus would freeze all of them. So the front end and the core services never call
the index's heavy functions on the loop: they `await offload(fn, *args)`, and `WorkerPool` runs `fn` in
one of a few threads owned by the app (`bot.app`), closed with it.

Threads, not processes: the index (and every `Paper` a result carries) would have to be copied into
each worker process and every answer pickled back, which costs more than most searches and multiplies
the memory of a large corpus. What the pool has to guarantee is that the loop stays free, and it does:
rank-bm25 holds the GIL while it scores, but CPython hands the GIL to a thread that wants it every
`sys.getswitchinterval()` (5 ms), and the loop thread mostly waits in `select` without it — so a
heartbeat or another user's `/help` waits milliseconds, not the length of the search.

Outside a running bot (the terminal commands, unit tests of the core) there is no loop worth keeping
free, and `inline` runs the work where it is.

A corpus reload is not pool work: `Library.reload` builds the new index in a thread of its own (minutes
for a large corpus would otherwise take a search worker away) while the old index keeps serving.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Final, ParamSpec, Protocol, TypeVar

__all__ = ["DEFAULT_WORKERS", "Offload", "WorkerPool", "inline"]

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_WORKERS: Final = 4
"""Threads in the pool: enough that one long `/similar` does not queue the next `/ask` behind it, few
enough that a burst of questions queues instead of spawning threads that would only fight for the GIL."""


class Offload(Protocol):
    """Runs a blocking call somewhere the event loop doesn't wait for it, and awaits its result."""

    def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Awaitable[T]:
        """`fn(*args, **kwargs)`, awaited; its exception is raised here."""
        ...


async def inline(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """The `Offload` of the terminal and of unit tests: run the call right here."""
    return fn(*args, **kwargs)


class WorkerPool:
    """A bounded pool of threads for blocking calls; an `Offload`. Threads start on first use."""

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        *,
        name: str = "paperbot-work",
        timed: Callable[[float], None] | None = None,
    ) -> None:
        """`timed` receives each call's duration in seconds (the answer-latency metric)."""
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._quick_lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-quick")
        self.workers = workers
        self._timed = timed

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in a pool thread, with the caller's context variables (as
        `asyncio.to_thread`). If the awaiting task is cancelled, a call already running still finishes in
        its thread; its result is dropped."""
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
        if self._timed is None:
            return await loop.run_in_executor(self._executor, call)
        started = time.perf_counter()
        try:
            return await loop.run_in_executor(self._executor, call)
        finally:
            self._timed(time.perf_counter() - started)

    async def quick(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in a thread of its own, for the short calls Discord is waiting on: reading a
        question before its reply is acknowledged, which Discord allows 3 s. In the pool they would wait,
        first in, first out, behind every answer queued before them (with four long searches running, for
        as long as the first of them takes). Not timed as work."""
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
        return await loop.run_in_executor(self._quick_lane, call)

    def close(self) -> None:
        """Take no more work and drop the work still queued. Called once the bot has let its replies in
        flight finish (`PaperBot.shutdown`), so nothing a user waits for is dropped; a call still running
        ends in its thread, without delaying the caller."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._quick_lane.shutdown(wait=False, cancel_futures=True)
