"""Searchable reading-group history, reusing the corpus search instead of a second search engine.

Each past session becomes a pseudo-`Paper` (title = the paper read, authors/abstract from the corpus when
the paper is in it, plus the session's notes appended to the abstract) and goes into the same index class
the corpus uses (`bot.search.index.PaperIndex`). So `/rg history query` understands exactly what `/search`
understands (stemming, accents, authors, the query language), and notes are findable as soon as they are
added. History is small (one session a week), so the index is built per query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.corpus.model import Paper
from bot.errors import UnknownPaperError
from bot.readinggroup.models import HistoryEntry

HISTORY_ID_PREFIX = "rg-session-"


class SearchHit(Protocol):
    """One hit as `PaperIndex.search` returns it (only what history needs)."""

    @property
    def paper(self) -> Paper: ...

    @property
    def score(self) -> float: ...

    @property
    def snippet(self) -> str: ...


class SearchResultsLike(Protocol):
    """The result of `PaperIndex.search` (only what history needs)."""

    @property
    def hits(self) -> Sequence[SearchHit]: ...

    @property
    def notes(self) -> Sequence[str]: ...


class Searchable(Protocol):
    """An index over papers, as `bot.search.index.PaperIndex` is."""

    def search(self, query: str, *, limit: int = ...) -> SearchResultsLike:
        """Rank the indexed papers for `query`, best first."""
        ...


IndexBuilder = Callable[[Sequence[Paper]], Searchable]
"""Builds an index from papers; in production `PaperIndex.build`."""

PaperLookup = Callable[[str], Paper | None]
"""The corpus paper a member means (`PaperIndex.get`, or `.resolve`, which also takes titles); None or
UnknownPaperError when there is none. Used for proposals and to enrich history."""


@dataclass(frozen=True, slots=True)
class HistoryHit:
    """A past session matching a history query, with the search's snippet."""

    entry: HistoryEntry
    score: float
    snippet: str


@dataclass(frozen=True, slots=True)
class HistoryResults:
    """The sessions found, best first, and the search's notes for the member (e.g. an ignored filter)."""

    hits: tuple[HistoryHit, ...]
    notes: tuple[str, ...] = ()


def find_paper(lookup: PaperLookup, reference: str) -> Paper | None:
    """`lookup(reference)`, with UnknownPaperError meaning "not in the corpus"."""
    try:
        return lookup(reference)
    except UnknownPaperError:
        return None


def history_document(entry: HistoryEntry, corpus_paper: Paper | None) -> Paper:
    """The pseudo-paper that stands for a past session in the history index."""
    session = entry.session
    title = session.paper.title if session.paper is not None else "Paper to be decided"
    notes = "\n".join(note.text for note in entry.notes)
    abstract = "\n\n".join(part for part in (corpus_paper.abstract if corpus_paper else "", notes) if part)
    link = session.paper.url if session.paper is not None else None
    return Paper(
        id=f"{HISTORY_ID_PREFIX}{session.id}",
        title=title,
        authors=corpus_paper.authors if corpus_paper else (),
        authors_truncated=corpus_paper.authors_truncated if corpus_paper else False,
        affiliations=corpus_paper.affiliations if corpus_paper else (),
        published=session.starts_at.date(),
        categories=corpus_paper.categories if corpus_paper else (),
        abstract=abstract,
        links=(link,) if link else (corpus_paper.links if corpus_paper else ()),
        source="reading group history",
    )


def search_history(
    entries: Sequence[HistoryEntry],
    query: str,
    *,
    build_index: IndexBuilder,
    lookup: PaperLookup,
    limit: int = 10,
) -> HistoryResults:
    """The past sessions best matching `query`, best first (the corpus search's ranking and snippets).

    An empty or malformed query raises the search's QueryError, exactly as `/search` would.
    """
    by_id = {f"{HISTORY_ID_PREFIX}{e.session.id}": e for e in entries}
    documents = [history_document(e, _corpus_paper(e, lookup)) for e in entries]
    results = build_index(documents).search(query, limit=limit)
    hits = tuple(
        HistoryHit(by_id[h.paper.id], h.score, h.snippet) for h in results.hits if h.paper.id in by_id
    )
    return HistoryResults(hits, tuple(results.notes))


def _corpus_paper(entry: HistoryEntry, lookup: PaperLookup) -> Paper | None:
    paper = entry.session.paper
    return find_paper(lookup, paper.paper_id) if paper is not None and paper.paper_id is not None else None
