"""PaperIndex over the bundled lab corpus: what a user sees when they search, browse and autocomplete."""

from __future__ import annotations

import gc
import random
import weakref
from collections.abc import Callable
from datetime import date

import pytest

from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from bot.errors import AmbiguousPaperError, CorpusError, QueryError, UnknownPaperError
from bot.search.analysis import fold
from bot.search.index import PaperIndex
from bot.search.query import Query

MakePaper = Callable[..., Paper]

LUCCHI = {
    "generalization-through-the-lens-of-leave-one-out-error",  # spelled "Aurélien Lucchi"
    "mastering-spatial-graph-prediction-of-road-networks",  # the others "Aurelien Lucchi"
    "phenomenology-of-double-descent-in-finite-width-neural",
    "cosmological-n-body-simulations-a-challenge-for-scalable",
}
SSM = {
    "structured-sparse-transition-matrices-to-enable-state",
    "on-the-expressiveness-and-length-generalization-of-selective",
    "flash-pd-ssm-memory-optimized-structured-sparse-state-space",
}


def ids(index: PaperIndex, query: str | Query, limit: int = 10) -> list[str]:
    return [hit.paper.id for hit in index.search(query, limit=limit).hits]


@pytest.mark.parametrize("name", ["Aurelien Lucchi", "Aurélien Lucchi", "aurelien lucchi", "LUCCHI"])
def test_author_name_finds_both_spellings(lab_index: PaperIndex, name: str) -> None:
    assert set(ids(lab_index, name)) == LUCCHI


def test_author_without_accent_finds_terzic(lab_index: PaperIndex) -> None:
    assert set(ids(lab_index, "Terzic")) == SSM
    assert [p.id for p in lab_index.papers_by_author("terzic")] == [
        "structured-sparse-transition-matrices-to-enable-state",
        "flash-pd-ssm-memory-optimized-structured-sparse-state-space",
        "on-the-expressiveness-and-length-generalization-of-selective",
    ]


@pytest.mark.parametrize("query", ["state space", "state-space", "State-Space models", "statespace models"])
def test_hyphenated_and_spaced_forms_find_the_same_papers(lab_index: PaperIndex, query: str) -> None:
    assert set(ids(lab_index, query)[:3]) == SSM


def test_british_query_finds_american_text_and_back(lab_index: PaperIndex) -> None:
    assert ids(lab_index, "memorisation")[:1] == ["the-curious-case-of-benign-memorization"]
    assert ids(lab_index, "tokenization bias")[:1] == ["causal-estimation-of-tokenisation-bias"]


def test_title_match_outranks_abstract_only_match(make_paper: MakePaper) -> None:
    filler = "We report experiments on several benchmarks and discuss the results in detail."
    index = PaperIndex.build(
        [
            make_paper("abstract-only", "Notes on road maps", f"A graph of roads. {filler}"),
            make_paper("in-title", "A graph of roads", f"Notes on road maps. {filler}"),
        ]
    )
    assert ids(index, "graph") == ["in-title", "abstract-only"]


def test_title_matches_come_first_in_the_lab_corpus(lab_index: PaperIndex) -> None:
    # "Towards Meta-Pruning via Optimal Transport" says "Intra-Fusion" four times, but only in its abstract.
    assert ids(lab_index, "fusion")[:3] == [
        "model-fusion-via-neuron-interpolation",
        "transformer-fusion-with-optimal-transport",
        "towards-meta-pruning-via-optimal-transport",
    ]


def test_no_hit_ever_has_a_score_of_zero_or_less(lab_index: PaperIndex) -> None:
    # "model" occurs in most abstracts: plain BM25Okapi would score it 0 or below.
    for query in ["model", "learning neural networks", "the model of a model", "random teachers"]:
        results = lab_index.search(query, limit=100)
        assert results.hits
        assert all(hit.score > 0 for hit in results.hits)
        assert results.total == len(results.hits)


def test_query_without_matches_returns_nothing(lab_index: PaperIndex) -> None:
    results = lab_index.search("sourdough pizza")
    assert (results.hits, results.total) == ((), 0)


def test_only_stopwords_says_so(lab_index: PaperIndex) -> None:
    results = lab_index.search("what is the")
    assert results.hits == ()
    assert results.notes == (
        "Every word in “what is the” is too common to search on; add a more specific word.",
    )


def test_filters_only_lists_newest_first(lab_index: PaperIndex) -> None:
    results = lab_index.search("author:hofmann sort:date", limit=3)
    assert results.total == 17
    assert [(h.paper.id, h.paper.published) for h in results.hits] == [
        ("asymptotic-analysis-of-shallow-and-deep-forgetting-in-replay", date(2025, 12, 8)),
        ("the-non-linear-representation-dilemma-is-causal-abstraction", date(2025, 7, 11)),
        ("scalable-non-equivariant-3d-molecule-generation-via", date(2025, 6, 11)),
    ]
    assert all(h.score == 0.0 and h.matched_terms == () for h in results.hits)


def test_plain_question_equals_explicit_syntax(lab_index: PaperIndex) -> None:
    assert ids(lab_index, "latest papers by Hofmann") == ids(lab_index, "author:hofmann sort:date")
    assert ids(lab_index, "papers by van der Klis") == [
        "fast-and-geometrically-grounded-lorentz-neural-networks"
    ]
    assert ids(lab_index, 'author:"van der Klis"') == [
        "fast-and-geometrically-grounded-lorentz-neural-networks"
    ]


@pytest.mark.parametrize(
    ("query", "total", "check"),
    [
        ("year:2022", 8, lambda p: p.year == 2022),
        ("year:2022..2023 cat:CV", 6, lambda p: p.year in (2022, 2023) and "CV" in p.categories),
        ("cat:CL", 7, lambda p: p.categories == ("CL",)),
        (
            'cat:"machine learning" year:2025',
            6,
            lambda p: {"LG", "ML"} & set(p.categories) and p.year == 2025,
        ),
        ("has:code", 14, lambda p: p.has_code),
        ("transformers in 2023", 3, lambda p: p.year == 2023),  # the 2023 papers *about* transformers
    ],
)
def test_filters_apply_before_ranking(lab_index: PaperIndex, query: str, total: int, check: object) -> None:
    results = lab_index.search(query, limit=100)
    assert results.total == total == len(results.hits)
    assert all(check(h.paper) for h in results.hits)  # type: ignore[operator]


def test_sort_by_date_keeps_only_papers_about_the_query(lab_index: PaperIndex) -> None:
    results = lab_index.search("sort:date state space models")
    assert [h.paper.id for h in results.hits] == [
        "structured-sparse-transition-matrices-to-enable-state",
        "flash-pd-ssm-memory-optimized-structured-sparse-state-space",
        "on-the-expressiveness-and-length-generalization-of-selective",
    ]
    assert results.total == 3


def test_unknown_author_and_category_are_explained(lab_index: PaperIndex) -> None:
    results = lab_index.search("author:nobody cat:XX")
    assert (results.hits, results.total) == ((), 0)
    assert results.notes == (
        "I don't know an author called “nobody”.",
        "No papers in category XX (categories here: LG, CV, CL, AI, ML, CO, COMP-PH).",
    )


def test_paging_walks_through_all_matches_without_overlap(lab_index: PaperIndex) -> None:
    first = lab_index.search("learning", limit=5)
    second = lab_index.search("learning", limit=5, offset=5)
    everything = ids(lab_index, "learning", limit=100)
    assert first.total == second.total == len(everything)
    assert [h.paper.id for h in first.hits + second.hits] == everything[:10]


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (1001, 0), (5, -1)])
def test_bad_paging_is_a_query_error(lab_index: PaperIndex, limit: int, offset: int) -> None:
    with pytest.raises(QueryError, match="Ask for between 1 and 1000 results"):
        lab_index.search("learning", limit=limit, offset=offset)


def test_empty_and_huge_queries(lab_index: PaperIndex) -> None:
    with pytest.raises(QueryError, match="Type what you're looking for"):
        lab_index.search("  \x00 ")
    results = lab_index.search("random teachers " * 800)
    assert results.notes == ("Your query was cut to its first 512 characters.",)
    assert results.hits[0].paper.id == "random-teachers-are-good-teachers"


def test_control_characters_in_a_query_do_not_matter(lab_index: PaperIndex) -> None:
    assert ids(lab_index, "random\x00 teach\u200bers\r\n") == ids(lab_index, "random teachers")


def test_hit_explains_itself(lab_index: PaperIndex) -> None:
    hit = lab_index.search("Random teachers, self-distillation").hits[0]
    assert hit.paper.id == "random-teachers-are-good-teachers"
    assert hit.matched_terms == ("random", "teachers", "self-distillation")
    assert hit.snippet == (
        "In this work, we investigate the implicit regularization induced by teacher-student learning "
        "dynamics in self-distillation. To isolate its effect, we describe a simple experiment where we "
        "consider teachers at random initialization instead of trained teachers."
    )


def test_an_empty_index_finds_nothing_and_does_not_crash() -> None:
    index = PaperIndex.build([])
    for query in ["anything", "author:hofmann", "latest papers", "sort:date x"]:
        results = index.search(query)
        assert (results.hits, results.total) == ((), 0)
    assert (index.suggest_titles("a"), index.authors(), index.categories()) == ([], [], [])
    assert (index.suggest_authors("a"), index.papers_by_author("a"), index.coauthors("a")) == ([], [], [])
    assert index.date_range() is None
    with pytest.raises(UnknownPaperError):
        index.resolve("anything")
    with pytest.raises(UnknownPaperError):
        index.similar("anything")


def test_two_papers_with_one_id_are_refused(make_paper: MakePaper) -> None:
    with pytest.raises(CorpusError, match="Two papers share an id"):
        PaperIndex.build([make_paper("same", "One"), make_paper("same", "Two")])


def test_get_and_resolve(lab_index: PaperIndex) -> None:
    random_teachers = lab_index.get("random-teachers-are-good-teachers")
    assert random_teachers.title == "Random Teachers are Good Teachers"
    assert lab_index.resolve("Random Teachers are Good Teachers") is random_teachers
    assert lab_index.resolve("random teachers ARE good teachers") is random_teachers
    assert lab_index.resolve("random teachers") is random_teachers  # the only title containing it
    with pytest.raises(UnknownPaperError):
        lab_index.get("no-such-paper")
    with pytest.raises(AmbiguousPaperError) as several:
        lab_index.resolve("transformer")  # several titles contain it: ambiguous, not unknown
    titles = [title for _, title in several.value.candidates]
    assert len(titles) >= 3
    assert all("transformer" in t.lower() for t in titles)
    for paper_id, title in several.value.candidates:
        assert f"{paper_id} — {title}" in several.value.message  # a terminal has no suggestions: list them
    assert lab_index.resolve("state-space models on regular languages").id.startswith("on-the-expressiveness")


def test_similar_papers_exclude_the_paper_itself(lab_index: PaperIndex) -> None:
    similar = lab_index.similar("flash-pd-ssm-memory-optimized-structured-sparse-state-space", limit=2)
    assert {h.paper.id for h in similar} == SSM - {
        "flash-pd-ssm-memory-optimized-structured-sparse-state-space"
    }
    assert len(lab_index.similar("random-teachers-are-good-teachers")) == 5
    with pytest.raises(UnknownPaperError):
        lab_index.similar("no-such-paper")


def test_suggest_titles_as_you_type(lab_index: PaperIndex, make_paper: MakePaper) -> None:
    assert len(lab_index.suggest_titles("")) == 25
    assert len(lab_index.suggest_titles("e", limit=100)) == 50
    assert [p.title for p in lab_index.suggest_titles("lora")] == [
        "LoRACLR: Contrastive Adaptation for Customization of Diffusion Models",
        "SeqLoRA: Bilevel Orthogonal Adaptation for Continual Multi-Concept Generation",
    ]
    assert [p.title for p in lab_index.suggest_titles("transformer")] == [
        "Transformer Fusion with Optimal Transport",  # starts with it
        "Simplifying Transformer Blocks",  # a word starts with it, newest first
        "The Shaped Transformer: Attention Models in the Infinite Depth-and-Width Limit",
    ]
    index = PaperIndex.build([make_paper("fr", "Réseaux de neurones profonds")])
    assert [p.id for p in index.suggest_titles("reseaux")] == ["fr"]
    assert [p.id for p in index.suggest_titles("NEURONES")] == ["fr"]


def _suggested_by_the_rule(index: PaperIndex, prefix: str, limit: int) -> list[str]:
    """What autocomplete must offer, straight from its rule: title starts with the text, then a word of
    it does (after a space or hyphen), then the text is anywhere in it or is the paper's id; accents and
    case folded; newest first (undated last, then corpus order) within each group."""
    wanted = " ".join(fold(prefix).split())
    ranked = []
    for number, paper in enumerate(index.papers):
        title = " ".join(fold(paper.title).split())
        if title.startswith(wanted):
            group = 0
        elif f" {wanted}" in title or f"-{wanted}" in title:
            group = 1
        elif wanted in title or wanted == paper.id:
            group = 2
        else:
            continue
        newest = (paper.published is None, -(paper.published.toordinal() if paper.published else 0))
        ranked.append((group, newest, number, paper.id))
    return [paper_id for *_, paper_id in sorted(ranked)[: max(limit, 0)]]


def test_autocomplete_offers_titles_by_its_rule_on_a_varied_corpus(make_paper: MakePaper) -> None:
    rng = random.Random(11)
    words = ["Diffusion", "diffusion-based", "Réseaux", "state", "space", "Models", "model", "Transformer",
             "transformers", "LoRA", "low-rank", "A", "an", "on", "Études", "x", "xy", "ÉTAT"]  # fmt: skip
    papers = [
        make_paper(
            f"p{n}",
            " ".join(rng.choice(words) for _ in range(rng.randint(1, 6))),
            published=None if n % 9 == 0 else date(2020 + n % 3, 1 + n % 2, 1),  # ties and undated
        )
        for n in range(300)
    ]
    index = PaperIndex.build(papers, engine="rank-bm25")
    prefixes = ["", "a", "A ", "d", "diff", "diffusion-b", "-based", "rank", "reseaux", "ÉTUDES", "state sp",
                "el tr", "x", "xy", "zzz", "p7", "p77", "on a", "  model  ", "ion"]  # fmt: skip
    for prefix in prefixes:
        for limit in (0, 1, 5, 25, 1000):
            expected = _suggested_by_the_rule(index, prefix, limit)
            assert [p.id for p in index.suggest_titles(prefix, limit)] == expected, (prefix, limit)


def test_authors_are_merged_across_spellings(lab_index: PaperIndex) -> None:
    lucchi = [name for name in lab_index.authors() if "ucchi" in name]
    assert lucchi == ["Aurélien Lucchi"]
    assert len(lab_index.authors()) == 89
    assert lab_index.suggest_authors("lucc") == ["Aurélien Lucchi"]
    assert lab_index.suggest_authors("terz") == ["Aleksandar Terzić"]
    assert lab_index.suggest_authors("van") == ["Max van Spengler", "Robert van der Klis"]
    assert len(lab_index.suggest_authors("a")) == 25


def test_an_author_of_many_papers_is_one_person_counted_on_each(make_paper: MakePaper) -> None:
    # the same spellings recur paper after paper (each name is folded once per spelling): every paper
    # still counts, and the accented spelling is the one shown
    papers = [
        make_paper(f"p{n}", f"Paper {n}", authors=(name, "Ben Kim"), published=date(2020, 1, 1 + n))
        for n, name in enumerate(
            ["Aurelien Lucchi", "Aurélien Lucchi", " Aurelien Lucchi", "AURELIEN LUCCHI"] * 3
        )
    ]
    index = PaperIndex.build(papers)
    assert index.authors() == ["Aurélien Lucchi", "Ben Kim"]
    assert [p.id for p in index.papers_by_author("aurelien lucchi")] == [f"p{n}" for n in range(11, -1, -1)]
    assert index.coauthors("Ben Kim") == [("Aurélien Lucchi", 12)]
    assert index.author_keys(papers[5]) == ("aurelien lucchi", "ben kim")


def test_papers_by_author_newest_first_and_coauthors(lab_index: PaperIndex) -> None:
    assert [p.id for p in lab_index.papers_by_author("Aurelien Lucchi")] == [
        "mastering-spatial-graph-prediction-of-road-networks",
        "phenomenology-of-double-descent-in-finite-width-neural",
        "generalization-through-the-lens-of-leave-one-out-error",
        "cosmological-n-body-simulations-a-challenge-for-scalable",
    ]
    assert lab_index.papers_by_author("Nobody At All") == []
    assert lab_index.coauthors("Terzic")[:3] == [
        ("Michael Hersche", 2),
        ("Nicolas Menet", 2),
        ("Francesco Carzaniga", 1),
    ]


def test_categories_and_date_range(lab_index: PaperIndex) -> None:
    assert lab_index.categories() == [
        ("LG", 24), ("CV", 13), ("CL", 7), ("AI", 2), ("ML", 2), ("CO", 1), ("COMP-PH", 1),
    ]  # fmt: skip
    assert lab_index.date_range() == (date(2019, 8, 15), date(2026, 3, 16))


def test_undated_papers_list_last(make_paper: MakePaper) -> None:
    papers: list[Paper] = [
        make_paper("undated", "Alpha"),
        make_paper("old", "Beta", published=date(2020, 1, 1)),
        make_paper("new", "Gamma", published=date(2024, 1, 1)),
    ]
    index = PaperIndex.build(papers)
    assert ids(index, Query()) == ["new", "old", "undated"]


def _mentions_late(paper_id: str, make_paper: MakePaper, topic: str) -> Paper:
    """A paper about something else that names `topic` only in its fourth sentence."""
    return make_paper(
        paper_id,
        f"Sorting networks {paper_id}",
        "We study sorting networks. They sort numbers. Depth matters most. "
        f"A {topic} term appears in one of our limits.",
    )


def _about(paper_id: str, make_paper: MakePaper, topic: str) -> Paper:
    return make_paper(paper_id, f"Better {topic} for images {paper_id}", f"We improve {topic} for images.")


def _unrelated(paper_id: str, make_paper: MakePaper) -> Paper:
    return make_paper(paper_id, f"Graph colouring {paper_id}", "We colour graphs with few colours.")


def test_a_broad_topic_matches_papers_about_it_not_those_that_mention_it(make_paper: MakePaper) -> None:
    """A topic a tenth of the papers match or more ("diffusion" in a lab doing image generation): a paper
    that only mentions it late, about something else, is no match — in search, counts and lists alike."""
    papers = [_about(f"d{i}", make_paper, "diffusion") for i in range(4)]
    papers += [_mentions_late("late", make_paper, "diffusion")]
    papers += [_unrelated(f"u{i}", make_paper) for i in range(7)]
    index = PaperIndex.build(papers, by_meaning=False)
    found = index.search("diffusion", limit=50)
    assert {h.paper.id for h in found.hits} == {"d0", "d1", "d2", "d3"}
    assert found.total == 4


def test_a_rare_topic_still_matches_a_paper_that_only_mentions_it(make_paper: MakePaper) -> None:
    """Below a tenth of the papers, a mention is all there is to go on, and it is kept."""
    papers = [_mentions_late("late", make_paper, "diffusion"), _about("d0", make_paper, "diffusion")]
    papers += [_unrelated(f"u{i}", make_paper) for i in range(30)]
    index = PaperIndex.build(papers, by_meaning=False)
    assert {h.paper.id for h in index.search("diffusion", limit=50).hits} == {"d0", "late"}


@pytest.mark.parametrize("topic", ["transformers", "diffusion", "language models", "continual learning"])
def test_a_date_filter_narrows_a_topic_without_changing_which_papers_are_about_it(
    lab_index: PaperIndex, topic: str
) -> None:
    every = lab_index.search(topic, limit=50).hits
    in_2023 = lab_index.search(f"{topic} in 2023", limit=50).hits
    assert {h.paper.id for h in in_2023} == {h.paper.id for h in every if h.paper.year == 2023}


def test_a_broad_topic_that_names_people_matches_their_papers(make_paper: MakePaper) -> None:
    """"lorenzos papers" read as topic words still finds Lorenzo's papers: authors are part of a lead."""
    papers = [make_paper(f"l{i}", f"Graph colouring {i}", "We colour graphs.", authors=("Lorenzo Example",))
              for i in range(6)]  # fmt: skip
    papers += [_unrelated(f"u{i}", make_paper) for i in range(6)]
    index = PaperIndex.build(papers, by_meaning=False)
    assert {h.paper.id for h in index.search("lorenzo", limit=50).hits} == {f"l{i}" for i in range(6)}


def test_an_index_that_answered_questions_is_freed_as_soon_as_it_is_dropped() -> None:
    """A new corpus (a paper added) replaces the whole index: the old one, gigabytes at a million papers,
    must go when the last reference does, not when the cyclic collector next runs (it may not for long)."""
    index = PaperIndex.build(load_corpus(strict=True).papers, engine="rank-bm25")
    index.search("diffusion")
    index.search("papers by Noci from 2023")
    index.every_match("papers per year")
    index.draw("state space models", 2)
    index.warm()
    gone = weakref.ref(index)
    gc.disable()
    try:
        del index
        assert gone() is None
    finally:
        gc.enable()
