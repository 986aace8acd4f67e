"""When each paper id was first seen: for "new in the corpus" and the weekly digest's additions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.storage.database import Database
from bot.storage.tables import CorpusPaperRow


class CorpusRepo:
    """Reads and writes `corpus_papers`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, paper_ids: Iterable[str], now: datetime) -> tuple[str, ...]:
        """Remember ids not seen before as first seen `now` (UTC date); return those new ids.

        Ids are never forgotten: a paper removed and re-added keeps its first date, so it is not
        announced as new twice.
        """
        wanted = list(dict.fromkeys(paper_ids))
        async with self._db.transaction() as session:
            known = set(await session.scalars(select(CorpusPaperRow.paper_id)))
        new = [pid for pid in wanted if pid not in known]
        if not new:
            return ()
        today = now.date()
        try:
            async with self._db.transaction() as session:
                session.add_all(
                    CorpusPaperRow(paper_id=pid, first_seen=today, first_seen_at=now) for pid in new
                )
        except IntegrityError:
            # Another process recorded some of them between our read and write; theirs stand.
            return await self.record(new, now)
        return tuple(new)

    async def first_seen(self) -> dict[str, date]:
        """Every known paper id with the date it was first seen."""
        async with self._db.transaction() as session:
            rows = await session.execute(select(CorpusPaperRow.paper_id, CorpusPaperRow.first_seen))
            return {str(pid): seen for pid, seen in rows}
