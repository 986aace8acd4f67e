"""Fixtures for end-to-end tests of discord.py code against the loopback fake Discord.

Rules these fixtures enforce (tests/README.md explains them and the fake):

* a fresh fake per test, patched into discord.py for the test only (``Route.BASE``, ``DEFAULT_GATEWAY``);
* nothing may leave the machine: a socket connect/DNS lookup to a non-loopback address fails the test;
* discord.py swallows errors in handlers and only logs them, so an ERROR record from a ``discord.*`` logger
  (prefixes configurable via ``fake_discord.error_logger_prefixes``) fails the test, as do unhandled routes
  and internal errors of the fake;
* bots are started with bounded waits and always closed.
"""

from __future__ import annotations

import logging
import socket
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import yarl

# discord.py imports the stdlib ``audioop`` module (deprecated on 3.11/3.12) through discord.player. Under
# ``filterwarnings = error`` that import would fail collection, so import discord once with that single
# warning silenced; later imports hit sys.modules.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
    import discord
    import discord.gateway
    import discord.http

from tests.fake_discord import BotRunner, FakeDiscord, loopback_address


class _FailFastOnErrorLog(logging.Handler):
    """Makes the fake's pending waits fail at once when discord.py logs an ERROR (the caplog check at
    teardown still reports it), instead of letting the test time out with the cause hidden.
    """

    def __init__(self, fake: FakeDiscord) -> None:
        super().__init__(logging.ERROR)
        self.fake = fake

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(self.fake.error_logger_prefixes):
            return
        text = record.getMessage()
        if any(p.search(text) for p in self.fake.allowed_error_logs):
            return
        exc = f": {record.exc_info[1]!r}" if record.exc_info and record.exc_info[1] else ""
        self.fake.report_fatal(f"ERROR logged by {record.name}: {text}{exc}", count_as_error=False)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail the test if anything tries to reach a non-loopback address (connect or DNS lookup).

    The attempt raises OSError where it happens (so a bot can't hang on it) *and* is recorded, because
    discord.py may swallow the OSError.
    """
    attempts: list[str] = []
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def refuse(what: str) -> OSError:
        attempts.append(what)
        return OSError(f"loopback-only test: refused {what}")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not loopback_address(address):
            raise refuse(f"connect to {address!r}")
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not loopback_address(address):
            raise refuse(f"connect_ex to {address!r}")
        return original_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not loopback_address((host.decode() if isinstance(host, bytes) else host, 0)):
            raise refuse(f"DNS lookup of {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    if attempts:
        pytest.fail(f"non-loopback network access attempted: {attempts}")


@pytest.fixture
async def fake_discord(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, loopback_only: list[str]
) -> AsyncIterator[FakeDiscord]:
    """A started fake Discord that discord.py points at for this test.

    At teardown the test fails on: ERROR logs from ``fake.error_logger_prefixes`` loggers during setup or
    call (minus ``fake.allow_error_log`` patterns), unhandled routes (``fake.unhandled``; clear it if a test
    hits one on purpose) and internal errors of the fake (``fake.errors``).
    """
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    fail_fast = _FailFastOnErrorLog(fake)
    root = logging.getLogger()
    root.addHandler(fail_fast)
    try:
        yield fake
    finally:
        root.removeHandler(fail_fast)
        await fake.stop()
    problems: list[str] = []
    for phase in ("setup", "call"):
        for record in caplog.get_records(phase):
            if record.levelno < logging.ERROR or not record.name.startswith(fake.error_logger_prefixes):
                continue
            text = record.getMessage()
            if any(p.search(text) for p in fake.allowed_error_logs):
                continue
            exc = f" ({record.exc_info[1]!r})" if record.exc_info and record.exc_info[1] else ""
            problems.append(f"ERROR log in {phase} from {record.name}: {text}{exc}")
    problems += [f"unhandled route: {r.method} {r.path}" for r in fake.unhandled]
    problems += [f"fake error: {e}" for e in fake.errors]
    if problems:
        pytest.fail("fake Discord teardown checks failed:\n" + "\n".join(problems))


@pytest.fixture
async def bot_runner(fake_discord: FakeDiscord) -> AsyncIterator[BotRunner]:
    """Starts any ``discord.Client``/``commands.Bot`` against the fake: ``await bot_runner.start(bot)``.

    Every started client is closed at teardown (before the fake's checks run).
    """
    runner = BotRunner(fake_discord)
    try:
        yield runner
    finally:
        await runner.aclose()


# --- the real paperbot against the fake -------------------------------------------------------------------

from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from bot.app import App, open_app  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.corpus.loader import load_corpus  # noqa: E402
from bot.library import Library  # noqa: E402
from bot.search.index import PaperIndex  # noqa: E402
from bot.settings import DiscordSettings, Settings, StorageSettings  # noqa: E402

TEST_NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def bundled_index() -> PaperIndex:
    """The bundled 50 papers, indexed once for the whole run (an index is immutable)."""
    return PaperIndex.build(load_corpus(None, today=TEST_NOW.date()).papers)


@pytest.fixture
def clock() -> ManualClock:
    """The bot's injected clock (cooldowns, digests, reminders); Discord's own timing stays real."""
    return ManualClock(TEST_NOW)


@pytest.fixture
def bot_settings(tmp_path: Path) -> Settings:
    """Settings for a test bot: state in a temp dir, a generous cooldown (tests that test it lower it)."""
    return Settings(
        storage=StorageSettings(data_dir=tmp_path),
        discord=DiscordSettings(message_content=True, ask_cooldown_uses=1000, ask_cooldown_seconds=10),
    )


@pytest.fixture
async def app(bot_settings: Settings, clock: ManualClock, bundled_index: PaperIndex) -> AsyncIterator[App]:
    """The core services over the bundled corpus and a fresh SQLite file."""
    application = await open_app(bot_settings, clock=clock, library=Library.from_papers(bundled_index, clock))
    try:
        yield application
    finally:
        await application.close()


@pytest.fixture
def client_allowed_mentions() -> discord.AllowedMentions:
    """The client-wide mention default `paperbot` runs with in place of PaperBot's own (`none()`).

    Mention safety has two layers: the client's default and the `allowed_mentions` each send passes. With
    the default made permissive here, every test through `paperbot` shows the second layer on its own:
    the audit at teardown fails the test if any message could ping anyone it does not name. The first
    layer is tested on its own in test_mentions.py.
    """
    return discord.AllowedMentions.all()


@pytest.fixture
async def paperbot(
    fake_discord: FakeDiscord,
    bot_runner: BotRunner,
    app: App,
    client_allowed_mentions: discord.AllowedMentions,
) -> AsyncIterator[Any]:
    """The real PaperBot, connected to the fake and ready; its own ERROR logs fail the test too, and so
    does any message it sent that could ping someone it did not name (see `client_allowed_mentions`)."""
    from bot.serve import build_client

    from .mentions import assert_pings_only_whom_it_names, bot_message_payloads

    fake_discord.error_logger_prefixes = (*fake_discord.error_logger_prefixes, "paperbot")
    client = build_client(app, scheduler_paused=True)
    client.allowed_mentions = client_allowed_mentions
    await bot_runner.start(client)
    try:
        yield client
    finally:
        # The client stops (its replies in flight finish) before `app` closes the database they write to:
        # torn down the other way round, a late write opened a connection nothing closed, and its
        # "deleted before being closed" warning failed whichever test was running when it was collected.
        await bot_runner.aclose()
    for request, payload in bot_message_payloads(fake_discord):
        assert_pings_only_whom_it_names(payload, f"{request}")
