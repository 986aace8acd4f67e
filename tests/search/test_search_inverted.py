"""The large-corpus engine ranks exactly as the reference (rank-bm25) on the bundled corpus.

"Exactly" is checked as equal `Ranking`s: the same papers in the same order, the same scores, the same
number of matches — for the question sets' questions, every title and author list, and every abstract
sent whole as a query (what `/similar` does, key words repeated), with and without a filter.
"""

from __future__ import annotations

import random
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from bot.corpus.loader import load_corpus
from bot.search import inverted, rescore
from bot.search import terms as terms_module
from bot.search.analysis import analyze
from bot.search.engine import BM25Engine, BM25Settings, Ranking
from bot.search.index import PaperIndex
from bot.search.inverted import InvertedEngine
from bot.search.query import Query
from bot.search.terms import AnalysedTerms, TermsBuilder, analyse_papers, paper_fields

from .conftest import TODAY

real_top_k = rescore.top_k
QUESTIONS = Path(__file__).resolve().parent.parent / "questions"


def question_texts() -> list[str]:
    texts = []
    for path in sorted(QUESTIONS.glob("questions*.toml")):
        texts += [q["text"] for q in tomllib.loads(path.read_text(encoding="utf-8"))["question"]]
    return texts


@pytest.fixture(scope="module")
def seeds() -> AnalysedTerms:
    return analyse_papers(load_corpus(today=TODAY, strict=True).papers)


@pytest.fixture(scope="module")
def queries() -> list[list[str]]:
    papers = load_corpus(today=TODAY, strict=True).papers
    texts = [*question_texts(), *(p.title for p in papers), *(" ".join(p.authors) for p in papers)]
    texts += [f"{p.title}. {p.abstract}" for p in papers]  # long, with repeated words
    found = [analyze(text) for text in texts]
    assert sum(len(q) != len(set(q)) for q in found) >= 50  # repeated query words are really exercised
    return [q for q in found if q]


@pytest.mark.parametrize("variant", ["okapi-lucene-idf", "okapi"])
def test_same_rankings_as_rank_bm25_on_the_seed_corpus(
    seeds: AnalysedTerms, queries: list[list[str]], variant: str
) -> None:
    settings = BM25Settings(variant=variant)  # type: ignore[arg-type]
    reference = BM25Engine(seeds.fielded_docs(), settings)
    engine = InvertedEngine.build(seeds, settings)
    odd_papers = set(range(1, seeds.size, 2))
    for terms in queries:
        for k, allowed in ((10, None), (seeds.size, None), (10, odd_papers), (3, {0, 7, 9})):
            assert engine.top_k(terms, k, allowed) == reference.top_k(terms, k, allowed), terms
        for allowed in (None, odd_papers):  # every match at once, as arrays (what search's counts use)
            papers, scores = engine.ranked(terms, allowed)
            everything = reference.top_k(terms, seeds.size, allowed).hits
            assert list(zip(papers.tolist(), scores.tolist(), strict=True)) == list(everything)


def test_search_answers_are_the_same_with_either_engine() -> None:
    papers = load_corpus(today=TODAY, strict=True).papers
    reference = PaperIndex.build(papers, engine="rank-bm25")
    inverted = PaperIndex.build(papers, engine="inverted")
    assert inverted.engine_name == "inverted"
    for text in question_texts():
        for query in (text, Query(text=text)):
            assert inverted.search(query) == reference.search(query)  # hits, scores, snippets, totals
    for paper in papers[:10]:
        assert inverted.similar(paper.id) == reference.similar(paper.id)


def docs(*texts: str) -> AnalysedTerms:
    builder = TermsBuilder()
    for text in texts:
        builder.add({"body": text.split(), "title": text.split()[:1]}, text.split())
    return builder.finish()


def test_no_papers_no_matches() -> None:
    engine = InvertedEngine.build(docs())
    assert engine.size == 0
    assert engine.top_k(["anything"], 10) == Ranking((), 0)


def test_unknown_words_and_empty_filters_match_nothing() -> None:
    engine = InvertedEngine.build(docs("sparse attention", "dense model"))
    assert engine.top_k(["pizza"], 10) == Ranking((), 0)
    assert engine.top_k(["sparse"], 10, allowed=set()) == Ranking((), 0)
    assert engine.top_k(["sparse"], 10, allowed={1, 99, -3}) == Ranking((), 0)


def test_ties_go_by_paper_number_and_the_total_counts_every_match() -> None:
    engine = InvertedEngine.build(docs("graph x", "graph y", "graph z"))
    assert [d for d, _ in engine.top_k(["graph"], 2).hits] == [0, 1]
    assert engine.top_k(["graph"], 2).total == 3
    assert engine.top_k(["graph"], 0) == Ranking((), 3)


def test_a_field_nobody_has_is_skipped_like_rank_bm25() -> None:
    terms = docs("graph x", "graph y")  # no authors at all: rank-bm25 would give NaN, BM25Engine skips it
    assert InvertedEngine.build(terms).top_k(["graph"], 5) == BM25Engine(terms.fielded_docs()).top_k(
        ["graph"], 5
    )


def test_bm25_plus_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="BM25Plus"):
        InvertedEngine.build(docs("graph"), BM25Settings(variant="plus"))


def test_auto_keeps_rank_bm25_for_small_corpora() -> None:
    papers = load_corpus(today=TODAY, strict=True).papers
    assert PaperIndex.build(papers).engine_name == "rank-bm25"


def test_indexing_word_by_word_gives_the_same_terms_as_analysing_each_paper() -> None:
    papers = load_corpus(today=TODAY, strict=True).papers
    slow = TermsBuilder()
    for paper in papers:
        slow.add(*paper_fields(paper))
    fast, expected = analyse_papers(papers), slow.finish()
    for doc in range(len(papers)):
        for name in expected.fields:
            want = [expected.vocabulary[i] for i in expected.fields[name].of(doc)]
            assert [fast.vocabulary[i] for i in fast.fields[name].of(doc)] == want
    assert fast.words == expected.words


def test_same_rankings_when_only_a_sample_of_scores_sets_the_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large corpora find the top k among papers above a floor taken from every n-th score; with a
    tiny sample the floor is loose or missing, and the answer must not change (ties included)."""
    rng = random.Random(3)
    words = [f"w{n}" for n in range(60)]
    texts = [" ".join(rng.choices(words, k=rng.randint(1, 6))) for _ in range(3000)]
    terms = docs(*texts, *texts[:500])  # duplicates: exact ties broken by paper number
    reference, engine = BM25Engine(terms.fielded_docs()), InvertedEngine.build(terms)
    for sample in (4, 64, 1 << 14):
        monkeypatch.setattr(inverted, "_SAMPLE", sample)
        for query in (["w1"], ["w2", "w3"], ["w4", "w4", "w59"], words[:30]):
            for k, allowed in ((10, None), (3, set(range(0, 3500, 3))), (1000, None)):
                assert engine.top_k(query, k, allowed) == reference.top_k(query, k, allowed)


def test_concurrent_queries_on_all_cores_rank_as_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches run in a thread pool; the summing loop runs on all cores for one query at a time, and
    any query finding it busy sums on its own thread. Either way the answers are the same."""
    monkeypatch.setattr(inverted, "_PARALLEL_FROM", 1)  # every query takes the parallel loop if free
    rng = random.Random(5)
    words = [f"w{n}" for n in range(40)]
    terms = docs(*(" ".join(rng.choices(words, k=rng.randint(1, 8))) for _ in range(4000)))
    engine = InvertedEngine.build(terms)
    queries = [rng.choices(words, k=rng.randint(1, 30)) for _ in range(120)]
    alone = [engine.top_k(q, 10) for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda q: engine.top_k(q, 10), queries))
    assert together == alone
    reference = BM25Engine(terms.fielded_docs())
    assert alone[:20] == [reference.top_k(q, 10) for q in queries[:20]]


@pytest.mark.parametrize("batch", [1, 7, rescore.BATCH])
def test_summing_each_distinct_term_once_then_rescoring_ranks_exactly(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Long queries sum each distinct term once (approximately) and rescore the best exactly; the
    Ranking must be the one of summing every occurrence — ties, repeated words, filters, k beyond the
    matches, and a selection cut raised early and often (small batches) included."""
    monkeypatch.setattr(rescore, "BATCH", batch)
    rng = random.Random(7)
    words = [f"w{n}" for n in range(50)]
    zipf = [1 / (n + 1) for n in range(50)]
    texts = [" ".join(rng.choices(words, zipf, k=rng.randint(1, 12))) for _ in range(2500)]
    terms = docs(*texts, *texts[:400])  # duplicates: exact ties broken by paper number
    engine = InvertedEngine.build(terms)
    queries = [rng.choices(words, zipf, k=rng.randint(1, 80)) for _ in range(30)] + [["w49", "w48"]]
    calls = []
    monkeypatch.setattr(rescore, "top_k", lambda *args: calls.append(1) or real_top_k(*args))
    filters = (None, set(range(0, 2900, 3)), {5, 17, 2600}, set(range(2500, 2900)))
    for query in queries:
        for k in (1, 10, inverted.RESCORE_MAX_K):
            for allowed in filters:
                rescored = engine.top_k(query, k, allowed)
                monkeypatch.setattr(inverted, "RESCORE_MAX_K", 0)  # every occurrence summed, as before
                assert rescored == engine.top_k(query, k, allowed), (query, k, allowed)
                monkeypatch.setattr(inverted, "RESCORE_MAX_K", 100)
    assert len(calls) > 300  # the rescoring path was taken
    reference = BM25Engine(terms.fielded_docs())
    for query in queries[:10]:
        assert engine.top_k(query, 10) == reference.top_k(query, 10)


def test_an_engine_whose_weights_can_be_negative_sums_every_occurrence() -> None:
    """BM25Okapi floors negative idfs at a share of the mean, which can itself be negative: then a paper
    holding a query term need not score above 0, and the rescoring shortcut (which counts every paper
    touched as a match) must not be taken."""
    terms = docs(*(["common rare"] + ["common"] * 9))
    engine = InvertedEngine.build(terms, BM25Settings(variant="okapi"))
    reference = BM25Engine(terms.fielded_docs(), BM25Settings(variant="okapi"))
    assert engine.top_k(["common", "rare"], 3) == reference.top_k(["common", "rare"], 3)
    assert engine.top_k(["common"], 3) == reference.top_k(["common"], 3)


def test_analysing_in_worker_processes_gives_the_same_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large corpus is analysed by worker processes in chunks, each worker numbering terms its own
    way; translated back, every array and the spelling words are those of analysing here, in order."""
    monkeypatch.setattr(terms_module, "CHUNK", 7)  # many chunks, spread over both workers
    papers = load_corpus(today=TODAY, strict=True).papers
    alone, together = analyse_papers(papers, processes=1), analyse_papers(papers * 3, processes=2)
    thrice = analyse_papers(papers * 3, processes=1)
    assert together.vocabulary == thrice.vocabulary == alone.vocabulary
    for name, field in thrice.fields.items():
        assert np.array_equal(together.fields[name].ids, field.ids)
        assert np.array_equal(together.fields[name].offsets, field.offsets)
    assert np.array_equal(together.postings.docs, thrice.postings.docs)
    assert together.words == thrice.words
