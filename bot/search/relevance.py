"""How much of a query a paper covers: the measure behind date-sorted matches and confident answers.

BM25 scores are not comparable across queries, so "is this paper really about the question?" is judged
by *coverage*: the idf-weighted share of the query's words that occur in the paper. Rare words weigh
most; a word no paper contains weighs as much as the rarest possible word, so a question about pizza
is not "covered" by a paper that merely shares the word "best".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence, Set

from bot.search.analysis import Word

__all__ = ["MIN_COVERAGE", "TermStats", "coverage"]

MIN_COVERAGE = 0.6
"""A paper matches a question only if it covers at least this idf-weighted share of the question's
words: "state space models" needs "state" and "space" (rare), not just "models" (in every paper). The
same rule decides search hits, counts, "N more", cited sources and digest topics."""


class TermStats:
    """Document frequencies over all fields, and the Lucene idf derived from them."""

    def __init__(self, doc_terms: Iterable[Set[str]]) -> None:
        self.df: Counter[str] = Counter()
        self.size = 0
        for terms in doc_terms:
            self.df.update(terms)
            self.size += 1

    def idf(self, term: str) -> float:
        """log(1 + (N − df + 0.5)/(df + 0.5)): positive, largest for a term no document has."""
        df = self.df.get(term, 0)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))


def _word_share(word: Word, doc_terms: Set[str], stats: TermStats) -> tuple[float, float]:
    """(matched weight, total weight) of one query word. A compound counts by its parts; the joined
    form present in the paper covers all of them ("state-space" vs "statespace")."""
    weights = [stats.idf(p) for p in word.parts] or [stats.idf(word.joined or "")]
    total = sum(weights)
    if word.joined and word.joined in doc_terms:
        return total, total
    matched = sum(w for p, w in zip(word.parts, weights, strict=False) if p in doc_terms)
    return matched, total


def coverage(words: Sequence[Word], doc_terms: Set[str], stats: TermStats) -> float:
    """Idf-weighted share (0..1) of the query words found in a paper's terms."""
    matched = total = 0.0
    for word in words:
        m, t = _word_share(word, doc_terms, stats)
        matched += m
        total += t
    return matched / total if total > 0 else 0.0
