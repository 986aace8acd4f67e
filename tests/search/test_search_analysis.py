"""analyze(): the one text pipeline shared by documents and queries."""

from __future__ import annotations

import pytest

from bot.search.analysis import analyze, analyze_words, fold, strip_markup


def test_latex_markup_is_stripped_but_words_are_kept() -> None:
    assert strip_markup(r"networks can \textit{memorize} all $k$ labels, 5\% of \cite{x}") == (
        "networks can memorize all k labels, 5% of"  # a citation key is not a word
    )
    assert analyze(r"Sch\"{a}fer") == analyze("Schäfer") == ["schafer"]
    assert analyze(r"\textit{memorize} $k$-NN") == ["memoriz", "k", "nn", "knn"]


def test_case_and_accents_are_folded() -> None:
    assert fold("Aurélien Terzić Nathanaël Schäfer") == "aurelien terzic nathanael schafer"
    assert analyze("Aurélien Terzić") == analyze("AURELIEN terzic") == ["aurelien", "terzic"]


def test_hyphenated_compound_yields_parts_and_joined_word() -> None:
    assert analyze("state-space") == ["state", "space", "statespac"]
    assert analyze("in-context") == ["context", "incontext"]
    assert set(analyze("state space")) < set(analyze("state-space"))
    assert analyze("statespace") == ["statespac"]


def test_hyphenated_idiom_stays_whole() -> None:
    # Otherwise every "state-of-the-art" would match a query about state-space models.
    assert analyze("state-of-the-art") == ["stateoftheart"]


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("memorisation", "memorization"),
        ("tokenisation", "tokenization"),
        ("tokeniser", "tokenizer"),
        ("generalisation", "generalization"),
        ("generalise", "generalize"),
        ("optimising", "optimizing"),
        ("modelling", "modeling"),
        ("labelled", "labeled"),
        ("behaviour", "behavior"),
        ("behavioural", "behavioral"),
        ("colour", "color"),
        ("analyse", "analyze"),
        ("centre", "center"),
        ("fibres", "fibers"),
        ("catalogue", "catalog"),
    ],
)
def test_british_and_american_spellings_meet(british: str, american: str) -> None:
    assert analyze(british) == analyze(american)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("four", ["four"]),
        ("hour", ["hour"]),
        ("filled", ["fill"]),
        ("promise", ["promis"]),
        ("tour", ["tour"]),
    ],
)
def test_spelling_rules_leave_look_alike_words_alone(word: str, expected: list[str]) -> None:
    assert analyze(word) == expected


def test_plural_acronyms_and_possessives() -> None:
    assert analyze("LLMs") == analyze("LLM") == ["llm"]
    assert analyze("the retriever's space") == ["retriev", "space"]


def test_stopwords_and_question_words_are_dropped() -> None:
    assert analyze("what are the") == []
    assert analyze("How do state space models track state?") == ["state", "space", "model", "track", "state"]


def test_decimals_stay_whole_and_control_characters_split_words() -> None:
    assert analyze("95.3% on CIFAR10") == ["95.3", "cifar10"]
    assert analyze("sparse\x00attention") == ["spars", "attent"]
    assert analyze("atten\u200btion") == ["attent"]  # a zero-width space inside a word vanishes


def test_analyze_words_groups_terms_by_surface_word() -> None:
    words = analyze_words("random teachers in self-distillation, random")
    assert [(w.text, w.parts, w.joined) for w in words] == [
        ("random", ("random",), None),
        ("teachers", ("teacher",), None),
        ("self-distillation", ("self", "distil"), "selfdistil"),
    ]
