"""BM25Engine: rank-bm25 underneath, with its traps guarded."""

from __future__ import annotations

import pytest

from bot.search.engine import BM25Engine, BM25Settings, Ranking

ONE_FIELD = {"body": 1.0}


def docs(*bodies: str) -> list[dict[str, list[str]]]:
    return [{"body": body.split()} for body in bodies]


def test_empty_corpus_scores_nothing_instead_of_dividing_by_zero() -> None:
    engine = BM25Engine([], BM25Settings(field_weights=ONE_FIELD))
    assert engine.size == 0
    assert engine.top_k(["anything"], 10) == Ranking((), 0)


def test_term_in_half_the_documents_still_scores_above_zero() -> None:
    corpus = docs("sparse attention", "sparse model", "dense model", "dense attention")
    engine = BM25Engine(corpus, BM25Settings(field_weights=ONE_FIELD))
    ranking = engine.top_k(["sparse"], 10)
    assert [doc for doc, _ in ranking.hits] == [0, 1]
    assert all(score > 0 for _, score in ranking.hits)


def test_plain_okapi_loses_such_a_term_which_is_why_it_is_not_the_default() -> None:
    corpus = docs("sparse attention", "sparse model", "dense model", "dense attention")
    engine = BM25Engine(corpus, BM25Settings(field_weights=ONE_FIELD, variant="okapi"))
    assert engine.top_k(["sparse"], 10) == Ranking((), 0)


def test_bm25plus_never_returns_documents_without_a_query_term() -> None:
    corpus = docs("sparse attention", "dense model", "dense attention")
    engine = BM25Engine(corpus, BM25Settings(field_weights=ONE_FIELD, variant="plus"))
    ranking = engine.top_k(["sparse"], 10)
    assert [doc for doc, _ in ranking.hits] == [0]
    assert ranking.total == 1


def test_unknown_terms_match_nothing() -> None:
    engine = BM25Engine(docs("sparse attention", "dense model"), BM25Settings(field_weights=ONE_FIELD))
    assert engine.top_k(["pizza"], 10) == Ranking((), 0)


def test_allowed_restricts_candidates_and_total() -> None:
    engine = BM25Engine(docs("graph a", "graph b", "graph c"), BM25Settings(field_weights=ONE_FIELD))
    ranking = engine.top_k(["graph"], 10, allowed={2, 0})
    assert [doc for doc, _ in ranking.hits] == [0, 2]
    assert ranking.total == 2
    assert engine.top_k(["graph"], 10, allowed=set()) == Ranking((), 0)


def test_ties_are_broken_by_document_number_and_k_cuts_but_total_counts_all() -> None:
    engine = BM25Engine(docs("graph x", "graph y", "graph z"), BM25Settings(field_weights=ONE_FIELD))
    ranking = engine.top_k(["graph"], 2)
    assert [doc for doc, _ in ranking.hits] == [0, 1]
    assert ranking.total == 3
    assert engine.top_k(["graph"], 0) == Ranking((), 3)


def test_a_field_empty_everywhere_is_ignored_rather_than_producing_nan() -> None:
    corpus = [{"body": ["graph"], "authors": []}, {"body": ["tree"], "authors": []}]
    engine = BM25Engine(corpus, BM25Settings(field_weights={"body": 1.0, "authors": 1.0}))
    ranking = engine.top_k(["graph"], 10)
    assert [doc for doc, _ in ranking.hits] == [0]
    assert ranking.hits[0][1] > 0


def test_field_weights_make_a_title_match_count_more() -> None:
    # Same body length and term frequency; only the second document has the term in its title.
    corpus = [
        {"body": ["road", "networks", "graph", "data"], "title": ["road", "networks"]},
        {"body": ["graph", "networks", "for", "roads"], "title": ["graph", "networks"]},
    ]
    engine = BM25Engine(corpus, BM25Settings(field_weights={"body": 1.0, "title": 0.25}))
    assert [doc for doc, _ in engine.top_k(["graph"], 10).hits] == [1, 0]


def test_a_word_repeated_in_the_query_counts_once_per_occurrence() -> None:
    """BM25's query-term frequency: `/similar` sends a whole abstract, whose key words repeat."""

    engine = BM25Engine([{"title": ["alpha", "x"]}, {"title": ["beta", "y"]}, {"title": ["z", "w"]}])
    once = dict(engine.top_k(["alpha", "beta"], 3).hits)
    assert once[0] == pytest.approx(once[1])
    twice = dict(engine.top_k(["alpha", "alpha", "beta"], 3).hits)
    assert twice[0] == pytest.approx(2 * twice[1])
    assert engine.top_k(["alpha", "alpha", "beta"], 1).hits[0][0] == 0
