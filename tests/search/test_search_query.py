"""parse_query: the explicit syntax, plain-question phrases, and bad input."""

from __future__ import annotations

import pytest

from bot.errors import QueryError
from bot.search.query import MAX_QUERY_CHARS, AuthorLookup, Query, parse_query

AUTHORS = AuthorLookup(["Thomas Hofmann", "Robert van der Klis", "Aurélien Lucchi"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:hofmann", Query(authors=("hofmann",))),
        ('author:"van der Klis"', Query(authors=("van der klis",))),
        ("au:Lucchi transformers", Query(text="transformers", authors=("lucchi",))),
        ("year:2024", Query(year_from=2024, year_to=2024)),
        ("year:2022..2024", Query(year_from=2022, year_to=2024)),
        ("year:2024..2022", Query(year_from=2022, year_to=2024)),
        ("year:2023..", Query(year_from=2023)),
        ("year:..2022", Query(year_to=2022)),
        ("cat:CV", Query(categories=("CV",))),
        ("cat:cv", Query(categories=("CV",))),
        ('cat:"computer vision"', Query(categories=("CV",))),
        ("cat:computer vision diffusion", Query(text="diffusion", categories=("CV",))),
        ("cat:nlp", Query(categories=("CL",))),
        ("cat:language", Query(categories=("CL",))),
        ("cat:machine learning", Query(categories=("LG", "ML"))),
        ("cat:AI", Query(categories=("AI",))),
        ("has:code", Query(has_code=True)),
        ("sort:date", Query(sort="date")),
        ("sort:relevance", Query(sort="relevance")),
        (
            "state-space models author:hofmann year:2025 cat:LG has:code sort:date",
            Query("state-space models", ("hofmann",), 2025, 2025, ("LG",), True, "date"),
        ),
    ],
)
def test_explicit_syntax(text: str, expected: Query) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latest papers by Hofmann", Query(authors=("hofmann",), sort="date")),
        ("newest papers by aurelien lucchi", Query(authors=("aurelien lucchi",), sort="date")),
        ("most recent work by van der Klis", Query(authors=("van der klis",), sort="date")),
        ("recent diffusion papers", Query(text="diffusion", sort="date")),
        ("show me papers on continual learning", Query(text="on continual learning")),
        ("transformers in 2025", Query(text="transformers", year_from=2025, year_to=2025)),
        ("pruning since 2023", Query(text="pruning", year_from=2023)),
        ("pruning after 2023", Query(text="pruning", year_from=2024)),
        ("pruning before 2024", Query(text="pruning", year_to=2023)),
        ("fusion between 2022 and 2024", Query(text="fusion", year_from=2022, year_to=2024)),
        ("fusion from 2022 to 2024", Query(text="fusion", year_from=2022, year_to=2024)),
        ("diffusion with code", Query(text="diffusion", has_code=True)),
        ("diffusion without code", Query(text="diffusion", has_code=False)),
    ],
)
def test_plain_question_phrases(text: str, expected: Query) -> None:
    assert parse_query(text, authors=AUTHORS) == expected


def test_by_someone_unknown_stays_free_text() -> None:
    assert parse_query("attention by design", authors=AUTHORS) == Query(text="attention by design")
    assert parse_query("latest papers by Hofmann") == Query(text="by Hofmann", sort="date")


def test_words_that_only_look_like_syntax_are_kept_as_text() -> None:
    assert parse_query("ratio 3:1 foo:bar in 3D") == Query(text="ratio 3:1 foo:bar in 3D")


def test_a_query_of_filters_only_is_valid() -> None:
    query = parse_query("author:hofmann sort:date")
    assert query.text == ""
    assert query.has_filters


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x07\u200b"])
def test_empty_query_asks_what_to_look_for(text: str) -> None:
    with pytest.raises(QueryError, match=r"^Type what you're looking for, e\.g\. "):
        parse_query(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year:abc", "`year:` expects a year like 2024 or a range like 2022..2024, not “abc”."),
        ("year:24", "`year:` expects a year like 2024 or a range like 2022..2024, not “24”."),
        ("sort:stars", "`sort:` is `sort:date` (newest first) or `sort:relevance`, not “sort:stars”."),
        ("has:pdf", "`has:` understands only `has:code`, not “has:pdf”."),
        ("author:", '`author:` needs a name, e.g. `author:hofmann` or `author:"van der Klis"`.'),
        ("cat:", '`cat:` needs a category, e.g. `cat:CV`, `cat:nlp` or `cat:"machine learning"`.'),
    ],
)
def test_malformed_filters_explain_the_syntax(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.message == message


def test_control_characters_are_stripped() -> None:
    assert parse_query("sparse\x00 atten\u200btion\r\nmodels").text == "sparse attention models"


def test_a_huge_query_is_cut_with_a_note() -> None:
    query = parse_query("transformers " * 800)  # 10,400 characters
    assert len(query.text) <= MAX_QUERY_CHARS
    assert query.text.startswith("transformers transformers")
    assert query.notes == ("Your query was cut to its first 512 characters.",)


def test_a_huge_query_without_spaces_is_cut_too() -> None:
    query = parse_query("x" * 10_000)
    assert query.text == "x" * MAX_QUERY_CHARS
    assert query.notes == ("Your query was cut to its first 512 characters.",)


@pytest.mark.parametrize(
    ("text", "categories", "free"),
    [
        ("recent computer vision papers with code", ("CV",), ""),
        ("papers in machine learning", ("LG", "ML"), ""),
        ("papers in computer vision about diffusion", ("CV",), "about diffusion"),
        ("nlp papers", ("CL",), ""),
        ("computer vision in 2024", ("CV",), ""),
        ("machine learning with code", ("LG", "ML"), ""),
        ("language models with code", (), "language models"),  # a topic, not the CL category
        ("computer vision", (), "computer vision"),  # no listing noun, no "in": plain words
    ],
)
def test_field_names_in_plain_questions_become_category_filters(
    text: str, categories: tuple[str, ...], free: str
) -> None:
    query = parse_query(text)
    assert query.categories == categories
    assert query.text == free
