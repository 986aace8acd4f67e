"""A slow search holds up nobody: while one user's `/ask` is being computed, the gateway heartbeat goes
out and is acknowledged, and other users' commands are answered (issue 11, "nothing blocks the event loop").

The index is built on a `HeldEngine`: rank-bm25 underneath, but the first search waits at a `Gate` until
the test opens it — a search that takes as long as the test wants, with no sleeps and no clocks. If the
bot searched on its event loop, the loop itself would be stuck at the gate: no heartbeat, no other reply,
and the test coroutine could not run to open it. The gate then gives up after `GIVE_UP` seconds (so a
regression fails instead of hanging) and the test fails on the order of events, not on a duration.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence, Set
from typing import Any

import pytest

from bot.corpus.loader import load_corpus
from bot.discord_adapter.client import PaperBot
from bot.discord_adapter.shutdown import RESTARTING
from bot.search.engine import BM25Engine, BM25Settings, FieldedDoc, Ranking
from bot.search.index import PaperIndex
from tests.fake_discord import BotRunner, FakeDiscord, InteractionHandle

from .conftest import TEST_NOW

GIVE_UP = 15.0
"""Seconds a held search waits for the test before passing anyway: only reached when the bot blocked its
event loop (the test could not run to open the gate) — the failure mode, not a timing threshold."""

HEARTBEAT_MS = 50
"""The fake's heartbeat interval for these tests: the client beats every 50 ms, so a beat falls due while
the search is held (Discord's own interval is about 41 s)."""

SLOW_QUESTION = "what happens when you distil from a random teacher?"
OTHER_QUESTION = "state space models"


class Gate:
    """Holds the first search that reaches it, in whatever thread runs it, until `open()`."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.passed = threading.Event()
        self._open = threading.Event()
        self._lock = threading.Lock()
        self._used = False
        self.gave_up = False

    def pass_through(self) -> None:
        """Wait here if this is the first search; later searches go straight on."""
        with self._lock:
            first, self._used = not self._used, True
        if not first:
            return
        self.reached.set()
        self.gave_up = not self._open.wait(GIVE_UP)
        self.passed.set()

    def open(self) -> None:
        """Let the held search finish."""
        self._open.set()


class HeldEngine:
    """The reference engine, with every search passing the gate first (a `ScoringEngine`)."""

    def __init__(self, gate: Gate, docs: Sequence[FieldedDoc], settings: BM25Settings) -> None:
        self._gate = gate
        self._engine = BM25Engine(docs, settings)

    @property
    def size(self) -> int:
        """Number of documents indexed."""
        return self._engine.size

    def top_k(self, query_terms: Sequence[str], k: int, allowed: Set[int] | None = None) -> Ranking:
        """Rank as rank-bm25 does, once the gate lets this search through."""
        self._gate.pass_through()
        return self._engine.top_k(query_terms, k, allowed)


@pytest.fixture
def gate() -> Iterator[Gate]:
    """The gate of this test's index; opened at teardown too, so a failed test leaves no thread waiting."""
    held = Gate()
    yield held
    held.open()


@pytest.fixture
def bundled_index(gate: Gate) -> PaperIndex:
    """The bundled papers on the held engine (this module's `app`, and so `paperbot`, serve it)."""
    papers = load_corpus(None, today=TEST_NOW.date()).papers
    return PaperIndex.build(papers, engine_factory=lambda docs, settings: HeldEngine(gate, docs, settings))


@pytest.fixture
def fake_discord(fake_discord: FakeDiscord) -> FakeDiscord:
    """The fake, asking clients to heartbeat every `HEARTBEAT_MS` (set before the bot connects)."""
    fake_discord.heartbeat_interval_ms = HEARTBEAT_MS
    return fake_discord


class Slow:
    """One user's request whose search the gate holds: how it starts, and the answer once it is out."""

    def __init__(self, fake: FakeDiscord, how: str) -> None:
        self.fake = fake
        self.how = how
        self.handle: InteractionHandle | None = None

    async def start(self) -> None:
        """alice asks: by `/ask`, `/search`, `/similar`, or by mentioning the bot."""
        fake = self.fake
        if self.how == "mention":
            await fake.send_message("general", f"{fake.bot_user.mention} {SLOW_QUESTION}", author="alice")
            return
        options = {"ask": {"question": SLOW_QUESTION}, "search": {"query": "random teachers"}}
        options["similar"] = {"paper": SIMILAR_TO}
        self.handle = await fake.invoke_slash(self.how, options[self.how], user="alice")

    def answered(self) -> bool:
        """Whether alice sees an answer yet (a deferred one shows "thinking…" until then)."""
        if self.handle is None:
            return bool(self.fake.find_requests("POST", r"/channels/\d+/messages"))
        original = self.handle.original
        return original is not None and not original.loading

    async def answer(self) -> str:
        """The text of alice's answer, once it is out."""
        if self.handle is None:
            return (await self.fake.wait_for_bot_message("general")).text()
        return (await self.handle.reply()).text()


SIMILAR_TO = "random-teachers-are-good-teachers"
EXPECTED = {
    "ask": "Random Teachers are Good Teachers",
    "mention": "Random Teachers are Good Teachers",
    "search": "Random Teachers are Good Teachers",
    "similar": "Similar to: Random Teachers are Good Teachers",
}


@pytest.mark.parametrize("how", ["ask", "search", "similar", "mention"])
async def test_while_one_search_is_held_heartbeats_and_other_users_are_answered(
    paperbot: Any, fake_discord: FakeDiscord, gate: Gate, how: str
) -> None:
    fake = fake_discord
    slow = Slow(fake, how)
    await slow.start()
    await fake.wait_until(lambda: True if gate.reached.is_set() else None)

    # alice's search is held in a worker thread. Meanwhile a heartbeat goes out and is acknowledged…
    mark = len(fake.gateway_log)
    beat = await fake.wait_for_gateway(op=1, direction="in", after=mark)
    await fake.wait_for_gateway(op=11, direction="out", after=fake.gateway_log.index(beat))
    # …bob gets /help, and his own /ask answered in full (searched in another worker).
    help_reply = await (await fake.invoke_slash("help", user="bob")).reply()
    other = await (await fake.invoke_slash("ask", {"question": OTHER_QUESTION}, user="bob")).reply()

    assert not gate.passed.is_set(), "bob was answered only after alice's search had finished"
    assert not slow.answered()
    assert "/ask" in help_reply.text()
    assert "state space" in other.text().lower()

    gate.open()
    assert EXPECTED[how] in await slow.answer()
    assert not gate.gave_up


async def test_a_shutdown_waits_for_an_answer_still_being_searched_then_closes(
    paperbot: PaperBot, bot_runner: BotRunner, fake_discord: FakeDiscord, gate: Gate
) -> None:
    """SIGTERM while alice's answer is being computed in the pool: new work is refused, hers finishes."""
    fake = fake_discord
    slow = Slow(fake, "ask")
    await slow.start()
    await fake.wait_until(lambda: True if gate.reached.is_set() else None)

    bot_runner.expect_close(paperbot)
    stopping = asyncio.create_task(paperbot.shutdown())
    await fake.wait_until(lambda: (not paperbot.in_flight.admitting) or None, what="the shutdown")
    refused = await (await fake.invoke_slash("help", user="bob")).reply()
    assert (refused.content, refused.ephemeral) == (RESTARTING, True)
    assert not stopping.done()  # still waiting for alice's answer

    gate.open()
    await asyncio.wait_for(stopping, 10)
    assert EXPECTED["ask"] in await slow.answer()
    assert paperbot.is_closed()
