"""Two bot processes on one PostgreSQL database over a simulated week with restarts: every paper of the
day, DM digest, reading-group reminder and vote result reaches Discord exactly once.

Both processes run the real PaperBot against the loopback Discord, each with its own connection pool (as
separate processes have); they share the database and one ManualClock, and their scheduled jobs are fired
together each simulated hour. Two cases:

- **different shards** (the deployment): `shard_count=2`, one shard each, two servers on each shard. Each
  process hears only its servers' commands, arms and runs only their jobs, and sends every one of their
  posts; only the shard-0 process registers the commands. Requests are told apart by a tag each test
  process adds to its User-Agent.
- **the same shard** (a fault: both configured alike): both serve the one server, every post is raced
  for, and the database ledger alone decides who sends.
"""

from __future__ import annotations

import asyncio
import re
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.library import Library
from bot.search.index import PaperIndex
from bot.serve import build_client
from bot.settings import DiscordSettings, Settings, StorageSettings
from tests.fake_discord import BotRunner, FakeDiscord, FakeGuild, FakeRole, Perm, RecordedRequest
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
from .test_freetext import QUESTION
from .test_runtime import Process as PaperbotRun

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


async def start(
    runner: BotRunner, url: str, clock: ManualClock, index: PaperIndex, shard: int | None = None
) -> Process:
    """A bot process; with `shard`, it connects that shard of two and tags its requests `shard-N`."""
    sharding: dict[str, Any] = {} if shard is None else {"shard_count": 2, "shard_ids": [shard]}
    settings = Settings(
        storage=StorageSettings(url=url),
        discord=DiscordSettings(
            message_content=True, ask_cooldown_uses=1000, ask_cooldown_seconds=10, **sharding
        ),
    )
    app = await open_app(settings, clock=clock, library=Library.from_papers(index, clock))
    client = build_client(app, scheduler_paused=True)
    if shard is not None:
        client.http.user_agent += f" shard-{shard}"
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


# ------------------------------------------------------------------------------------- different shards


def sender(request: RecordedRequest) -> int:
    """Which test process made a bot-token request (its User-Agent tag)."""
    match = re.search(r" shard-(\d)$", request.headers.get("User-Agent", ""))
    assert match is not None, f"untagged request {request.method} {request.path}"
    return int(match[1])


@dataclass
class Server:
    """A server of the different-shards test, with its own channels and reading-group role."""

    guild: FakeGuild
    role: FakeRole

    @property
    def shard(self) -> int:
        return (self.guild.id >> 22) % 2


def add_server(fake: FakeDiscord, n: int, shard: int) -> Server:
    """A server on `shard` of two: #general-n, #papers-n, alice, and bob as a moderator."""
    guild = fake.add_guild(f"Lab {n}", shard=(shard, 2))
    moderator = guild.add_role("Moderator", Perm.MANAGE_GUILD | Perm.MANAGE_MESSAGES | Perm.MANAGE_EVENTS)
    role = guild.add_role("Reading group", 0, mentionable=True)
    general = guild.add_channel(f"general-{n}")
    guild.add_channel(f"papers-{n}")
    guild.system_channel_id = general.id
    guild.add_member(fake.alice)
    guild.add_member(fake.bob, [moderator])
    return Server(guild, role)


async def set_up(fake: FakeDiscord, server: Server, n: int) -> None:
    """Through Discord, in this server: the paper of the day at 10:00 Zurich, a reading group with two
    proposals, a session, and a vote (alice votes) closing Monday noon."""
    general = server.guild.channel(f"general-{n}")

    async def run(command: str, options: dict[str, Any] | None = None, user: str = "bob") -> None:
        handle = await fake.invoke_slash(command, options or {}, user=user, channel=general)
        await handle.reply()

    await run("digest channel", {"channel": general})
    await run("digest time", {"time": "10:00", "timezone": "Europe/Zurich"})
    papers = server.guild.channel(f"papers-{n}")
    await run(
        "rg setup",
        {
            "channel": papers,
            "weekday": "thursday",
            "time": "16:00",
            "timezone": "Europe/Zurich",
            "role": server.role,
        },
    )
    for user in ("alice", "bob"):
        await run("rg roster add", user=user)
    await run("rg propose", {"paper": "random-teachers-are-good-teachers"}, user="alice")
    await run("rg propose", {"paper": "scaling-mlps-a-tale-of-inductive-bias"}, user="bob")
    await run("rg schedule")
    await run("rg vote", {"deadline": "2026-11-30 12:00"})
    ballot = await fake.wait_for_bot_message(papers, lambda r: "vote" in (r.embed or {}).get("title", ""))
    first = next(b["custom_id"] for b in ballot.buttons() if b["custom_id"].startswith("rg:vote:"))
    voted = await fake.click(ballot, first, user="alice")
    await voted.wait_callback()


async def tick_owned(processes: list[Process]) -> None:
    """Each process runs what its own (paused) scheduler has armed and is due now, and the reading group's
    minute job — all at the same time, as two processes would."""

    async def run_armed(process: Process) -> None:
        digest = process.client.schedules.digest
        now = process.app.clock.now()
        due = [guild for guild, at in digest.next_run_times().items() if at <= now]
        await asyncio.gather(*(digest.fire(guild) for guild in due))

    await asyncio.gather(
        *(run_armed(p) for p in processes), *(p.client.schedules.reading_group.run() for p in processes)
    )


def commands_served(process: Process) -> float:
    """Slash commands this process answered (its own metrics)."""
    return sum(
        sample.value
        for metric in process.app.metrics.registry.collect()
        for sample in metric.samples
        if sample.name == "paperbot_commands_total"
    )


async def test_two_processes_on_different_shards_each_serve_and_post_for_their_own_servers_only(
    fake_discord: FakeDiscord,
    bot_runner: BotRunner,
    clock: ManualClock,
    bundled_index: PaperIndex,
    shared_url: str,
) -> None:
    fake = fake_discord
    fake.error_logger_prefixes = (*fake.error_logger_prefixes, "paperbot")
    clock.set(START)
    servers = [add_server(fake, n, shard=n % 2) for n in range(4)]
    processes = [await start(bot_runner, shared_url, clock, bundled_index, shard) for shard in (0, 1)]

    for shard, process in enumerate(processes):
        heard = {g.id for g in process.client.guilds}
        assert heard == {g.id for g in fake.guilds.values() if (g.id >> 22) % 2 == shard}
    for n, server in enumerate(servers):
        await set_up(fake, server, n)
    for user, n in (("alice", 0), ("bob", 1)):  # a member's DM digest, on a server of each shard
        channel = servers[n].guild.channel(f"general-{n}")
        await (await fake.invoke_slash("subscribe", user=user, channel=channel)).reply()
    # Each process answered the commands of its own two servers: 9 each, plus one /subscribe. (A command
    # is counted just after its answer went out, so wait for the count rather than read it at once.)
    await fake.wait_until(lambda: [commands_served(p) for p in processes] == [19, 19] or None)
    for shard, process in enumerate(processes):
        armed = set(process.client.schedules.digest.next_run_times())
        assert armed == {s.guild.id for s in servers if s.shard == shard}

    while clock.now() < END:
        clock.advance(timedelta(hours=1))
        if (which := RESTARTS.get(clock.now())) is not None:
            await stop(bot_runner, processes[which])
            processes[which] = await start(bot_runner, shared_url, clock, bundled_index, which)
        await tick_owned(processes)
    await fake.settle()
    for process in processes:
        await stop(bot_runner, process)

    command_puts = fake.find_requests("PUT", rf"/applications/{fake.application_id}/commands")
    assert command_puts, "nobody registered the commands"
    assert {sender(r) for r in command_puts} == {0}  # shard 0's process, at each of its starts
    assert not fake.find_requests("PUT", rf"/applications/{fake.application_id}/guilds/\d+/commands")
    for n, server in enumerate(servers):
        general = server.guild.channel(f"general-{n}").id
        papers = server.guild.channel(f"papers-{n}").id
        digests = [r for r in fake.find_requests("POST", rf"/channels/{general}/messages") if r.status == 200]
        posts = [r for r in fake.find_requests("POST", rf"/channels/{papers}/messages") if r.status == 200]
        kinds = Counter(_kind(r.json) for r in posts)
        assert len(digests) == 7, f"server {n}"  # Friday 27 Nov to Thursday 3 Dec, one a day
        assert len({r.json["embeds"][0]["title"] for r in digests}) == 7
        assert kinds["reminder"] == 2, f"server {n}: {kinds}"  # −24 h and −1 h
        assert kinds["result"] == 1, f"server {n}: {kinds}"
        assert {sender(r) for r in digests + posts} == {server.shard}, f"server {n}"
    for user, server in (("alice", servers[0]), ("bob", servers[1])):
        dm = fake.dm_channel(fake.user(user))
        assert dm is not None
        dms = [r for r in fake.find_requests("POST", rf"/channels/{dm.id}/messages") if r.status == 200]
        assert len(dms) == 7, user
        assert {sender(r) for r in dms} == {server.shard}, user


def _kind(body: dict[str, Any]) -> str:
    content = str(body.get("content") or "")
    if is_reminder(body):
        return "reminder"
    if content.startswith("🗳️ Voting closed"):
        return "result"
    return "other"


# ------------------------------------------------------------------------------ two real OS processes


def served_commands(metrics_url: str) -> float:
    """The process's count of slash commands served, read from its Prometheus endpoint as an operator
    would."""
    with urllib.request.urlopen(metrics_url, timeout=5) as response:
        text = response.read().decode()
    counts = [line for line in text.splitlines() if line.startswith("paperbot_commands_total")]
    return sum(float(line.rsplit(" ", 1)[1]) for line in counts)


async def test_two_paperbot_run_processes_on_two_shards_each_answer_only_their_own_servers(
    fake_discord: FakeDiscord, tmp_path: Path, postgres_databases: Databases
) -> None:
    """`paperbot run --shard-count 2 --shards 0` and `--shards 1` as two OS processes on one PostgreSQL
    database: each connects its shard, answers the commands of its own server, and only the first
    registers the commands."""
    fake = fake_discord
    labs = {shard: fake.add_guild(f"Lab on shard {shard}", shard=(shard, 2)) for shard in (0, 1)}
    for lab in labs.values():
        lab.add_channel("chat")
        lab.add_member(fake.alice)
    url = await postgres_databases.new()
    runs = []
    for shard in (0, 1):
        folder = tmp_path / f"shard-{shard}"
        folder.mkdir()
        env = {"PAPERBOT_STORAGE__URL": url, "PAPERBOT_METRICS__PORT": "0"}
        flags = ("--shard-count", "2", "--shards", str(shard))
        runs.append(await PaperbotRun.start(fake, folder, *flags, **env))
    try:
        metrics = [
            await fake.wait_until(
                lambda run=run: (m := re.search(r"metrics at (\S+)", run.logs())) and m[1],
                within=60,
                what="the metrics endpoint's log line",
            )
            for run in runs
        ]
        await fake.wait_for_request("PUT", r"/applications/\d+/commands", within=60)
        delivered = {str(lab.id) for lab in labs.values()}
        await fake.wait_until(
            lambda: (
                delivered
                <= {
                    str(f.d["id"]) for f in fake.gateway_log if f.t == "GUILD_CREATE" and f.direction == "out"
                }
                or None
            ),
            within=60,
            what="both labs' GUILD_CREATE",
        )
        assert sorted(tuple(s.shard) for s in fake.sessions) == [(0, 2), (1, 2)]
        for shard, lab in labs.items():
            chat = lab.channel("chat")
            handle = await fake.invoke_slash("ask", {"question": QUESTION}, user="alice", channel=chat)
            reply = await handle.reply(within=30)
            assert reply.embed is not None
            await fake.wait_until(
                lambda shard=shard: served_commands(metrics[shard]) == 1 or None,
                within=15,
                what=f"shard {shard}'s process to count its answer",
            )
        assert [served_commands(m) for m in metrics] == [1, 1]  # each answered its own lab's, only
    finally:
        codes = [await run.stop() for run in runs]
    logs = [run.logs() for run in runs]
    assert codes == [0, 0], logs
    assert len(fake.find_requests("PUT", r"/applications/\d+/commands")) == 1  # registered once
    assert "slash commands are registered by the process serving shard 0, not shard(s) 1 of 2" in logs[1]
    for shard, log in enumerate(logs):
        assert f"connecting shard(s) {shard} of 2 to Discord" in log, log
        assert " ERROR " not in log, log
