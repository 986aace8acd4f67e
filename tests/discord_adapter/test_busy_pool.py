"""Discord's 3 s to acknowledge does not wait for the worker pool: `/ask` and `/search` read the question in
the pool's quick lane (`WorkerPool.quick`), so with every worker busy computing other users' answers the
reply is still deferred at once, and answered once a worker frees up.

Seen while measuring benchmarks/load.py (50 users asking at once): reading a question waited, first in,
first out, behind every answer queued in the pool before it. Here every worker is held at a
`threading.Event` instead of by load: no timing involved.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from bot.offload import WorkerPool
from tests.fake_discord import FakeDiscord

HOLD_AT_MOST = 15.0
"""Seconds a held worker waits before letting go anyway, so a regression fails instead of hanging."""


async def occupy_every_worker(pool: WorkerPool, release: threading.Event) -> list[asyncio.Task[bool]]:
    """One held call per worker thread, each waiting for `release`; returns once all are running."""
    running = threading.Semaphore(0)

    def held() -> bool:
        running.release()
        return release.wait(HOLD_AT_MOST)

    tasks = [asyncio.create_task(pool(held)) for _ in range(pool.workers)]
    for _ in range(pool.workers):
        assert await asyncio.to_thread(running.acquire, timeout=HOLD_AT_MOST)
    return tasks


async def test_the_quick_lane_runs_while_every_worker_is_busy() -> None:
    pool = WorkerPool(workers=2)
    release = threading.Event()
    try:
        held = await occupy_every_worker(pool, release)
        assert await asyncio.wait_for(pool.quick(sum, [1, 2, 3]), HOLD_AT_MOST / 3) == 6
        assert not any(task.done() for task in held)
        release.set()
        assert await asyncio.gather(*held) == [True, True]
    finally:
        release.set()
        pool.close()


@pytest.mark.parametrize(("command", "option"), [("ask", "question"), ("search", "query")])
async def test_a_question_is_acknowledged_while_every_worker_computes_other_answers(
    paperbot: Any, fake_discord: FakeDiscord, command: str, option: str
) -> None:
    release = threading.Event()
    held = await occupy_every_worker(paperbot.app.offload, release)
    try:
        handle = await fake_discord.invoke_slash(command, {option: "state space models"})
        callback = await handle.wait_callback(within=HOLD_AT_MOST / 3)
        assert callback["type"] == 5  # deferred: "paperbot is thinking…"
        assert not any(task.done() for task in held), "acknowledged only once a worker was free"
    finally:
        release.set()
        await asyncio.gather(*held)
    reply = await handle.reply(within=HOLD_AT_MOST)
    assert "state space" in reply.text().lower()
