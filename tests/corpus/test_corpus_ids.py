"""Stable ids, title normalisation and merging of duplicate records."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.corpus.ids import dedup_papers, normalize_title, slugify
from bot.corpus.model import Paper
from bot.corpus.records import ParsedRecord
from bot.errors import Problem


def rec(paper_id: str, title: str, *, own: bool = False, **fields: Any) -> ParsedRecord:
    """A parsed record for dedup tests."""
    return ParsedRecord(Paper(id=paper_id, title=title, **fields), has_own_id=own)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Random Teachers are Good Teachers", "random-teachers-are-good-teachers"),
        ("A Language Model's Guide Through Latent Space", "a-language-model-s-guide-through-latent-space"),
        ("Ünïcödé Straße: Æther", "unicode-strasse-aether"),
        (
            "The Shaped Transformer: Attention Models in the Infinite Depth-and-Width Limit",
            "the-shaped-transformer-attention-models-in-the-infinite",
        ),
        ("深度学习", "paper-c9fd9db39e"),  # sha1 of the title: stable across runs and machines
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugs_stay_within_sixty_characters_and_cut_at_words() -> None:
    slug = slugify("On the Expressiveness and Length Generalization of Selective State-Space Models")
    assert slug == "on-the-expressiveness-and-length-generalization-of-selective"
    assert len(slug) <= 60


def test_different_non_latin_titles_get_different_slugs() -> None:
    assert slugify("深度学习") != slugify("机器学习")


def test_normalized_titles_ignore_case_accents_and_punctuation() -> None:
    assert normalize_title("Generalization Through The Lens Of Leave-One-Out Error") == normalize_title(
        "generalization through the lens of leave one out error."
    )
    assert normalize_title("Aurélien’s Notes") == normalize_title("AURELIEN'S notes")


def test_an_ascii_title_has_the_key_its_accented_spelling_has() -> None:
    # ASCII titles take a shortcut; a combining accent (dropped by the full folding) sends the same text
    # down the full path: every printable ASCII character must come out the same both ways.
    every_ascii = "".join(map(chr, range(32, 127)))
    for title in (every_ascii, "Attention Is All You Need", "GPT-4: a_b (2023)!", "  ẞ? no: Strasse  "):
        if title.isascii():
            assert normalize_title(title) == normalize_title(f"{title} \u0301")
    assert normalize_title("Cafe Society") == normalize_title("Café Society") == "cafe society"


@pytest.mark.parametrize("first", ["Café Society: A Study", "CAFE SOCIETY - a study"])
def test_ascii_and_accented_spellings_of_a_title_merge_whichever_comes_first(first: str) -> None:
    other = "CAFE SOCIETY - a study" if first.startswith("Café") else "Café Society: A Study"
    papers, problems = dedup_papers([rec("one", first), rec("two", other), rec("three", "Cafe Societies")])
    assert [p.id for p in papers] == ["one", "three"]
    assert problems == ()


def test_same_title_merges_keeping_first_id_and_filling_gaps() -> None:
    listing = rec(
        "random-teachers-are-good-teachers",
        "Random Teachers are Good Teachers",
        authors=("Felix Sarnthein", "Gregor Bachmann"),
        authors_truncated=True,
        categories=("LG",),
        links=("https://github.com/safelix/dinopl",),
    )
    bibtex = rec(
        "sarnthein2023random",
        "Random teachers are good teachers.",
        own=True,
        authors=("Felix Sarnthein", "Gregor Bachmann", "Sotiris Anagnostidis", "Thomas Hofmann"),
        published=date(2023, 2, 1),
        categories=("cs.LG", "LG"),
        abstract="The abstract.",
        links=("https://arxiv.org/abs/2302.12091",),
    )
    papers, problems = dedup_papers([listing, bibtex])
    assert problems == ()
    [paper] = papers
    assert paper.id == "random-teachers-are-good-teachers"
    assert paper.title == "Random Teachers are Good Teachers"
    assert paper.authors == ("Felix Sarnthein", "Gregor Bachmann", "Sotiris Anagnostidis", "Thomas Hofmann")
    assert not paper.authors_truncated
    assert (paper.published, paper.abstract) == (date(2023, 2, 1), "The abstract.")
    assert paper.categories == ("LG", "cs.LG")
    assert paper.links == ("https://github.com/safelix/dinopl", "https://arxiv.org/abs/2302.12091")


def test_same_arxiv_id_merges_even_when_titles_differ() -> None:
    v1 = rec("a", "Old Title", own=True, links=("https://arxiv.org/abs/2302.12091v1",))
    v2 = rec("b", "New Title", own=True, links=("http://arxiv.org/pdf/2302.12091v3",), has_code=True)
    papers, _ = dedup_papers([v1, v2])
    assert [(p.id, p.title, p.has_code) for p in papers] == [("a", "Old Title", True)]


def test_generic_titles_with_own_ids_and_different_texts_stay_apart() -> None:
    records = [
        rec("101", "Summary", own=True, abstract="About cells."),
        rec("102", "Summary", own=True, abstract="About mice."),
    ]
    papers, problems = dedup_papers(records)
    assert [p.id for p in papers] == ["101", "102"]
    assert problems == ()


@pytest.mark.parametrize(
    ("last", "merged_into"),
    [
        (rec("103", "Summary", own=True, abstract="About fish."), None),  # a third document
        (rec("103", "Summary", own=True, abstract="  About mice. "), "102"),  # the second one again
        (rec("103", "Summary", own=True), "101"),  # no text to tell them apart: the first
        (rec("summary", "Summary", abstract="About fish."), "101"),  # no id of its own: the first
        (rec("102", "Summary", own=True, abstract="About fish."), "102"),  # its id says which one
    ],
)
def test_a_record_with_a_shared_title_merges_into_the_right_paper(
    last: ParsedRecord, merged_into: str | None
) -> None:
    records = [
        rec("101", "Summary", own=True, abstract="About cells."),
        rec("102", "Summary", own=True, abstract="About mice."),
        last,
    ]
    papers, _ = dedup_papers(records)
    expected = ["101", "102"] if merged_into else ["101", "102", "103"]
    assert [p.id for p in papers] == expected


def test_colliding_slugs_of_different_papers_get_numeric_suffixes() -> None:
    long_prefix = "Towards a Theory of Everything in Deep Learning with Many Many Words"
    records = [
        rec(slugify(long_prefix + " Part One"), long_prefix + " Part One"),
        rec(slugify(long_prefix + " Part Two"), long_prefix + " Part Two"),
        rec(slugify(long_prefix + " Part Three"), long_prefix + " Part Three"),
    ]
    papers, problems = dedup_papers(records)
    base = "towards-a-theory-of-everything-in-deep-learning-with-many"
    assert [p.id for p in papers] == [base, base + "-2", base + "-3"]
    assert problems == ()


def test_an_own_id_already_taken_by_another_paper_is_renamed_and_reported() -> None:
    records = [
        rec("x1", "First Paper", own=True, source="a.jsonl:1"),
        rec("x1", "Other Paper", own=True, source="b.jsonl:4"),
    ]
    papers, problems = dedup_papers(records)
    assert [p.id for p in papers] == ["x1", "x1-2"]
    assert problems == (
        Problem(
            "b.jsonl",
            4,
            "id “x1” already belongs to a different paper; this one (“Other Paper”) is loaded as “x1-2”. "
            "Give one of them a different id.",
        ),
    )
