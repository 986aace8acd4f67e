"""A conversation's state, the filters a follow-up adds, how a message reads, and the replies (as data).

Frozen dataclasses, so a state can be shared between turns and compared in tests; `ConversationMemory`
keeps the recent ones (least recently used forgotten first).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Literal, TypeVar

from bot.answer import Answer
from bot.corpus.model import Paper
from bot.search.periods import describe_dates
from bot.search.query import Query
from bot.search.results import SearchResults

__all__ = [
    "PAGE_SIZE",
    "AnswerReply",
    "Conversation",
    "ConversationMemory",
    "FollowUp",
    "FollowUpKind",
    "ListKind",
    "ListReply",
    "NoticeReply",
    "PaperReply",
    "Refinement",
    "Reply",
]

PAGE_SIZE = 5
"""Papers per list page; equal to the Discord search page so the numbers shown match."""

ListKind = Literal["sources", "search", "similar", "groups", "picked"]
FollowUpKind = Literal["help", "thanks", "more", "detail", "similar", "refine", "count", "question"]


# --- state -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refinement:
    """Filters a follow-up adds to the current list; None / empty means "unchanged"."""

    has_code: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    newest_first: bool = False
    oldest_first: bool = False
    other_people: bool = False
    """`authors` replace the list's people instead of joining them ("what about Hofmann?" after "papers by
    Noci" asks for Hofmann's papers; "only with Hofmann" for their joint ones)."""

    def __bool__(self) -> bool:
        return self != Refinement()

    def merged(self, newer: Refinement) -> Refinement:
        """These filters with `newer`'s on top (each field it sets replaces ours; authors add up)."""
        return Refinement(
            has_code=newer.has_code if newer.has_code is not None else self.has_code,
            date_from=newer.date_from if newer.date_from is not None else self.date_from,
            date_to=newer.date_to if newer.date_to is not None else self.date_to,
            categories=newer.categories or self.categories,
            authors=newer.authors
            if newer.other_people
            else tuple(dict.fromkeys((*self.authors, *newer.authors))),
            newest_first=newer.newest_first or (self.newest_first and not newer.oldest_first),
            oldest_first=newer.oldest_first or (self.oldest_first and not newer.newest_first),
            other_people=self.other_people or newer.other_people,
        )

    def describe(self) -> str:
        """'with code · 2022–2024 · newest first', for list titles."""
        parts: list[str] = []
        if self.has_code is not None:
            parts.append("with code" if self.has_code else "without code")
        when = describe_dates(self.date_from, self.date_to)
        if when:
            parts.append(when)
        if self.categories:
            parts.append("cat " + "/".join(self.categories))
        parts.extend(f"by {a}" for a in self.authors)
        if self.newest_first or self.oldest_first:
            parts.append("newest first" if self.newest_first else "oldest first")
        return " · ".join(parts)

    def apply_to(self, query: Query) -> Query:
        """`query` narrowed by these filters."""
        return query._replace(
            has_code=self.has_code if self.has_code is not None else query.has_code,
            date_from=self.date_from if self.date_from is not None else query.date_from,
            date_to=self.date_to if self.date_to is not None else query.date_to,
            categories=self.categories or query.categories,
            authors=self.authors
            if self.other_people
            else tuple(dict.fromkeys((*query.authors, *self.authors))),
            sort="date" if self.newest_first else "oldest" if self.oldest_first else query.sort,
        )


@dataclass(frozen=True)
class Conversation:
    """Where a conversation stands: the question, the current list and what of it was shown.

    `shown` holds the paper ids of the current list in number order ([1] is shown[0]); `offset` is how
    many results of a paged list (search/similar) have been shown; `exclude` are papers a "more" list
    skips because the answer already cited them; `focus` is the paper last opened as a card.
    """

    question: str
    query: Query
    kind: ListKind = "sources"
    shown: tuple[str, ...] = ()
    offset: int = 0
    filters: Refinement = field(default_factory=Refinement)
    exclude: tuple[str, ...] = ()
    similar_to: str | None = None
    focus: str | None = None


@dataclass(frozen=True)
class FollowUp:
    """How a message reads in a conversation: its kind, the list number it refers to, the filters."""

    kind: FollowUpKind
    number: int | None = None
    refinement: Refinement = field(default_factory=Refinement)


# --- replies (data; the front end renders them) ------------------------------------------------------


@dataclass(frozen=True)
class AnswerReply:
    """A new question was answered: the answer and its cited, numbered sources."""

    question: str
    answer: Answer


@dataclass(frozen=True)
class ListReply:
    """One page of a list: hits numbered from (page-1)*PAGE_SIZE+1, the total and page count."""

    label: str
    results: SearchResults
    page: int
    pages: int

    @property
    def first_number(self) -> int:
        """The list number of the first hit on this page."""
        return (self.page - 1) * PAGE_SIZE + 1


@dataclass(frozen=True)
class PaperReply:
    """One paper, by its number in the current list (0: the paper last opened, no longer listed)."""

    number: int
    paper: Paper


@dataclass(frozen=True)
class NoticeReply:
    """A short message: help, "that's all", "which one?"."""

    text: str


Reply = AnswerReply | ListReply | PaperReply | NoticeReply


# --- memory ------------------------------------------------------------------------------------------

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ConversationMemory(Generic[K, V]):
    """The most recent `capacity` conversations (least recently used forgotten first), in memory only."""

    def __init__(self, capacity: int = 500) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The conversation under `key` (and mark it recently used), or None."""
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Remember `value` under `key`, forgetting the least recently used beyond capacity."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
