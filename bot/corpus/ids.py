"""Stable paper ids and duplicate merging.

Ids are what users type (`paper random-teachers-are-good-teachers`) and what storage keeps (reading-group
history, the digest's sent-ledger), so they must survive a re-import: a record's own id (JSONL `id`/`_id`,
BibTeX key) is kept; otherwise the id is a slug of the title, which is a pure function of the title.

Duplicates are recognised by content, not by id: the same arXiv id, the same DOI, or the same normalized
title (casefold, accents and punctuation ignored). They merge into one paper that keeps the first record's
id. One exception keeps generic titles apart: two records that both carry their own, different ids and
different non-empty abstracts are different documents even if their titles match (BEIR SciFact has three
documents titled "Summary").

Ids are handed out first come, first served in load order; a later, different paper whose id is taken
gets `-2`, `-3`, ... Appending papers to a file therefore never renames the papers already there.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.corpus.model import Paper
from bot.corpus.records import ParsedRecord
from bot.errors import Problem

__all__ = [
    "dedup_papers",
    "fold_ascii",
    "merge_papers",
    "normalize_title",
    "paper_identifiers",
    "slugify",
]

SLUG_MAX_LENGTH = 60

# Letters that Unicode decomposition does not reduce to ASCII.
_ASCII_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
     "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i", "’": "'", "‘": "'"}
)  # fmt: skip
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf)/((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[a-z]{2})?/\d{7}))(?:v\d+)?",
    re.IGNORECASE,
)
_DOI = re.compile(r"doi\.org/(10\.\d{4,9}/\S+)", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")


def _strip_marks(text: str) -> str:
    """Remove combining accents: 'Aurélien' → 'Aurelien'. ASCII text has none and is its own NFKD form,
    so it is returned as it is (a Python loop over a million titles' characters costs a minute)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_ascii(text: str) -> str:
    """ASCII-only form of `text`: accents removed, ß → ss, other non-ASCII characters dropped."""
    return _strip_marks(text.translate(_ASCII_EXTRA)).encode("ascii", "ignore").decode("ascii")


def normalize_title(title: str) -> str:
    """The comparison key of a title: casefolded, accent-free, punctuation and spacing ignored.

    Computed for every record of every load (and for every paper when one is added), so an ASCII title —
    most of them — takes a shortcut.
    """
    # an ASCII title's casefold() is its lower(), and the letter table and accents change nothing in it
    folded = title.lower() if title.isascii() else _strip_marks(title.translate(_ASCII_EXTRA).casefold())
    return " ".join(_NOT_WORD.split(folded)).strip()


def slugify(title: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """A URL- and command-friendly id from a title, cut at a word boundary: 'random-teachers-are-...'.

    A title with no Latin letters or digits (e.g. all CJK) gets 'paper-' plus a short hash of the
    title, so the id is still a pure function of the title.
    """
    words = re.findall(r"[a-z0-9]+", fold_ascii(title).lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:  # a single word longer than the limit
        slug = words[0][:max_length]
    if not slug:
        digest = hashlib.sha1(title.strip().encode("utf-8")).hexdigest()[:10]
        slug = f"paper-{digest}"
    return slug


def paper_identifiers(paper: Paper) -> frozenset[str]:
    """External identifiers found in a paper's links: 'arxiv:2302.12091' (version dropped), 'doi:10.…'."""
    found: set[str] = set()
    for link in paper.links:
        for match in _ARXIV.finditer(link):
            found.add("arxiv:" + match.group(1).lower())
        for match in _DOI.finditer(link):
            found.add("doi:" + match.group(1).lower().rstrip(".,;"))
    return frozenset(found)


def _union(first: tuple[str, ...], later: tuple[str, ...]) -> tuple[str, ...]:
    """Both tuples' items, first's order first, without repeats."""
    return tuple(dict.fromkeys(first + later))


_FINER = {"year": 0, "month": 1, "day": 2}


def _date_source(first: Paper, later: Paper) -> Paper:
    """Whose date the merged paper keeps: the first's, unless it has none, or the later one says the
    same more precisely (a BibTeX `year = 2023` and the listing's 23 Feb 2023)."""
    if first.published is None:
        return later
    if later.published is None or _FINER[later.date_precision] <= _FINER[first.date_precision]:
        return first
    same_year = later.published.year == first.published.year
    same_month = first.date_precision == "year" or later.published.month == first.published.month
    return later if same_year and same_month else first


def merge_papers(first: Paper, later: Paper) -> Paper:
    """One paper from two records of it: the first wins, the later fills gaps (a missing date, or one
    the first gives only as a year or month); lists are unioned."""
    authors, truncated = first.authors, first.authors_truncated
    later_is_fuller = not later.authors_truncated or len(later.authors) > len(first.authors)
    if not authors or (truncated and later.authors and later_is_fuller):
        authors, truncated = later.authors, later.authors_truncated
    dated = _date_source(first, later)
    return first.model_copy(
        update={
            "authors": authors,
            "authors_truncated": truncated,
            "affiliations": _union(first.affiliations, later.affiliations),
            "published": dated.published,
            "date_precision": dated.date_precision,
            "categories": _union(first.categories, later.categories),
            "has_code": first.has_code or later.has_code,
            "abstract": first.abstract or later.abstract,
            "links": _union(first.links, later.links),
            "trending": first.trending if first.trending is not None else later.trending,
        }
    )


@dataclass(eq=False)
class _Slot:
    """A paper being assembled from one or more records. Compared (and hashed) by identity: two slots
    never hold the same paper (ids are unique)."""

    paper: Paper
    own_ids: set[str] = field(default_factory=set)


def _is_open(slot: _Slot) -> bool:
    """Whether every record with the slot's title merges into it (no own id or no text to tell apart)."""
    return not slot.own_ids or not slot.paper.abstract.strip()


@dataclass(eq=False)
class _SameTitle:
    """The slots sharing one normalized title, in the order they joined, indexed so that a new record
    finds the first one it merges into without comparing it with each (a title shared by many distinct
    documents — BEIR's "Summary"s, the synthetic benchmark's reused titles — made loading quadratic).

    A record merges into the first slot of its title that is not a distinct document; it is distinct when
    both ids are the sources' own and both texts differ. That is the first slot that has no own id or no
    text (`open`; a slot only ever leaves that state), that has the record's id among its own, or whose
    text is the record's: the least of three places.
    """

    slots: list[_Slot] = field(default_factory=list)
    places: dict[_Slot, int] = field(default_factory=dict)
    """A slot → its place in `slots`."""
    open: deque[int] = field(default_factory=deque)
    """Places of the slots that had no own id or no text when they joined, first first."""
    by_own_id: dict[str, int] = field(default_factory=dict)
    """An own id → the first place holding it."""
    by_text: dict[str, int] = field(default_factory=dict)
    """A stripped abstract → the first place with it."""

    def match(self, record: ParsedRecord) -> _Slot | None:
        """The first slot `record` merges into, if any."""
        theirs = record.paper.abstract.strip()
        if not record.has_own_id or not theirs:  # nothing can keep it apart from the first
            return self.slots[0] if self.slots else None
        while self.open and not _is_open(self.slots[self.open[0]]):
            self.open.popleft()  # it has an own id and a text now, for good
        places = (
            self.open[0] if self.open else None,
            self.by_own_id.get(record.paper.id),
            self.by_text.get(theirs),
        )
        found = [place for place in places if place is not None]
        return self.slots[min(found)] if found else None

    def add(self, slot: _Slot) -> None:
        """`slot` joins the title (at the end)."""
        self.places[slot] = len(self.slots)
        if _is_open(slot):
            self.open.append(len(self.slots))
        self.slots.append(slot)

    def note(self, slot: _Slot) -> None:
        """Index `slot`'s own ids and text (when it joined, and after each record merged into it)."""
        place = self.places[slot]
        for own_id in slot.own_ids:
            if self.by_own_id.setdefault(own_id, place) > place:
                self.by_own_id[own_id] = place
        text = slot.paper.abstract.strip()
        if text and self.by_text.setdefault(text, place) > place:
            self.by_text[text] = place


class _Deduplicator:
    """Accumulates records into slots, merging duplicates and allotting unique ids."""

    def __init__(self) -> None:
        self.slots: list[_Slot] = []
        self.problems: list[Problem] = []
        self._by_identifier: dict[str, _Slot] = {}
        self._by_title: dict[str, _SameTitle] = {}
        self._titles_of: dict[_Slot, list[_SameTitle]] = {}
        """A slot → the title groups it is in (one per normalized title its records had). Kept here, not on
        the slot: a slot ↔ group cycle would outlive the load until the cyclic collector ran."""
        self._taken: set[str] = set()

    def _find(self, record: ParsedRecord, identifiers: frozenset[str], title: str) -> _Slot | None:
        """The slot holding the same paper as `record` (its `identifiers` and normalized `title`), if any."""
        for identifier in sorted(identifiers):
            if identifier in self._by_identifier:
                return self._by_identifier[identifier]
        same = self._by_title.get(title)
        return same.match(record) if same is not None else None

    def _index(self, slot: _Slot, identifiers: frozenset[str], title: str) -> None:
        """Make `slot` findable by a record's identifiers and normalized title, and by its own ids and text
        as they are now (a merge may have added either) under every title it has."""
        for identifier in identifiers:
            self._by_identifier.setdefault(identifier, slot)
        same = self._by_title.setdefault(title, _SameTitle())
        groups = self._titles_of.setdefault(slot, [])
        if slot not in same.places:
            same.add(slot)
            groups.append(same)
        for group in groups:
            group.note(slot)

    def _free_id(self, wanted: str) -> str:
        """`wanted` if nobody has it yet, else the first free `wanted-N` (N ≥ 2)."""
        candidate, n = wanted, 2
        while candidate in self._taken:
            candidate, n = f"{wanted}-{n}", n + 1
        return candidate

    def add(self, record: ParsedRecord) -> None:
        """Merge `record` into its duplicate's slot, or open a new slot with a unique id.

        The record's identifiers and title key are computed once, for finding and for indexing alike (a
        renamed copy keeps the record's title and links)."""
        identifiers, title = paper_identifiers(record.paper), normalize_title(record.paper.title)
        slot = self._find(record, identifiers, title)
        if slot is not None:
            slot.paper = merge_papers(slot.paper, record.paper)
            if record.has_own_id:
                slot.own_ids.add(record.paper.id)
            self._index(slot, identifiers, title)
            return
        paper = record.paper
        new_id = self._free_id(paper.id)
        if new_id != paper.id:
            if record.has_own_id:
                self.problems.append(_renamed_problem(paper, new_id))
            paper = paper.model_copy(update={"id": new_id})
        self._taken.add(new_id)
        slot = _Slot(paper, {record.paper.id} if record.has_own_id else set())
        self.slots.append(slot)
        self._index(slot, identifiers, title)


def _renamed_problem(paper: Paper, new_id: str) -> Problem:
    """Report an own id that another paper already holds (links to the old id would be ambiguous)."""
    source, _, line = (paper.source or "").rpartition(":")
    where_line = int(line) if line.isdigit() else None
    return Problem(
        source or (paper.source or "corpus"),
        where_line,
        f"id “{paper.id}” already belongs to a different paper; this one (“{paper.title}”) is loaded "
        f"as “{new_id}”. Give one of them a different id.",
    )


def dedup_papers(records: Iterable[ParsedRecord]) -> tuple[tuple[Paper, ...], tuple[Problem, ...]]:
    """Merge duplicate records and make ids unique; returns the papers (load order) and id conflicts."""
    dedup = _Deduplicator()
    for record in records:
        dedup.add(record)
    return tuple(slot.paper for slot in dedup.slots), tuple(dedup.problems)
