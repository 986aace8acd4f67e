"""The Discord client: built from an App and its `Wiring` (the cogs, the publisher and the schedules, which
the entry point `bot.serve` builds); adds the cogs, syncs commands, sends with no pings by default,
retries transient Discord errors on every request, and shuts down without cutting replies off.

It is discord.py's `AutoShardedBot` given this process's shards explicitly (`App.shards`, from
`discord.shard_count`/`shard_ids`): discord.py connects one gateway session per shard, and Discord sends
each session only its servers' events. Without shard settings that is one shard of one: every server, as
a plain `Bot` would serve them. Only the process that connects shard 0 registers the commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED, JobEvent
from discord import app_commands
from discord.ext import commands

from bot.app import App
from bot.discord_adapter.errors import PaperTree
from bot.discord_adapter.retry import DEFAULT_RETRY, RetryPolicy, retry_transient_errors
from bot.discord_adapter.shutdown import SHUTDOWN_GRACE, InFlight, replies
from bot.metrics import MetricsServer, serve_metrics
from bot.outbox import Publisher
from bot.scheduling import Schedules

log = logging.getLogger("paperbot.discord")

MESSAGE_CONTENT_HELP = (
    "The Message Content intent is off, so I only see messages that mention me, DMs and slash commands. "
    "To answer every message in ask channels, enable 'Message Content Intent' for the bot in the Discord "
    "Developer Portal (Bot → Privileged Gateway Intents) and set discord.message_content = true."
)


def build_intents(message_content: bool) -> discord.Intents:
    """The intents paperbot needs: guilds and messages; Message Content only if the operator enabled it."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    intents.members = False
    intents.presences = False
    return intents


@dataclass(frozen=True)
class Wiring:
    """What the client runs, handed in by the entry point (`bot.serve.wire`)."""

    cogs: Sequence[commands.Cog]
    publisher: Publisher
    """Where the core's outbox sends while the client is up."""
    schedules: Schedules
    """Every scheduled job; started in setup_hook, stopped before the connection closes."""


class PaperBot(commands.AutoShardedBot):
    """paperbot on Discord. Everything it sends disables mentions unless a call names exactly whom to ping."""

    def __init__(
        self,
        app: App,
        wire: Callable[[PaperBot], Wiring],
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        **options: Any,
    ) -> None:
        """`wire` builds what the client runs, for this client (the cogs and the publisher need it);
        `retry` says how every REST request is retried after a transient Discord error (`retry.py`)."""
        options.setdefault("intents", build_intents(app.settings.discord.message_content))
        shards = app.shards
        super().__init__(
            shard_count=shards.count,
            shard_ids=list(shards.ids),
            command_prefix=commands.when_mentioned,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=PaperTree,
            **options,
        )
        retry_transient_errors(self.http, retry)
        self.app = app
        self.in_flight = InFlight()
        self._shutdown: asyncio.Task[None] | None = None
        self._warming: asyncio.Task[None] | None = None
        self._metrics_server: MetricsServer | None = None
        self.wiring = wire(self)
        self.schedules = self.wiring.schedules

    async def setup_hook(self) -> None:
        """Add the cogs, sync the slash commands, then attach the publisher and start the schedules.

        The scheduler starts here, inside the running loop (APScheduler's AsyncIOScheduler needs it), after
        login: REST works already, so catch-up posts go out through partial channels before the gateway is up.
        """
        metrics = self.app.settings.metrics
        if metrics.port is not None:
            self._metrics_server = serve_metrics(self.app.metrics, metrics.address, metrics.port)
        for cog in self.wiring.cogs:
            await self.add_cog(cog)
        if not self.intents.message_content:
            log.warning(MESSAGE_CONTENT_HELP)
        await self.sync_commands()
        self.app.outbox.attach(self.wiring.publisher)
        # The first paraphrased question would compute every paper's vector; do it now, off the loop.
        self._warming = asyncio.create_task(asyncio.to_thread(self.app.library.index.warm))
        await self.schedules.start()
        self.schedules.scheduler.add_listener(
            self._count_job, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )

    def _count_job(self, event: JobEvent) -> None:
        """Scheduled jobs in progress count as in flight: a shutdown lets them finish too."""
        self.in_flight.count_job(1 if event.code == EVENT_JOB_SUBMITTED else -1)

    def request_shutdown(self) -> None:
        """Begin `shutdown` without waiting for it: the SIGTERM/SIGINT handler of `paperbot run`."""
        if self._shutdown is not None and not self._shutdown.done():
            log.info("already shutting down: %s still in flight", replies(len(self.in_flight.running())))
        self._shutting_down(SHUTDOWN_GRACE)

    async def shutdown(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Stop taking new work, let the replies in flight finish (at most `grace` s), then close.
        Calling it again (or after `request_shutdown`) waits for the same shutdown."""
        await asyncio.shield(self._shutting_down(grace))

    def _shutting_down(self, grace: float) -> asyncio.Task[None]:
        if self._shutdown is None:
            self._shutdown = asyncio.create_task(self._drain_and_close(grace), name="paperbot-shutdown")
        return self._shutdown

    async def _drain_and_close(self, grace: float) -> None:
        running = self.in_flight.stop_admitting()
        with contextlib.suppress(RuntimeError):  # not started: nothing to pause
            if self.schedules.scheduler.running:
                self.schedules.scheduler.pause()  # no job starts now; the connection still serves the others
        log.info("shutting down: finishing %s in flight (at most %g s)", replies(running), grace)
        left = await self.in_flight.wait(grace)
        jobs = self.in_flight.jobs
        if left or jobs:
            unfinished = [replies(len(left))] if left else []
            unfinished += [f"{jobs} scheduled job{'s' if jobs > 1 else ''}"] if jobs else []
            log.warning(
                "shutting down: cancelled %s still unfinished after %g s", " and ".join(unfinished), grace
            )
            await self.in_flight.cancel(left)  # the jobs end with the scheduler, in close()
        await self.close()
        log.info("disconnected from Discord")

    async def close(self) -> None:
        """Stop the schedules before the connection, so no job fires into a closed client. (This is the
        hard stop; `shutdown` lets the replies in flight finish first.)"""
        self.schedules.shutdown()
        self.app.outbox.attach(None)
        self.app.metrics.gateway_connected.set(0)
        if self._metrics_server is not None:
            self._metrics_server.close()
            self._metrics_server = None
        await super().close()

    async def sync_commands(self) -> None:
        """Global sync by default; `discord.dev_guild_ids` copies the commands to those servers instantly.

        Only the process that connects shard 0 syncs: the commands are one set per application, so N
        processes syncing the same set would spend N times the (tightly rate-limited) command writes, and
        processes of different versions starting together would overwrite each other's set."""
        shards = self.app.shards
        if not shards.registers_commands:
            log.info("slash commands are registered by the process serving shard 0, not %s", shards)
            return
        guild_ids = self.app.settings.discord.dev_guild_ids
        if not guild_ids:
            synced = await self.tree.sync()
            log.info("synced %d global slash commands (Discord may take a while to show them)", len(synced))
            return
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d slash commands to dev server %d", len(synced), guild_id)

    async def on_message(self, message: discord.Message, /) -> None:
        """Free text is handled by the questions cog; there are no prefix commands to process."""

    @property
    def metrics_url(self) -> str | None:
        """Where the metrics are served (None when `metrics.port` is unset)."""
        served = self._metrics_server
        return None if served is None else f"http://{self.app.settings.metrics.address}:{served.port}/metrics"

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        command: app_commands.Command[Any, Any, Any] | app_commands.ContextMenu,
    ) -> None:
        """Count each slash command served, for the operator's metrics."""
        self.app.metrics.commands.labels(command.qualified_name).inc()

    async def on_resumed(self) -> None:
        self.app.metrics.gateway_connected.set(1)

    async def on_disconnect(self) -> None:
        self.app.metrics.gateway_connected.set(0)

    async def on_ready(self) -> None:
        """Say who we are and where, once connected."""
        self.app.metrics.gateway_connected.set(1)
        user = self.user
        log.info(
            "connected as %s (id %s) to %d server(s) on %s",
            user,
            user.id if user else "?",
            len(self.guilds),
            self.app.shards,
        )
