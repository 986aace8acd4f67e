"""The stored papers' repository: a paper and its audit row are written together, and the database — not
a check in Python — refuses a second copy of a paper (same id or same normalised title)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.additions.ports import Change
from bot.corpus.model import Paper
from bot.corpus.stored import StoredPaper
from bot.storage.added_papers_repo import AddedPaperRepo
from bot.storage.database import Database, default_sqlite_url

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
PAPER = Paper(id="sparse", title="Sparse Mixtures of Reading Groups", authors=("Ada Example",))


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[AddedPaperRepo]:
    database = await Database.open(default_sqlite_url(tmp_path))
    try:
        yield AddedPaperRepo(database)
    finally:
        await database.close()


async def test_a_stored_paper_reads_back_whole_in_the_order_added(repo: AddedPaperRepo) -> None:
    second = Paper(id="second", title="Another Paper", published=date(2024, 5, 1), date_precision="month")
    assert await repo.insert(StoredPaper(PAPER), Change("sparse", "add", "terminal:ada", NOW))
    assert await repo.insert(StoredPaper(second, overlay=True), Change("second", "edit", "discord:1", NOW))

    assert await repo.stored() == [StoredPaper(PAPER), StoredPaper(second, overlay=True)]


async def test_a_second_copy_is_refused_by_the_database_and_not_logged(repo: AddedPaperRepo) -> None:
    await repo.insert(StoredPaper(PAPER), Change("sparse", "add", "terminal:ada", NOW))
    same_title = PAPER.model_copy(update={"id": "other-id", "title": "sparse mixtures of reading-groups!"})

    assert not await repo.insert(StoredPaper(PAPER), Change("sparse", "add", "terminal:bruno", NOW))
    assert not await repo.insert(StoredPaper(same_title), Change("other-id", "add", "terminal:bruno", NOW))
    assert [c.actor for c in await repo.changes()] == ["terminal:ada"]
    assert len(await repo.stored()) == 1


async def test_replace_and_delete_keep_the_trail(repo: AddedPaperRepo) -> None:
    await repo.insert(StoredPaper(PAPER), Change("sparse", "add", "terminal:ada", NOW))
    await repo.replace(
        StoredPaper(PAPER.model_copy(update={"title": "Fixed"})), Change("sparse", "edit", "x", NOW)
    )

    assert [item.paper.title for item in await repo.stored()] == ["Fixed"]
    assert await repo.delete("sparse", Change("sparse", "remove", "y", NOW))
    assert not await repo.delete("sparse", Change("sparse", "remove", "z", NOW))
    assert await repo.stored() == []
    assert [(c.action, c.actor) for c in await repo.changes("sparse")] == [
        ("add", "terminal:ada"),
        ("edit", "x"),
        ("remove", "y"),
    ]
