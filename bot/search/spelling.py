"""Typo correction against the corpus's own words and names ("transfomer" → "transformer", "Nocci" → "noci").

`symspellpy` (a kept library: symmetric-delete lookup, Damerau–Levenshtein distance) does the search. A
word is corrected only when all of these hold, so a correct question is never rewritten:

- the corpus does not know it (no index term of the word occurs in any paper, or it is not a name);
- it is not an ordinary English word (symspellpy's bundled 82,765-word frequency list): "pizza" or
  "cooking" stay as typed, so a question the corpus can't answer still finds nothing;
- it has at least four letters, and a corpus word lies within one edit (two for words of eight letters
  or more); among those the nearest, then the most frequent in the corpus, wins.

The lookup tables are built on first use: most questions have no typo.
"""

from __future__ import annotations

import importlib.resources
import re
from collections import Counter
from collections.abc import Iterable
from functools import cached_property, lru_cache

from symspellpy import SymSpell, Verbosity

__all__ = ["Speller", "english_words"]

MIN_LENGTH = 4
_FIRST_WORD = re.compile(r"^(\S+)", re.MULTILINE)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of symspellpy's English frequency dictionary (read once, about 30 ms)."""
    text = (importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(_FIRST_WORD.findall(text))


def _max_distance(word: str) -> int:
    return 2 if len(word) >= 8 else 1


class Speller:
    """Corrects one folded word against a vocabulary of folded words with their frequencies."""

    def __init__(self, counts: Iterable[tuple[str, int]]) -> None:
        self._counts = Counter(dict(counts))

    @cached_property
    def _symspell(self) -> SymSpell:
        speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in self._counts.items():
            if len(word) >= MIN_LENGTH - 1:
                speller.create_dictionary_entry(word, count)
        return speller

    def knows(self, word: str) -> bool:
        """Whether the vocabulary has this exact word."""
        return word in self._counts

    def correct(self, word: str) -> str | None:
        """The vocabulary word meant by a misspelt `word`, or None (known, English, short, or no match)."""
        if len(word) < MIN_LENGTH or not word.isalpha() or word in self._counts or word in english_words():
            return None
        found = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=_max_distance(word))
        if not found:
            return None
        best = min(found, key=lambda s: (s.distance, -s.count, s.term))
        return str(best.term)
