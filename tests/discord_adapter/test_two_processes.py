"""Two bot processes on one PostgreSQL database, both serving the same server (as when two processes are
wrongly given the same shard): over a simulated week with restarts, every paper of the day, reading-group
reminder and vote result reaches Discord exactly once.

Both processes run the real PaperBot against the loopback Discord, each with its own connection pool (as
separate processes have); they share the database and one ManualClock, and their scheduled jobs are fired
together each simulated hour, so every post is raced for. The database ledger alone decides who sends.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.library import Library
from bot.search.index import PaperIndex
from bot.serve import build_client
from bot.settings import DiscordSettings, Settings, StorageSettings
from tests.fake_discord import BotRunner, FakeDiscord
from tests.postgres_server import Databases

from .rg_helpers import (
    SECOND_SLOT,
    add_group_role,
    discord_follows,
    is_reminder,
    message_bodies,
    setup_group,
    slash,
)

START = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday; the session is next Thursday, 3 Dec
END = SECOND_SLOT + timedelta(hours=2)
DEADLINE = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # the vote's deadline, 12:00 in Zurich
RESTARTS = {datetime(2026, 11, 28, 12, 0, tzinfo=UTC): 0, datetime(2026, 12, 1, 9, 0, tzinfo=UTC): 1}


@dataclass
class Process:
    """One running bot: its app (with its own connection pool) and its Discord client."""

    app: App
    client: Any


@pytest.fixture(autouse=True)
def _discord_time(fake_discord: FakeDiscord, clock: ManualClock) -> None:
    discord_follows(fake_discord, clock)


@pytest.fixture
async def shared_url(postgres_databases: Databases) -> str:
    """The one database both processes use, empty until the first of them starts."""
    return await postgres_databases.new(migrated=False)


async def start(runner: BotRunner, url: str, clock: ManualClock, index: PaperIndex) -> Process:
    settings = Settings(
        storage=StorageSettings(url=url),
        discord=DiscordSettings(message_content=True, ask_cooldown_uses=1000, ask_cooldown_seconds=10),
    )
    app = await open_app(settings, clock=clock, library=Library.from_papers(index, clock))
    client = build_client(app, scheduler_paused=True)
    await runner.start(client)
    return Process(app, client)


async def stop(runner: BotRunner, process: Process) -> None:
    await runner.stop(process.client)
    await process.app.close()


async def tick(processes: list[Process], guild_id: int) -> None:
    """What both processes' schedulers do at this instant, at the same time: the paper of the day (the
    job body, which posts only a due, unclaimed day) and the reading group's minute job."""
    await asyncio.gather(
        *(p.client.schedules.digest.fire(guild_id) for p in processes),
        *(p.client.schedules.reading_group.run() for p in processes),
    )


async def test_two_processes_on_one_server_send_everything_once_over_a_week_with_restarts(
    fake_discord: FakeDiscord,
    bot_runner: BotRunner,
    clock: ManualClock,
    bundled_index: PaperIndex,
    shared_url: str,
) -> None:
    fake = fake_discord
    fake.error_logger_prefixes = (*fake.error_logger_prefixes, "paperbot")
    clock.set(START)
    processes = [await start(bot_runner, shared_url, clock, bundled_index) for _ in range(2)]

    # Set up through Discord (the fake delivers interactions to one of the two, as Discord does).
    await slash(fake, "digest channel", {"channel": "general"}, user="bob")
    await slash(fake, "digest time", {"time": "10:00", "timezone": "Europe/Zurich"}, user="bob")
    role = add_group_role(fake)
    await setup_group(fake, role)
    for user in ("alice", "bob"):
        await slash(fake, "rg roster add", user=user)
    await slash(fake, "rg propose", {"paper": "random-teachers-are-good-teachers"}, user="alice")
    await slash(fake, "rg propose", {"paper": "scaling-mlps-a-tale-of-inductive-bias"}, user="bob")
    await slash(fake, "rg schedule", user="bob")
    await slash(fake, "rg vote", {"deadline": "2026-11-30 12:00"}, user="bob")
    ballot = await fake.wait_for_bot_message("papers", lambda r: "vote" in (r.embed or {}).get("title", ""))
    voted = await fake.click(ballot, "rg:vote:1:1", user="alice")
    await voted.wait_callback()

    guild_id = fake.guild.id
    while clock.now() < END:
        clock.advance(timedelta(hours=1))
        if (which := RESTARTS.get(clock.now())) is not None:
            await stop(bot_runner, processes[which])
            processes[which] = await start(bot_runner, shared_url, clock, bundled_index)
        await tick(processes, guild_id)
    await fake.settle()
    for process in processes:
        await stop(bot_runner, process)

    general = fake.channel("general").id
    digests = fake.find_requests("POST", rf"/channels/{general}/messages")
    bodies = [body for request, body in message_bodies(fake) if request.status == 200]
    reminders = [body for body in bodies if is_reminder(body)]
    results = [body for body in bodies if str(body.get("content") or "").startswith("🗳️ Voting closed")]
    # Friday 27 Nov to Thursday 3 Dec: seven local days at 10:00 Zurich, each posted once.
    assert len(digests) == 7
    assert all(request.status == 200 for request in digests)
    assert len({request.json["embeds"][0]["title"] for request in digests}) == 7  # seven papers, no repeat
    assert len(reminders) == 2  # −24 h and −1 h
    assert len({body["content"] for body in reminders}) == 1  # the same reminder, at two marks
    assert len(results) == 1, [b["content"] for b in results]
    assert "Random Teachers are Good Teachers" in results[0]["content"]
