"""Serving the papers other processes stored: `paperbot add` in a terminal, or another bot process
(a shard) whose member ran `/corpus add`.

The process that makes a change rebuilds its index at once (`AdditionService.on_change`). Every other
process on the same database learns of it here: the scheduler calls `refresh` every minute
(`bot.scheduling.StoredPapersJob`), which compares the store's change counter (`last_change`, one audit
row per change) with the one it last served, and rebuilds only when they differ — a quiet minute costs one
small query, never an index build.

The counter is read *before* the papers: a change landing between the two reads is in the papers already,
and the older counter only makes the next check rebuild once more (served twice, never missed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.additions.ports import AddedPaperStore
from bot.corpus.stored import StoredPaper

__all__ = ["StoredPaperSync"]


class StoredPaperSync:
    """Hands the stored papers to `serve` whenever another process may have changed them."""

    def __init__(
        self, store: AddedPaperStore, serve: Callable[[Sequence[StoredPaper]], Awaitable[None]], seen: int
    ) -> None:
        """`seen`: the change counter the papers now served were read at (`AddedPaperStore.last_change`)."""
        self._store = store
        self._serve = serve
        self._seen = seen

    async def refresh(self, *, changed_here: bool = False) -> bool:
        """Serve the stored papers if they changed since last served (always after a change made by this
        process, `changed_here`); True if they were served again."""
        counter = await self._store.last_change()
        if counter == self._seen and not changed_here:
            return False
        await self._serve(await self._store.stored())
        self._seen = counter
        return True

    def served(self, counter: int) -> None:
        """The stored papers read at `counter` are served now by other means (a corpus reload)."""
        self._seen = counter
