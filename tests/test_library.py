"""Reloading the corpus: the new index replaces the old only when it loaded; a bad file keeps the old one."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
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
