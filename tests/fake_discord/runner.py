"""Running things against the fake: the aiohttp server's start and stop (:class:`Server`), and
:class:`BotRunner`, which starts any discord.py client against it and stops it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Protocol, Self

from aiohttp import web

from .gateway import Gateway
from .rest import RestDispatch
from .wire import API_PREFIX, DEFAULT_WAIT

if TYPE_CHECKING:
    from .fake import FakeDiscord


class Server(RestDispatch, Gateway):
    """Listening on loopback: the routes of the aiohttp application, start-up and shutdown."""

    async def start(self) -> Self:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/gateway/", self._gateway_handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest_handler)
        app.router.add_get("/attachments/{tail:.*}", self._cdn_handler)
        app.router.add_route("*", "/{tail:.*}", self._rest_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        for hold in self.holds:
            hold.release()
        for conn in list(self._connections):
            with contextlib.suppress(Exception):
                await conn.close(1001, "fake shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class ClientLike(Protocol):
    """The parts of ``discord.Client`` the runner uses (duck-typed so this module never imports discord)."""

    async def login(self, token: str) -> None: ...

    async def connect(self, *, reconnect: bool = True) -> None: ...

    async def close(self) -> None: ...

    async def wait_until_ready(self) -> None: ...

    def is_closed(self) -> bool: ...


class BotRunner:
    """Starts any discord.py client against the fake and stops it cleanly.

    ``start`` logs in, runs ``connect(reconnect=False)`` in a task and waits (bounded) for on_ready. If the
    connect task dies unexpectedly (e.g. a parser KeyError), the fake is told, so every pending wait fails
    immediately with the cause instead of timing out.
    """

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._clients: dict[int, ClientLike] = {}
        self._joined: set[int] = set()
        self._stopping: set[int] = set()

    async def start(
        self,
        client: ClientLike,
        *,
        token: str | None = None,
        wait_ready: bool = True,
        within: float = DEFAULT_WAIT,
        fast_ready: bool = True,
    ) -> asyncio.Task[None]:
        """Log in and connect; returns the connect task. ``fast_ready`` lowers discord.py's
        ``guild_ready_timeout`` (2 s by default) to 0.05 s so on_ready fires promptly.

        With ``wait_ready=False`` the test owns the connection's outcome (e.g. expects close code 4014) and
        should ``await runner.join(client)``; its ending is then not reported as a failure.
        """
        key = id(client)
        self._clients[key] = client
        if fast_ready:
            state = getattr(client, "_connection", None)
            if state is not None and getattr(state, "guild_ready_timeout", 0) > 0.05:
                state.guild_ready_timeout = 0.05
        await client.login(self.fake.token if token is None else token)
        task = asyncio.create_task(client.connect(reconnect=False), name=f"connect-{key}")
        self._tasks[key] = task
        if not wait_ready:
            self._joined.add(key)  # the caller owns the outcome (expects it to end): see join()
        task.add_done_callback(lambda t: self._on_done(key, t))
        if wait_ready:
            ready = asyncio.ensure_future(client.wait_until_ready())
            done, _ = await asyncio.wait({ready, task}, timeout=within, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                ready.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ready
                if task in done:
                    self._joined.add(key)
                    exc = task.exception()
                    raise RuntimeError(f"client.connect() ended before ready: {exc!r}") from exc
                raise TimeoutError(f"client not ready within {within}s; {self.fake.describe_recent()}")
        return task

    def _on_done(self, key: int, task: asyncio.Task[None]) -> None:
        if key in self._joined or key in self._stopping or task.cancelled():
            return
        exc = task.exception()
        self.fake.report_fatal(
            f"client.connect() ended unexpectedly: {exc!r}"
            if exc
            else "client.connect() returned while the test was running"
        )

    def expect_close(self, client: ClientLike) -> None:
        """The test closes the client itself (a graceful shutdown, say): the connection ending is fine."""
        self._stopping.add(id(client))

    async def join(self, client: ClientLike, *, within: float = DEFAULT_WAIT) -> None:
        """Await the connect task (re-raising its exception): for tests that expect the connection to end."""
        key = id(client)
        self._joined.add(key)
        async with asyncio.timeout(within):
            await self._tasks[key]

    async def stop(self, client: ClientLike, *, within: float = DEFAULT_WAIT) -> None:
        key = id(client)
        self._stopping.add(key)
        await client.close()
        task = self._tasks.get(key)
        if task is not None and not task.done():
            try:
                async with asyncio.timeout(within):
                    await asyncio.shield(task)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if task is not None and task.done() and not task.cancelled():
            task.exception()  # mark as retrieved: failures were reported when they happened

    async def aclose(self) -> None:
        for key, client in list(self._clients.items()):
            await self.stop(client)
            del self._clients[key]
