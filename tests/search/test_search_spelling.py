"""The English word list that keeps ordinary words from being "corrected": read lazily, same answers."""

from __future__ import annotations

import re

import pytest

from bot.search.index import PaperIndex
from bot.search.spelling import EnglishWords, _dictionary_text, english_words

PROBES = ["happens", "distil", "teacher", "the", "transfomer", "noci", "qwertyzz", "Happens", "1", ""]
ODD = ["", " ", "a b", "the\n1", "the 23135851162"]


@pytest.fixture(scope="module")
def listed() -> frozenset[str]:
    """The list's words as the first field of each line — what a set of them would hold."""
    return frozenset(re.findall(r"^(\S+)", _dictionary_text(), re.MULTILINE))


def test_scanning_the_text_and_the_set_built_later_agree_with_the_list(listed: frozenset[str]) -> None:
    words = EnglishWords(_dictionary_text())
    sample = [*sorted(listed)[::5000], *PROBES, *ODD]
    scanned = [w in words for w in sample]
    for _ in range(EnglishWords.SCANS):
        assert "pizza" in words
    from_set = [w in words for w in sample]
    assert scanned == from_set == [w in listed for w in sample]
    assert "happens" in listed  # the sample holds words of both kinds
    assert "qwertyzz" not in listed


def test_the_shared_list_knows_ordinary_words_only() -> None:
    assert {"cooking", "pizza", "teacher"} <= {
        w for w in ("cooking", "pizza", "teacher") if w in english_words()
    }
    assert "transfomer" not in english_words()


@pytest.mark.parametrize("word", ["coloring", "modeling", "labeled"])
def test_american_inflections_of_listed_words_are_ordinary_words(word: str) -> None:
    """The list has "color" and "colouring" but not "coloring": a question about graph coloring must not
    be "corrected" to a corpus word."""
    assert word in english_words()


def test_an_ordinary_word_missing_from_the_corpus_is_not_corrected(lab_index: PaperIndex) -> None:
    question = lab_index.understand("graph coloring algorithms")
    assert question.corrections == ()
    assert "coloring" in question.query.text
