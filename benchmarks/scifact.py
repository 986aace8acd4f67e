"""Retrieval quality and speed of paperbot's index on BEIR SciFact, next to plain rank-bm25.

    python benchmarks/scifact.py [--data ../shared/bench/scifact] [--split test|train]

Prints nDCG@10 and Recall@100 (binary relevance, ideal DCG from the number of judged documents), index
build time, query latency p50/p99 and peak memory for:
  - paperbot: `bot.corpus.loader.load_corpus` + `PaperIndex.build` + `PaperIndex.search`, once with each
    engine (rank-bm25, the reference, and inverted, the large-corpus engine);
  - baseline: rank-bm25 BM25Okapi with default parameters on lowercase `\\w+` tokens of title + text.
Then the engines alone (`ScoringEngine.top_k` on analysed claims, every SciFact claim): the share of
claims where each returns the same top 10 as the reference, and p50/p99 latency; bm25s (scored with
`get_scores` per field plus our own top-k) is measured too when it is installed, as the candidate
library the inverted engine was chosen against (issue 11).
Queries go in as `Query(text=claim)`, so claim words such as "in 2010" are not read as filters.
Settings were tuned on the *train* split only; the test split is the reported figure.
If the data folder is missing, says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import re
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rank_bm25 import BM25Okapi  # noqa: E402

from bot.corpus.loader import load_corpus  # noqa: E402
from bot.search.analysis import analyze  # noqa: E402
from bot.search.engine import BM25Engine, BM25Settings, Ranking, ScoringEngine  # noqa: E402
from bot.search.index import EngineChoice, PaperIndex  # noqa: E402
from bot.search.inverted import InvertedEngine  # noqa: E402
from bot.search.query import Query  # noqa: E402
from bot.search.terms import AnalysedTerms, analyse_papers  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "bench" / "scifact"
_WORD = re.compile(r"\w+")

Ranker = Callable[[str, int], list[str]]


def read_qrels(path: Path) -> dict[str, set[str]]:
    """query id → relevant doc ids, from a BEIR qrels TSV with a header line."""
    relevant: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            query_id, doc_id, score = line.rstrip("\n").split("\t")
            if int(score) > 0:
                relevant.setdefault(query_id, set()).add(doc_id)
    return relevant


def read_queries(path: Path) -> dict[str, str]:
    """query id → text."""
    with path.open(encoding="utf-8") as lines:
        return {q["_id"]: q["text"] for q in map(json.loads, lines)}


def ndcg_at_10(ranked: Sequence[str], relevant: set[str]) -> float:
    """Binary-relevance nDCG@10; the ideal ranking puts all min(|relevant|, 10) judged docs first."""
    dcg = sum(1.0 / math.log2(rank + 2) for rank, doc in enumerate(ranked[:10]) if doc in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(len(relevant), 10)))
    return dcg / ideal


def recall_at_100(ranked: Sequence[str], relevant: set[str]) -> float:
    """Share of the judged docs found in the first 100."""
    return len(relevant.intersection(ranked[:100])) / len(relevant)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), nearest-rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def evaluate(rank: Ranker, queries: dict[str, str], qrels: dict[str, set[str]]) -> dict[str, float]:
    """Quality over the judged queries, and per-query latency of a 10-result and a 100-result search."""
    ndcg, recall, latency10, latency100 = [], [], [], []
    for query_id, relevant in qrels.items():
        start = time.perf_counter()
        rank(queries[query_id], 10)
        latency10.append(time.perf_counter() - start)
        start = time.perf_counter()
        ranked = rank(queries[query_id], 100)
        latency100.append(time.perf_counter() - start)
        ndcg.append(ndcg_at_10(ranked, relevant))
        recall.append(recall_at_100(ranked, relevant))
    return {
        "ndcg@10": statistics.fmean(ndcg),
        "recall@100": statistics.fmean(recall),
        "p50_ms": percentile(latency10, 50) * 1000,
        "p99_ms": percentile(latency10, 99) * 1000,
        "p50_100_ms": percentile(latency100, 50) * 1000,
        "p99_100_ms": percentile(latency100, 99) * 1000,
    }


def measure_build(build: Callable[[], object]) -> tuple[object, float, float]:
    """Build once for time, then again under tracemalloc for peak Python + numpy memory (MiB)."""
    start = time.perf_counter()
    built = build()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return built, seconds, peak / 2**20


def paperbot_ranker(data: Path, engine: EngineChoice = "rank-bm25") -> tuple[Ranker, float, float, int]:
    papers = load_corpus(data / "corpus.jsonl.gz").papers
    index, seconds, peak = measure_build(lambda: PaperIndex.build(papers, engine=engine))
    assert isinstance(index, PaperIndex)

    def rank(text: str, k: int) -> list[str]:
        return [hit.paper.id for hit in index.search(Query(text=text), limit=k, rank_all=True).hits]

    return rank, seconds, peak, len(papers)


class Bm25sEngine:
    """The bm25s candidate: one bm25s model per field ("lucene" method, float32), summed with our weights,
    scored with `get_scores` and cut with our own top-k (its `retrieve` breaks ties arbitrarily)."""

    def __init__(self, terms: AnalysedTerms, settings: BM25Settings) -> None:
        import bm25s  # an optional candidate, not a dependency

        self.size = terms.size
        self.models = []
        for name, weight in settings.field_weights.items():
            corpus = [list(doc.get(name, ())) for doc in terms.fielded_docs()]
            if any(corpus):
                model = bm25s.BM25(method="lucene", idf_method="lucene", k1=settings.k1, b=settings.b)
                model.index(corpus, show_progress=False)
                self.models.append((model, weight))

    def top_k(self, query_terms: Sequence[str], k: int, allowed: object = None) -> Ranking:
        import numpy as np

        total = np.zeros(self.size)
        for model, weight in self.models:
            known = [t for t in query_terms if t in model.vocab_dict]
            if known:
                total += weight * np.asarray(model.get_scores(known), dtype=float)
        positive = np.flatnonzero(total > 1e-9)
        order = positive[np.lexsort((positive, -total[positive]))][:k]
        return Ranking(tuple((int(d), float(total[d])) for d in order), int(positive.size))


def engines_alone(data: Path) -> list[tuple[str, float, float, float, float]]:
    """(engine, build s, same top-10 as the reference %, p50 ms, p99 ms) over every SciFact claim."""
    terms = analyse_papers(load_corpus(data / "corpus.jsonl.gz").papers)
    claims = [analyze(text) for text in read_queries(data / "queries.jsonl").values()]
    makers: list[tuple[str, Callable[[], ScoringEngine]]] = [
        ("rank-bm25 (reference)", lambda: BM25Engine(terms.fielded_docs(), BM25Settings())),
        ("inverted", lambda: InvertedEngine.build(terms, BM25Settings())),
    ]
    try:
        import bm25s  # noqa: F401

        makers.append(("bm25s (candidate)", lambda: Bm25sEngine(terms, BM25Settings())))
    except ImportError:
        print("(bm25s is not installed: its row is left out)")
    reference: list[list[int]] = []
    rows = []
    for name, make in makers:
        start = time.perf_counter()
        engine = make()
        build = time.perf_counter() - start
        latencies, tops = [], []
        for terms_of_claim in claims:
            start = time.perf_counter()
            ranking = engine.top_k(terms_of_claim, 10)
            latencies.append(time.perf_counter() - start)
            tops.append([doc for doc, _ in ranking.hits])
        reference = reference or tops
        same = 100.0 * sum(a == b for a, b in zip(tops, reference, strict=True)) / len(tops)
        rows.append((name, build, same, percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000))
    return rows


def baseline_ranker(data: Path) -> tuple[Ranker, float, float, int]:
    with gzip.open(data / "corpus.jsonl.gz", "rt", encoding="utf-8") as lines:
        docs = [json.loads(line) for line in lines]
    ids = [d["_id"] for d in docs]

    def build() -> BM25Okapi:
        return BM25Okapi([_WORD.findall(f"{d['title']} {d['text']}".lower()) for d in docs])

    model, seconds, peak = measure_build(build)
    assert isinstance(model, BM25Okapi)

    def rank(text: str, k: int) -> list[str]:
        scores = model.get_scores(_WORD.findall(text.lower()))
        order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:k]
        return [ids[i] for i in order if scores[i] > 0]

    return rank, seconds, peak, len(ids)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="BEIR SciFact folder")
    parser.add_argument("--split", choices=("test", "train"), default="test", help="qrels split to score")
    args = parser.parse_args(argv)
    data: Path = args.data
    if not (data / "corpus.jsonl.gz").is_file():
        print(f"SciFact data not found at {data} (need corpus.jsonl.gz, queries.jsonl, qrels/); skipping.")
        return 0
    qrels = read_qrels(data / "qrels" / f"{args.split}.tsv")
    queries = read_queries(data / "queries.jsonl")
    print(
        f"machine: {platform.platform()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} CPUs · Python {platform.python_version()}"
    )
    print(f"SciFact {args.split}: {len(qrels)} queries, {sum(map(len, qrels.values()))} judgments")
    rows = []
    makers: list[tuple[str, Callable[[Path], tuple[Ranker, float, float, int]]]] = [
        ("paperbot (rank-bm25)", paperbot_ranker),
        ("paperbot (inverted)", lambda path: paperbot_ranker(path, "inverted")),
        ("rank-bm25 BM25Okapi", baseline_ranker),
    ]
    tops: dict[str, list[list[str]]] = {}
    for name, make in makers:
        rank, build_s, peak_mib, docs = make(data)
        figures = evaluate(rank, queries, qrels)
        rows.append((name, docs, build_s, peak_mib, figures))
        tops[name] = [rank(queries[query_id], 10) for query_id in qrels]
    print()
    print(
        f"{'engine':<22}{'docs':>6}{'nDCG@10':>9}{'R@100':>7}{'build s':>9}{'peak MiB':>10}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'p50@100':>9}{'p99@100':>9}"
    )
    for name, docs, build_s, peak_mib, f in rows:
        print(
            f"{name:<22}{docs:>6}{f['ndcg@10']:>9.4f}{f['recall@100']:>7.3f}{build_s:>9.2f}{peak_mib:>10.1f}"
            f"{f['p50_ms']:>8.1f}{f['p99_ms']:>8.1f}{f['p50_100_ms']:>9.1f}{f['p99_100_ms']:>9.1f}"
        )
    reference, inverted = tops["paperbot (rank-bm25)"], tops["paperbot (inverted)"]
    same = sum(a == b for a, b in zip(reference, inverted, strict=True))
    print(f"\npaperbot's engines return the same top 10 for {same}/{len(reference)} {args.split} queries.")
    print(
        "latency: one query end to end (paperbot: Query object, filters, BM25, snippets) at 10 and 100 "
        "results;\npeak MiB: tracemalloc peak while building the index (Python objects + numpy)."
    )
    print(f"\nthe engines alone, top_k(terms, 10) on all {len(queries)} SciFact claims (analysis excluded):")
    print(f"{'engine':<24}{'build s':>9}{'same top-10 %':>15}{'p50 ms':>9}{'p99 ms':>9}")
    for name, build, agree, p50, p99 in engines_alone(data):
        print(f"{name:<24}{build:>9.2f}{agree:>15.1f}{p50:>9.3f}{p99:>9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
