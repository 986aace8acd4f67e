"""Reads and writes `added_papers` and `paper_changes` (the AddedPaperStore port of bot.additions.ports).

Each write and its audit row are one transaction: a change is never stored without saying who made it,
and an audit row never describes a change that did not happen. The database decides a race between two
processes adding one paper (primary key on the id, unique normalised title): the loser gets False.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.additions.ports import Action, Change
from bot.corpus.ids import normalize_title
from bot.corpus.model import Paper
from bot.corpus.stored import StoredPaper
from bot.errors import StorageError
from bot.storage.added_papers_tables import CHANGE_ACTIONS, AddedPaperRow, PaperChangeRow
from bot.storage.database import Database, rowcount


def _action(value: str) -> Action:
    """A stored action as the core's Literal (the table's CHECK constraint admits no other value)."""
    if value not in CHANGE_ACTIONS:
        raise StorageError(
            f"paper_changes holds an unknown action {value!r}; is the database from a newer paperbot?"
        )
    return cast(Action, value)


def _row_values(item: StoredPaper) -> dict[str, object]:
    return {
        "title_key": normalize_title(item.paper.title)[:600],
        "overlay": item.overlay,
        "data": item.paper.model_dump(mode="json"),
    }


def _audit(session: AsyncSession, change: Change) -> None:
    session.add(
        PaperChangeRow(
            paper_id=change.paper_id,
            action=change.action,
            actor=change.actor[:100],
            at=change.at,
            detail=change.detail,
        )
    )


class AddedPaperRepo:
    """The stored papers and their audit trail."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def stored(self) -> Sequence[StoredPaper]:
        """Every stored paper, in the order they were first stored."""
        async with self._db.transaction() as session:
            rows = await session.scalars(select(AddedPaperRow).order_by(AddedPaperRow.seq))
            return [StoredPaper(Paper.model_validate(row.data), overlay=row.overlay) for row in rows]

    async def insert(self, item: StoredPaper, change: Change) -> bool:
        """Store a new paper with its audit row; False if its id or title is stored already."""
        try:
            async with self._db.transaction() as session:
                await self._add(session, item, change)
        except IntegrityError:
            return False
        return True

    async def _add(self, session: AsyncSession, item: StoredPaper, change: Change) -> None:
        seq = (await session.scalar(select(func.max(AddedPaperRow.seq)))) or 0
        session.add(
            AddedPaperRow(
                paper_id=item.paper.id,
                seq=seq + 1,
                added_by=change.actor[:100],
                added_at=change.at,
                updated_at=change.at,
                **_row_values(item),
            )
        )
        _audit(session, change)
        await session.flush()

    async def replace(self, item: StoredPaper, change: Change) -> None:
        """Overwrite the stored paper with this id, or store it if there is none (a first overlay)."""
        async with self._db.transaction() as session:
            row = await session.get(AddedPaperRow, item.paper.id)
            if row is None:
                await self._add(session, item, change)
                return
            for key, value in _row_values(item).items():
                setattr(row, key, value)
            row.updated_at = change.at
            _audit(session, change)

    async def delete(self, paper_id: str, change: Change) -> bool:
        """Delete the stored paper, recording who did; False (nothing recorded) if there was none."""
        async with self._db.transaction() as session:
            result = await session.execute(delete(AddedPaperRow).where(AddedPaperRow.paper_id == paper_id))
            if rowcount(result) == 0:
                return False
            _audit(session, change)
            return True

    async def changes(self, paper_id: str | None = None) -> Sequence[Change]:
        """The audit trail, oldest first; of one paper when `paper_id` is given."""
        query = select(PaperChangeRow).order_by(PaperChangeRow.id)
        if paper_id is not None:
            query = query.where(PaperChangeRow.paper_id == paper_id)
        async with self._db.transaction() as session:
            rows = await session.scalars(query)
            return [Change(row.paper_id, _action(row.action), row.actor, row.at, row.detail) for row in rows]

    async def last_change(self) -> int:
        """The newest audit row's id: every add, import, merge, edit and removal appends one."""
        async with self._db.transaction() as session:
            return (await session.scalar(select(func.max(PaperChangeRow.id)))) or 0
