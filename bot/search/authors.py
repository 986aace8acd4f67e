"""Authors across the corpus: one person per accent/case-folded name, however the listing spelled it.

The same person appears as "Aurélien Lucchi" in one listing and "Aurelien Lucchi" in another, so names
are keyed by their folded form; the spelling shown is the one with accents (more likely the right one),
else the most frequent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from bot.corpus.model import Paper
from bot.search.analysis import fold
from bot.search.query import AuthorLookup

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


class AuthorDirectory:
    """Who wrote what: display names, per-paper author keys, and name matching."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.paper_keys: list[tuple[str, ...]] = []
        for paper in papers:
            keys = []
            for name in paper.authors:
                key = name_key(name)
                if key:
                    spellings[key][name.strip()] += 1
                    keys.append(key)
            self.paper_keys.append(tuple(dict.fromkeys(keys)))
        self.display: dict[str, str] = {
            key: max(counts, key=lambda s: (sum(not c.isascii() for c in s), counts[s], -len(s)))
            for key, counts in spellings.items()
        }
        self.paper_count: Counter[str] = Counter(k for keys in self.paper_keys for k in keys)
        self.lookup = AuthorLookup(self.display.values())

    def matches(self, author_filter: str, key: str) -> bool:
        """Does the folded filter ('hofmann', 'van der klis', 'aurelien lucchi') name this author?"""
        return _contains_run(key.split(), name_words(author_filter))

    def paper_matches(self, author_filter: str, doc: int) -> bool:
        """Is any author of paper number `doc` named by the filter?"""
        return any(self.matches(author_filter, key) for key in self.paper_keys[doc])

    def keys_named(self, author_filter: str) -> list[str]:
        """All author keys the filter names."""
        return [key for key in self.display if self.matches(author_filter, key)]

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
