"""The top k of a long query at half the cost: each distinct term summed once, the best rescored exactly.

rank-bm25 adds a query term's weight once per occurrence, in query order, and `inverted.InvertedEngine`
reproduces that bit for bit by walking a term's postings once per occurrence. An abstract sent as a
query (`/similar`) repeats its key words: at 100 k papers its postings number ≈ 1.8 M with repeats and
≈ 1.0 M without. Only k papers are wanted, so:

1. Each (field, distinct term) list is summed once, scaled by field weight × times in the query, into a
   per-thread array of *approximate* scores (the same real number as the exact one, rounded in another
   order: they differ by < `MARGIN`, relative). Every paper touched is a match, and is counted.
2. One pass over the array keeps the papers within `MARGIN` of the k-th best approximate score (a
   running cut, raised as candidates pile up) and zeroes the array for the next query.
3. Those few papers are scored exactly as rank-bm25 does — per field, term after term in query order,
   repeats once per occurrence, from 0; then 0 + Σ field weight × field score, fields in order — and the
   caller takes the best k, ties by paper number.

Exact, not approximate: the k papers with the best approximate scores reach at least θ(1 − ε) exactly
(θ: the k-th best approximate score), so any paper of the exact top k (ties included) has an approximate
score ≥ θ(1 − 2ε) and is kept. Traps, each guarded here:
- sums of the same terms in another order differ in the last bits → every cut allows `MARGIN`, far
  above the rounding of a sum of fewer than `MAX_OCCURRENCES` terms (it only keeps a few more papers);
- "touched" must mean "scores above the engine's > 0 cut", else the count is wrong → the caller uses this
  only when every stored weight × field weight is above it (a BM25Okapi corpus can have negative idf
  floors; such engines sum every occurrence as before);
- numba indexes a tuple of arrays by a runtime number only if all have one type → the fields' arrays
  are passed as read-only plain views, whether memory-mapped or built in memory, made once per engine
  (`readonly`: a fresh view costs milliseconds per call);
- numba's default thread pool must not be entered from two threads at once → the parallel sum runs
  under the caller's lock (`inverted._PARALLEL`), a concurrent query sums on its own thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["BATCH", "MARGIN", "MAX_OCCURRENCES", "Lists", "readonly", "top_k"]

MARGIN = 1e-9
"""Relative slack of every cut (float sums of ≤ MAX_OCCURRENCES positive terms err by < 1e-11)."""
MAX_OCCURRENCES = 100_000

FloatArray = npt.NDArray[np.float64]
IdArray = npt.NDArray[np.int64]
PaperArray = npt.NDArray[np.int32]
Mask = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Lists:
    """One query's lists, one per (field, distinct query term) the field holds: the field's number,
    where its postings lie and the factor of its weights (field weight × times in the query); and per
    field, in order, each query-term occurrence's list number (-1: the field lacks the term)."""

    field: IdArray
    lo: IdArray
    hi: IdArray
    scale: FloatArray
    occurrences: tuple[IdArray, ...]

    def postings(self) -> int:
        """How many postings the lists hold in all."""
        return int((self.hi - self.lo).sum())


class _Scratch(threading.local):
    """A per-thread approximate-score array over all papers, reused (zeroed by the pass that reads it):
    allocating 8 MB per query at a million papers costs page faults on every query."""

    scores: FloatArray = np.zeros(0, dtype=np.float64)

    def get(self, size: int) -> FloatArray:
        if len(self.scores) != size:
            self.scores = np.zeros(size, dtype=np.float64)
        return self.scores


_SCRATCH = _Scratch()


def readonly(arrays: Sequence[npt.NDArray[Any]]) -> tuple[npt.NDArray[Any], ...]:
    """The fields' arrays as `top_k` takes them: read-only plain views, made once per engine (numba
    takes ≈ 7 ms to accept a read-only view it has not seen before, µs for one it has)."""
    views = tuple(array.view(np.ndarray) for array in arrays)
    for view in views:
        view.flags.writeable = False
    return views


def top_k(
    lists: Lists,
    docs: tuple[PaperArray, ...],
    weights: tuple[FloatArray, ...],
    field_weights: Sequence[float],
    size: int,
    k: int,
    allowed: Mask | None,
    threads: int,
) -> tuple[PaperArray, FloatArray, int]:
    """The papers that may be in the top k (ascending) with their exact scores, and the number of
    matches (allowed papers holding a query term). `docs`, `weights`: per field, from `readonly`;
    `allowed`: a 0/1 mask over all papers, or None."""
    serial, parallel, select, exact = _kernels()
    summed = parallel if threads > 1 else serial
    scores = _SCRATCH.get(size)
    summed(scores, docs, weights, lists.field, lists.lo, lists.hi, lists.scale, max(threads, 1))
    mask = np.zeros(0, dtype=np.uint8) if allowed is None else allowed
    candidates, total = select(scores, mask, k, BATCH)
    occurrences = np.concatenate(lists.occurrences).astype(np.int64)
    starts = np.cumsum([0, *map(len, lists.occurrences)]).astype(np.int64)
    exact_scores = exact(
        docs, weights, lists.field, lists.lo, lists.hi, occurrences, starts,
        np.asarray(field_weights, dtype=np.float64), candidates,
    )  # fmt: skip
    return candidates, exact_scores, int(total)


prange = range
"""numba's parallel range once compiled (`_kernels`); plain range until then (see inverted.prange)."""


def _sum_python(
    scores: FloatArray, docs: Any, weights: Any, field_of: IdArray, lo: IdArray, hi: IdArray,
    scale: FloatArray, parts: int,
) -> None:  # fmt: skip
    """scores[d] += scale × weight over every list, split by paper number into `parts` ranges run in
    parallel (a list's papers are ascending, so each range is a contiguous piece of it)."""
    size = len(scores)
    for part in prange(parts):
        low, high = size * part // parts, size * (part + 1) // parts
        for j in range(len(lo)):
            field_docs, field_weights = docs[field_of[j]], weights[field_of[j]]
            begin = lo[j] + np.searchsorted(field_docs[lo[j] : hi[j]], low)
            end = lo[j] + np.searchsorted(field_docs[lo[j] : hi[j]], high)
            factor = scale[j]
            for p in range(begin, end):
                scores[field_docs[p]] += factor * field_weights[p]


BATCH = 4096
"""The selection raises its cut each time this many more candidates pile up."""


def _select_python(scores: FloatArray, allowed: Mask, k: int, batch: int) -> tuple[PaperArray, int]:
    """The allowed papers scoring within MARGIN of the k-th best (ascending), and how many allowed
    papers score > 0; zeroes `scores`. The cut rises each time `batch` more candidates pile up; when
    ties at the cut fill the buffers, they grow — outside `_scan`, whose buffers must stay put (numba
    keeps an array that a loop may reallocate in memory, not registers: ≈ 80× slower)."""
    kept = np.empty(batch + k, dtype=np.int32)
    values = np.empty(batch + k, dtype=np.float64)
    start, count, total, cut = 0, 0, 0, 5e-324  # the smallest positive float: "≥ cut" means "> 0"
    while True:
        start, count, total, cut = _scan(scores, allowed, k, batch, kept, values, start, count, total, cut)
        if start == len(scores):
            break
        kept = np.concatenate((kept, np.empty(len(kept), dtype=np.int32)))
        values = np.concatenate((values, np.empty(len(values), dtype=np.float64)))
    if count > k:
        cut, count = _raise_cut(kept, values, count, k)
    return kept[:count].copy(), total


def _scan(
    scores: FloatArray, allowed: Mask, k: int, batch: int, kept: PaperArray, values: FloatArray,
    start: int, count: int, total: int, cut: float,
) -> tuple[int, int, int, float]:  # fmt: skip
    """`_select_python` from paper `start` on, until the end or until the buffers are too full: where
    it stopped, and the count, total and cut so far.

    Branch-free but for the cut: which papers hold a query term is random, so a test per paper on it
    would be mispredicted half the time; once the cut has risen, "value ≥ cut" is almost always false,
    which the processor predicts.
    """
    filtered = len(allowed) > 0
    for d in range(start, len(scores)):
        value = scores[d]
        scores[d] = 0.0
        hit = value > 0.0
        if filtered:  # the same way for every paper: predicted
            hit &= allowed[d] != 0
        total += hit
        if value >= cut and hit:
            kept[count] = d
            values[count] = value
            count += 1
            if count == len(kept):
                cut, count = _raise_cut(kept, values, count, k)
                if count + batch > len(kept):  # ties at the cut: no room for a batch (numba does not check)
                    return d + 1, count, total, cut
    return len(scores), count, total, cut


def _raise_cut(kept: PaperArray, values: FloatArray, count: int, k: int) -> tuple[float, int]:
    """Keep the candidates within MARGIN of the k-th best value (in order); the new cut and count."""
    cut = np.partition(values[:count], count - k)[count - k] * (1.0 - MARGIN)
    still = 0
    for i in range(count):
        if values[i] >= cut:
            kept[still] = kept[i]
            values[still] = values[i]
            still += 1
    return cut, still


def _exact_python(
    docs: Any, weights: Any, field_of: IdArray, lo: IdArray, hi: IdArray, occurrences: IdArray,
    starts: IdArray, field_weights: FloatArray, papers: PaperArray,
) -> FloatArray:  # fmt: skip
    """Each paper's score in rank-bm25's arithmetic: per field, its weights added in query-term order
    from 0 (a repeated term once per occurrence), then 0 + Σ field weight × field score, in field order."""
    lists = len(lo)
    scores = np.zeros(len(papers), dtype=np.float64)
    weight_of = np.zeros(lists, dtype=np.float64)
    for i in range(len(papers)):
        d = papers[i]
        for j in range(lists):
            field_docs = docs[field_of[j]]
            at = lo[j] + np.searchsorted(field_docs[lo[j] : hi[j]], d)
            weight_of[j] = weights[field_of[j]][at] if at < hi[j] and field_docs[at] == d else 0.0
        total = 0.0
        for f in range(len(field_weights)):
            field_score = 0.0
            for o in range(starts[f], starts[f + 1]):
                if occurrences[o] >= 0:
                    field_score += weight_of[occurrences[o]]
            total += field_weights[f] * field_score
        scores[i] = total
    return scores


Kernel = Callable[..., Any]


@lru_cache(maxsize=1)
def _kernels() -> tuple[Kernel, Kernel, Kernel, Kernel]:
    """The sum (serial and parallel), the selection and the exact scores, compiled by numba on first
    use (≈ 2 s, then cached on disk); numba is imported only then, as in inverted.py."""
    import numba

    global prange, _raise_cut, _scan
    prange = numba.prange
    jit = numba.njit(cache=True, nogil=True)
    _raise_cut = jit(_raise_cut)  # globals that numba resolves when compiling `_select_python`
    _scan = jit(_scan)
    parallel = numba.njit(cache=True, nogil=True, parallel=True)(_sum_python)
    return jit(_sum_python), parallel, jit(_select_python), jit(_exact_python)
