"""Concurrent start-ups: processes open the same fresh SQLite file at once, many rounds; all must succeed.

Each round gives every worker process a new, not yet existing database path; the workers wait at a barrier
and then run the bot's real start-up (`Database.open`: data directory, WAL switch, migrations) together.
This is the race of two bot processes started at the same moment (issue #9, item 19). Prints the failures
and the time taken; exits 1 if any start failed.

    python benchmarks/concurrent_start.py                       # 200 rounds, 2 processes
    python benchmarks/concurrent_start.py --rounds 500 --processes 4
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.storage.database import Database, default_sqlite_url


async def _start(url: str) -> None:
    database = await Database.open(url)
    await database.close()


def _worker(jobs: Queue[str | None], results: Queue[str], barrier: Barrier) -> None:
    """Open each data directory it is given, at the same moment as the other workers."""
    while (data_dir := jobs.get()) is not None:
        barrier.wait()
        try:
            asyncio.run(_start(default_sqlite_url(Path(data_dir))))
        except Exception as exc:
            results.put(f"{data_dir}: {type(exc).__name__}: {exc}")
        else:
            results.put("")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(args.processes)
    results: Queue[str] = context.Queue()
    queues: list[Queue[str | None]] = [context.Queue() for _ in range(args.processes)]
    workers = [context.Process(target=_worker, args=(q, results, barrier)) for q in queues]
    for worker in workers:
        worker.start()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        for round_ in range(args.rounds):
            for q in queues:
                q.put(str(Path(scratch) / str(round_)))
            failures += [r for r in (results.get() for _ in queues) if r]
        elapsed = time.perf_counter() - started
        for q in queues:
            q.put(None)
        for worker in workers:
            worker.join()
    starts = args.rounds * args.processes
    print(f"{starts} starts ({args.rounds} rounds x {args.processes} processes) in {elapsed:.1f} s")
    print(f"failed: {len(failures)}")
    for failure in failures[:10]:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
