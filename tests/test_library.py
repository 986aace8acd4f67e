"""Reloading the corpus: the new index replaces the old only when it loaded; a bad file keeps the old one."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.corpus.loader import CorpusLoad, load_corpus
from bot.library import Library

LISTING = (
    "LGFeb 23, 2023Code\n"
    "Random Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann\nTeachers abstract.\n"
)
SECOND = "CVApr 12, 2023\nA Paper About Road NetworksMaria Parelli, Alexandros Delitzas\nRoads abstract.\n"


async def test_reload_swaps_in_new_papers_and_reports_what_changed(tmp_path: Path) -> None:
    corpus = tmp_path / "lab.txt"
    corpus.write_text(LISTING)
    library = Library(path=corpus, strict=False, clock=ManualClock(datetime(2026, 11, 26, tzinfo=UTC)))
    library.load()
    assert [p.title for p in library.index.papers] == ["Random Teachers are Good Teachers"]
    corpus.write_text(LISTING + SECOND)
    report = await library.reload()
    assert report.ok
    assert report.papers == 2
    assert report.added == ("a-paper-about-road-networks",)
    assert library.index.search("road networks").hits[0].paper.title == "A Paper About Road Networks"


async def test_a_broken_corpus_keeps_the_old_index_and_says_why(tmp_path: Path) -> None:
    corpus = tmp_path / "lab.txt"
    corpus.write_text(LISTING)
    library = Library(path=corpus, strict=True, clock=ManualClock(datetime(2026, 11, 26, tzinfo=UTC)))
    library.load()
    corpus.write_text(LISTING + "LGFeb 30, 2023\nBroken PaperMaria Parelli, Alexandros Delitzas\nAbstract.\n")
    report = await library.reload()
    assert not report.ok
    assert report.error is not None
    assert "Feb 30" in report.error
    assert [p.title for p in library.index.papers] == ["Random Teachers are Good Teachers"]


async def test_a_stored_paper_is_indexed_off_the_loop_while_the_old_index_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import threading

    from bot.corpus.model import Paper
    from bot.corpus.stored import StoredPaper
    from bot.search import index as index_module

    corpus = tmp_path / "lab.txt"
    corpus.write_text(LISTING)
    library = Library(path=corpus, strict=False, clock=ManualClock(datetime(2026, 11, 26, tzinfo=UTC)))
    library.load()
    old = library.index
    building, release = threading.Event(), threading.Event()
    real_build = index_module.PaperIndex.build

    def held_build(*args: object, **kwargs: object) -> index_module.PaperIndex:
        building.set()
        release.wait(10)
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module.PaperIndex, "build", held_build)
    added = Paper(id="sparse-mixtures", title="Sparse Mixtures of Reading Groups")
    swap = asyncio.create_task(library.use_stored((StoredPaper(added),)))
    await asyncio.to_thread(building.wait, 10)

    assert library.index is old  # the loop runs on, and questions meanwhile get the old index
    assert library.index.search("sparse mixtures").hits == ()
    release.set()
    await swap
    assert [hit.paper.id for hit in library.index.search("sparse mixtures").hits] == ["sparse-mixtures"]
    assert [p.id for p in library.index.papers] == ["random-teachers-are-good-teachers", "sparse-mixtures"]


async def test_a_reload_builds_off_the_event_loop_while_the_old_index_keeps_serving(tmp_path: Path) -> None:
    """The new corpus is read and indexed in a thread: while it is (held here by the loader), the loop
    runs and searches get the old papers; then the new index is swapped in whole."""
    corpus = tmp_path / "lab.txt"
    corpus.write_text(LISTING)
    reading, go_on = threading.Event(), threading.Event()

    def held_loader(path: Path | None, *, strict: bool) -> CorpusLoad:
        if path is not None and SECOND in path.read_text():
            reading.set()
            go_on.wait(15)  # a deadlock breaker only: the test opens it as soon as it has looked
        return load_corpus(path, strict=strict)

    library = Library(
        path=corpus, strict=False, clock=ManualClock(datetime(2026, 11, 26, tzinfo=UTC)), loader=held_loader
    )
    library.load()
    corpus.write_text(LISTING + SECOND)
    reload = asyncio.create_task(library.reload())
    assert await asyncio.to_thread(reading.wait, 15)  # the loop is free: this runs while the reload reads
    assert not library.index.search("road networks").hits
    assert len(library.index.papers) == 1
    go_on.set()
    report = await reload
    assert report.ok
    assert library.index.search("road networks").hits[0].paper.title == "A Paper About Road Networks"


async def test_a_library_with_a_stored_index_opens_it_at_the_next_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "lab.txt"
    corpus.write_text(LISTING + SECOND)
    clock = ManualClock(datetime(2026, 11, 26, tzinfo=UTC))
    caplog.set_level(logging.INFO, logger="paperbot.search")
    for _ in range(2):  # two starts of the bot
        library = Library(corpus, False, clock, engine="inverted", index_dir=tmp_path / "index")
        library.load()
        assert library.index.search("road networks").hits[0].paper.title == "A Paper About Road Networks"
    assert sum("analysing the corpus" in r.getMessage() for r in caplog.records) == 1
