"""paperbot's BM25 engines at 10 k – 1 M papers, side by side, on a synthetic corpus made of SciFact text.

    python benchmarks/scale.py [--sizes 10000,100000,1000000] [--data ../shared/bench/scifact]
                               [--queries 200] [--reference-max 100000] [--work DIR]

For each size it prints, per engine (`inverted`, the large-corpus engine; `inverted-every`, the same
engine summing every query-term occurrence instead of rescoring, as it did before; and `rank-bm25`, the
reference, up to --reference-max papers because it needs seconds per long query beyond): build time
(analysis of the text included, in worker processes, then the engine from the stored analysed terms
alone), disk MB, RSS after opening and the peak RSS, time to open from disk, and p50/p99 latency of
`top_k(terms, 10)` for short queries (SciFact claims) and abstract-length queries (SciFact abstracts, what
`/similar` sends), without and with a filter (a fifth of the papers allowed), plus the share of queries
where two engines return the same top 10.

`--step questions FILE DATADIR [RUNS]` times whole questions instead (`answer_question`: reading,
filters, search and the answer's text, `QUESTIONS`) over the app's index of a corpus file written by
`--step jsonl SIZE FILE`, opened and warmed as `paperbot run` does.

The corpus is deterministic: paper i takes a SciFact title and 6–10 SciFact abstract sentences chosen by
a seeded generator, 2–6 authors from a fixed pool of names, and a year. Each measurement runs in its own
process so RSS figures belong to that step alone. If the SciFact folder is missing, says so and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.corpus.model import Paper  # noqa: E402
from bot.search import inverted  # noqa: E402
from bot.search.analysis import analyze  # noqa: E402
from bot.search.engine import BM25Engine, BM25Settings, ScoringEngine  # noqa: E402
from bot.search.inverted import InvertedEngine  # noqa: E402
from bot.search.terms import AnalysedTerms, analyse_papers  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "bench" / "scifact"
FIRST = ("Anna", "Ben", "Chen", "Dana", "Elif", "Felix", "Gregor", "Hana", "Ivan", "Jun", "Kofi", "Lena",
         "Marta", "Noor", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma")  # fmt: skip
LAST = ("Bachmann", "Hofmann", "Lucchi", "Noci", "Terzić", "Schmidt", "Nguyen", "García", "Kowalski",
        "Okafor", "Tanaka", "Rossi", "Müller", "Silva", "Haddad", "Novak", "Larsen", "Kim", "Ivanova",
        "Dubois", "Fischer", "Mehta", "Costa", "Yilmaz", "Sato", "Berg", "Moreau", "Zhou")  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
FILTER_SHARE = 5  # "filters on": papers whose number is divisible by 5 (a fifth), like a year range


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def scifact(data: Path) -> tuple[list[str], list[list[str]], list[str]]:
    """SciFact titles, abstracts as sentence lists, and claims."""
    titles, abstracts = [], []
    with gzip.open(data / "corpus.jsonl.gz", "rt", encoding="utf-8") as lines:
        for record in map(json.loads, lines):
            titles.append(record["title"])
            abstracts.append(_SENTENCE.split(record["text"]) or [record["text"]])
    claims = [json.loads(line)["text"] for line in (data / "queries.jsonl").open(encoding="utf-8")]
    return titles, abstracts, claims


def synthetic(size: int, data: Path) -> Iterator[Paper]:
    """The deterministic synthetic corpus, one paper at a time (never held whole)."""
    titles, abstracts, _ = scifact(data)
    sentences = [s for abstract in abstracts for s in abstract]
    rng = random.Random(11)
    for number in range(size):
        picked = [sentences[rng.randrange(len(sentences))] for _ in range(rng.randint(6, 10))]
        authors = tuple(f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(2, 6)))
        yield Paper(
            id=f"synthetic-{number}",
            title=titles[rng.randrange(len(titles))],
            abstract=" ".join(picked),
            authors=authors,
            published=date(2000 + number % 26, 1 + number % 12, 1),
        )


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


# --- steps, each run in its own process ---------------------------------------------------------------


def step_build(size: int, data: Path, work: Path) -> dict[str, Any]:
    """Analyse the synthetic text (streamed), store the terms, build and store the engine."""
    started = time.perf_counter()
    terms = analyse_papers(synthetic(size, data), total=size)
    analysis_s = time.perf_counter() - started
    (work / "terms").mkdir(parents=True)
    terms.save(work / "terms")
    engine_started = time.perf_counter()
    engine = InvertedEngine.build(terms, BM25Settings())
    engine_s = time.perf_counter() - engine_started
    (work / "engine").mkdir()
    engine.save(work / "engine", BM25Settings())
    build_s = time.perf_counter() - started
    _, peak = rss_mb()
    return {"build_s": build_s, "analysis_s": analysis_s, "engine_s": engine_s, "peak_mb": peak,
            "terms_mb": folder_mb(work / "terms"), "engine_mb": folder_mb(work / "engine")}  # fmt: skip


def step_rebuild(work: Path) -> dict[str, Any]:
    """The engine again from the stored analysed terms alone (what a settings change costs)."""
    started = time.perf_counter()
    InvertedEngine.build(AnalysedTerms.open(work / "terms"), BM25Settings())
    return {"rebuild_s": time.perf_counter() - started, "rebuild_peak_mb": rss_mb()[1]}


def queries(data: Path, count: int) -> dict[str, list[list[str]]]:
    _, abstracts, claims = scifact(data)
    rng = random.Random(5)
    rng.shuffle(claims)
    rng.shuffle(abstracts)
    short = [analyze(c) for c in claims[:count]]  # the first `count` of one fixed order: runs compare
    long = [analyze(" ".join(a)) for a in abstracts[:count]]
    return {"short": [q for q in short if q], "abstract": [q for q in long if q]}


def timed(
    engine: ScoringEngine, terms: Sequence[list[str]], allowed: set[int] | None
) -> tuple[list[float], list[list[int]]]:
    latencies, tops = [], []
    for query in terms:
        started = time.perf_counter()
        ranking = engine.top_k(query, 10, allowed)
        latencies.append(time.perf_counter() - started)
        tops.append([doc for doc, _ in ranking.hits])
    return latencies, tops


def step_query(engine_name: str, work: Path, data: Path, count: int) -> dict[str, Any]:
    """Open from disk, then time the queries; RSS after opening and at the end. "inverted-every" is the
    inverted engine summing every query-term occurrence (no rescoring: what it did before)."""
    if engine_name == "inverted-every":
        inverted.RESCORE_MAX_K = 0
    started = time.perf_counter()
    terms = AnalysedTerms.open(work / "terms")
    engine: ScoringEngine
    if engine_name.startswith("inverted"):
        engine = InvertedEngine.open(work / "engine", terms, BM25Settings())
    else:
        engine = BM25Engine(terms.fielded_docs(), BM25Settings())
    open_s = time.perf_counter() - started
    rss_after_open, _ = rss_mb()
    allowed = set(range(0, engine.size, FILTER_SHARE))
    asked = queries(data, count)
    started = time.perf_counter()
    engine.top_k(asked["abstract"][-1], 10)  # the first query loads (inverted: compiles) the scoring loop
    first_ms = (time.perf_counter() - started) * 1000
    result: dict[str, Any] = {
        "open_s": open_s,
        "rss_open_mb": rss_after_open,
        "first_ms": first_ms,
        "tops": {},
    }
    for kind, terms_list in asked.items():
        for label, filt in (("", None), ("+filter", allowed)):
            latencies, tops = timed(engine, terms_list, filt)
            result[f"{kind}{label}"] = (percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000)
            result["tops"][f"{kind}{label}"] = tops
    result["peak_mb"] = rss_mb()[1]
    result["rss_end_mb"] = rss_mb()[0]
    return result


class Phases:
    """Wall-clock and RSS per phase of the app's start-up, timed by wrapping the functions the real entry
    point calls (so the breakdown is of `Library.load()` itself, not of a re-enactment).

    Each phase records its seconds, the RSS when it ended and its own peak: the kernel's high-water mark
    is reset when a phase starts (/proc/self/clear_refs), and every reading updates the peaks of all the
    phases still running, so an outer phase's peak includes its inner ones.
    """

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []
        self.overall_peak = 0.0

    def _reading(self) -> tuple[float, float]:
        current, peak = rss_mb()
        self.overall_peak = max(self.overall_peak, peak)
        for row in self._open:
            row["peak_mb"] = max(row["peak_mb"], peak)
        return current, peak

    def run(self, name: str, call: Callable[[], Any]) -> Any:
        """`call()` as the phase `name`."""
        self._reading()
        with contextlib.suppress(OSError):  # not Linux, or not allowed: peaks are then the process's
            Path("/proc/self/clear_refs").write_text("5")  # high-water mark
        row: dict[str, Any] = {"phase": name, "depth": len(self._open), "peak_mb": 0.0}
        self.rows.append(row)
        self._open.append(row)
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            return call()
        finally:
            row["s"] = time.perf_counter() - started
            row["cpu_s"] = time.process_time() - cpu_started  # this process's CPU: a loaded machine's wall
            row["rss_mb"] = self._reading()[0]
            self._open.pop()
            line = f"{row['s']:.2f} s (CPU {row['cpu_s']:.2f} s), RSS {row['rss_mb']:.0f} MB"
            line += f", peak {row['peak_mb']:.0f} MB"
            print(f"{'  ' * row['depth']}{name}: {line}", file=sys.stderr, flush=True)

    def wrap(self, owner: Any, attribute: str, name: str) -> None:
        """Make `owner.attribute` (a function or class the start-up looks up there) a timed phase."""
        original = getattr(owner, attribute)

        def timed_call(*args: Any, **kwargs: Any) -> Any:
            return self.run(name, lambda: original(*args, **kwargs))

        setattr(owner, attribute, timed_call)


APP_QUESTIONS = ("does vitamin D supplementation reduce the risk of fractures",
                 "papers by Anna Hofmann on insulin resistance since 2020")  # fmt: skip


def step_app(file: Path, data_dir: Path, engine: str) -> dict[str, Any]:
    """The app's own start-up on a corpus file (`Library.load()`, as `paperbot run` does, with the
    search index stored under `data_dir`), broken into phases, then its first two questions."""
    import gc

    from bot import library as library_module
    from bot.clock import SystemClock
    from bot.corpus import ids, jsonl
    from bot.search import index as index_module
    from bot.search.store import INDEX_FOLDER, IndexStore

    phases = Phases()
    phases.wrap(jsonl, "parse_jsonl_lines", "read + parse + validate (JSON -> Paper, streamed)")
    phases.wrap(ids, "dedup_papers", "dedup + ids")  # the importers are imported when used: wrap them there
    phases.wrap(library_module, "lay_over", "lay stored papers over")
    phases.wrap(index_module.PaperIndex, "build", "PaperIndex.build")
    phases.wrap(index_module, "_check_ids", "id check")
    phases.wrap(index_module, "AuthorDirectory", "AuthorDirectory")
    phases.wrap(index_module, "corpus_key", "corpus_key")
    phases.wrap(IndexStore, "open_or_build", "open (or build) the stored index")
    phases.wrap(index_module, "analyse_papers", "analyse the text (worker processes)")
    stored_before = (data_dir / INDEX_FOLDER).is_dir() and any((data_dir / INDEX_FOLDER).iterdir())
    library = library_module.Library(
        path=file, strict=False, clock=SystemClock(), engine=engine,  # type: ignore[arg-type]
        index_dir=data_dir / INDEX_FOLDER,
    )  # fmt: skip
    phases.run("Library.load() (all of start-up)", library.load)
    started_total = phases.rows[0]["s"]
    rss_loaded = rss_mb()[0]
    for number, question in enumerate(APP_QUESTIONS, start=1):
        phases.run(f"question {number}", lambda q=question: library.index.search(q, limit=5))
    gc.collect()
    steady = rss_mb()[0]
    return {"papers": len(library.index.papers), "engine": library.index.engine_name,
            "stored_before": stored_before, "start_s": started_total, "rss_loaded_mb": rss_loaded,
            "rss_steady_mb": steady, "peak_mb": phases.overall_peak,
            "phases": phases.rows, "file_mb": file.stat().st_size / 1e6}  # fmt: skip


QUESTIONS = (
    "papers by Noci", "papers by Lena Noci from 2020", "first-author papers by Hofmann",
    "how many papers did Noci write?", "who has Noci written with?", "papers from 2020", "what's new?",
    "papers on vitamin D", "vitamin D papers from 2019", "vitamin D papers not by Noci",
    "does vitamin D supplementation reduce the risk of fractures", "a random paper by Noci",
    "3 random papers on vitamin D", "latest paper by Hofmann", "papers with cancer in the title",
    "papers per year", "who wrote the most papers?",
)  # fmt: skip
"""Questions people ask of a large corpus, by the synthetic corpus's names and SciFact's topics."""
TYPED = ("", "a", "vit", "vitamin d", "xyzzy")
"""What someone has typed into `/paper`'s title autocomplete (`PaperIndex.suggest_titles`, 25 offers)."""


def step_questions(file: Path, data_dir: Path, runs: int) -> dict[str, Any]:
    """Whole questions (`answer_question`: reading, filters, search, the answer's text) over the app's
    index of a corpus file, opened as `paperbot run` opens it and warmed as it warms it: per question the
    median and slowest of `runs` runs after one warm-up, each with the index's cache of recent questions'
    matches emptied (as a new question finds it), and how the answer begins."""
    from bot.answer import answer_question
    from bot.clock import SystemClock
    from bot.library import Library
    from bot.search.store import INDEX_FOLDER

    library = Library(path=file, strict=False, clock=SystemClock(), engine="auto",
                      index_dir=data_dir / INDEX_FOLDER)  # fmt: skip
    library.load()
    index = library.index
    index.warm()
    rows = []
    for question in QUESTIONS:
        answer = answer_question(index, question)
        times = []
        for _ in range(runs):
            forget = getattr(index, "_every", None)  # the matches of recent questions, kept since 2026-12-07
            if hasattr(forget, "cache_clear"):
                forget.cache_clear()  # each run finds them as a new question does
            started = time.perf_counter()
            answer_question(index, question)
            times.append((time.perf_counter() - started) * 1000)
        rows.append({"question": question, "median_ms": statistics.median(times), "max_ms": max(times),
                     "answer": answer.text[:60]})  # fmt: skip
    for typed in TYPED:
        offers = index.suggest_titles(typed)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            index.suggest_titles(typed)
            times.append((time.perf_counter() - started) * 1000)
        rows.append({"question": f"autocomplete {typed!r}", "median_ms": statistics.median(times),
                     "max_ms": max(times), "answer": f"{len(offers)} titles offered"})  # fmt: skip
    return {"papers": len(index.papers), "engine": index.engine_name, "rows": rows}


def report_questions(result: dict[str, Any]) -> None:
    """The questions' times as a table."""
    print(f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} at the end; "
          f"{result['papers']:,} papers, engine {result['engine']}")  # fmt: skip
    print(f"{'question':<62}{'median ms':>10}{'max ms':>9}  answer begins")
    for row in result["rows"]:
        print(f"{row['question']:<62}{row['median_ms']:>10.1f}{row['max_ms']:>9.1f}  {row['answer']}")


def step_jsonl(size: int, data: Path, file: Path) -> dict[str, Any]:
    """Write the synthetic corpus as a JSON Lines corpus file (what `--step app` loads)."""
    with file.open("w", encoding="utf-8") as out:
        for paper in synthetic(size, data):
            published = paper.published.isoformat() if paper.published else None
            record = {"id": paper.id, "title": paper.title, "authors": list(paper.authors),
                      "abstract": paper.abstract, "published": published,
                      "categories": list(paper.categories)}  # fmt: skip
            out.write(json.dumps(record) + "\n")
    return {"papers": size, "file_mb": file.stat().st_size / 1e6}


def report_app(result: dict[str, Any]) -> None:
    """The start-up's phases as a table."""
    start = "second start (index stored)" if result["stored_before"] else "first start (nothing stored)"
    print(f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    print(f"{result['papers']:,} papers ({result['file_mb']:.0f} MB file), engine {result['engine']}, "
          f"{start}: {result['start_s']:.1f} s; RSS after load {result['rss_loaded_mb']:.0f} MB, after "
          f"two questions (gc'd) {result['rss_steady_mb']:.0f} MB, peak {result['peak_mb']:.0f} MB "
          "(this process; the analysis workers are not counted)")  # fmt: skip
    print(f"{'phase':<50}{'s':>8}{'CPU s':>8}{'RSS MB':>9}{'peak MB':>9}")
    for row in result["phases"]:
        name = "  " * row["depth"] + row["phase"]
        print(f"{name:<50}{row['s']:>8.2f}{row['cpu_s']:>8.2f}{row['rss_mb']:>9.0f}{row['peak_mb']:>9.0f}")


# --- the driver ---------------------------------------------------------------------------------------


def run_step(data: Path, *args: str) -> dict[str, Any]:
    """One step in a fresh Python process; its JSON answer."""
    done = subprocess.run(
        [sys.executable, __file__, "--data", str(data), "--step", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def agreement(a: dict[str, list[list[int]]], b: dict[str, list[list[int]]]) -> float:
    """The share of queries (the first ones, as many as both ran) with the same top 10."""
    pairs = [(x, y) for kind in a for x, y in zip(a[kind], b[kind], strict=False)]
    return 100.0 * sum(x == y for x, y in pairs) / len(pairs)


KINDS = ("short", "short+filter", "abstract", "abstract+filter")


def report(
    size: int, built: dict[str, Any], rebuilt: dict[str, Any], rows: dict[str, dict[str, Any]]
) -> None:
    print(f"\n{size:,} papers: build {built['build_s']:.1f} s (analysis {built['analysis_s']:.1f} s, "
          f"engine {built['engine_s']:.1f} s), peak {built['peak_mb']:.0f} MB; rebuild from stored terms "
          f"{rebuilt['rebuild_s']:.1f} s (peak {rebuilt['rebuild_peak_mb']:.0f} MB); on disk: terms "
          f"{built['terms_mb']:.0f} MB + engine {built['engine_mb']:.0f} MB")  # fmt: skip
    heads = "".join(f"{k + ' p50/p99 ms':>27}" for k in KINDS)
    print(f"{'engine':<15}{'open s':>8}{'1st ms':>9}{'RSS MB':>8}{'peak MB':>9}{heads}")
    for name, r in rows.items():
        cells = "".join(f"{f'{r[k][0]:.2f} / {r[k][1]:.2f}':>27}" for k in KINDS)
        print(f"{name:<15}{r['open_s']:>8.2f}{r.get('first_ms', 0):>9.0f}{r['rss_open_mb']:>8.0f}"
              f"{r['peak_mb']:>9.0f}{cells}")  # fmt: skip
    if "rank-bm25" in rows:
        same = agreement(rows["inverted"]["tops"], rows["rank-bm25"]["tops"])
        print(f"same top-10 as the reference: {same:.1f} % of the queries both ran")
    every = agreement(rows["inverted"]["tops"], rows["inverted-every"]["tops"])
    print(f"same top-10 rescoring as summing every occurrence: {every:.1f} % of the queries")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="BEIR SciFact folder")
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--reference-max", type=int, default=100_000, help="largest size rank-bm25 runs at")
    parser.add_argument("--reference-queries", type=int, default=50, help="rank-bm25's queries per kind")
    parser.add_argument("--work", type=Path, default=None, help="folder for the indexes (default: temp)")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        return _step(args.step, args.data)
    if not (args.data / "corpus.jsonl.gz").is_file():
        print(f"SciFact data not found at {args.data} (need corpus.jsonl.gz, queries.jsonl); skipping.")
        return 0
    print(f"machine: {platform.platform()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    root = args.work or Path(tempfile.mkdtemp(prefix="paperbot-scale-"))
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            work = root / str(size)
            shutil.rmtree(work, ignore_errors=True)
            built = run_step(args.data, "build", str(size), str(work))
            rebuilt = run_step(args.data, "rebuild", str(work))
            rows = {
                name: run_step(args.data, "query", name, str(work), str(args.queries))
                for name in ("inverted", "inverted-every")
            }
            if size <= args.reference_max:
                queries = str(args.reference_queries)
                rows["rank-bm25"] = run_step(args.data, "query", "rank-bm25", str(work), queries)
            report(size, built, rebuilt, rows)
    finally:
        if args.work is None:
            shutil.rmtree(root, ignore_errors=True)
    print("\nlatency: ScoringEngine.top_k(terms, 10) alone (analysis of the query excluded); filter: a "
          "fifth of the papers allowed; 1st ms: the first query after opening (not in the percentiles)."
          "\nRSS after open: the process after opening the stored index, "
          "before any query; peak: its high-water mark after all queries.")  # fmt: skip
    return 0


def _step(step: Sequence[str], data: Path) -> int:
    steps: dict[str, Callable[..., dict[str, Any]]] = {
        "build": lambda size, work: step_build(int(size), data, Path(work)),
        "rebuild": lambda work: step_rebuild(Path(work)),
        "query": lambda name, work, count: step_query(name, Path(work), data, int(count)),
        "app": lambda file, data_dir, engine="auto": step_app(Path(file), Path(data_dir), engine),
        "jsonl": lambda size, file: step_jsonl(int(size), data, Path(file)),
        "questions": lambda file, data_dir, runs="5": step_questions(Path(file), Path(data_dir), int(runs)),
    }
    result = steps[step[0]](*step[1:])
    if step[0] == "app":
        report_app(result)
    if step[0] == "questions":
        report_questions(result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
