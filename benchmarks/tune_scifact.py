"""Tune BM25 settings on the SciFact *train* split (never on test): prints nDCG@10 / Recall@100 per setting.

    python benchmarks/tune_scifact.py [--data DIR] [--grid variants|params|fields|analysis]

Scores the engine directly (same fields and analysis as `PaperIndex`, without snippets), two settings
at a time in parallel. A full grid takes a few minutes. If the data folder is missing, exits 0.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import scifact  # noqa: E402

from bot.corpus.loader import load_corpus  # noqa: E402
from bot.corpus.model import Paper  # noqa: E402
from bot.corpus.text import readable_abstract  # noqa: E402
from bot.search import analysis  # noqa: E402
from bot.search.engine import BM25Engine, BM25Settings  # noqa: E402
from bot.search.index import DEFAULT_SETTINGS  # noqa: E402

# (label, settings, title repetitions in body, analysis tweak)
Trial = tuple[str, BM25Settings, int, str]


@dataclass(frozen=True)
class TrainData:
    """The corpus and the train split, loaded once in the parent and inherited by the forked workers."""

    papers: tuple[Paper, ...]
    abstracts: list[str]
    qrels: dict[str, set[str]]
    queries: dict[str, str]


_LOADED: list[TrainData] = []


def _settings(**changes: Any) -> BM25Settings:
    return replace(DEFAULT_SETTINGS, **changes)


def grid(name: str) -> list[Trial]:
    """The settings compared by each grid."""
    if name == "variants":
        return [(v, _settings(variant=v), 1, "") for v in ("okapi", "plus", "okapi-lucene-idf")]
    if name == "params":
        return [
            (f"k1={k1} b={b}", _settings(k1=k1, b=b), 1, "")
            for k1 in (0.9, 1.2, 1.5)
            for b in (0.6, 0.75, 0.9)
        ]
    if name == "fields":
        trials: list[Trial] = []
        for title in (0.0, 0.1, 0.25, 0.5, 1.0):
            weights = {"body": 1.0, "title": title, "authors": 1.0}
            trials.append((f"title field {title}", _settings(field_weights=weights), 1, ""))
        body_only = {"body": 1.0, "authors": 1.0}
        trials += [(f"title x{r} in body", _settings(field_weights=body_only), r, "") for r in (2, 3)]
        return trials
    return [
        ("default analysis", DEFAULT_SETTINGS, 1, ""),
        ("no stopwords", DEFAULT_SETTINGS, 1, "no-stopwords"),
    ]


def _load(data: Path) -> None:
    papers = load_corpus(data / "corpus.jsonl.gz").papers
    _LOADED.append(
        TrainData(
            papers=papers,
            abstracts=[readable_abstract(p.abstract) for p in papers],
            qrels=scifact.read_qrels(data / "qrels" / "train.tsv"),  # tuning never looks at test
            queries=scifact.read_queries(data / "queries.jsonl"),
        )
    )


def run(trial: Trial) -> tuple[str, float, float]:
    """nDCG@10 and Recall@100 of one setting on the loaded split."""
    label, settings, repeat, tweak = trial
    if tweak == "no-stopwords":
        analysis.STOPWORDS = frozenset()
        analysis._word_terms.cache_clear()
    data = _LOADED[0]
    docs = []
    for paper, abstract in zip(data.papers, data.abstracts, strict=True):
        title = analysis.analyze(paper.title)
        docs.append({"body": title * repeat + analysis.analyze(abstract), "title": title, "authors": []})
    engine = BM25Engine(docs, settings)
    ids = [p.id for p in data.papers]
    ndcg, recall = [], []
    for query_id, relevant in data.qrels.items():
        terms = analysis.analyze(data.queries[query_id])
        ranked = [ids[d] for d, _ in engine.top_k(terms, 100).hits]
        ndcg.append(scifact.ndcg_at_10(ranked, relevant))
        recall.append(scifact.recall_at_100(ranked, relevant))
    return label, statistics.fmean(ndcg), statistics.fmean(recall)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=scifact.DEFAULT_DATA)
    parser.add_argument("--grid", choices=("variants", "params", "fields", "analysis"), default="variants")
    args = parser.parse_args(argv)
    if not (args.data / "corpus.jsonl.gz").is_file():
        print(f"SciFact data not found at {args.data}; skipping.")
        return 0
    _load(args.data)
    context = multiprocessing.get_context("fork")
    with context.Pool(2, maxtasksperchild=1) as pool:  # a tweak must not leak into the next trial
        for label, ndcg, recall in pool.imap(run, grid(args.grid)):
            print(f"{label:<32} nDCG@10 {ndcg:.4f}  Recall@100 {recall:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
