"""Typo correction against the corpus's own words and names ("transfomer" → "transformer", "Nocci" → "noci").

`symspellpy` (a kept library: symmetric-delete lookup, Damerau–Levenshtein distance) does the search. A
word is corrected only when all of these hold, so a correct question is never rewritten:

- the corpus does not know it (no index term of the word occurs in any paper, or it is not a name);
- it is not an ordinary English word (symspellpy's bundled 82,765-word frequency list): "pizza" or
  "cooking" stay as typed, so a question the corpus can't answer still finds nothing;
- it has at least four letters, and a corpus word lies within one edit (two for words of eight letters
  or more); among those the nearest, then the most frequent in the corpus, wins.

The lookup tables are built on first use: most questions have no typo. The English word list is not
even made a set until it is asked often: `paperbot ask` checks a handful of words, and finding each in
the file's text takes a fraction of a millisecond where building the set of 82,765 words takes 50.
symspellpy itself is imported only to look a word up (≈ 5 ms of imports, gzip and pickle among them,
that a question without a typo never needs); its word list is found without importing it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cached_property, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symspellpy import SymSpell

__all__ = ["EnglishWords", "Speller", "english_words"]

MIN_LENGTH = 4
DICTIONARY = "frequency_dictionary_en_82_765.txt"
"""symspellpy's English frequency list: one `word count` line per word."""


class EnglishWords:
    """`word in english_words()`: whether `word` is a word of symspellpy's English frequency list, or an
    inflection of one (`_bases`).

    The first `SCANS` questions search the file's text for a line starting with the word; after that the
    words are put in a set, which a long-running bot then asks in constant time. Both say the same.
    """

    SCANS = 64

    def __init__(self, text: str) -> None:
        self._text = "\n" + text
        self._scans = 0
        self._words: frozenset[str] | None = None

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word or any(ch.isspace() for ch in word):
            return False  # a line's first field is never empty and never holds a space
        return self._listed(word) or any(self._listed(base) for base in _bases(word))

    def _listed(self, word: str) -> bool:
        if self._words is None:
            self._scans += 1
            if self._scans <= self.SCANS:
                return f"\n{word} " in self._text
            self._words = frozenset(self._text.split()[0::2])  # `word count` on every line
        return word in self._words


_SUFFIXES = ("ing", "ed", "ers", "er", "es", "s")
"""Endings the list often lacks in American spelling: it has "color" and "colouring" but not "coloring",
"model" and "modelling" but not "modeling"."""


def _bases(word: str) -> list[str]:
    """What `word` may inflect: "coloring" → "color", "colore"; "labeled" → "label", "labele"."""
    bases = []
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_LENGTH - 1:
            stem = word[: -len(suffix)]
            bases += [stem, f"{stem}e"]
    return bases


def _dictionary_text() -> str:
    """The list's text: read next to symspellpy's package when it is installed as files (always, in
    practice: importlib.resources alone costs 15 ms of imports), through importlib.resources otherwise."""
    package = find_spec("symspellpy")
    beside = Path(package.origin).with_name(DICTIONARY) if package and package.origin else None
    if beside is not None and beside.is_file():
        return beside.read_text(encoding="utf-8")
    import importlib.resources

    return (importlib.resources.files("symspellpy") / DICTIONARY).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def english_words() -> EnglishWords:
    """The words of symspellpy's English frequency dictionary (read once, about 2 ms)."""
    return EnglishWords(_dictionary_text())


def _max_distance(word: str) -> int:
    return 2 if len(word) >= 8 else 1


class Speller:
    """Corrects one folded word against a vocabulary of folded words with their frequencies."""

    def __init__(self, counts: Iterable[tuple[str, int]]) -> None:
        self._counts = Counter(dict(counts))

    @cached_property
    def _symspell(self) -> SymSpell:
        from symspellpy import SymSpell

        speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in self._counts.items():
            if len(word) >= MIN_LENGTH - 1:
                speller.create_dictionary_entry(word, count)
        return speller

    def knows(self, word: str) -> bool:
        """Whether the vocabulary has this exact word."""
        return word in self._counts

    def correct(self, word: str, *, named: bool = False) -> str | None:
        """The vocabulary word meant by a misspelt `word`, or None (known, English, short, or no match).

        `named`: the word is known to stand for a name ("by Hoffman", "Hoffman's"), so an English word is
        corrected too, and a word of six letters or more may be two edits away ("hoffman" → "hofmann")."""
        english = word in english_words() and not named
        if len(word) < MIN_LENGTH or not word.isalpha() or word in self._counts or english:
            return None
        from symspellpy import Verbosity

        distance = 2 if named and len(word) >= 6 else _max_distance(word)
        found = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
        if not found:
            return None
        best = min(found, key=lambda s: (s.distance, -s.count, s.term))
        return str(best.term)
