"""Search by meaning: a question that shares no distinctive word with any paper still finds the paper it
paraphrases — and says so — while chatter, lists, counts and digest topics never match by meaning.

These run the real bundled model (bot/search/minilm) over the bundled corpus; its paper vectors are
computed once per test run (tests/conftest.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from bot.answer import answer_question
from bot.corpus.loader import load_corpus
from bot.corpus.text import readable_abstract
from bot.search.engine import BM25Engine
from bot.search.index import DEFAULT_SETTINGS, PaperIndex
from bot.search.meaning import MeaningIndex, MiniLM, VectorCache
from tests.test_answer import cited_sentences, normalised

TODAY = date(2026, 12, 2)
DELETE_PARTS = "which transformer components can you just delete without slowing training down"
SIMPLIFYING = "simplifying-transformer-blocks"


@pytest.fixture(scope="module")
def index() -> PaperIndex:
    return PaperIndex.build(load_corpus(today=TODAY).papers, today=lambda: TODAY)


@pytest.mark.parametrize(
    ("question", "paper_id"),
    [
        (DELETE_PARTS, SIMPLIFYING),
        (
            "ok so are nsfw detectors biased by gender when they look at paintings",
            "an-art-centric-perspective-on-ai-based-content-moderation-of",
        ),
    ],
)
def test_a_paraphrase_finds_the_paper_it_means_and_quotes_it(
    index: PaperIndex, question: str, paper_id: str
) -> None:
    assert not index.search(question).hits, "precondition: no paper matches these words"
    answer = answer_question(index, question)
    assert [c.paper.id for c in answer.citations] == [paper_id]
    assert answer.text.startswith("No paper uses those words; this is the closest in meaning.")
    quoted = cited_sentences(answer)
    assert quoted
    for sentence, paper in quoted:
        assert normalised(sentence.rstrip(".")) in normalised(
            f"{paper.title}. {readable_abstract(paper.abstract)}"
        )


def test_who_wrote_a_paraphrased_paper_names_its_authors(index: PaperIndex) -> None:
    answer = answer_question(index, "who did the study of nsfw classifiers on paintings")
    (citation,) = answer.citations
    assert all(name in answer.text for name in citation.paper.authors)
    assert "closest in meaning" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "how do I fix my bike",
        "what's the wifi password in the lab",
        "who's bringing cake on friday",
        "recommender systems for e-commerce",
        "pruning apple trees",  # the pruning paper is both the best by words and closest, but far
    ],
)
def test_chatter_finds_nothing_by_meaning_either(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    assert answer.citations == ()


def test_a_loose_paraphrase_counts_when_words_and_meaning_point_at_one_paper(index: PaperIndex) -> None:
    """No paper covers the question's words, but the paper sharing the most of them ("tempering",
    "augmented") is also the closest in meaning, below the bar a match by meaning alone must clear."""
    question = "argues tempering makes up for treating augmented copies as independent samples"
    assert not index.search(question).hits, "precondition: no paper matches these words"
    answer = answer_question(index, question)
    tempering = "how-tempering-fixes-data-augmentation-in-bayesian-neural"
    assert [c.paper.id for c in answer.citations] == [tempering]
    assert "closest in meaning" in answer.text


def test_a_stopword_is_never_glued_to_the_next_word(index: PaperIndex) -> None:
    """ "for MS MARCO": "MS MARCO" is the corpus's "MSMarco", and "for" stays a word of its own (it was
    once read as "forMS", which no paper contains, and the query decoder paper was missed)."""
    hits = index.search("query reformulations for MS MARCO").hits
    assert [h.paper.id for h in hits][:1] == ["decoding-a-neural-retriever-s-latent-space-for-query"]


def test_which_paper_asked_as_a_list_gets_the_paper_it_describes(index: PaperIndex) -> None:
    """ "which of our papers …" is a list question, but it describes one paper in other words."""
    question = f"which of our papers say {DELETE_PARTS}"
    assert index.understand(question).intent == "list"
    answer = answer_question(index, question)
    assert [c.paper.id for c in answer.citations] == [SIMPLIFYING]
    assert answer.text.startswith("No paper uses those words; this is the closest in meaning.")


def test_counts_and_plain_searches_never_match_by_meaning(index: PaperIndex) -> None:
    """A set of papers ("how many", digest topics) must be the papers that use the words, not a guess."""
    count = answer_question(
        index, "how many papers are about deleting transformer components without slowing training"
    )
    assert "closest in meaning" not in count.text
    assert index.search(DELETE_PARTS).hits == ()  # the digest's topic search
    (hit,) = index.search(DELETE_PARTS, by_meaning=True).hits  # `search` and `/search`, as `ask`
    assert (hit.paper.id, hit.by_meaning, hit.matched_terms) == (SIMPLIFYING, True, ())
    assert hit.snippet
    assert normalised(hit.snippet.rstrip("…")) in normalised(readable_abstract(hit.paper.abstract))


def test_a_filter_that_leaves_out_the_paper_meant_leaves_nothing_found_by_meaning(index: PaperIndex) -> None:
    """The paper closest in meaning is judged over the whole corpus: among the few papers a filter leaves,
    one is always "clearly closest", and it would be cited for a question it has nothing to do with."""
    simplifying = index.get(SIMPLIFYING)
    other_years = sorted({p.year for p in index.papers if p.year and p.year != simplifying.year})
    everyone = dict.fromkeys(a for p in index.papers for a in p.authors)
    outsiders = [a for a in everyone if a not in simplifying.authors]
    narrowed = [f"{DELETE_PARTS} in {year}" for year in other_years]
    narrowed += [f"{DELETE_PARTS} by {person}" for person in outsiders[:10] if "Hofmann" not in person]
    for question in narrowed:
        assert index.search(question, by_meaning=True).hits == (), question
        assert answer_question(index, question).citations == (), question


class CountingEmbedder:
    """A stand-in model: vectors from a fixed random projection of the text's length and letters."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        rows = np.array([[len(t), t.count("a"), t.count("e"), 1.0] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_paper_vectors_are_computed_once_and_kept_between_runs(tmp_path: Path) -> None:
    texts = ["alpha beta", "gamma delta epsilon", "zeta"]
    first = CountingEmbedder()
    MeaningIndex(texts, first, VectorCache(tmp_path)).warm()
    again = CountingEmbedder()
    MeaningIndex(texts, again, VectorCache(tmp_path)).warm()
    changed = CountingEmbedder()
    MeaningIndex([*texts, "eta"], changed, VectorCache(tmp_path)).warm()
    # each warm-up also starts the model with one short text; only changed texts are embedded again
    assert (first.calls, again.calls, changed.calls) == ([3, 1], [1], [4, 1])


def test_a_damaged_vector_cache_is_recomputed_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    texts = ["alpha beta", "gamma delta epsilon"]
    MeaningIndex(texts, CountingEmbedder(), VectorCache(tmp_path)).warm()
    (saved,) = tmp_path.glob("vectors-*.npy")
    saved.write_bytes(saved.read_bytes()[:40])
    embedder = CountingEmbedder()
    meaning = MeaningIndex(texts, embedder, VectorCache(tmp_path))
    with caplog.at_level(logging.WARNING):
        meaning.warm()
    assert embedder.calls == [2, 1]
    assert "recomputing" in caplog.text


def test_an_unwritable_cache_costs_time_not_answers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    meaning = MeaningIndex(["alpha", "beta gamma"], CountingEmbedder(), VectorCache(blocked))
    with caplog.at_level(logging.WARNING):
        meaning.warm()
    assert meaning.rank_sentences("alpha", ["beta gamma", "alpha"]) == [1, 0]  # still answers
    assert "PAPERBOT_CACHE_DIR" in caplog.text


def test_a_missing_model_is_one_log_line_and_answers_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    papers = load_corpus(today=TODAY).papers
    index = PaperIndex(papers, DEFAULT_SETTINGS, BM25Engine, lambda: TODAY, MiniLM(tmp_path))
    with caplog.at_level(logging.ERROR):
        paraphrase = answer_question(index, DELETE_PARTS)
        again = answer_question(index, DELETE_PARTS)
    assert paraphrase.citations == again.citations == ()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "reinstall paperbot" in errors[0].getMessage()
    assert answer_question(index, "random teachers").citations  # words still work
