"""How late the event loop runs while a long search is computed: on the loop, or in `bot.offload`'s pool.

    python benchmarks/offload.py [--docs 20000] [--query-terms 150]

Why threads are enough (see `bot/offload.py`): rank-bm25 holds the GIL while it scores, but the loop
thread, waiting in `select`, gets it back within the switch interval. This measures it: a task that asks
to wake every millisecond (what a heartbeat or another user's command needs) records how late each
wake-up is while one abstract-length query is scored by the reference engine over a synthetic corpus
(random words, Zipf-like), first on the loop itself, then in a `WorkerPool`. No data needed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.offload import WorkerPool  # noqa: E402
from bot.search.engine import BM25Engine, FieldedDoc  # noqa: E402

TICK = 0.001


def corpus(docs: int, length: int, vocabulary: int, rng: random.Random) -> list[FieldedDoc]:
    """Documents of `length` words drawn from `vocabulary` words with Zipf-like frequencies."""
    words = [f"w{i}" for i in range(vocabulary)]
    weights = [1 / (rank + 1) for rank in range(vocabulary)]
    return [{"body": rng.choices(words, weights, k=length)} for _ in range(docs)]


async def lateness_during(run: Callable[[], Awaitable[None]]) -> tuple[float, list[float]]:
    """Seconds the work took, and how late each 1 ms wake-up of another task was meanwhile."""
    late: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(TICK)
            late.append(time.perf_counter() - asked - TICK)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)  # the ticker is running
    started = time.perf_counter()
    await run()
    took = time.perf_counter() - started
    done.set()
    await ticking
    return took, late


def report(label: str, took: float, late: list[float]) -> None:
    worst = max(late) * 1000
    p99 = statistics.quantiles(late, n=100)[98] * 1000 if len(late) >= 100 else worst
    ticks = f"{len(late):5d} wake-ups late p99 {p99:5.1f}, max {worst:6.1f} ms"
    print(f"{label:<28} search {took:5.2f} s, {ticks}")


async def main_async(args: argparse.Namespace) -> None:
    rng = random.Random(11)
    docs = corpus(args.docs, 120, 20_000, rng)
    engine = BM25Engine(docs)
    query = rng.choices([w for d in docs[:50] for w in d["body"]], k=args.query_terms)
    pool = WorkerPool()

    async def on_loop() -> None:
        engine.top_k(query, 10)

    async def in_pool() -> None:
        await pool(engine.top_k, query, 10)

    try:
        report("on the event loop", *await lateness_during(on_loop))
        report("in the worker pool (threads)", *await lateness_during(in_pool))
    finally:
        pool.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000, help="documents in the synthetic corpus")
    parser.add_argument("--query-terms", type=int, default=150, help="words in the query (an abstract)")
    args = parser.parse_args()
    python = sys.version.split()[0]
    print(f"{args.docs} documents, one query of {args.query_terms} words, rank-bm25, Python {python}")
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
