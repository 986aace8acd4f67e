"""Authors across the corpus: one person per accent/case-folded name, however the listing spelled it.

The same person appears as "Aurélien Lucchi" in one listing and "Aurelien Lucchi" in another, so names
are keyed by their folded form; the spelling shown is the one with accents (more likely the right one),
else the most frequent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from functools import cached_property

from bot.corpus.model import Paper
from bot.search.analysis import fold

__all__ = ["AuthorDirectory", "name_key", "name_words"]


def name_words(name: str) -> tuple[str, ...]:
    """Folded words of a name, initials' dots removed: 'Benjamin F. Grewe' → ('benjamin', 'f', 'grewe')."""
    return tuple(fold(name).replace(".", " ").replace(",", " ").split())


def name_key(name: str) -> str:
    """The identity of a name: its folded words joined by single spaces."""
    return " ".join(name_words(name))


def _contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """True if `needle` occurs as a contiguous run of words in `haystack`."""
    n = len(needle)
    return n > 0 and any(tuple(haystack[i : i + n]) == tuple(needle) for i in range(len(haystack) - n + 1))


def _spoken_forms(parts: Sequence[str]) -> list[str]:
    """How people refer to someone: every tail of the name, and the first name (with initials dropped)."""
    forms = [" ".join(parts[i:]) for i in range(len(parts))]
    given = [p for p in parts[:-1] if len(p) > 1]
    if given:
        forms.append(given[0])
        forms.append(f"{given[0]} {parts[-1]}")
    return forms


class AuthorDirectory:
    """Who wrote what: display names, per-paper author keys, and name matching."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.paper_keys: list[tuple[str, ...]] = []
        keys_of: dict[str, str] = {}
        """A name as written → its key, folded once per distinct spelling (an author of 200 papers is one
        fold, not 200), and one key string shared by all their papers' `paper_keys`."""
        for paper in papers:
            keys = []
            for name in paper.authors:
                key = keys_of.get(name)
                if key is None:
                    key = keys_of[name] = name_key(name)
                if key:
                    spellings[key][name.strip()] += 1
                    keys.append(key)
            self.paper_keys.append(tuple(dict.fromkeys(keys)))
        self.display: dict[str, str] = {
            key: max(counts, key=lambda s: (sum(not c.isascii() for c in s), counts[s], -len(s)))
            for key, counts in spellings.items()
        }
        self.paper_count: Counter[str] = Counter(k for keys in self.paper_keys for k in keys)
        self._name_keys = frozenset(k for key in self.display for k in _spoken_forms(key.split()))
        self.words = frozenset(w for key in self.display for w in key.split())
        """Every folded word of every name (the vocabulary for correcting a misspelt name)."""

    MAX_NAME_WORDS = 4

    def name_length(self, words: Sequence[str]) -> int:
        """How many leading folded `words` form a known name (longest match), 0 if none.

        A name is a full name, a surname with or without its particles ("klis", "van der klis") or a
        first name ("lorenzo"; one shared by several people names all of them).
        """
        for n in range(min(len(words), self.MAX_NAME_WORDS), 0, -1):
            if " ".join(words[:n]) in self._name_keys:
                return n
        return 0

    def keys_named(self, author_filter: str) -> list[str]:
        """All author keys the folded filter ('hofmann', 'van der klis', 'aurelien lucchi') names, in the
        directory's order: among the names holding the filter's first word, not every name (a million
        papers list about as many people)."""
        words = name_words(author_filter)
        candidates = self._keys_with_word.get(words[0], []) if words else []
        return [key for key in candidates if _contains_run(key.split(), words)]

    def papers_with(self, keys: Collection[str], *, first_only: bool = False) -> set[int]:
        """The numbers of the papers listing any of `keys` (as their first author, with `first_only`)."""
        docs = {doc for key in keys for doc in self._papers_of.get(key, ())}
        if first_only:
            return {doc for doc in docs if self.paper_keys[doc][0] in keys}
        return docs

    @cached_property
    def _keys_with_word(self) -> dict[str, list[str]]:
        """Each folded word of a name → the names holding it, in the directory's order."""
        found: defaultdict[str, list[str]] = defaultdict(list)
        for key in self.display:
            for word in dict.fromkeys(key.split()):
                found[word].append(key)
        return dict(found)

    @cached_property
    def _papers_of(self) -> dict[str, list[int]]:
        """Each person's paper numbers, ascending: an author filter reads these, not every paper's list."""
        found: defaultdict[str, list[int]] = defaultdict(list)
        for doc, keys in enumerate(self.paper_keys):
            for key in keys:
                found[key].append(doc)
        return dict(found)

    def names(self) -> list[str]:
        """Every distinct author, display spelling, sorted accent-insensitively."""
        return sorted(self.display.values(), key=lambda n: (name_key(n), n))

    def suggest(self, prefix: str, limit: int) -> list[str]:
        """Names for autocomplete: full-name prefix first, then a word prefix, then a substring; then by
        number of papers."""
        wanted = name_key(prefix)
        ranked: list[tuple[int, int, str]] = []
        for key in self.display:
            if key.startswith(wanted):
                rank = 0
            elif any(w.startswith(wanted) for w in key.split()) or f" {wanted}" in f" {key}":
                rank = 1
            elif wanted in key:
                rank = 2
            else:
                continue
            ranked.append((rank, -self.paper_count[key], key))
        ranked.sort()
        return [self.display[key] for _, _, key in ranked[: max(limit, 0)]]
