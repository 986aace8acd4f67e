"""An App over a small corpus file, a fresh database and the loopback fake arXiv/Crossref.

The App's sources are swapped for ones on a fake monotonic time, so arXiv's three seconds between
requests are kept (and checked) without being waited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.following.service import FollowService
from bot.settings import Settings
from bot.sources import PaperSources
from tests.discord_adapter.conftest import loopback_only  # noqa: F401  (the network guard, autouse)
from tests.fake_sources import FakeSources
from tests.sources.conftest import FakeTime

LISTING = (
    "LGFeb 23, 2023Code\n"
    "Random Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann et al.\n"
    "We distil students from teachers at random initialization. Code at https://github.com/safelix/dinopl.\n"
    "CVApr 12, 2023\n"
    "A Paper About Road NetworksMaria Parelli, Alexandros Delitzas\nRoads and their networks.\n"
)
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path, fake_sources: FakeSources) -> Settings:
    corpus = tmp_path / "corpus" / "lab.txt"
    corpus.parent.mkdir()
    corpus.write_text(LISTING, encoding="utf-8")
    return Settings(
        corpus={"path": corpus},
        storage={"data_dir": tmp_path / "data"},
        sources={"arxiv_api": fake_sources.arxiv_api, "crossref_api": fake_sources.crossref_api},
    )


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


async def on_fake_time(app: App, fake_time: FakeTime) -> App:
    """`app` with its sources (and what uses them) on fake time: arXiv's 3 s spacing kept, not waited."""
    await app.sources.close()
    app.sources = PaperSources(app.settings.sources, sleep=fake_time.sleep, monotonic=fake_time.monotonic)
    app.additions.lookup = app.sources
    app.following = FollowService(app.following.store, app.sources, app.additions, app.outbox, app.clock)
    return app


async def start(settings: Settings, fake_time: FakeTime) -> App:
    """An App as `paperbot run` builds it, with sources on fake time."""
    return await on_fake_time(await open_app(settings, clock=ManualClock(NOW)), fake_time)


@pytest.fixture
async def app(settings: Settings, fake_time: FakeTime) -> AsyncIterator[App]:
    application = await start(settings, fake_time)
    try:
        yield application
    finally:
        await application.close()
