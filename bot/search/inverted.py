"""The large-corpus engine: an inverted index of precomputed BM25 weights, summed per query (numpy, numba).

Same answers as `engine.BM25Engine` (rank-bm25), bit for bit: for every (term, paper) pair it stores the
very float64 that rank-bm25 computes at query time — same formula, same operation order, same idf code —
and a query adds them up per field in query-term order and sums the fields with their weights in the same
order, so scores, ties (by paper number), the `allowed` filter and `Ranking.total` all agree. A query
touches only the papers containing its terms instead of every paper once per term: at a million papers a
short query costs milliseconds, not seconds. A query touching many papers, when only the best few are
wanted (`top_k`, k ≤ `RESCORE_MAX_K`), sums each distinct term once and rescores the best exactly
(`rescore.py`): an abstract repeats its key words, and this halves the postings read, same answers. Saved
as `.npy` files and opened memory-mapped.

Why not a library (measured in benchmarks/README.md, issue 11): bm25s scores in float32 (and drops
Lucene's constant k1 + 1), so agreement is empirical rather than exact, and it builds its index in a
per-paper Python loop (≈ 2 min per million); tantivy quantises paper lengths to one byte (≈ 41 % identical
top-10). This module is the part of bm25s we need, in float64, built with whole-array operations from
the stored analysed terms (`terms.py`).

Traps, each guarded here:
- a field with no term in any paper has avgdl 0 → rank-bm25 skips it (`BM25Engine`), and so do we;
- rank-bm25's idf is computed with `math.log` on Python floats → computed the same way here (np.log can
  differ in the last bit), and for the "okapi" variant its mean is summed in rank-bm25's order (a term's
  first appearance in the field);
- a repeated query term is added once per occurrence, as rank-bm25 does (adding 2w once can round
  differently from adding w twice) — in every score returned, rescored ones included;
- summing with np.add.reduce/reduceat is pairwise, not left to right → sums are np.bincount (in array
  order) for few papers, and a compiled left-to-right loop (numba) for many;
- BM25Plus's constant per-term credit cannot be reproduced by summing postings → "plus" is refused.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.search import rescore
from bot.search.engine import BM25Settings, Ranking
from bot.search.terms import AnalysedTerms, FieldTerms, term_doc_keys, unique_counts

__all__ = ["ENGINE_VERSION", "InvertedEngine", "settings_key"]

ENGINE_VERSION = 2
"""Bump when the stored arrays change meaning; stored engines of another version are rebuilt."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
OffsetArray = npt.NDArray[np.int64]
TermIds = Callable[[str], "int | None"]
IdArray = npt.NDArray[np.int64]

# BM25Engine keeps a paper only above this score (float noise after the BM25Plus correction).
_POSITIVE = 1e-9
RESCORE_MAX_K = 100
"""`top_k` sums each distinct term once and rescores the best exactly (`rescore.py`) for at most this
many papers (more would mean rescoring many) and when the query touches many papers (the dense case)."""


def settings_key(settings: BM25Settings) -> dict[str, object]:
    """The settings a stored engine was built with: another value means another engine."""
    return {
        "version": ENGINE_VERSION,
        "k1": settings.k1,
        "b": settings.b,
        "variant": settings.variant,
        "fields": [[name, weight] for name, weight in settings.field_weights.items()],
    }


@dataclass(frozen=True)
class FieldIndex:
    """One field's postings: term t's papers and BM25 weights are `[offsets[t]:offsets[t + 1]]`."""

    offsets: OffsetArray
    docs: IntArray
    weights: FloatArray
    floor: float
    """The smallest weight in the field: `rescore` needs every match to score above the "> 0" cut."""

    def postings(self, term_id: int) -> tuple[IntArray, FloatArray]:
        """The papers holding term `term_id` in this field, and each one's weight for it."""
        lo, hi = int(self.offsets[term_id]), int(self.offsets[term_id + 1])
        return self.docs[lo:hi], self.weights[lo:hi]


def _first_seen(field: FieldTerms, vocabulary: int) -> OffsetArray:
    """Where each term first occurs in the field (past the end for absent terms): rank-bm25's dict order."""
    seen = np.full(vocabulary, len(field.ids), dtype=np.int64)
    order = np.argsort(field.ids, kind="stable")  # per term, its occurrences in text order
    ordered = field.ids[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    seen[ordered[starts]] = order[starts]
    return seen


def _idf_by_df(df: OffsetArray, size: int, variant: str, first_seen: Callable[[], OffsetArray]) -> FloatArray:
    """rank-bm25's idf of every term of a field (0 for terms the field lacks), computed as it does."""
    idf = np.zeros(len(df), dtype=np.float64)
    present = np.flatnonzero(df)
    if variant == "okapi-lucene-idf":
        # The formula depends on df alone: one math.log per distinct df, not per term.
        by_df = {f: math.log(1.0 + (size - f + 0.5) / (f + 0.5)) for f in set(df[present].tolist())}
        idf[present] = [by_df[f] for f in df[present].tolist()]
        return idf
    # BM25Okapi: log((N − df + 0.5)/(df + 0.5)), negatives floored at 0.25 × the mean, the mean summed
    # in rank-bm25's dict order (first appearance in the field).
    ordered = present[np.argsort(first_seen()[present], kind="stable")]
    values = [math.log(size - f + 0.5) - math.log(f + 0.5) for f in df[ordered].tolist()]
    total: float = 0
    for value in values:
        total += value
    eps = 0.25 * (total / len(values))
    idf[ordered] = [eps if value < 0 else value for value in values]
    return idf


def build_field(field: FieldTerms, vocabulary: int, settings: BM25Settings) -> FieldIndex | None:
    """The postings and weights of one field; None when no paper has a term in it (rank-bm25 skips it)."""
    size = len(field.offsets) - 1
    lengths = field.lengths()
    total_length = int(lengths.sum())
    if size == 0 or total_length == 0:
        return None
    keys, tf = unique_counts(term_doc_keys(field))
    terms = keys // size
    docs = (keys - terms * size).astype(np.int32)
    df = np.bincount(terms, minlength=vocabulary).astype(np.int64)
    offsets = np.zeros(vocabulary + 1, dtype=np.int64)
    np.cumsum(df, out=offsets[1:])
    idf = _idf_by_df(df, size, settings.variant, lambda: _first_seen(field, vocabulary))
    k1, b = settings.k1, settings.b
    avgdl = total_length / size
    dl = lengths[docs]
    tf = tf.astype(np.int64)
    # rank-bm25: idf * (q_freq * (k1 + 1) / (q_freq + k1 * (1 - b + b * doc_len / avgdl))), term by term.
    weights = idf[terms] * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))
    return FieldIndex(offsets, docs, weights, float(weights.min()))


class InvertedEngine:
    """BM25 over per-field postings of precomputed weights: rank-bm25's ranking, touching only matches."""

    def __init__(self, size: int, term_id: TermIds, fields: Sequence[tuple[str, FieldIndex, float]]) -> None:
        self._size = size
        self._term_id = term_id
        self._fields = list(fields)
        # rescore.py counts every paper touched as a match: it must score above the "> 0" cut.
        self._rescorable = bool(fields) and all(f.floor * w > 2 * _POSITIVE for _, f, w in self._fields)
        self._docs = rescore.readonly([f.docs for _, f, _ in self._fields])
        self._weights = rescore.readonly([f.weights for _, f, _ in self._fields])

    @classmethod
    def build(cls, terms: AnalysedTerms, settings: BM25Settings | None = None) -> InvertedEngine:
        """Index the analysed corpus with these BM25 settings (okapi variants only)."""
        settings = settings or BM25Settings()
        if settings.variant == "plus":
            raise ValueError("the inverted engine implements BM25Okapi only; use rank-bm25 for BM25Plus")
        fields = []
        for name, weight in settings.field_weights.items():
            field = terms.fields.get(name)
            vocabulary = len(terms.vocabulary)
            built = None if field is None or weight <= 0 else build_field(field, vocabulary, settings)
            if built is not None:
                fields.append((name, built, weight))
        return cls(terms.size, terms.term_id, fields)

    @property
    def size(self) -> int:
        """Number of documents indexed."""
        return self._size

    # --- scoring -----------------------------------------------------------------------------------

    def _spans(self, field: FieldIndex, ids: IdArray) -> list[tuple[int, int]]:
        """Where the query terms' postings lie in one field, in query-term order (absent terms left out)."""
        starts, ends = field.offsets[ids].tolist(), field.offsets[ids + 1].tolist()
        return [(lo, hi) for lo, hi in zip(starts, ends, strict=True) if hi > lo]

    def _field_scores(self, field: FieldIndex, ids: IdArray) -> tuple[IntArray | None, FloatArray] | None:
        """One field's scores: (None, every paper's) when the query touches many papers, else (the papers
        touched, ascending; theirs). None when no query term occurs in the field.

        Both ways add each paper's weights in query-term order starting from 0, rank-bm25's sum exactly:
        the compiled loop (`_accumulate`) and np.bincount add in array order (np.add.reduce would sum
        pairwise and could differ in the last bit).
        """
        spans = self._spans(field, ids)
        postings = sum(hi - lo for lo, hi in spans)
        if not postings:
            return None
        if 8 * postings >= self._size:
            scores = np.zeros(self._size, dtype=np.float64)
            starts = np.fromiter((lo for lo, _ in spans), dtype=np.int64, count=len(spans))
            ends = np.fromiter((hi for _, hi in spans), dtype=np.int64, count=len(spans))
            _accumulate(scores, field.docs, field.weights, starts, ends)
            return None, scores
        docs = np.concatenate([field.docs[lo:hi] for lo, hi in spans])
        weights = np.concatenate([field.weights[lo:hi] for lo, hi in spans])
        papers, slots = _compact(docs)
        return papers, np.bincount(slots, weights, minlength=len(papers)).astype(np.float64, copy=False)

    def _ids(self, query_terms: Sequence[str]) -> IdArray:
        """The query's indexed terms as ids, in query order (repeats kept)."""
        return np.asarray([i for i in map(self._term_id, query_terms) if i is not None], dtype=np.int64)

    def _lists(self, ids: IdArray) -> rescore.Lists:
        """`rescore`'s lists for the query `ids`: one per field and distinct term the field holds."""
        unique, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
        parts: list[tuple[IdArray, IdArray, IdArray, FloatArray]] = []
        occurrences, numbered = [], 0
        for number, (_, field, weight) in enumerate(self._fields):
            lo, hi = field.offsets[unique], field.offsets[unique + 1]
            held = np.flatnonzero(hi > lo)
            numbers = np.full(len(unique), -1, dtype=np.int64)
            numbers[held] = numbered + np.arange(len(held))
            numbered += len(held)
            scale = weight * counts[held].astype(np.float64)
            field_of = np.full(len(held), number, dtype=np.int64)
            parts.append((field_of, lo[held], hi[held], scale))
            occurrences.append(numbers[inverse.reshape(-1)])
        field_of, lo, hi, scale = (np.concatenate(column) for column in zip(*parts, strict=True))
        return rescore.Lists(field_of, lo, hi, scale, tuple(occurrences))

    def _rescored(self, lists: rescore.Lists, k: int, allowed: Set[int] | None) -> Ranking:
        """The top k via `rescore.py`: the same `Ranking` as summing every occurrence."""
        mask = None if allowed is None else _allowed_mask(allowed, self._size).view(np.uint8)
        weights = [w for _, _, w in self._fields]
        parallel = lists.postings() >= _PARALLEL_FROM and _PARALLEL.acquire(blocking=False)
        try:
            threads = _kernels()[2] if parallel else 1
            found = rescore.top_k(lists, self._docs, self._weights, weights, self._size, k, mask, threads)
        finally:
            if parallel:
                _PARALLEL.release()
        papers, scores, total = found
        return Ranking(_best(papers, scores, k).hits, total)

    def _scores(self, ids: IdArray) -> tuple[FloatArray, list[IntArray] | None] | None:
        """Every paper's score (rank-bm25's float64, bit for bit) and the papers that can score above 0
        (None: look at all); None when no query term is indexed."""
        total: FloatArray | None = None
        touched: list[IntArray] | None = []
        for _, field, weight in self._fields:
            found = self._field_scores(field, ids)
            if found is None:
                continue
            papers, scores = found
            if papers is None and total is None:
                scores *= weight  # 0 + weight × scores, exactly, without another array
                total, touched = scores, None
                continue
            if total is None:
                total = np.zeros(self._size, dtype=np.float64)
            if papers is None:
                scores *= weight  # fields summed in rank-bm25's order, each as weight × scores
                total += scores
                touched = None
            else:
                total[papers] += weight * scores  # an untouched paper would add weight × 0
                if touched is not None:
                    touched.append(papers)
        return None if total is None else (total, touched)

    def ranked(
        self, query_terms: Sequence[str], allowed: Set[int] | None = None
    ) -> tuple[OffsetArray, FloatArray]:
        """Every paper scoring > 0 (in `allowed`), best first, ties by paper number, as arrays: what
        `top_k(terms, size, allowed)` returns, without making a tuple per paper."""
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        if self._size == 0 or (allowed is not None and not allowed) or not query_terms:
            return empty
        found = self._scores(self._ids(query_terms))
        if found is None:
            return empty
        total, touched = found
        candidates = _matching(total, touched, allowed)
        scores = total[candidates]
        order = np.lexsort((candidates, -scores))
        return candidates[order].astype(np.int64), scores[order]

    def top_k(self, query_terms: Sequence[str], k: int, allowed: Set[int] | None = None) -> Ranking:
        """The k best documents with score > 0 (restricted to `allowed`), ties by document number."""
        if self._size == 0 or (allowed is not None and not allowed) or not query_terms:
            return Ranking((), 0)
        ids = self._ids(query_terms)
        if self._rescorable and 0 < k <= RESCORE_MAX_K and len(ids) <= rescore.MAX_OCCURRENCES:
            lists = self._lists(ids)
            if 8 * lists.postings() >= self._size:  # as in _field_scores: the dense case
                return self._rescored(lists, k, allowed)
        found = self._scores(ids)
        if found is None:
            return Ranking((), 0)
        total, touched = found
        if touched is None:
            return _dense_best(total, k, allowed)
        candidates = _matching(total, touched, allowed)
        return _best(candidates, total[candidates], k)

    # --- on disk -----------------------------------------------------------------------------------

    def save(self, directory: Path, settings: BM25Settings) -> None:
        """Write into an existing, empty `directory` (the caller renames it into place: atomic)."""
        for name, field, _ in self._fields:
            np.save(directory / f"{name}.offsets.npy", field.offsets)
            np.save(directory / f"{name}.docs.npy", field.docs)
            np.save(directory / f"{name}.weights.npy", field.weights)
        names = [name for name, _, _ in self._fields]
        floors = {name: field.floor for name, field, _ in self._fields}
        meta = {"settings": settings_key(settings), "papers": self._size, "fields": names, "floors": floors}
        (directory / "engine.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def open(cls, directory: Path, terms: AnalysedTerms, settings: BM25Settings) -> InvertedEngine:
        """Open what `save` wrote, memory-mapped; ValueError/OSError when it is damaged or stale."""
        meta = json.loads((directory / "engine.json").read_text(encoding="utf-8"))
        expected = json.loads(json.dumps(settings_key(settings)))  # as JSON gives it back: lists, not tuples
        if meta.get("settings") != expected or meta.get("papers") != terms.size:
            raise ValueError("the stored engine was built with other settings or another corpus")
        weights: Mapping[str, float] = settings.field_weights
        fields = []
        for name in meta["fields"]:
            field = FieldIndex(
                _mapped(directory / f"{name}.offsets.npy"),
                _mapped(directory / f"{name}.docs.npy"),
                _mapped(directory / f"{name}.weights.npy"),
                float(meta["floors"][name]),
            )
            if len(field.offsets) != len(terms.vocabulary) + 1 or int(field.offsets[-1]) != len(field.docs):
                raise ValueError(f"the stored field {name} does not fit the vocabulary")
            if len(field.weights) != len(field.docs):
                raise ValueError(f"the stored field {name} is truncated")
            fields.append((name, field, weights[name]))
        return cls(terms.size, terms.term_id, fields)


prange = range
"""numba's parallel range once the kernels are compiled (`_kernels`); plain range until then, so that
importing this module does not import numba (≈ 0.2 s of every `paperbot ask`)."""


def _accumulate_python(
    scores: FloatArray, docs: IntArray, weights: FloatArray, starts: IdArray, ends: IdArray, parts: int
) -> None:
    """scores[docs[j]] += weights[j], span after span (rank-bm25's sum, term after term), split by
    paper number into `parts` ranges run in parallel: a span's papers are ascending, so each range is a
    contiguous piece of it, and each paper is summed by one thread, in the same order as alone."""
    size = len(scores)
    for part in prange(parts):
        low, high = size * part // parts, size * (part + 1) // parts
        for span in range(len(starts)):
            first, last = starts[span], ends[span]
            begin = first + np.searchsorted(docs[first:last], low)
            end = first + np.searchsorted(docs[first:last], high)
            for j in range(begin, end):
                scores[docs[j]] += weights[j]


Accumulate = Callable[[FloatArray, IntArray, FloatArray, IdArray, IdArray, int], None]
_PARALLEL = threading.Lock()
_PARALLEL_FROM = 1 << 18
"""Fewer postings than this are summed on one thread: waking the pool costs more than it saves."""


@lru_cache(maxsize=1)
def _kernels() -> tuple[Accumulate, Accumulate, int]:
    """`_accumulate_python` compiled by numba, serial and parallel, and the number of threads.

    ≈ 1.2 ns a posting on one core against np.add.at's ≈ 2, about half that on two, with the GIL
    released. numba is imported and the loops compiled on the first large query only (≈ 2 s, then cached
    on disk), so the CLI over a small corpus never pays for it. Only additions: no fused multiply-add
    can change a bit.
    """
    import numba

    global prange
    prange = numba.prange  # read by numba when it compiles (on the first call below)
    serial: Accumulate = numba.njit(cache=True, nogil=True)(_accumulate_python)
    parallel: Accumulate = numba.njit(cache=True, nogil=True, parallel=True)(_accumulate_python)
    return serial, parallel, numba.get_num_threads()


def _accumulate(
    scores: FloatArray, docs: IntArray, weights: FloatArray, starts: IdArray, ends: IdArray
) -> None:
    """Sum the spans into `scores`, on all cores for a large query — one query at a time: numba's
    default thread pool must not be entered from two threads at once (searches run in a thread pool),
    so a second concurrent query sums on its own thread instead."""
    serial, parallel, threads = _kernels()
    postings = int((ends - starts).sum())
    if threads > 1 and postings >= _PARALLEL_FROM and _PARALLEL.acquire(blocking=False):
        try:
            parallel(scores, docs, weights, starts, ends, threads)
        finally:
            _PARALLEL.release()
    else:
        serial(scores, docs, weights, starts, ends, 1)


def _mapped(path: Path) -> Any:
    """A stored array, memory-mapped, as a plain ndarray: np.memmap's Python-level slicing costs
    microseconds per call, and a long query slices a few hundred postings."""
    return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)


def _compact(docs: IntArray) -> tuple[IntArray, OffsetArray]:
    """The distinct papers in `docs`, ascending, and each entry's slot among them (a stable sort)."""
    order = np.argsort(docs, kind="stable")
    ordered = docs[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    slots = np.empty(len(docs), dtype=np.int64)
    slots[order] = np.cumsum(first) - 1
    return ordered[first], slots


def _matching(
    total: FloatArray, touched: list[IntArray] | None, allowed: Set[int] | None
) -> npt.NDArray[np.integer[Any]]:
    """The papers scoring > 0 that `allowed` holds, ascending (`touched`: the only ones that can)."""
    candidates: npt.NDArray[np.integer[Any]]
    if touched is None:
        candidates = np.flatnonzero(total > _POSITIVE)
    else:
        candidates = touched[0] if len(touched) == 1 else _compact(np.concatenate(touched))[0]
        candidates = candidates[total[candidates] > _POSITIVE]
    if allowed is not None:
        candidates = candidates[_allowed(candidates, allowed, len(total))]
    return candidates


_SAMPLE = 1 << 14


def _dense_best(total: FloatArray, k: int, allowed: Set[int] | None) -> Ranking:
    """`_best` over every paper scoring > 0, without sorting half a million of them for ten.

    A strided sample of the scores gives a floor: at least k papers score at least its k-th best, so
    the top k are all among the papers at or above it (ties included), typically a few hundred.
    """
    positive = total > _POSITIVE
    if allowed is not None:
        positive &= _allowed_mask(allowed, len(total))
    found = int(np.count_nonzero(positive))
    keep = max(k, 0)
    if keep == 0 or found == 0:
        return Ranking((), found)
    step = max(1, len(total) // _SAMPLE)
    sample = total[::step][positive[::step]]
    if len(sample) >= keep:
        floor = np.partition(sample, len(sample) - keep)[len(sample) - keep]
        positive &= total >= floor
    candidates = np.flatnonzero(positive)
    return Ranking(_best(candidates, total[candidates], keep).hits, found)


def _allowed_mask(allowed: Set[int], size: int) -> npt.NDArray[np.bool_]:
    """`allowed` as a mask over all papers (numbers outside 0..size-1 ignored)."""
    numbers = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
    mask = np.zeros(size, dtype=bool)
    mask[numbers[(numbers >= 0) & (numbers < size)]] = True
    return mask


def _allowed(candidates: IntArray | OffsetArray, allowed: Set[int], size: int) -> npt.NDArray[np.bool_]:
    """Which candidates `allowed` holds: whichever is cheaper, asking the set per candidate or turning
    the set into a mask over all papers (a filter keeping most of a million papers is a big set)."""
    if len(candidates) < len(allowed):
        return np.fromiter(map(allowed.__contains__, candidates.tolist()), dtype=bool, count=len(candidates))
    result: npt.NDArray[np.bool_] = _allowed_mask(allowed, size)[candidates]
    return result


def _best(candidates: npt.NDArray[np.integer[Any]], scores: FloatArray, k: int) -> Ranking:
    """The k best (score descending, then paper number) of the candidates, and how many there were."""
    found = len(candidates)
    keep = max(k, 0)
    if keep == 0 or found == 0:
        return Ranking((), found)
    if keep < found:
        # Everything scoring at least the k-th best score: ties at the cut are all kept, then ordered.
        threshold = np.partition(scores, found - keep)[found - keep]
        near = scores >= threshold
        candidates, scores = candidates[near], scores[near]
    order = np.lexsort((candidates, -scores))[:keep]
    docs, best = candidates[order].tolist(), scores[order].tolist()
    return Ranking(tuple((int(d), float(s)) for d, s in zip(docs, best, strict=True)), found)
