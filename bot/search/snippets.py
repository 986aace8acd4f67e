"""Snippets: the sentence(s) of an abstract that best match a query, trimmed for a chat message.

Sentences are split where a sentence really ends — not after "e.g.", "i.e.", "et al.", "Fig.", an
initial, or inside a decimal such as 95.3 — and scored by the weighted query terms they contain (the
same `analyze` as the index, so "modelling" in a query lights up "modeling" in the text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from functools import cache
from typing import NamedTuple

from bot.search.analysis import analyze

__all__ = [
    "MAX_SNIPPET_CHARS",
    "Sentence",
    "analyze_sentences",
    "best_sentences",
    "make_snippet",
    "split_sentences",
    "trim_around",
]

MAX_SNIPPET_CHARS = 300

# A boundary: end punctuation, optional closing quote/bracket, whitespace, then a sentence-like start.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "e.g", "i.e", "al", "fig", "figs", "eq", "eqs", "vs", "cf", "approx", "resp", "sec", "nos", "dr",
        "prof", "mr", "ms", "st", "ref", "refs", "viz", "ca", "incl", "esp", "tab",
    }
)  # fmt: skip
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.[\"'”’)\]]*$")


@cache
def _word() -> re.Pattern[str]:
    """A word, compounds whole: compiled at the first sentence too long to show whole (its dash class is
    ~1.4 M instructions to compile, and most answers quote none)."""
    return re.compile(r"[^\W_]+(?:[-‐‑–][^\W_]+)*")


Weight = Callable[[str], float]


class Sentence(NamedTuple):
    """One sentence of an abstract, its position, and its index terms."""

    text: str
    position: int
    terms: frozenset[str]


def _ends_with_abbreviation(chunk: str) -> bool:
    match = _LAST_WORD.search(chunk)
    if not match:
        return False
    word = match.group(1).lower()
    # A single capital letter before the period is an initial ("B. Grewe"), not a sentence end.
    return word in _ABBREVIATIONS or (len(word) == 1 and chunk[match.start(1)].isupper())


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations, initials and decimals inside their sentence."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        # The boundary regex starts after the punctuation; closing quotes belong to the sentence.
        chunk = text[start : boundary.end()].rstrip()
        if _ends_with_abbreviation(chunk):
            continue
        sentences.append(chunk)
        start = boundary.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def analyze_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of `text` with their index terms (done once per paper and cached by the index)."""
    return tuple(Sentence(s, i, frozenset(analyze(s))) for i, s in enumerate(split_sentences(text)))


def _score(sentence: Sentence, query: Collection[str], weight: Weight) -> float:
    return sum(weight(t) for t in sentence.terms.intersection(query))


def best_sentences(
    sentences: Sequence[Sentence], query: Collection[str], weight: Weight, limit: int = 1
) -> list[Sentence]:
    """Up to `limit` sentences containing query terms, best first (weighted overlap; earlier wins ties)."""
    scored = [(_score(s, query, weight), s) for s in sentences]
    ranked = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1].position))
    return [s for _, s in ranked[:limit]]


def trim_around(text: str, query: Collection[str], max_chars: int = MAX_SNIPPET_CHARS) -> str:
    """Cut `text` to `max_chars` at word boundaries, keeping the first query word in view; '…' marks cuts."""
    if len(text) <= max_chars:
        return text
    first = next(
        (m.start() for m in _word().finditer(text) if query and set(analyze(m.group(0))) & set(query)), 0
    )
    start = 0
    if first > max_chars // 3:
        # Show a little context before the match, starting on a word.
        start = text.rfind(" ", 0, first - 40) + 1 if first > 40 else 0
    budget = max_chars - (1 if start else 0) - 1
    end = start + budget
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = text[start:end].rstrip(" ,;:")
    return ("…" if start else "") + body + ("…" if end < len(text) else "")


def _lead(sentences: Sequence[Sentence], max_chars: int) -> str:
    """The opening of the abstract: used when there is no query (listings) or no sentence matches."""
    text = ""
    for s in sentences:
        candidate = f"{text} {s.text}".strip()
        if text and len(candidate) > max_chars:
            break
        text = candidate
    return trim_around(text, (), max_chars)


def make_snippet(
    sentences: Sequence[Sentence],
    query: Collection[str],
    weight: Weight = lambda _term: 1.0,
    max_chars: int = MAX_SNIPPET_CHARS,
) -> str:
    """The best-matching sentence, plus the next best that fits beside it, in abstract order (≤ max_chars)."""
    if not sentences:
        return ""
    ranked = best_sentences(sentences, query, weight, limit=len(sentences))
    if not ranked:
        return _lead(sentences, max_chars)
    chosen = ranked[:1]
    # Add the best other matching sentence that still fits alongside.
    room = max_chars - len(chosen[0].text) - 3
    extra = next((s for s in ranked[1:] if len(s.text) <= room), None)
    if extra is not None:
        chosen = sorted([chosen[0], extra], key=lambda s: s.position)
    joiner = " " if len(chosen) == 2 and chosen[1].position == chosen[0].position + 1 else " … "
    return trim_around(joiner.join(s.text for s in chosen), query, max_chars)
