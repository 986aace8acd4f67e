"""Which paper is the paper of the day. Pure.

A server never sees a paper twice until every eligible paper was shown there once (a *cycle*); then a new
cycle starts. Within a cycle the order is a seeded shuffle: each paper is ranked by sha256(seed, cycle,
paper id), so the order is varied (not alphabetical), reproducible (same seed, same order — a preview can
promise what will be posted), different per server and per cycle, and stable when papers join: a new
paper gets its own rank and slots in without reshuffling the others. Papers new in the corpus (first seen
within `NEW_WINDOW` of the day, after the initial import) go first, so an addition is featured soon
instead of up to a cycle later. An optional topic (a search query) narrows the pool.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from bot.corpus.model import Paper
from bot.errors import QueryError, UserError

NEW_WINDOW = timedelta(days=7)
TOPIC_PAGE = 50


class _Hit(Protocol):
    @property
    def paper(self) -> Paper: ...


class _Results(Protocol):
    @property
    def hits(self) -> Sequence[_Hit]: ...

    @property
    def total(self) -> int: ...


class TopicSearch(Protocol):
    """What the topic filter needs from the search index (bot.search.index.PaperIndex fits)."""

    def search(self, query: str, *, limit: int = ..., offset: int = ...) -> _Results:
        """Ranked hits for a query, `total` counting all matches."""
        ...


def topic_pool(index: TopicSearch, topic: str) -> tuple[Paper, ...]:
    """Every paper the topic query matches (paged through the index); QueryError if none does."""
    found: dict[str, Paper] = {}
    offset = 0
    while True:
        results = index.search(topic, limit=TOPIC_PAGE, offset=offset)
        for hit in results.hits:
            found.setdefault(hit.paper.id, hit.paper)
        offset += TOPIC_PAGE
        if not results.hits or offset >= results.total:
            break
    if not found:
        raise QueryError(
            f"No paper matches the digest topic “{topic}”, so there is nothing to post. Try a broader topic, "
            "or clear it to draw from the whole corpus."
        )
    return tuple(found.values())


@dataclass(frozen=True)
class Shown:
    """A past (or planned) paper of the day, as the choice needs to know it."""

    paper_id: str
    cycle: int
    local_date: date


@dataclass(frozen=True)
class Pick:
    """The chosen paper and why: `position` of `pool_size` within `cycle`."""

    paper: Paper
    local_date: date
    cycle: int
    position: int
    pool_size: int
    reasons: tuple[str, ...]

    def as_shown(self) -> Shown:
        """This pick as a history entry (for planning the following days)."""
        return Shown(self.paper.id, self.cycle, self.local_date)


def rank(seed: str, cycle: int, paper_id: str) -> int:
    """The paper's place in the cycle's shuffled order (smaller goes first)."""
    digest = hashlib.sha256(f"{seed}\x1f{cycle}\x1f{paper_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _joined_recently(papers: Sequence[Paper], on: date, first_seen: Mapping[str, date]) -> dict[str, date]:
    """Papers that joined after the initial corpus (the earliest first-seen date) and within NEW_WINDOW
    of `on`, with the date they joined. The initial import is not "new": that would be every paper."""
    if not first_seen:
        return {}
    baseline = min(first_seen.values())
    joined = {}
    for paper in papers:
        seen = first_seen.get(paper.id)
        if seen is not None and baseline < seen <= on and on - seen <= NEW_WINDOW:
            joined[paper.id] = seen
    return joined


def choose_paper(
    pool: Sequence[Paper],
    history: Sequence[Shown],
    *,
    seed: str,
    on: date,
    topic: str | None = None,
    first_seen: Mapping[str, date] | None = None,
) -> Pick:
    """Pick the paper of the day for `on` from `pool`, given what was shown before (oldest first)."""
    papers = list({p.id: p for p in pool}.values())
    if not papers:
        raise UserError("There are no papers in the corpus yet, so there is no paper of the day to pick.")
    cycle = history[-1].cycle if history else 1
    shown = {h.paper_id for h in history if h.cycle == cycle}
    remaining = [p for p in papers if p.id not in shown]
    new_round = not remaining
    if new_round:
        cycle += 1
        shown = set()
        last = history[-1].paper_id if history else None
        # Never the same paper two days running across a cycle boundary.
        remaining = [p for p in papers if p.id != last] or papers
    joined = _joined_recently(remaining, on, first_seen or {})
    candidates = [p for p in remaining if p.id in joined] or remaining
    paper = min(candidates, key=lambda p: (rank(seed, cycle, p.id), p.id))
    position = len(shown & {p.id for p in papers}) + 1
    reasons: list[str] = []
    if topic:
        reasons.append(f"topic: {topic}")
    if paper.id in joined:
        reasons.append(f"new in the corpus (added {short_date(joined[paper.id])})")
    if new_round and history:
        reasons.append("a new round: every paper has been featured once")
    reasons.append(f"not yet featured this round ({position}/{len(papers)})")
    return Pick(paper, on, cycle, position, len(papers), tuple(reasons))


def plan(
    pool: Sequence[Paper],
    history: Sequence[Shown],
    dates: Sequence[date],
    *,
    seed: str,
    topic: str | None = None,
    first_seen: Mapping[str, date] | None = None,
) -> list[Pick]:
    """The picks for successive `dates`, each seeing the ones before it as posted."""
    past = list(history)
    picks = []
    for day in dates:
        pick = choose_paper(pool, past, seed=seed, on=day, topic=topic, first_seen=first_seen)
        picks.append(pick)
        past.append(pick.as_shown())
    return picks


def short_date(day: date) -> str:
    """'2 Mar 2026'."""
    return f"{day.day} {day:%b %Y}"
