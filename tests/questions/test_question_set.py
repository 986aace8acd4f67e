"""The question sets are sound: ids exist, counts add up, lists are complete, splits are balanced.

This checks `questions.toml` and `questions_more.toml` to `questions_sixth.toml` (the second to sixth sets,
each written independently) against the bundled corpus, not the bot: a failure here means an expectation in a
set is wrong (or the corpus changed under it), never that paperbot answers badly. Every check runs on all six
files; texts must be unique across them.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from tests.questions.grading import SETS

QUESTION_FILES = tuple(path.name for path in SETS)
INTENTS = ("topic", "list", "count", "who_wrote", "who_works_on", "latest", "oldest", "none")
SPLITS = ("dev", "test")
TAGS = frozenset(
    {
        "people",
        "first-name",
        "surname",
        "full-name",
        "accents",
        "time",
        "relative-date",
        "month",
        "affiliation",
        "category",
        "code",
        "typo",
        "filler",
        "count",
        "several-authors",
    }
)
COMMON = {"text", "intent", "split", "tags"}
FIELDS: dict[str, tuple[set[str], set[str]]] = {  # intent: (required fields, optional fields)
    "topic": (COMMON | {"papers"}, set()),
    "list": (COMMON | {"papers"}, {"filter"}),
    "count": (COMMON | {"papers", "count"}, {"filter"}),
    "who_wrote": (COMMON | {"paper"}, set()),
    "who_works_on": (COMMON | {"authors", "papers"}, set()),
    "latest": (COMMON | {"paper"}, {"among", "filter"}),
    "oldest": (COMMON | {"paper"}, {"among", "filter"}),
    "none": (COMMON, {"filter"}),
}
FILTER_KEYS = frozenset(
    {"authors", "year", "years", "month", "since", "before", "affiliation", "category", "code", "topic"}
)
# The questions the issue asked for by name; they must stay in the set.
FROM_THE_ISSUE = (
    "what did Hofmann publish in 2025?",
    "who wrote the paper on random teachers?",
    "is there anything on state space models?",
    "anything about optimal transport?",
    "summarize the latest paper on tokenization",
    "what are the latest papers from the group?",
    "what's new?",
    "which papers by Lorenzo Noci are there?",
    "how many papers did the group publish in 2023?",
    "papers by Noci",
    "papers by Hofmann from 2025",
    "which papers are affiliated with Harvard?",
    "DeepMind papers?",
    "transfomer fusion",
    "protein folding",
)

Question = dict[str, Any]

# The least each file must hold: its total, and per intent (latest and oldest together).
MINIMUMS: dict[str, dict[str, int]] = {
    "questions.toml": {"total": 150, "none": 20, "count": 10, "who_wrote": 12, "who_works_on": 6,
                       "topic": 40, "latest+oldest": 10},
    "questions_more.toml": {"total": 200, "none": 35, "count": 20, "who_wrote": 20, "who_works_on": 10,
                            "topic": 45, "latest+oldest": 30},
    "questions_third.toml": {"total": 220, "none": 40, "count": 30, "who_wrote": 20, "who_works_on": 12,
                             "topic": 45, "latest+oldest": 35},
    "questions_fourth.toml": {"total": 240, "none": 45, "count": 30, "who_wrote": 20, "who_works_on": 12,
                              "topic": 50, "latest+oldest": 35},
    "questions_fifth.toml": {"total": 150, "none": 30, "count": 18, "who_wrote": 12, "who_works_on": 8,
                             "topic": 30, "latest+oldest": 20},
    "questions_sixth.toml": {"total": 150, "none": 30, "count": 18, "who_wrote": 12, "who_works_on": 8,
                             "topic": 30, "latest+oldest": 20},
}  # fmt: skip


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: 'Terzić' and 'terzic' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _load(name: str) -> tuple[date, list[Question]]:
    with Path(__file__).with_name(name).open("rb") as handle:
        data = tomllib.load(handle)
    return date.fromisoformat(data["today"]), data["question"]


LOADED = {name: _load(name) for name in QUESTION_FILES}
SETS: dict[str, list[Question]] = {name: questions for name, (_, questions) in LOADED.items()}
TODAY = LOADED[QUESTION_FILES[0]][0]
QUESTIONS: list[tuple[str, Question]] = [(name, q) for name, questions in SETS.items() for q in questions]


@pytest.fixture(scope="module")
def papers() -> dict[str, Paper]:
    """The bundled corpus by id, loaded as of the set's `today` (the listing has a yearless date)."""
    return {paper.id: paper for paper in load_corpus(None, today=TODAY).papers}


def _filter_predicate(spec: dict[str, Any]) -> Callable[[Paper], bool]:
    """A paper predicate for a question's `filter` table (its `topic` key is ignored: human judgement)."""

    def keep(paper: Paper) -> bool:
        day = paper.published
        assert day is not None, paper.id
        listed = {fold(author) for author in paper.authors}
        checks = (
            all(fold(name) in listed for name in spec.get("authors", ())),
            "year" not in spec or day.year == spec["year"],
            "years" not in spec or spec["years"][0] <= day.year <= spec["years"][1],
            "month" not in spec or day.strftime("%Y-%m") == spec["month"],
            "since" not in spec or day >= date.fromisoformat(spec["since"]),
            "before" not in spec or day < date.fromisoformat(spec["before"]),
            "affiliation" not in spec or spec["affiliation"] in paper.affiliations,
            "category" not in spec or spec["category"] in paper.categories,
            "code" not in spec or paper.has_code == spec["code"],
        )
        return all(checks)

    return keep


def _selected(spec: dict[str, Any], papers: dict[str, Paper]) -> set[str]:
    keep = _filter_predicate(spec)
    return {paper_id for paper_id, paper in papers.items() if keep(paper)}


def _failures(check: Callable[[Question], Iterable[str]]) -> list[str]:
    return [f"{name}: {q['text']!r}: {problem}" for name, q in QUESTIONS for problem in check(q)]


def test_every_file_is_asked_on_the_same_day() -> None:
    """One `today` for all files: the corpus is loaded once, and relative dates mean the same everywhere."""
    assert {day for day, _ in LOADED.values()} == {TODAY}


@pytest.mark.parametrize("name", QUESTION_FILES)
def test_enough_questions_and_nones(name: str) -> None:
    questions, least = SETS[name], MINIMUMS[name]
    intents = Counter(q["intent"] for q in questions)
    intents["total"] = len(questions)
    intents["latest+oldest"] = intents["latest"] + intents["oldest"]
    short = {key: (intents[key], n) for key, n in least.items() if intents[key] < n}
    assert short == {}, "(have, need)"


def test_fields_intents_splits_and_tags_are_known() -> None:
    def check(q: Question) -> Iterable[str]:
        if q.get("intent") not in FIELDS:
            yield f"unknown intent {q.get('intent')!r}"
            return
        required, optional = FIELDS[q["intent"]]
        if missing := required - q.keys():
            yield f"missing {sorted(missing)}"
        if extra := q.keys() - required - optional:
            yield f"unexpected {sorted(extra)}"
        if q.get("split") not in SPLITS:
            yield f"split {q.get('split')!r}"
        if unknown := set(q.get("tags", ())) - TAGS:
            yield f"unknown tags {sorted(unknown)}"
        if not str(q.get("text", "")).strip():
            yield "empty text"
        if unknown_keys := set(q.get("filter", {})) - FILTER_KEYS:
            yield f"unknown filter keys {sorted(unknown_keys)}"

    assert _failures(check) == []


def test_no_duplicate_texts() -> None:
    """Within a file and across the files: a later set must not repeat an earlier one.

    Texts compare without case, punctuation and spacing: 'noci?' repeats 'Noci'.
    """
    texts = Counter(" ".join(re.sub(r"\W+", " ", q["text"].casefold()).split()) for _, q in QUESTIONS)
    assert [text for text, n in texts.items() if n > 1] == []


@pytest.mark.parametrize("name", QUESTION_FILES)
def test_every_intent_in_both_splits_and_balanced(name: str) -> None:
    per_intent = Counter((q["intent"], q["split"]) for q in SETS[name])
    for intent in INTENTS:
        dev, test = per_intent[intent, "dev"], per_intent[intent, "test"]
        assert dev > 0, intent
        assert test > 0, intent
        assert abs(dev - test) <= 1, (intent, dev, test)


def test_questions_from_the_issue_are_present() -> None:
    texts = {q["text"] for q in SETS["questions.toml"]}
    assert [text for text in FROM_THE_ISSUE if text not in texts] == []


def test_every_expected_id_exists(papers: dict[str, Paper]) -> None:
    def check(q: Question) -> Iterable[str]:
        ids = [*q.get("papers", ()), *q.get("among", ())]
        ids += [q["paper"]] if "paper" in q else []
        yield from (f"no paper {paper_id!r}" for paper_id in ids if paper_id not in papers)
        for key in ("papers", "among"):
            if len(set(q.get(key, ()))) != len(q.get(key, ())):
                yield f"duplicate ids in {key}"

    assert _failures(check) == []


def test_answers_are_not_empty_and_topics_are_focused() -> None:
    def check(q: Question) -> Iterable[str]:
        if q["intent"] in {"topic", "list", "count", "who_works_on"} and not q["papers"]:
            yield "no papers: use intent 'none'"
        if q["intent"] == "topic" and len(q["papers"]) > 4:
            yield "a topic question should have at most 4 acceptable first citations"

    assert _failures(check) == []


def test_counts_equal_their_lists() -> None:
    def check(q: Question) -> Iterable[str]:
        if q["intent"] == "count" and q["count"] != len(q["papers"]):
            yield f"count {q['count']} but {len(q['papers'])} papers"

    assert _failures(check) == []


def test_filtered_lists_are_exact(papers: dict[str, Paper]) -> None:
    """A list/count with a filter lists exactly the filter's papers, or a subset when a topic narrows it."""

    def check(q: Question) -> Iterable[str]:
        if q["intent"] not in {"list", "count"} or "filter" not in q:
            return
        expected, given = _selected(q["filter"], papers), set(q["papers"])
        if "topic" in q["filter"]:
            if extra := given - expected:
                yield f"papers outside the filter: {sorted(extra)}"
        elif given != expected:
            yield f"missing {sorted(expected - given)}, extra {sorted(given - expected)}"

    assert _failures(check) == []


def test_author_lists_have_that_author(papers: dict[str, Paper]) -> None:
    """Generic: every paper of a people question lists each filtered author."""

    def check(q: Question) -> Iterable[str]:
        for name in q.get("filter", {}).get("authors", ()):
            for paper_id in q.get("papers", ()):
                if fold(name) not in {fold(author) for author in papers[paper_id].authors}:
                    yield f"{paper_id} does not list {name}"

    assert _failures(check) == []


def test_none_filters_match_nothing(papers: dict[str, Paper]) -> None:
    def check(q: Question) -> Iterable[str]:
        if q["intent"] == "none" and "filter" in q and (found := _selected(q["filter"], papers)):
            yield f"the filter matches {sorted(found)}: not a 'none' question"

    assert _failures(check) == []


def test_latest_and_oldest_come_first(papers: dict[str, Paper]) -> None:
    def check(q: Question) -> Iterable[str]:
        if q["intent"] not in {"latest", "oldest"}:
            return
        pool = _selected(q.get("filter", {}), papers)
        candidates = set(q.get("among", pool))
        if outside := candidates - pool:
            yield f"among has papers outside the filter: {sorted(outside)}"
        if q["paper"] not in candidates:
            yield "the expected paper is not a candidate"
            return
        ordered = sorted(candidates, key=lambda paper_id: papers[paper_id].published or date.min)
        first = ordered[-1] if q["intent"] == "latest" else ordered[0]
        if papers[first].published == papers[q["paper"]].published and first != q["paper"]:
            yield f"tie on date with {first}"
        elif first != q["paper"]:
            yield f"{q['intent']} is {first}, not {q['paper']}"

    assert _failures(check) == []


def test_who_works_on_names_the_most_frequent_authors(papers: dict[str, Paper]) -> None:
    def check(q: Question) -> Iterable[str]:
        if q["intent"] != "who_works_on":
            return
        counts = Counter(author for paper_id in q["papers"] for author in papers[paper_id].authors)
        everyone = {author for paper in papers.values() for author in paper.authors}
        if unknown := set(q["authors"]) - everyone:
            yield f"not authors in the corpus: {sorted(unknown)}"
        top = max(counts.values(), default=0)
        leaders = {author for author, n in counts.items() if n == top}
        if set(q["authors"]) != leaders:
            yield f"the most frequent authors are {sorted(leaders)}"

    assert _failures(check) == []
