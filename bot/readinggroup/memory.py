"""The group's memory: notes, history (listed and searched), "discussed on …", and the .ics calendar."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.errors import ReadingGroupError
from bot.readinggroup import calendar
from bot.readinggroup.context import ServiceContext
from bot.readinggroup.history import HistoryResults, search_history
from bot.readinggroup.models import HistoryEntry, Note, SessionStatus

MAX_NOTE = 4000


class MemoryService:
    """`/rg notes`, `/rg history [query]`, `/rg calendar`, and the "discussed on" lookup for cards."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Share the service's dependencies."""
        self._ctx = ctx

    async def add_note(self, guild_id: int, session_id: int, author_id: int, text: str) -> Note:
        """`/rg notes`: attach notes to a session; they become searchable with `/rg history query`."""
        cleaned = text.strip()
        if not cleaned:
            raise ReadingGroupError("The note is empty; write what the group should remember.")
        if len(cleaned) > MAX_NOTE:
            raise ReadingGroupError(
                f"Notes are limited to {MAX_NOTE} characters; this one has {len(cleaned)}."
            )
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            found = await self._ctx.session(tx, guild_id, session_id)
            if found.status is SessionStatus.CANCELLED:
                raise ReadingGroupError(
                    f"Session #{session_id} was cancelled; add notes to one that took place."
                )
            return await tx.add_note(guild_id, session_id, author_id, cleaned, now)

    async def history(self, guild_id: int, limit: int = 10) -> list[HistoryEntry]:
        """`/rg history`: past sessions, newest first, with presenter, attendance (RSVPs) and notes."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            return await tx.history(guild_id, limit)

    async def search(self, guild_id: int, query: str, limit: int = 10) -> HistoryResults:
        """`/rg history query`: past sessions ranked by the corpus search over titles, abstracts, notes."""
        if self._ctx.index_builder is None:
            raise ReadingGroupError(
                "History search isn't available right now; `/rg history` lists the sessions."
            )
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            entries = await tx.history(guild_id)
        return await self._ctx.offload(
            search_history,
            entries,
            query,
            build_index=self._ctx.index_builder,
            lookup=self._ctx.lookup,
            limit=limit,
        )

    async def discussed_on(self, guild_id: int, paper_id: str) -> list[datetime]:
        """When this server discussed a corpus paper, oldest first (for "discussed on …" on cards)."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            return await tx.discussed_on(guild_id, paper_id)

    async def discussed_papers(self, guild_id: int) -> dict[str, list[datetime]]:
        """Every corpus paper this server discussed → when (for a page of cards or a digest at once)."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            return await tx.discussed_papers(guild_id)

    async def calendar_ics(
        self, guild_id: int, *, name: str = "Reading group", presenter_names: Mapping[int, str] | None = None
    ) -> bytes:
        """`/rg calendar` and `paperbot rg ics`: sessions not yet over (cancelled ones marked) as .ics."""
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            settings = await self._ctx.settings(tx, guild_id)
            statuses = [SessionStatus.SCHEDULED, SessionStatus.CANCELLED]
            ahead = await tx.list_sessions(guild_id, statuses=statuses, starts_after=now)
            running = await tx.list_sessions(guild_id, statuses=[SessionStatus.SCHEDULED])
        sessions = list({x.id: x for x in [*running, *ahead]}.values())
        return calendar.build_calendar(
            sessions, settings, now=now, name=name, presenter_names=presenter_names
        )
