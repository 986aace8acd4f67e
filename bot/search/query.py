"""The query language: what a user types → a `Query` (free words + filters + sort order).

Explicit syntax (any order, mixed with free words):

    author:hofmann   author:"van der Klis"   (au: works too; several authors = all of them)
    year:2024   year:2022..2024   year:2023..   year:..2022
    cat:CV   cat:"computer vision"   cat:nlp   (several = any of them)
    has:code   sort:date   sort:relevance

Plain questions are understood where the meaning is obvious:

    latest / newest / most recent / recent   → newest first
    by <known author>                       → author filter (only when the words name a known author)
    in 2025 / since 2023 / after 2022 / before 2024 / until 2024 / between 2022 and 2024
    with code / without code
    "papers", "articles", "work" and a leading "show me" / "find" are dropped: they describe every result.

Input is cleaned (control characters removed) and cut to `MAX_QUERY_CHARS` characters; the cut is
reported in `Query.notes` rather than refused, so a pasted abstract still searches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.errors import QueryError
from bot.search.analysis import fold

__all__ = ["CATEGORY_ALIASES", "MAX_QUERY_CHARS", "AuthorLookup", "Query", "SortOrder", "parse_query"]

MAX_QUERY_CHARS = 512
"""Longer queries are cut here (at a word boundary when one is near) and a note says so."""

SortOrder = Literal["relevance", "date"]

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
    "cosmology": ("CO",),
    "physics": ("COMP-PH",),
    "computational physics": ("COMP-PH",),
}
"""Category names people type → the listing's codes. Any other `cat:` value is taken as a code."""


@dataclass(frozen=True)
class Query:
    """A parsed query. `text` holds the free words; an empty `text` lists papers by filters, newest first."""

    text: str = ""
    authors: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    categories: tuple[str, ...] = ()
    has_code: bool | None = None
    sort: SortOrder = "relevance"
    notes: tuple[str, ...] = ()

    @property
    def has_filters(self) -> bool:
        """True when any filter (author, year, category, code) narrows the papers."""
        return bool(
            self.authors
            or self.year_from is not None
            or self.year_to is not None
            or self.categories
            or self.has_code is not None
        )


class AuthorLookup:
    """Recognises known author names in plain words: full names and surnames (`hofmann`, `van der klis`)."""

    MAX_WORDS = 4

    def __init__(self, names: Iterable[str]) -> None:
        keys: set[str] = set()
        for name in names:
            parts = fold(name).replace(".", " ").split()
            # Every tail of the name ("klis", "der klis", "van der klis", "robert van der klis").
            keys.update(" ".join(parts[i:]) for i in range(len(parts)))
        self._keys = frozenset(keys)

    def match(self, words: Sequence[str]) -> int:
        """How many leading `words` form a known name (longest match), 0 if none."""
        cleaned = [fold(w).strip(".,;:!?()\"'") for w in words[: self.MAX_WORDS]]
        for n in range(len(cleaned), 0, -1):
            if " ".join(cleaned[:n]) in self._keys:
                return n
        return 0


_FIELD = re.compile(r'(?<!\S)(?P<key>[A-Za-z]+):(?:"(?P<quoted>[^"]*)"?|(?P<plain>\S*))')
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_YEAR_RANGE = re.compile(r"^(?P<start>\d{4})?\.\.(?P<end>\d{4})?$")
_LEADING_COMMAND = re.compile(
    r"^\s*(?:please\s+)?(?:show(?:\s+me)?|find(?:\s+me)?|list|give\s+me|get\s+me|search(?:\s+for)?|look\s+for)\b",
    re.IGNORECASE,
)
_FILLERS = frozenset(
    {"paper", "papers", "article", "articles", "publication", "publications", "work", "works"}
)
_NEWEST = frozenset({"latest", "newest", "recent"})
_PUNCT = ".,;:!?()\"'"


# Control characters (tabs, line breaks, NUL, ...) separate words; zero-width and direction marks vanish.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_INVISIBLE = re.compile(r"[\xad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
# Chat markup is never a search word: user/role/channel mentions, @everyone/@here, custom emoji.
_CHAT_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b|<a?:\w+:\d+>")


def _clean(text: str) -> tuple[str, tuple[str, ...]]:
    """Drop control/format characters, collapse spaces, cut to MAX_QUERY_CHARS (noted)."""
    # Control and zero-width characters go first (one C-speed pass), then a pasted novel is cut before
    # each remaining character's Unicode category is looked at.
    text = _CHAT_MARKUP.sub(" ", _INVISIBLE.sub("", _CONTROLS.sub(" ", text)))
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


@dataclass
class _Builder:
    """Mutable collector used while parsing; frozen into a Query at the end."""

    words: list[str]
    authors: list[str]
    categories: list[str]
    year_from: int | None = None
    year_to: int | None = None
    has_code: bool | None = None
    sort: SortOrder = "relevance"

    def set_years(self, start: int | None, end: int | None) -> None:
        if start is not None and end is not None and start > end:
            start, end = end, start
        self.year_from, self.year_to = start, end


def _apply_field(b: _Builder, key: str, value: str) -> bool:
    """Apply one `key:value`; False when `key` is not a field (the text is then kept as free words)."""
    key = key.lower()
    value = value.strip()
    if key in {"author", "au", "by"}:
        if not value:
            raise QueryError(
                "`author:` needs a name (mentions are not names), "
                'e.g. `author:hofmann` or `author:"van der Klis"`.'
            )
        b.authors.append(" ".join(fold(value).replace(".", " ").split()))
    elif key == "year":
        match = _YEAR_RANGE.match(value)
        if match and (match["start"] or match["end"]):
            start = _year(match["start"]) if match["start"] else None
            end = _year(match["end"]) if match["end"] else None
            b.set_years(start, end)
        else:
            year = _year(value)
            b.set_years(year, year)
    elif key in {"cat", "category"}:
        if not value:
            raise QueryError('`cat:` needs a category, e.g. `cat:CV`, `cat:nlp` or `cat:"machine learning"`.')
        b.categories.extend(CATEGORY_ALIASES.get(fold(value), (value.upper(),)))
    elif key == "has":
        if fold(value) != "code":
            raise QueryError(f"`has:` understands only `has:code`, not “has:{value}”.")
        b.has_code = True
    elif key == "sort":
        order = fold(value)
        if order in {"date", "new", "newest", "latest"}:
            b.sort = "date"
        elif order in {"relevance", "best", "score"}:
            b.sort = "relevance"
        else:
            raise QueryError(
                f"`sort:` is `sort:date` (newest first) or `sort:relevance`, not “sort:{value}”."
            )
    else:
        return False
    return True


def _extract_fields(text: str, b: _Builder) -> str:
    """Apply every `key:value` in `text`; return the rest. An unquoted multi-word category name is joined."""
    rest: list[str] = []
    pos = 0
    for match in _FIELD.finditer(text):
        rest.append(text[pos : match.start()])
        pos = match.end()
        value = match["quoted"] if match["quoted"] is not None else match["plain"]
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


def _year_phrase(b: _Builder, words: list[str], i: int) -> int:
    """Recognise a year phrase starting at words[i]; return how many words it used (0 if none)."""
    w = [fold(x).strip(_PUNCT) for x in words[i : i + 4]]
    is_year = [bool(_YEAR.match(x)) for x in w]
    if len(w) >= 4 and is_year[1] and is_year[3] and (w[0], w[2]) in {("between", "and"), ("from", "to")}:
        b.set_years(int(w[1]), int(w[3]))
        return 4
    if len(w) < 2 or not is_year[1]:
        return 0
    year = int(w[1])
    if w[0] in {"in", "from", "during"}:
        b.set_years(year, year)
    elif w[0] == "since":
        b.set_years(year, b.year_to)
    elif w[0] == "after":
        b.set_years(year + 1, b.year_to)
    elif w[0] == "before":
        b.set_years(b.year_from, year - 1)
    elif w[0] in {"until", "till"}:
        b.set_years(b.year_from, year)
    else:
        return 0
    return 2


def _code_phrase(b: _Builder, words: list[str], i: int) -> int:
    """`with code`, `with source code`, `without code` → has_code; return words used."""
    w = [fold(x).strip(_PUNCT) for x in words[i : i + 3]]
    if w[:2] == ["with", "code"] or w[:3] == ["with", "source", "code"]:
        b.has_code = True
        return 2 if w[1] == "code" else 3
    if w[:2] == ["without", "code"]:
        b.has_code = False
        return 2
    return 0


# Field names that are unambiguous in a plain question. Single words ("language", "vision", "learning")
# are left as search words: "language models" is a topic, not the CL category.
_PLAIN_CATEGORY_NAMES = {
    name: codes for name, codes in CATEGORY_ALIASES.items() if " " in name or name == "nlp"
}
_AFTER_FIELD = frozenset({None, "about", "on", "with", "from", "since", "by"})
_LONGEST_CATEGORY_NAME = max(len(name.split()) for name in _PLAIN_CATEGORY_NAMES)


def _filter_phrase_at(words: list[str], i: int) -> bool:
    """Whether a year or code phrase starts at words[i] ("computer vision in 2024", "… with code")."""
    probe = _Builder(words=[], authors=[], categories=[])
    return bool(_year_phrase(probe, words, i) or _code_phrase(probe, words, i))


def _category_phrase(b: _Builder, words: list[str], i: int) -> int:
    """`computer vision papers`, `papers in machine learning` → a category filter; return words used.

    Only when the name is plainly the field: followed by a listing noun or a year/code phrase, or after
    "in" (at the end or before another phrase: "in computer vision about diffusion").
    """
    for n in range(_LONGEST_CATEGORY_NAME, 0, -1):
        name = " ".join(fold(x).strip(_PUNCT) for x in words[i : i + n])
        codes = _PLAIN_CATEGORY_NAMES.get(name)
        if codes is None or len(words[i : i + n]) < n:
            continue
        following = fold(words[i + n]).strip(_PUNCT) if i + n < len(words) else None
        after_in = bool(b.words) and fold(b.words[-1]) == "in" and following in _AFTER_FIELD
        if following in _FILLERS or after_in or _filter_phrase_at(words, i + n):
            if after_in:
                b.words.pop()
            b.categories.extend(codes)
            return n
    return 0


def _plain_phrases(b: _Builder, text: str, authors: AuthorLookup | None) -> None:
    """Understand sort, author, year and code phrases in plain words; keep everything else as free words."""
    words = _LEADING_COMMAND.sub("", text).split()
    i = 0
    while i < len(words):
        word = fold(words[i]).strip(_PUNCT)
        if word in _NEWEST:
            b.sort = "date"
            if b.words and fold(b.words[-1]) == "most":
                b.words.pop()
            i += 1
            continue
        if word == "by" and authors is not None:
            n = authors.match(words[i + 1 :])
            if n:
                b.authors.append(" ".join(fold(x).strip(_PUNCT) for x in words[i + 1 : i + 1 + n]))
                i += 1 + n
                continue
        used = _year_phrase(b, words, i) or _code_phrase(b, words, i) or _category_phrase(b, words, i)
        if used:
            i += used
            continue
        if word not in _FILLERS:
            b.words.append(words[i])
        i += 1


def parse_query(text: str, *, authors: AuthorLookup | None = None) -> Query:
    """Parse what the user typed; `authors` lets "by <name>" become a filter. QueryError on bad input."""
    cleaned, notes = _clean(text)
    if not cleaned:
        raise QueryError(f"Type what you're looking for, {EXAMPLE}.")
    b = _Builder(words=[], authors=[], categories=[])
    rest = _extract_fields(cleaned, b)
    _plain_phrases(b, rest, authors)
    free = " ".join(b.words).strip(" ,;:")
    return Query(
        text=free,
        authors=tuple(dict.fromkeys(b.authors)),
        year_from=b.year_from,
        year_to=b.year_to,
        categories=tuple(sorted(set(b.categories))),
        has_code=b.has_code,
        sort=b.sort,
        notes=notes,
    )


def with_note(query: Query, note: str) -> Query:
    """A copy of `query` with one more note (used by the index to explain empty or narrowed results)."""
    return replace(query, notes=(*query.notes, note))
