"""Scoring engines: analysed documents in, ranked document numbers out.

The index talks to an engine only through `ScoringEngine`, so a faster engine can replace the rank-bm25
one as long as it returns the same ranking: `inverted.InvertedEngine`, for large corpora, does (bit for
bit; `BM25Engine` stays the reference the tests compare it with).

rank-bm25 0.2.2 has traps, each guarded here:
- an empty corpus raises ZeroDivisionError → the engine scores nothing and never builds a model;
- a field empty in every document gives avgdl = 0 and NaN scores → such a field is skipped;
- BM25Okapi gives a term found in half the documents or more an idf of ~0 or a floor of
  epsilon × mean idf (non-monotonic) → `LuceneIdfBM25` overrides the idf with Lucene's
  log(1 + (N − df + 0.5)/(df + 0.5)), positive and decreasing in df;
- BM25Plus adds idf × delta for every query term to *every* document, matched or not → the engine only
  ever reports documents that contain a query term, and ranks them by the score difference;
- `get_top_n` returns documents even when all scores are 0, and `tokenizer=` starts a process pool →
  neither is used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol

import numpy as np
from rank_bm25 import BM25, BM25Okapi, BM25Plus

__all__ = ["BM25Engine", "BM25Settings", "FieldedDoc", "LuceneIdfBM25", "Ranking", "ScoringEngine"]

FieldedDoc = Mapping[str, Sequence[str]]
"""One document as analysed terms per field, e.g. {"title": [...], "abstract": [...]}."""

Variant = Literal["okapi", "okapi-lucene-idf", "plus"]


class Ranking(NamedTuple):
    """The matching documents, best first, cut to k, and how many matched in all (for paging)."""

    hits: tuple[tuple[int, float], ...]
    total: int


class ScoringEngine(Protocol):
    """What the index needs from a ranking engine."""

    @property
    def size(self) -> int:
        """Number of documents indexed."""
        ...

    def top_k(self, query_terms: Sequence[str], k: int, allowed: Set[int] | None = None) -> Ranking:
        """The k best documents containing at least one query term (score > 0), restricted to `allowed`.

        Ties are broken by document number, so results are deterministic.
        """
        ...


class LuceneIdfBM25(BM25Okapi):  # type: ignore[misc]
    """BM25Okapi with Lucene's idf, which stays positive and monotonic for very common terms."""

    def _calc_idf(self, nd: Mapping[str, int]) -> None:
        n = self.corpus_size
        for word, freq in nd.items():
            self.idf[word] = math.log(1.0 + (n - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


@dataclass(frozen=True)
class BM25Settings:
    """BM25 parameters and per-field weights — the defaults are the ones paperbot uses (tuned on SciFact
    *train*; see benchmarks/README.md), so there is one place for them.

    k1 1.2, b 0.75 and Lucene's idf; fields `body` (title + abstract), `title` again at 0.25 (a title
    match counts for more than an abstract match; 0.25 was the best of {0, 0.1, 0.15, 0.25, 0.5, 1, 2}
    within noise) and `authors` at 1 (SciFact has no authors: weight 1 makes a name rank that person's
    papers).
    """

    k1: float = 1.2
    b: float = 0.75
    variant: Variant = "okapi-lucene-idf"
    field_weights: Mapping[str, float] = field(
        default_factory=lambda: {"body": 1.0, "title": 0.25, "authors": 1.0}
    )


def _build_model(corpus: list[list[str]], settings: BM25Settings) -> BM25:
    if settings.variant == "okapi":
        return BM25Okapi(corpus, k1=settings.k1, b=settings.b)
    if settings.variant == "plus":
        return BM25Plus(corpus, k1=settings.k1, b=settings.b)
    return LuceneIdfBM25(corpus, k1=settings.k1, b=settings.b)


class BM25Engine:
    """rank-bm25 underneath, one model per field, field scores summed with weights."""

    def __init__(self, docs: Sequence[FieldedDoc], settings: BM25Settings | None = None) -> None:
        self.settings = settings or BM25Settings()
        self._size = len(docs)
        self._models: dict[str, tuple[BM25, float]] = {}
        for name, weight in self.settings.field_weights.items():
            corpus = [list(doc.get(name, ())) for doc in docs]
            # Guard rank-bm25: no documents → ZeroDivisionError; no terms at all → avgdl 0 → NaN.
            if weight > 0 and any(corpus):
                self._models[name] = (_build_model(corpus, self.settings), weight)

    @property
    def size(self) -> int:
        """Number of documents indexed."""
        return self._size

    def _field_scores(self, model: BM25, terms: list[str], ids: list[int] | None) -> np.ndarray:
        known = [t for t in terms if t in model.idf]
        length = self._size if ids is None else len(ids)
        if not known:
            return np.zeros(length)
        if ids is None:
            scores = np.asarray(model.get_scores(known), dtype=float)
        else:
            scores = np.asarray(model.get_batch_scores(known, ids), dtype=float)
        if self.settings.variant == "plus":
            # rank-bm25's BM25Plus credits idf × delta to every document for every term; remove that
            # constant so an unmatched document scores exactly 0 again.
            scores -= sum(model.idf[t] * model.delta for t in known)
        return scores

    def top_k(self, query_terms: Sequence[str], k: int, allowed: Set[int] | None = None) -> Ranking:
        """The k best documents with score > 0 (restricted to `allowed`), ties by document number."""
        if self._size == 0:
            return Ranking((), 0)
        # A repeated query word counts once per occurrence, as BM25's query-term frequency does.
        terms = list(query_terms)
        ids = None if allowed is None else sorted(i for i in allowed if 0 <= i < self._size)
        if not terms or ids == []:
            return Ranking((), 0)
        total = np.zeros(self._size if ids is None else len(ids))
        for model, weight in self._models.values():
            total += weight * self._field_scores(model, terms, ids)
        # Float noise after the BM25Plus correction can leave tiny non-zero values for unmatched docs.
        positive = np.flatnonzero(total > 1e-9)
        order = positive[np.lexsort((positive, -total[positive]))]
        doc_ids = order if ids is None else np.asarray(ids)[order]
        keep = max(k, 0)
        hits = tuple((int(d), float(total[o])) for d, o in zip(doc_ids[:keep], order[:keep], strict=True))
        return Ranking(hits, int(positive.size))
