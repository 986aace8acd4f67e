"""Fixtures for the metadata sources: the loopback fake arXiv/Crossref, clients pointed at it, and a
fake monotonic time whose `sleep` records the wait and moves time instead of waiting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.sources import PaperSources
from tests.discord_adapter.conftest import loopback_only  # noqa: F401  (the network guard, autouse)
from tests.fake_sources import FakeSources


@dataclass
class FakeTime:
    """Monotonic seconds that move only when something sleeps; every sleep is recorded."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Config:
    """A SourcesConfig for tests (bot.settings.SourcesSettings refuses an arXiv interval under 3 s)."""

    arxiv_api: str
    crossref_api: str
    contact: str | None = "lab@example.org"
    arxiv_interval_seconds: float = 3.0
    timeout_seconds: float = 5.0
    max_retry_wait_seconds: float = 30.0


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def config(fake_sources: FakeSources) -> Config:
    return Config(fake_sources.arxiv_api, fake_sources.crossref_api)


@pytest.fixture
async def sources(config: Config, fake_time: FakeTime) -> AsyncIterator[PaperSources]:
    client = PaperSources(config, sleep=fake_time.sleep, monotonic=fake_time.monotonic)
    try:
        yield client
    finally:
        await client.close()
