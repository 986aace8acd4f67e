"""The question reader's cued patterns (`_Cued`): every match contains one of the pattern's cues.

`_Cued.search` answers "no match" without compiling when the text holds no cue, so a cue list that missed
one of its pattern's alternatives would silently stop that alternative from ever matching. This proves
the cue lists complete from each pattern's parse (`re._parser`, the parser `re.compile` itself uses): a
cue is found in a stretch of the pattern that every match must spell out letter by letter.
"""

from __future__ import annotations

import itertools
import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

import pytest

from bot.search import understanding
from bot.search.analysis import fold
from bot.search.understanding import _ELSEWHERE, _FACETS, _INTENTS, _SMALL_TALK, _SPELLED_OUT, _Cued

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_MAX_SPELLINGS = 512


def _spellings(op: Any, av: Any) -> set[str] | None:
    """Every string this one parsed item can match, when they are few; None otherwise."""
    if op is sre.LITERAL:
        return {chr(av)}
    if op in _ZERO_WIDTH:
        return {""}
    if op is sre.SUBPATTERN:
        return _sequence_spellings(av[3])
    if op is sre.BRANCH:
        alternatives = [_sequence_spellings(alt) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        return set().union(*alternatives)  # type: ignore[arg-type]
    if op in _REPEATS and av[1] <= 1:  # x? (or x{1}): nothing, or x
        inner = _sequence_spellings(av[2])
        return None if inner is None else inner | ({""} if av[0] == 0 else set())
    return None


def _sequence_spellings(items: Any) -> set[str] | None:
    spelled = {""}
    for op, av in items:
        item = _spellings(op, av)
        if item is None:
            return None
        spelled = {a + b for a, b in itertools.product(spelled, item)}
        if len(spelled) > _MAX_SPELLINGS:
            return None
    return spelled


def _covers(items: Any, cues: tuple[str, ...], *, ignore_case: bool = False) -> bool:
    """Whether every match of the parsed sequence `items` contains one of `cues` (one of the lower-case
    `cues` once folded, for a pattern that ignores case)."""

    def spelled_with_cue(stretch: set[str]) -> bool:
        return all(any(cue in (s.lower() if ignore_case else s) for cue in cues) for s in stretch)

    stretch = {""}  # the strings the items since the last unspellable one can match, run together
    for op, av in items:
        item = _spellings(op, av)
        if item is not None:
            stretch = {a + b for a, b in itertools.product(stretch, item)}
            if len(stretch) <= _MAX_SPELLINGS:
                continue
        if spelled_with_cue(stretch):
            return True
        stretch = {""}
        if op is sre.SUBPATTERN and _covers(av[3], cues, ignore_case=ignore_case):
            return True
        if op is sre.BRANCH and all(_covers(alt, cues, ignore_case=ignore_case) for alt in av[1]):
            return True
        if op in _REPEATS and av[0] >= 1 and _covers(av[2], cues, ignore_case=ignore_case):
            return True
    return spelled_with_cue(stretch)


def _cued_patterns() -> list[tuple[str, _Cued]]:
    """Every cued pattern of the reader: the module's own, and those in its tables."""
    return (
        [(name, value) for name, value in vars(understanding).items() if isinstance(value, _Cued)]
        + [(f"intent {name}", cued) for name, cued in _INTENTS]
        + [(f"facet {name}", cued) for name, cued in _FACETS]
        + [(f"spelled out {cued.source[:30]}", cued) for cued, _ in _SPELLED_OUT]
        + [(f"chat {cued.source[:30]}", cued) for cued, _ in (*_SMALL_TALK, *_ELSEWHERE)]
    )


@pytest.mark.parametrize(("name", "cued"), _cued_patterns(), ids=[name for name, _ in _cued_patterns()])
def test_every_match_holds_a_cue(name: str, cued: _Cued) -> None:
    ignore_case = bool(cued.pattern.flags & re.IGNORECASE)
    assert cued.cues, name
    assert not ignore_case or all(cue == fold(cue) for cue in cued.cues), f"{name}: cues are folded"
    parsed = _parser.parse(cued.source, cued.flags)
    top = [item for item in parsed if item[0] is not sre.AT]
    alternatives = top[0][1][1] if len(top) == 1 and top[0][0] is sre.BRANCH else [parsed]
    missed = [str(alt) for alt in alternatives if not _covers(alt, cued.cues, ignore_case=ignore_case)]
    assert not missed, f"{name}: alternatives holding none of its cues: {missed}"


@pytest.mark.parametrize(
    ("pattern", "cues", "covered"),
    [
        (r"\bwho\b|\bwhom\b", ("who",), True),
        (r"\bwho\b|\bwhom\b", ("whom",), False),
        (r"\bh(?:o)?w many\b", ("how many", "hw many"), True),
        (r"\bh(?:o)?w many\b", ("how many",), False),
        (r"\b(?:which|what) of (?:us|you)\b", ("of us", "of you"), True),
        (r"\bgo-?to\b", ("goto",), False),
        (r"(?:[\w-]+ ){1,3}expert", ("expert",), True),
        (r"\bexperts?\b(?=.*\bon\b)", ("on",), False),
    ],
)
def test_the_proof_finds_a_missing_cue(pattern: str, cues: tuple[str, ...], covered: bool) -> None:
    assert _covers(_parser.parse(pattern), cues) is covered


def test_fold_keeps_every_letter_a_pattern_ignoring_case_matches() -> None:
    """What makes folded cues enough: any character `re` matches for an ASCII letter when ignoring case
    (`K` and `ſ` too) is that letter once folded. Non-letters in cues (space, digits, '-', '+') match only
    themselves, and `fold` keeps them."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        if not 0xD800 <= code < 0xE000 and letter.fullmatch(char):
            assert [a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, char, re.IGNORECASE)] == [
                fold(char)
            ], f"U+{code:04X}"
    assert fold(" 0123456789-+") == " 0123456789-+"


def test_a_cued_pattern_searches_as_re_does() -> None:
    cued = _Cued(("who",), r"\bwho\b.*\bwrote\b")
    assert cued.search("papers on diffusion") is None
    found = cued.search("so who wrote it")
    assert found is not None
    assert found.span() == re.search(cued.source, "so who wrote it").span()  # type: ignore[union-attr]
    folding = _Cued(("this past",), r"\bthis past\b", re.IGNORECASE)
    assert folding.sub(lambda m: "last", "papers from THİS PAST may") == "papers from last may"
    assert folding.sub(lambda m: "last", "papers from this may") == "papers from this may"
