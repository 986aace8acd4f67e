"""The wired core: a corpus reload reaches the digest, so papers added later are announced as new."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import open_app
from bot.clock import ManualClock
from bot.settings import CorpusSettings, Settings, StorageSettings

FIRST = "LGFeb 23, 2023Code\nRandom Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann\nTeachers.\n"
SECOND = "CVApr 12, 2023\nA Paper About Road NetworksMaria Parelli, Alexandros Delitzas\nRoads.\n"


async def test_a_paper_added_by_reload_is_new_in_the_corpus_from_that_day(tmp_path: Path) -> None:
    corpus = tmp_path / "lab.txt"
    corpus.write_text(FIRST)
    clock = ManualClock(datetime(2026, 11, 26, 8, tzinfo=UTC))
    settings = Settings(corpus=CorpusSettings(path=corpus), storage=StorageSettings(data_dir=tmp_path))
    app = await open_app(settings, clock=clock)
    try:
        await app.digest.sync_corpus()  # what the scheduler does at start-up
        clock.advance(timedelta(days=3))
        corpus.write_text(FIRST + SECOND)
        report = await app.reload_corpus()
        first_seen = await app.digest.corpus_repo.first_seen()
    finally:
        await app.close()
    assert report.added == ("a-paper-about-road-networks",)
    assert first_seen == {
        "random-teachers-are-good-teachers": date(2026, 11, 26),
        "a-paper-about-road-networks": date(2026, 11, 29),
    }
