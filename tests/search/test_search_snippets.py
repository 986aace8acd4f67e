"""Snippets: sentence splitting and choosing the sentences that answer the query."""

from __future__ import annotations

import pytest

from bot.search.analysis import analyze
from bot.search.snippets import (
    MAX_SNIPPET_CHARS,
    analyze_sentences,
    make_snippet,
    split_sentences,
    trim_around,
)


def test_sentences_do_not_break_at_abbreviations_initials_or_decimals() -> None:
    text = (
        "We study LLMs, e.g. GPT-4, as in Smith et al. Their work. Accuracy rose to 95.3% on ImageNet. "
        'Joint work with B. Grewe (see Fig. 2). "Quoted end." Does it work? Yes!'
    )
    assert split_sentences(text) == [
        "We study LLMs, e.g. GPT-4, as in Smith et al. Their work.",
        "Accuracy rose to 95.3% on ImageNet.",
        "Joint work with B. Grewe (see Fig. 2).",
        '"Quoted end."',
        "Does it work?",
        "Yes!",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_no_text_no_sentences(text: str) -> None:
    assert split_sentences(text) == []
    assert make_snippet(analyze_sentences(text), {"x"}) == ""


ABSTRACT = (
    "Deep networks are widely used. "
    "We show that sparse attention mitigates the curse of depth. "
    "Experiments use three datasets. "
    "Sparsity also helps at scale."
)


def test_snippet_is_the_best_matching_sentence_plus_the_next_best() -> None:
    sentences = analyze_sentences(ABSTRACT)
    assert make_snippet(sentences, set(analyze("curse of depth sparsity"))) == (
        "We show that sparse attention mitigates the curse of depth. … Sparsity also helps at scale."
    )


def test_adjacent_sentences_are_joined_without_an_ellipsis() -> None:
    sentences = analyze_sentences(ABSTRACT)
    assert make_snippet(sentences, set(analyze("networks curse"))) == (
        "Deep networks are widely used. We show that sparse attention mitigates the curse of depth."
    )


def test_without_a_matching_sentence_the_snippet_is_the_opening() -> None:
    sentences = analyze_sentences(ABSTRACT)
    assert make_snippet(sentences, set(analyze("pizza")), max_chars=70) == "Deep networks are widely used."


def test_long_snippet_is_trimmed_around_the_match_with_ellipses() -> None:
    long_sentence = "Background " * 40 + "we find that teachers matter " + "and more " * 40 + "."
    snippet = make_snippet(analyze_sentences(long_sentence), set(analyze("teachers")))
    assert len(snippet) <= MAX_SNIPPET_CHARS
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "teachers" in snippet


def test_trim_keeps_short_text_untouched() -> None:
    assert trim_around("Short text.", {"text"}) == "Short text."
    assert trim_around("one two three four five", (), 12) == "one two…"
