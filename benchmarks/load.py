"""Load figures (issue 13 part 5): many guilds, several `paperbot run` processes, one PostgreSQL database.

    python benchmarks/load.py                        # 1,000 guilds, 2 processes, 50 users, 500 questions
    python benchmarks/load.py --guilds 200 --questions 100 --lead 60

Everything real but Discord: a throwaway PostgreSQL server (`tests/postgres_server.py`), `paperbot run`
processes (one per shard: `--shard-count N --shards i`) and the fake Discord (`tests/fake_discord`) on
loopback, serving `--guilds` guilds. It prints a table of

- start-up: process start → on_ready (every guild of its shard received; the jobs are armed before that,
  in setup_hook), and RSS then;
- paper-of-the-day fan-out: every guild's post is due in the same minute, each in its own time zone (set
  through the storage API before the processes start, so start-up arms them all); from the due instant to
  the first and the last post the fake Discord received. Every guild must get exactly one post: checked,
  and said (exit 1 if not);
- /ask under load: `--users` users at once (closed loop; each question from a new member, so the per-user
  cooldown stays the product's), acknowledgement (interaction sent → deferred callback received) and
  answer (→ the answer replacing the "thinking…" message), p50 and p99;
- RSS per process at the end, and its peak.

Why real time rather than a clock hook: `paperbot run` schedules on the system clock, so the due minute is
chosen `--lead` seconds ahead (long enough for start-up) and the run waits for it. Without PostgreSQL's
binaries it says so and exits 0. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.offload import lateness_during  # noqa: E402
from bot.digest.models import DigestSettings  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.digest_repo import DigestRepo  # noqa: E402
from tests import postgres_server  # noqa: E402
from tests.fake_discord import FakeDiscord, InteractionHandle  # noqa: E402
from tests.fake_discord.bulk import add_guilds  # noqa: E402
from tests.fake_discord.world import FakeGuild  # noqa: E402
from tests.questions.grading import load_set  # noqa: E402

DATABASE = "paperbot_load"
ZONES = (
    "UTC", "Europe/Zurich", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide",
    "America/St_Johns", "Pacific/Chatham",
)  # fmt: skip
"""Time zones the guilds cycle through: whole, half and quarter hours, both hemispheres."""
DIGEST_CHANNEL = 1
"""Each bulk guild's channels are ("general", "papers"): the paper of the day goes to "papers"."""
READY_LINE = re.compile(r"connected as .* to (\d+) server\(s\)")
POST_PATH = re.compile(r"/channels/(\d+)/messages")
ANSWER_WAIT = 90.0
"""Seconds one /ask may take before it counts as unanswered."""


# --- the processes ---------------------------------------------------------------------------------------


@dataclass
class BotProcess:
    """One `paperbot run` serving one shard, steered by environment variables as an operator
    would; its log goes to a file, which says when it is ready."""

    shard: int
    popen: subprocess.Popen[bytes]
    log: Path
    shard_count: int
    started: float
    identified_at: float | None = None
    ready_at: float | None = None
    guilds: int = 0
    rss_ready: float = 0.0

    @classmethod
    def start(cls, fake: FakeDiscord, url: str, folder: Path, shard: int, shard_count: int) -> BotProcess:
        """Start `python -m bot run --shard-count N --shards i`."""
        folder.mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
        env.update(
            PYTHONPATH=str(REPO),
            PAPERBOT_DISCORD__API_BASE=fake.api_base,
            PAPERBOT_DISCORD__GATEWAY_URL=fake.gateway_url,
            PAPERBOT_DISCORD__TOKEN=fake.token,
            PAPERBOT_STORAGE__DATA_DIR=str(folder / "data"),
            PAPERBOT_STORAGE__URL=url,
        )
        flags = ["--shard-count", str(shard_count), "--shards", str(shard)]
        log = folder / "paperbot.log"
        with log.open("wb") as out:
            started = time.monotonic()
            popen = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", *flags], cwd=folder, env=env, stdout=out, stderr=out
            )
        return cls(shard, popen, log, shard_count, started)

    @property
    def name(self) -> str:
        return f"shard {self.shard} of {self.shard_count}"

    def check_identified(self, fake: FakeDiscord) -> None:
        """Note when its gateway session identified (setup_hook is over: commands synced, catch-up done,
        jobs armed; the guilds come next)."""
        shard = (self.shard, self.shard_count)
        if self.identified_at is None and any(s.shard == shard for s in fake.sessions):
            self.identified_at = time.monotonic()

    def check_ready(self) -> bool:
        """Whether on_ready was logged (recording when it was first seen and how many guilds it has)."""
        if self.ready_at is None and (found := READY_LINE.search(self.log.read_text(errors="replace"))):
            self.ready_at, self.guilds = time.monotonic(), int(found[1])
            self.rss_ready = self.memory()[0]
        return self.ready_at is not None

    def memory(self) -> tuple[float, float]:
        """(RSS now, peak RSS) in MiB, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def problems(self) -> list[str]:
        """The ERROR and WARNING lines it logged."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if " ERROR " in line or " WARNING " in line]

    def stop(self, within: float = 30) -> int:
        """SIGTERM (it finishes what is in flight), then its exit code; killed if it outlives `within`."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(within)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()


async def wait_ready(fake: FakeDiscord, processes: Sequence[BotProcess], within: float) -> None:
    """Until every process logged on_ready; RuntimeError if one exits or `within` runs out."""
    deadline = time.monotonic() + within
    while not all(p.check_ready() for p in processes):
        for process in processes:
            process.check_identified(fake)
            if process.popen.poll() is not None:
                tail = process.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{process.name} exited with {process.popen.returncode}:\n{tail}")
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"not ready within {within:.0f} s (see the logs under {processes[0].log.parent})"
            )
        await asyncio.sleep(0.05)


# --- the paper of the day ----------------------------------------------------------------------------------


def due_minute(lead: float) -> datetime:
    """The first whole minute (UTC) at least `lead` seconds from now."""
    earliest = datetime.now(UTC) + timedelta(seconds=lead)
    return earliest.replace(second=0, microsecond=0) + timedelta(minutes=1)


def local_time(instant: datetime, zone: str) -> clock_time:
    """The wall-clock time of `instant` in `zone` (what an admin in that zone would type)."""
    return instant.astimezone(ZoneInfo(zone)).time().replace(second=0, microsecond=0)


async def configure_digests(url: str, guilds: Sequence[FakeGuild], due: datetime) -> None:
    """Each guild's paper of the day: its "papers" channel, due at `due` in its own time zone (storage API;
    the same record `/digest channel` and `/digest time` save)."""
    database = await Database.open(url)
    try:
        repo = DigestRepo(database)
        now = datetime.now(UTC)
        for n, guild in enumerate(guilds):
            zone = ZONES[n % len(ZONES)]
            settings = DigestSettings(
                guild.id, guild.channels[DIGEST_CHANNEL].id, local_time(due, zone), zone, enabled=True
            )
            await repo.save_settings(settings, now)
    finally:
        await database.close()


@dataclass(frozen=True)
class FanOut:
    """The paper of the day's fan-out: seconds from the due instant to the first and the last post, and
    how many posts each guild received."""

    first: float
    last: float
    posts_per_guild: Counter[int]
    guilds: int

    @property
    def exactly_once(self) -> bool:
        return len(self.posts_per_guild) == self.guilds and set(self.posts_per_guild.values()) == {1}

    def verdict(self) -> str:
        """What the check found, in one line."""
        if self.exactly_once:
            return f"yes: every one of the {self.guilds:,} guilds received exactly one post"
        missing = self.guilds - len(self.posts_per_guild)
        doubled = sum(1 for count in self.posts_per_guild.values() if count > 1)
        return f"NO: {missing} guilds received no post, {doubled} received more than one"


class DigestPosts:
    """The messages the bot created in the digest channels, by guild; `update` reads only the requests
    recorded since its last call, so waiting on it costs the fake's loop next to nothing."""

    def __init__(self, fake: FakeDiscord, guilds: Sequence[FakeGuild]) -> None:
        self._fake = fake
        self._guild_of = {g.channels[DIGEST_CHANNEL].id: g.id for g in guilds}
        self._read = 0
        self.received: list[tuple[int, float]] = []
        """(guild id, when the fake received it: monotonic seconds)."""

    def update(self) -> int:
        """Read the new requests; returns how many guilds have a post."""
        for request in self._fake.requests[self._read :]:
            match = POST_PATH.fullmatch(request.path)
            if request.method == "POST" and request.status == 200 and match:
                guild = self._guild_of.get(int(match[1]))
                if guild is not None:
                    self.received.append((guild, request.at))
        self._read = len(self._fake.requests)
        return len({guild for guild, _ in self.received})


async def measure_fan_out(
    fake: FakeDiscord, guilds: Sequence[FakeGuild], due: datetime, within: float
) -> FanOut:
    """Wait for the due minute, then for one post per guild (at most `within` s), then a little longer
    to see any second post; the times are from the due instant."""
    posts = DigestPosts(fake, guilds)
    due_at = due.timestamp() - time.time() + time.monotonic()
    await asyncio.sleep(max(0.0, due_at - time.monotonic()))
    with contextlib.suppress(TimeoutError):  # the verdict below says which guilds are missing
        await fake.wait_until(
            lambda: True if posts.update() == len(guilds) else None,
            within=max(0.0, due_at + within - time.monotonic()),
            what="a post in every guild",
        )
    await asyncio.sleep(5)  # a duplicate would come now, if ever
    posts.update()
    times = [at - due_at for _, at in posts.received] or [float("nan")]
    return FanOut(min(times), max(times), Counter(guild for guild, _ in posts.received), len(guilds))


# --- /ask ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskFigures:
    """The /ask phase: seconds to acknowledgement and to answer of each answered question, and how the
    others ended."""

    acknowledged: list[float]
    answered: list[float]
    endings: Counter[str]
    """How the other interactions ended: "refused" (an immediate reply: the cooldown, a malformed
    question), "late" (no acknowledgement within Discord's deadline: the user saw "The application did
    not respond"), "unanswered" (acknowledged, no answer within ANSWER_WAIT)."""
    first_wave: Counter[str]
    """How the first `users` interactions ended (all sent at once, the moment the fan-out is over)."""
    seconds: float


def ending(handle: InteractionHandle, deadline: float) -> str | None:
    """How the interaction ended for its user, once it has: "answered", "refused", "late"; None before."""
    if handle.edits:
        return "answered"
    if handle.callback_type == 4:
        return "refused"
    if handle.callback is None and time.monotonic() - handle.created > deadline:
        return "late"
    return None


async def ask_load(
    fake: FakeDiscord, guilds: Sequence[FakeGuild], questions: Sequence[str], users: int, total: int
) -> AskFigures:
    """`total` /ask interactions, `users` in flight at once; question n is asked in guild n (so every
    shard gets its share) by a member who asks nothing else."""
    answered: list[InteractionHandle] = []
    endings: Counter[str] = Counter()
    first_wave: Counter[str] = Counter()
    upcoming = iter(range(total))
    deadline = fake.interaction_deadline or ANSWER_WAIT

    async def one_user() -> None:
        for n in upcoming:
            guild = guilds[n % len(guilds)]
            member = fake.new_user(f"asker{n}")
            guild.add_member(member)
            question = questions[n % len(questions)]
            handle = await fake.invoke_slash("ask", {"question": question}, user=member, guild_id=guild.id)
            try:
                end = await fake.wait_until(partial(ending, handle, deadline), within=ANSWER_WAIT)
            except TimeoutError:
                end = "unanswered"
            if n < users:
                first_wave[end] += 1
            if end == "answered":
                answered.append(handle)
            else:
                endings[end] += 1

    started = time.monotonic()
    await asyncio.gather(*(one_user() for _ in range(users)))
    took = time.monotonic() - started
    return AskFigures(*latencies(fake, answered), endings, first_wave, took)


def latencies(fake: FakeDiscord, handles: Sequence[InteractionHandle]) -> tuple[list[float], list[float]]:
    """Seconds from each interaction to its callback, and to the first webhook message (the answer),
    from the times the fake received those requests."""
    callback: dict[str, float] = {}
    answer: dict[str, float] = {}
    for request in fake.requests:
        parts = request.path.split("/")
        if len(parts) >= 5 and parts[1] == "interactions" and parts[4] == "callback":
            callback.setdefault(parts[3], request.at)
        elif len(parts) >= 4 and parts[1] == "webhooks" and request.method in ("POST", "PATCH"):
            answer.setdefault(parts[3], request.at)
    acknowledged = [callback[h.token] - h.created for h in handles if h.token in callback]
    answered = [answer[h.token] - h.created for h in handles if h.token in answer]
    return acknowledged, answered


async def while_timing_the_loop(work: Awaitable[T]) -> tuple[T, list[float]]:
    """`work`'s result, and how late this process's 1 ms wake-ups ran meanwhile: this process is the fake
    Discord and the users, so a late loop here would make the bot look slower than it is."""
    results: list[T] = []

    async def run() -> None:
        results.append(await work)

    _, late = await lateness_during(run)
    return results[0], late


def percentiles(seconds: Sequence[float]) -> str:
    """'p50 / p99' in milliseconds."""
    if len(seconds) < 2:
        return "—"
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return f"{cuts[49] * 1000:,.0f} / {cuts[98] * 1000:,.0f} ms"


# --- the run -----------------------------------------------------------------------------------------------


def machine() -> str:
    """The machine, for the figures' context."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {sys.version.split()[0]}, load average {load}"
    )


def seconds(start: float | None, end: float | None) -> str:
    """The span in seconds, or a dash when one end was not seen."""
    return "—" if start is None or end is None else f"{end - start:.1f} s"


def print_table(
    processes: Sequence[BotProcess],
    fan_out: FanOut,
    asks: AskFigures,
    fake_lag: Sequence[float],
    end: Sequence[tuple[float, float]],
) -> None:
    """The figures as a Markdown table."""
    print()
    print("| figure | " + " | ".join(p.name for p in processes) + " |")
    print("|---" * (len(processes) + 1) + "|")
    rows = {
        "guilds served": [f"{p.guilds:,}" for p in processes],
        "start-up: process start → ready (jobs armed, guilds received)": [
            seconds(p.started, p.ready_at) for p in processes
        ],
        "… start → gateway IDENTIFY (imports, database, corpus, commands, catch-up, jobs)": [
            seconds(p.started, p.identified_at) for p in processes
        ],
        "… IDENTIFY → ready (its guilds' GUILD_CREATE, then discord.py waits 2 s for more)": [
            seconds(p.identified_at, p.ready_at) for p in processes
        ],
        "RSS when ready": [f"{p.rss_ready:.0f} MiB" for p in processes],
        "RSS at the end / peak": [f"{now:.0f} / {peak:.0f} MiB" for now, peak in end],
    }
    for label, cells in rows.items():
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\n| figure (all processes) | value |\n|---|---|")
    print(f"| paper of the day: due → first post | {fan_out.first:.1f} s |")
    print(f"| paper of the day: due → last post ({fan_out.guilds:,} guilds) | {fan_out.last:.1f} s |")
    print(f"| exactly one post per guild | {fan_out.verdict()} |")
    served = len(asks.answered)
    print(f"| /ask acknowledgement p50 / p99 ({served} answered) | {percentiles(asks.acknowledged)} |")
    print(f"| /ask answer p50 / p99 | {percentiles(asks.answered)} |")
    print(f"| /ask throughput | {served / asks.seconds:.1f} answers/s over {asks.seconds:.0f} s |")
    ended = asks.endings
    print(
        f"| /ask not answered: refused at once / missed Discord's 3 s / no answer in {ANSWER_WAIT:.0f} s "
        f"| {ended['refused']} / {ended['late']} / {ended['unanswered']} |"
    )
    wave = ", ".join(f"{count} {end}" for end, count in sorted(asks.first_wave.items()))
    print(f"| /ask: how the first {sum(asks.first_wave.values())} (sent at once) ended | {wave} |")
    print(
        f"| this process's loop (fake Discord, users) late p50 / p99 during /ask | {percentiles(fake_lag)} |"
    )


async def measure(args: argparse.Namespace, server: postgres_server.PostgresServer, work: Path) -> int:
    """Set up the guilds and their digests, start the processes, measure, stop them; the exit code."""
    await postgres_server.admin(server, f"CREATE DATABASE {DATABASE}")
    url = server.url(DATABASE)
    _, question_set = load_set()
    questions = [q["text"] for q in question_set]
    async with FakeDiscord() as fake:
        del fake.guilds[fake.guild.id]  # only the bulk guilds
        guilds = add_guilds(fake, args.guilds, shards=args.processes)
        due = due_minute(args.lead)
        configured = time.monotonic()
        await configure_digests(url, guilds, due)
        took = time.monotonic() - configured
        print(f"{args.guilds:,} guilds' digests configured in {took:.1f} s; due at {due:%H:%M} UTC")
        processes = [
            BotProcess.start(fake, url, work / f"process{shard}", shard, args.processes)
            for shard in range(args.processes)
        ]
        try:
            await wait_ready(fake, processes, within=max(10.0, (due - datetime.now(UTC)).total_seconds() - 5))
            print("ready: " + ", ".join(f"{p.name} {seconds(p.started, p.ready_at)}" for p in processes))
            fan_out = await measure_fan_out(fake, guilds, due, within=args.fan_out_limit)
            print(f"fan-out: last post {fan_out.last:.1f} s after the due minute; {fan_out.verdict()}")
            asks, fake_lag = await while_timing_the_loop(
                ask_load(fake, guilds, questions, args.users, args.questions)
            )
            end = [p.memory() for p in processes]
        finally:
            # in threads: the fake must keep serving while the bots finish what is in flight and close
            codes = await asyncio.gather(*(asyncio.to_thread(p.stop) for p in processes))
    print_table(processes, fan_out, asks, fake_lag, end)
    print(f"\nexit codes {codes}; {machine()}")
    for process in processes:
        problems = process.problems()
        print(f"{process.name}: {len(problems)} warnings or errors logged" + ("" if not problems else ":"))
        for line in problems[:5]:
            print("   ", line[:300])
    return 0 if fan_out.exactly_once else 1


@contextlib.contextmanager
def postgres() -> Iterator[postgres_server.PostgresServer | str]:
    """The throwaway server of the test suite (or why it could not start)."""
    yield from postgres_server.run_server()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2, help="bot processes, one shard each")
    parser.add_argument("--users", type=int, default=50, help="/ask users at once")
    parser.add_argument("--questions", type=int, default=500, help="/ask interactions in all")
    parser.add_argument("--lead", type=float, default=75, help="seconds from now to the earliest due minute")
    parser.add_argument("--fan-out-limit", type=float, default=240, help="seconds to wait for every post")
    args = parser.parse_args()
    print(machine())
    if postgres_server.missing_binaries() is not None:
        print("PostgreSQL binaries not found (initdb, pg_ctl): install postgresql to run this benchmark.")
        return 0
    with postgres() as server, tempfile.TemporaryDirectory(prefix="paperbot-load-") as work:
        if isinstance(server, str):
            print(f"PostgreSQL could not be used: {server}")
            return 1
        return asyncio.run(measure(args, server, Path(work)))


if __name__ == "__main__":
    raise SystemExit(main())
