"""answer_question: cited extractive answers from the corpus, and an honest refusal when it has none."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answer import REFUSAL, Answer, answer_question
from bot.corpus.loader import load_corpus
from bot.errors import QueryError
from bot.search.index import PaperIndex


@pytest.fixture(scope="module")
def index() -> PaperIndex:
    """The bundled lab corpus ("Mar 16" listings resolve against 2026-04-01)."""
    return PaperIndex.build(load_corpus(today=date(2026, 4, 1), strict=True).papers)


@pytest.mark.parametrize(
    "question",
    [
        "what is the best pizza in Naples?",
        "how do I bake sourdough bread?",
        "quantum chromodynamics lattice gauge",
        "how does the weather affect neural networks?",
        "who won the world cup in 2022?",
    ],
)
def test_out_of_corpus_questions_are_refused_and_cite_nothing(index: PaperIndex, question: str) -> None:
    answer = answer_question(index, question)
    assert answer.text.startswith(REFUSAL)
    assert answer.text == (
        "I couldn't find anything in the corpus that answers that well. "
        "Try other or fewer words, or browse with `search` (e.g. `search author:hofmann`)."
    )
    assert (answer.citations, answer.hits, answer.confident) == ((), (), False)
    assert answer.to_json() == {"answer": answer.text, "citations": []}
    assert answer.render_text() == answer.text


@pytest.mark.parametrize(
    ("question", "first_source"),
    [
        ("what are random teachers in self-distillation?", "random-teachers-are-good-teachers"),
        ("how do state space models track state?", "structured-sparse-transition-matrices-to-enable-state"),
        (
            "does sparsity help the curse of depth in LLMs?",
            "when-does-sparsity-mitigate-the-curse-of-depth-in-llms",
        ),
        ("tokenisation bias", "causal-estimation-of-tokenisation-bias"),
        ("what is benign memorisation?", "the-curious-case-of-benign-memorization"),
    ],
)
def test_in_corpus_questions_cite_the_right_paper_first(
    index: PaperIndex, question: str, first_source: str
) -> None:
    answer = answer_question(index, question)
    assert answer.confident
    assert answer.citations[0].paper.id == first_source
    assert "[1]" in answer.text


def test_every_citation_is_used_in_the_text_and_exists(index: PaperIndex) -> None:
    answer = answer_question(index, "how do state space models track state?")
    assert [c.number for c in answer.citations] == [1, 2]
    for citation in answer.citations:
        assert f"[{citation.number}]" in answer.text
        assert index.get(citation.paper.id) == citation.paper


def test_answer_text_is_quoted_from_the_cited_paper(index: PaperIndex) -> None:
    answer = answer_question(index, "does sparsity help the curse of depth in LLMs?")
    assert answer.text == (
        "Recent work has demonstrated the curse of depth in large language models (LLMs), where later "
        "layers contribute less to learning and representation than earlier layers [1]. Our results reveal "
        "sparsity, arising naturally from standard design choices, as a key yet previously overlooked "
        "mechanism for effective depth scaling in LLMs [1]."
    )
    assert answer.to_json() == {
        "answer": answer.text,
        "citations": [
            {
                "id": "when-does-sparsity-mitigate-the-curse-of-depth-in-llms",
                "title": "When Does Sparsity Mitigate the Curse of Depth in LLMs",
            }
        ],
    }


def test_render_text_lists_sources(index: PaperIndex) -> None:
    rendered = answer_question(index, "random teachers self-distillation", max_sources=1).render_text()
    assert rendered.endswith(
        "\n\nSources:\n[1] Random Teachers are Good Teachers — Felix Sarnthein, Gregor Bachmann, "
        "Sotiris Anagnostidis et al. (2023) · random-teachers-are-good-teachers"
    )


def test_max_sources_caps_the_citations(index: PaperIndex) -> None:
    assert len(answer_question(index, "catastrophic forgetting", max_sources=3).citations) == 3
    assert len(answer_question(index, "catastrophic forgetting", max_sources=1).citations) == 1


def test_query_language_questions_list_papers(index: PaperIndex) -> None:
    answer = answer_question(index, "latest papers by Hofmann")
    assert answer.confident
    assert answer.text == "17 papers match; the newest 3 are [1], [2] and [3]."
    assert [c.paper.id for c in answer.citations] == [
        "asymptotic-analysis-of-shallow-and-deep-forgetting-in-replay",
        "the-non-linear-representation-dilemma-is-causal-abstraction",
        "scalable-non-equivariant-3d-molecule-generation-via",
    ]
    single = answer_question(index, "papers by van der Klis")
    assert single.text == "1 paper matches: [1]."


def test_filters_that_match_nothing_are_refused(index: PaperIndex) -> None:
    answer = answer_question(index, "author:nobody")
    assert answer == Answer(
        text=(
            "I couldn't find anything in the corpus that answers that well. No papers match those filters. "
            "I don't know an author called “nobody”."
        ),
        citations=(),
        hits=(),
        confident=False,
    )


def test_empty_question_is_a_query_error(index: PaperIndex) -> None:
    with pytest.raises(QueryError, match="Type what you're looking for"):
        answer_question(index, "   ")


def test_an_empty_corpus_refuses() -> None:
    answer = answer_question(PaperIndex.build([]), "what are random teachers?")
    assert (answer.citations, answer.confident) == ((), False)


def test_a_name_is_answered_with_that_persons_papers_not_unrelated_sentences(index: PaperIndex) -> None:
    answer = answer_question(index, "Aurelien Lucchi", max_sources=1)
    assert answer.text == (
        "“Generalization Through The Lens Of Leave-One-Out Error” "
        "(Gregor Bachmann, Thomas Hofmann, Aurélien Lucchi, 2022) [1]."
    )
