"""Abbreviations the corpus defines, so a question in one form finds the papers written in the other.

An abstract says "Generative Adversarial Networks (GANs)" once and "GAN" thereafter; another says only
"a GAN framework". Someone asking for "generative adversarial network papers" must get both, and
someone asking for "GANs" too. The pairs come from the corpus itself — the Schwartz–Hearst algorithm
(the `abbreviations` package) run over every title and abstract — not from a list of the field's
abbreviations, so a lab's own shorthand ("ANCL", "SD-SSM") works as well as "SSM".

A question whose topic contains one form of a pair gets a *variant* with the other form; the index
matches the question and each variant and takes the union (`PaperIndex.matches`).

Traps, each guarded here:
- the package calls `logging.basicConfig(level=INFO)` when imported, which would give the whole process
  a second root handler (every log line twice) → it is imported once, lazily, and any root handler or
  level it added is taken back (`_schwartz_hearst`);
- it returns the forms as written ("GANs", "State-space models", "SSMs") → both sides are compared as
  index terms (`analyze`), which folds case, plurals and hyphens;
- one short form may be defined by several papers, differently ("CL" as continual or contrastive
  learning) → every definition is kept, each a variant of its own;
- a "definition" the algorithm accepts may analyse to nothing or to the short form itself → dropped;
- running it over a million abstracts would take minutes (≈ 0.13 ms each) → the index finds pairs
  lazily, on the first question, and only for corpora it also searches by meaning (`MAX_PAPERS`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import NamedTuple

from bot.search.analysis import Word, analyze_words

__all__ = ["Abbreviations"]


@functools.cache
def _schwartz_hearst() -> ModuleType:
    """The package's module, imported without letting it configure the process's logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from abbreviations import schwartz_hearst  # type: ignore[import-untyped]

    module: ModuleType = schwartz_hearst

    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    module.log.setLevel(logging.WARNING)  # it logs every omitted candidate
    return module


Form = tuple[str, ...]
"""A form as the index sees it: its words' stemmed parts ("State-space models" → ("state", "space",
"model")), so hyphens and plurals do not matter."""


class _Pair(NamedTuple):
    short: Form
    long: Form
    short_text: str
    long_text: str


def _form(text: str) -> Form:
    return tuple(part for w in analyze_words(text) for part in w.parts)


def _pair(short: str, long: str) -> _Pair | None:
    short_form, long_form = _form(short), _form(long)
    if not short_form or not long_form or short_form == long_form:
        return None
    return _Pair(short_form, long_form, short, long)


def _find(words: Sequence[Word], form: Form) -> tuple[int, int] | None:
    """The question's words (first, end) that spell `form` exactly, or None."""
    for first in range(len(words)):
        parts: tuple[str, ...] = ()
        for end in range(first, len(words)):
            parts += words[end].parts
            if parts == form:
                return first, end + 1
            if len(parts) >= len(form):
                break
    return None


class Abbreviations:
    """The short-form ↔ long-form pairs a corpus defines, and the variants of a question's topic."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        """`pairs`: (short form, long form) as written, e.g. ("GANs", "Generative Adversarial Networks")."""
        unique = {(p.short, p.long): p for s, lf in pairs if (p := _pair(s, lf)) is not None}
        self._pairs = tuple(unique[k] for k in sorted(unique))

    @classmethod
    def defined_in(cls, texts: Iterable[str]) -> Abbreviations:
        """Every pair the texts define (each text on its own, as an abstract is)."""
        extract = _schwartz_hearst().extract_abbreviation_definition_pairs
        pairs: list[tuple[str, str]] = []
        for text in texts:
            found = extract(doc_text=text, most_common_definition=True)
            pairs += [(str(short), str(long)) for short, long in found.items()]
        return cls(pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def variants(self, words: Sequence[Word]) -> list[str]:
        """The topic written with each defined pair swapped to its other form, one pair at a time:
        "generative adversarial network" → ["GANs"]; "ssm expressivity" → ["state-space models
        expressivity"]."""
        out: list[str] = []
        texts = [w.text for w in words]
        for pair in self._pairs:
            for found, other in ((pair.long, pair.short_text), (pair.short, pair.long_text)):
                span = _find(words, found)
                if span is not None:
                    variant = " ".join([*texts[: span[0]], other, *texts[span[1] :]])
                    if variant not in out:
                        out.append(variant)
        return out
