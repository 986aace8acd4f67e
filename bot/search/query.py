"""The query language: explicit `key:value` filters → a `Query` (free words + filters + sort order).

    author:hofmann   author:"van der Klis"   (au: works too; several authors = all of them)
    year:2024   year:2022..2024   year:2023..   year:..2022
    cat:CV   cat:"computer vision"   cat:nlp   (several = any of them)
    aff:harvard   aff:"eth zurich"   (affiliation; several = any of them)
    has:code   sort:date   sort:oldest   sort:relevance
    title:transformer   title:"state space"   (words the title must hold)

Plain language ("what did Lorenzo publish this year?") is read by `bot.search.understanding`, which
builds on this module: it cleans the text and applies the explicit fields first, then reads the rest.

Input is cleaned (control characters removed) and cut to `MAX_QUERY_CHARS` characters; the cut is
reported in `Query.notes` rather than refused, so a pasted abstract still searches.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal, NamedTuple

from bot.errors import QueryError
from bot.search.analysis import fold

__all__ = [
    "CATEGORY_ALIASES",
    "CATEGORY_NAMES",
    "MAX_QUERY_CHARS",
    "Query",
    "QueryBuilder",
    "SortOrder",
    "category_label",
    "clean_text",
    "extract_fields",
    "parse_query",
    "with_note",
    "year_span",
]

MAX_QUERY_CHARS = 512
"""Longer queries are cut here (at a word boundary when one is near) and a note says so."""

SortOrder = Literal["relevance", "date", "oldest"]

EXAMPLE = "e.g. `state space models`, `author:hofmann year:2024` or `latest papers by Hofmann`"

CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "computer vision": ("CV",),
    "vision": ("CV",),
    "language": ("CL",),
    "nlp": ("CL",),
    "natural language processing": ("CL",),
    "computation and language": ("CL",),
    "machine learning": ("LG", "ML"),
    "learning": ("LG", "ML"),
    "ai": ("AI",),
    "artificial intelligence": ("AI",),
    "statistics": ("ML",),
    "stats": ("ML",),
    "ml theory": ("ML",),
    "machine learning theory": ("ML",),
    "cosmology": ("CO",),
    "physics": ("COMP-PH",),
    "computational physics": ("COMP-PH",),
}
"""Category names people type → the listing's codes. Any other `cat:` value is taken as a code."""

CATEGORY_NAMES: dict[str, str] = {
    "LG": "machine learning",
    "ML": "statistical machine learning",
    "CV": "computer vision",
    "CL": "language",
    "AI": "artificial intelligence",
    "CO": "cosmology",
    "COMP-PH": "computational physics",
}
"""What the listing's codes mean, for answers that name categories ("machine learning (LG)"): arXiv's
categories (cs.LG, stat.ML, cs.CV, cs.CL, cs.AI, astro-ph.CO, physics.comp-ph); other codes are shown as
they are."""


def category_label(code: str) -> str:
    """A category as answers name it: "machine learning · LG", or the bare code when its name is unknown."""
    return f"{CATEGORY_NAMES[code]} · {code}" if code in CATEGORY_NAMES else code


class Query(NamedTuple):
    """A parsed query. `text` holds the free words; an empty `text` lists papers by filters, newest first.

    Dates are inclusive bounds on the publication date (`year:2024` is 2024-01-01..2024-12-31).

    A NamedTuple, like the other values a question passes through (`Question`, `Hit`, `Answer`, …), rather
    than a frozen dataclass: Python 3.11 makes a frozen dataclass by compiling six generated methods, ~3 M
    instructions a class at import, and every `paperbot ask` imports two dozen of them (benchmarks/README.md).
    """

    text: str = ""
    authors: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    categories: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    has_code: bool | None = None
    sort: SortOrder = "relevance"
    notes: tuple[str, ...] = ()
    any_author: bool = False
    """`authors` are alternatives ("by Hofmann or Noci"), not all required ("by Hofmann and Noci")."""
    without_authors: tuple[str, ...] = ()
    """People none of the papers may list ("Hofmann's papers without Noci")."""
    without_affiliations: tuple[str, ...] = ()
    """Institutions none of the papers may list ("papers not from ETH", "non-DeepMind papers")."""
    without_text: str = ""
    """A topic the papers must not match ("papers not about diffusion"), by the rule any match meets."""
    first_author: bool = False
    """`authors` must be listed first ("papers where Noci is first author"); with no one named, people are
    counted as first authors only ("who has the most first-author papers?")."""
    title_text: str = ""
    """Words the title must hold, by the rule any match meets ("papers with transformer in the title",
    `title:transformer`); the free words are still searched in the whole paper."""

    @property
    def has_filters(self) -> bool:
        """True when any filter (author, date, category, affiliation, code) narrows the papers."""
        return bool(
            self.authors
            or self.without_authors
            or self.without_affiliations
            or self.without_text
            or self.date_from is not None
            or self.date_to is not None
            or self.categories
            or self.affiliations
            or self.has_code is not None
            or bool(self.title_text)
        )


def year_span(start: int | None, end: int | None) -> tuple[date | None, date | None]:
    """Years → inclusive dates: (2022, 2024) → (2022-01-01, 2024-12-31); None stays open."""
    return (date(start, 1, 1) if start else None, date(end, 12, 31) if end else None)


_FIELD = re.compile(r'(?<!\S)(?P<key>[A-Za-z]+):(?:"(?P<quoted>[^"]*)"?|(?P<plain>\S*))')
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_YEAR_RANGE = re.compile(r"^(?P<start>\d{4})?\.\.(?P<end>\d{4})?$")

_UNSEEN = {
    **dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029], " "),
    **dict.fromkeys([0xAD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070), 0xFEFF]),
}
"""Control characters (tabs, line breaks, NUL, ...) separate words; zero-width and direction marks vanish.
A `str.translate` table, not a regular expression: a class of scattered non-Latin-1 characters is ~2.5 M
instructions to compile, in every `paperbot ask`."""
# Chat markup is never a search word: user/role/channel mentions, @everyone/@here, custom emoji.
_CHAT_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b|<a?:\w+:\d+>")


def clean_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Drop control/format characters and chat markup, collapse spaces, cut to MAX_QUERY_CHARS (noted)."""
    # Control and zero-width characters go first (one C-speed pass), then a pasted novel is cut before
    # each remaining character's Unicode category is looked at.
    text = _CHAT_MARKUP.sub(" ", text.translate(_UNSEEN))
    oversized = len(text) > 4 * MAX_QUERY_CHARS
    text = text[: 4 * MAX_QUERY_CHARS]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_CHARS and not oversized:
        return text, ()
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    if space >= MAX_QUERY_CHARS - 64:
        cut = cut[:space]
    return cut, (f"Your query was cut to its first {MAX_QUERY_CHARS} characters.",)


def _year(value: str, key: str = "year") -> int:
    if not _YEAR.match(value):
        raise QueryError(f"`{key}:` expects a year like 2024 or a range like 2022..2024, not “{value}”.")
    return int(value)


class QueryBuilder:
    """Mutable collector used while reading a query; `freeze` makes the Query.

    A plain class: nothing compares or prints a builder, and a dataclass's generated methods cost every
    `paperbot ask` ~4 M instructions to compile (see `Query`)."""

    def __init__(self, notes: list[str] | None = None) -> None:
        self.words: list[str] = []
        self.authors: list[str] = []
        self.categories: list[str] = []
        self.affiliations: list[str] = []
        self.date_from: date | None = None
        self.date_to: date | None = None
        self.has_code: bool | None = None
        self.sort: SortOrder = "relevance"
        self.notes: list[str] = notes if notes is not None else []
        self.any_author = False
        self.without_authors: list[str] = []
        self.without_affiliations: list[str] = []
        self.without_text = ""
        self.first_author = False
        self.title_text = ""

    def set_dates(self, start: date | None, end: date | None) -> None:
        """Narrow to [start, end] (either open); a reversed pair is swapped."""
        if start is not None and end is not None and start > end:
            start, end = end, start
        self.date_from, self.date_to = start, end

    def freeze(self, text: str) -> Query:
        """The Query with `text` as its free words."""
        return Query(
            text=text,
            authors=tuple(dict.fromkeys(self.authors)),
            date_from=self.date_from,
            date_to=self.date_to,
            categories=tuple(sorted(set(self.categories))),
            affiliations=tuple(dict.fromkeys(self.affiliations)),
            has_code=self.has_code,
            sort=self.sort,
            notes=tuple(self.notes),
            any_author=self.any_author and len(self.authors) > 1,
            without_authors=tuple(dict.fromkeys(self.without_authors)),
            without_affiliations=tuple(dict.fromkeys(self.without_affiliations)),
            without_text=self.without_text,
            first_author=self.first_author,
            title_text=self.title_text,
        )


def _author_value(value: str) -> str:
    name = " ".join(fold(value).replace(".", " ").split())
    if not name:
        raise QueryError(
            "`author:` needs a name (mentions are not names), "
            'e.g. `author:hofmann` or `author:"van der Klis"`.'
        )
    if not any(ch.isalpha() for ch in name):
        raise QueryError(f"`author:` needs a person's name in letters, not “{value}”.")
    return name


def _apply_field(b: QueryBuilder, key: str, value: str) -> bool:
    """Apply one `key:value`; False when `key` is not a field (the text is then kept as free words)."""
    key = key.lower()
    value = value.strip()
    if key in {"author", "au", "by"}:
        b.authors.append(_author_value(value))
    elif key == "year":
        match = _YEAR_RANGE.match(value)
        if match and (match["start"] or match["end"]):
            start = _year(match["start"]) if match["start"] else None
            end = _year(match["end"]) if match["end"] else None
            if start is not None and end is not None and start > end:
                start, end = end, start
        else:
            start = end = _year(value)
        b.set_dates(*year_span(start, end))
    elif key in {"cat", "category"}:
        if not value:
            raise QueryError('`cat:` needs a category, e.g. `cat:CV`, `cat:nlp` or `cat:"machine learning"`.')
        b.categories.extend(CATEGORY_ALIASES.get(fold(value), (value.upper(),)))
    elif key in {"aff", "affiliation"}:
        if not fold(value).strip():
            raise QueryError('`aff:` needs an institution, e.g. `aff:harvard` or `aff:"eth zurich"`.')
        b.affiliations.append(" ".join(fold(value).replace("-", " ").split()))
    elif key == "has":
        if fold(value) != "code":
            raise QueryError(f"`has:` understands only `has:code`, not “has:{value}”.")
        b.has_code = True
    elif key == "sort":
        b.sort = _sort_value(value)
    elif key in {"title", "ti"}:
        if not fold(value).strip():
            raise QueryError('`title:` needs words of a title: `title:transformer` or `title:"state space"`.')
        b.title_text = " ".join([b.title_text, value]).strip()
    else:
        return False
    return True


def _sort_value(value: str) -> SortOrder:
    order = fold(value)
    if order in {"date", "new", "newest", "latest"}:
        return "date"
    if order in {"old", "oldest", "earliest"}:
        return "oldest"
    if order in {"relevance", "best", "score"}:
        return "relevance"
    raise QueryError(
        f"`sort:` is `sort:date` (newest first), `sort:oldest` or `sort:relevance`, not “sort:{value}”."
    )


def extract_fields(text: str, b: QueryBuilder) -> str:
    """Apply every `key:value` in `text`; return the rest. An unquoted multi-word category name is joined."""
    rest: list[str] = []
    pos = 0
    for match in _FIELD.finditer(text):
        rest.append(text[pos : match.start()])
        pos = match.end()
        value = match["quoted"] if match["quoted"] is not None else match["plain"]
        if match["quoted"] is None and not value and text[pos:].strip():
            # "eth zurich affiliation: how many papers" is prose: a field's value follows its colon directly.
            rest.append(match.group(0))
            continue
        if match["key"].lower() in {"cat", "category"} and match["quoted"] is None:
            value, pos = _longest_category(text, value, pos)
        if not _apply_field(b, match["key"], value):
            rest.append(match.group(0))
    rest.append(text[pos:])
    return " ".join("".join(rest).split())


def _longest_category(text: str, value: str, pos: int) -> tuple[str, int]:
    """`cat:computer vision` → "computer vision" when the following words complete a known name."""
    following = list(re.finditer(r"\S+", text[pos:]))[:3]
    for n in range(len(following), 0, -1):
        candidate = " ".join([value, *(m.group(0) for m in following[:n])])
        if fold(candidate) in CATEGORY_ALIASES:
            return candidate, pos + following[n - 1].end()
    return value, pos


def parse_query(text: str) -> Query:
    """Explicit syntax only: the `key:value` fields, the rest kept literally as free words.

    Plain language is read by `bot.search.understanding.understand`. QueryError on bad input.
    """
    cleaned, notes = clean_text(text)
    if not cleaned:
        raise QueryError(f"Type what you're looking for, {EXAMPLE}.")
    b = QueryBuilder(notes=list(notes))
    rest = extract_fields(cleaned, b)
    return b.freeze(rest.strip(" ,;:"))


def with_note(query: Query, note: str) -> Query:
    """A copy of `query` with one more note (used by the index to explain empty or narrowed results)."""
    return query._replace(notes=(*query.notes, note))
