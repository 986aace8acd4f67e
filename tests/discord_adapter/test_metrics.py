"""Metrics for operators: a scrape of /metrics shows the commands served, the time spent answering and
that the gateway is up — counted by the bot's own work, through the real client against the fake."""

from __future__ import annotations

import asyncio
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.discord_adapter.client import PaperBot
from bot.errors import ConfigError
from bot.metrics import Metrics, serve_metrics
from bot.settings import DiscordSettings, MetricsSettings, Settings, StorageSettings
from tests.fake_discord import FakeDiscord


@pytest.fixture
def bot_settings(tmp_path: Path) -> Settings:
    """The usual test bot, with metrics on a free loopback port."""
    return Settings(
        storage=StorageSettings(data_dir=tmp_path),
        discord=DiscordSettings(message_content=True, ask_cooldown_uses=1000, ask_cooldown_seconds=10),
        metrics=MetricsSettings(port=0),
    )


def scrape(url: str) -> dict[str, float]:
    """The samples of a Prometheus text page: `name{labels}` → value."""
    with urllib.request.urlopen(url, timeout=5) as page:  # a loopback URL the test built
        text = page.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


async def scraped_when(url: str, ready: Callable[[dict[str, float]], bool]) -> dict[str, float]:
    """Scrape until `ready` holds (at most ~5 s: a deadlock breaker, not a timing assertion)."""
    for _ in range(100):
        samples = await asyncio.to_thread(scrape, url)
        if ready(samples):
            return samples
        await asyncio.sleep(0.05)
    return samples


async def test_a_scrape_shows_the_commands_served_and_the_time_spent_answering(
    paperbot: PaperBot, fake_discord: FakeDiscord
) -> None:
    assert paperbot.metrics_url is not None
    assert paperbot.metrics_url.startswith("http://127.0.0.1:")
    before = await asyncio.to_thread(scrape, paperbot.metrics_url)
    assert before["paperbot_gateway_connected"] == 1.0
    assert before.get('paperbot_commands_total{command="ask"}', 0.0) == 0.0
    for question in ("random teachers", "state space models"):
        await (await fake_discord.invoke_slash("ask", {"question": question})).reply()
    await (await fake_discord.invoke_slash("help", {})).reply()

    def counted(m: dict[str, float]) -> bool:
        return (
            m.get('paperbot_commands_total{command="ask"}') == 2.0
            and 'paperbot_commands_total{command="help"}' in m
        )

    # A command is counted when discord.py reports it complete, just after its reply went out: wait for it.
    after = await scraped_when(paperbot.metrics_url, counted)
    assert after['paperbot_commands_total{command="ask"}'] == 2.0
    assert after['paperbot_commands_total{command="help"}'] == 1.0
    assert after["paperbot_work_seconds_count"] >= 2  # each answer was computed in the worker pool, timed
    assert after["paperbot_work_seconds_sum"] > 0


async def test_the_endpoint_stops_with_the_bot(paperbot: PaperBot, bot_runner: Any) -> None:
    url = paperbot.metrics_url
    assert url is not None
    await bot_runner.stop(paperbot)
    with pytest.raises(urllib.error.URLError, match="Connection refused"):
        await asyncio.to_thread(scrape, url)


def test_a_port_in_use_is_a_config_error_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=r"metrics\.port") as raised:
            serve_metrics(Metrics(), "127.0.0.1", port)
    assert "PAPERBOT_METRICS__PORT" in raised.value.message


async def test_a_paper_of_the_day_is_counted_as_a_post(paperbot: PaperBot, fake_discord: FakeDiscord) -> None:
    from tests.discord_adapter.test_digest_e2e import set_up, slash

    assert paperbot.metrics_url is not None
    await set_up(fake_discord)
    await slash(fake_discord, "digest now")
    await fake_discord.wait_for_bot_message("papers")
    after = await scraped_when(paperbot.metrics_url, lambda m: 'paperbot_posts_total{kind="digest"}' in m)
    assert after['paperbot_posts_total{kind="digest"}'] == 1.0
    assert after.get('paperbot_posts_total{kind="dm"}', 0.0) == 0.0
