"""What a search returns: hits with the reason they matched, and the total for paging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.corpus.model import Paper
from bot.search.query import Query

__all__ = ["Hit", "Matches", "SearchResults"]


class Hit(NamedTuple):
    """One paper in the results.

    `score` is the BM25 score (> 0) for a text query, and 0.0 when the query had no free words (a listing
    by filters, newest first). `matched_terms` are the query words, as typed (folded), found in the paper.
    `by_meaning` marks the one paper found by meaning when no paper used the query's words (its `score`
    is then the cosine similarity, and its snippet the sentence closest in meaning).
    """

    paper: Paper
    score: float
    snippet: str
    matched_terms: tuple[str, ...]
    by_meaning: bool = False


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, how many papers matched in all, the parsed query, and notes for the user."""

    hits: tuple[Hit, ...]
    total: int
    query: Query
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.hits)

    def __bool__(self) -> bool:
        return bool(self.hits)


class Matches(NamedTuple):
    """Every paper a query matches, in the order a search lists them, without snippets or scores: what an
    answer about all of them (a breakdown, who wrote most on a topic) counts, however many there are."""

    papers: tuple[Paper, ...]
    query: Query
    notes: tuple[str, ...] = ()
