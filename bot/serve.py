"""`paperbot run`: the process entry point. Builds the app (`bot.app`, the composition root of the core),
the schedules (`bot.scheduling`), the Discord client with its cogs and publisher, connects to Discord (or
a Discord-compatible server) and serves until stopped.

It sits outside `bot/discord_adapter`: the adapter's client is handed its cogs, publisher and schedules
(`wire`), so the client imports no cog and no cog imports the client at run time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import discord
import yarl
from discord.ext import commands

from bot.app import App, open_app
from bot.discord_adapter.client import MESSAGE_CONTENT_HELP, PaperBot, Wiring
from bot.discord_adapter.digest.cog import DigestCog
from bot.discord_adapter.digest.subscriptions import SubscriptionsCog
from bot.discord_adapter.papers.admin import AdminCog
from bot.discord_adapter.papers.cog import PapersCog
from bot.discord_adapter.papers.questions import QuestionsCog
from bot.discord_adapter.publisher import DiscordPublisher
from bot.discord_adapter.readinggroup.cog import ReadingGroupCog
from bot.discord_adapter.readinggroup.interactions import for_discord
from bot.discord_adapter.readinggroup.posts import RgPosts
from bot.discord_adapter.retry import DEFAULT_RETRY, RetryPolicy
from bot.errors import PaperbotError
from bot.safetext import SafeFormatter
from bot.scheduling import DigestScheduler, FollowJobs, ReadingGroupJobs, Schedules, StoredPapersJob
from bot.settings import Settings

log = logging.getLogger("paperbot")

EXIT_OK = 0
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3


def all_cogs(bot: PaperBot) -> list[commands.Cog]:
    """Every feature's cog, built for `bot`."""
    return [
        PapersCog(bot),
        QuestionsCog(bot),
        AdminCog(bot),
        DigestCog(bot),
        SubscriptionsCog(bot),
        ReadingGroupCog(bot),
    ]


def wire(bot: PaperBot, *, scheduler_paused: bool = False) -> Wiring:
    """What the client runs: every cog, the publisher the core's outbox sends through, and the schedules
    (paper of the day and DM digests; the reading group's ballot closing and reminders, whose results
    are announced through the reading group's Discord posts). `scheduler_paused` arms the jobs without
    letting real time fire them (tests fire them). Every job works only for this process's servers
    (`App.shards`)."""
    app = bot.app
    shards = app.shards
    schedules = Schedules(
        DigestScheduler(app.digest, shards=shards),
        ReadingGroupJobs(for_discord(app.reading_group), app.outbox, RgPosts(bot), shards=shards),
        following=FollowJobs(app.following, shards=shards),
        stored_papers=StoredPapersJob(app.stored_papers),
        paused=scheduler_paused,
    )
    return Wiring(cogs=all_cogs(bot), publisher=DiscordPublisher(bot), schedules=schedules)


def build_client(app: App, *, scheduler_paused: bool = False, retry: RetryPolicy = DEFAULT_RETRY) -> PaperBot:
    """The Discord client as `paperbot run` builds it (the tests build theirs here too); `retry` says how
    every REST request is retried after a transient Discord error."""
    return PaperBot(app, lambda bot: wire(bot, scheduler_paused=scheduler_paused), retry=retry)


def point_at(api_base: str, gateway_url: str) -> None:
    """Send discord.py's REST calls and gateway connection to the configured endpoints.

    discord.py reads both from class attributes, so this is process-wide; it is the documented way to use
    a Discord-compatible server, and what the loopback test suite relies on.
    """
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


# Libraries whose INFO lines give an operator nothing to act on: discord.py's connection chatter, Alembic's
# per-step migration lines (paperbot logs one "database ready at …, revision N" line) and APScheduler's job
# bookkeeping. Their warnings still show.
CHATTY_LIBRARIES = ("discord", "alembic", "apscheduler")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """One readable line per event on stderr — control characters escaped, so nothing a user typed can
    forge a line or reach the terminal raw; libraries' own chatter kept at WARNING unless debugging."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    if level != "DEBUG":
        for name in CHATTY_LIBRARIES:
            logging.getLogger(name).setLevel(logging.WARNING)
    # paperbot never joins a voice channel, so "PyNaCl/davey is not installed, voice will NOT be supported"
    # would ask the operator to install libraries it does not use.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def run_bot(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM (which let the replies in flight finish); returns the exit code."""
    token = settings.discord.resolve_token()
    configure_logging(settings.logging.level)
    point_at(settings.discord.api_base, settings.discord.gateway_url)
    return asyncio.run(serve(settings, token))


async def serve(settings: Settings, token: str) -> int:
    """Build the app and the client, connect, and translate start-up failures into exit codes and advice."""
    try:
        app = await open_app(settings)
    except PaperbotError as exc:
        log.error("%s", exc.message)
        return EXIT_CONFIG
    log.info("corpus: %d papers loaded", len(app.library.index.papers))
    log.info("connecting %s to Discord", app.shards)
    bot = build_client(app)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread, or Windows
            loop.add_signal_handler(sig, bot.request_shutdown)
    try:
        async with bot:
            await bot.start(token)
            await bot.shutdown()  # returns once a signal's shutdown has finished (or closes at once)
    except discord.LoginFailure:
        log.error(
            "Discord rejected the bot token. Copy it again from the Developer Portal (Bot → Reset Token) "
            "into PAPERBOT_DISCORD__TOKEN or discord.token_file."
        )
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        log.error(
            "Discord refused the Message Content intent. Either enable it in the Developer Portal, or "
            "set discord.message_content = false (PAPERBOT_DISCORD__MESSAGE_CONTENT=false). %s",
            MESSAGE_CONTENT_HELP,
        )
        return EXIT_CONFIG
    except PaperbotError as exc:
        log.error("%s", exc.message)
        return EXIT_CONFIG
    except OSError as exc:  # aiohttp's connection errors are OSErrors: DNS, refused, unreachable, TLS
        log.error(
            "Cannot reach Discord at %s (%s). Check the network connection, or discord.api_base / "
            "PAPERBOT_DISCORD__API_BASE if you point paperbot at another server.",
            discord.http.Route.BASE,
            exc,
        )
        return EXIT_UNREACHABLE
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        await app.close()
    return EXIT_OK
