"""Questions about the corpus as a whole — how many people, which categories, which years — in the terminal.

"How many authors are there?" used to be answered "50 papers in the corpus" (a confident wrong number),
and "papers per year" with "nothing found". These questions ask for a *breakdown*: the papers that match
grouped by person, category or year, each group with its number of papers. The expected groups are
counted here from the papers' own metadata, never copied from an answer.

The phrasings were written before the reader learned them, from how people ask in a lab's chat.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from bot.answer import answer_question
from bot.cli import main
from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from bot.search.index import PaperIndex
from bot.search.query import category_label

PAPERS = list(load_corpus(None).papers)
Keys = Callable[[Paper], list[str]]


def folded(text: str) -> str:
    """`text` without accents or case ("Aurélien" and "Aurelien" are one person)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _people(paper: Paper) -> list[str]:
    return list(paper.authors)


def _first_authors(paper: Paper) -> list[str]:
    return list(paper.authors[:1])


def _categories(paper: Paper) -> list[str]:
    return [category_label(c) for c in paper.categories]


def _years(paper: Paper) -> list[str]:
    return [str(paper.year)] if paper.year else []


def _institutions(paper: Paper) -> list[str]:
    return [a.replace("-", " ") for a in paper.affiliations]


def _by(name: str) -> Callable[[Paper], bool]:
    return lambda p: any(name in folded(a) for a in p.authors)


def _everything(paper: Paper) -> bool:
    return True


def _mentions(*words: str) -> Callable[[Paper], bool]:
    return lambda p: any(w in folded(f"{p.title} {p.abstract}") for w in words)


def ask(question: str) -> dict[str, Any]:
    out = io.StringIO()
    assert main(["ask", "--json", "--all", question], stdout=out, stdin=io.StringIO()) == 0
    answer: dict[str, Any] = json.loads(out.getvalue())
    return answer


def said_groups(text: str) -> dict[str, int]:
    """'Thomas Hofmann (17), Gregor Bachmann (8) and …' → {label: number}, in the order said."""
    found = re.findall(r"(?:^|[:,]|\band)\s+([^,:()]+?) \((\d+)\)", text)
    return {folded(label.strip()): int(n) for label, n in found}


def expected(keys: Keys, keep: Callable[[Paper], bool], leave_out: str = "") -> Counter[str]:
    keys_of = (folded(key) for p in PAPERS if keep(p) for key in keys(p))
    return Counter(key for key in keys_of if not (leave_out and leave_out in key))


CASES: list[tuple[str, Keys, Callable[[Paper], bool], str]] = [
    # people
    ("how many authors are in the corpus?", _people, _everything, ""),
    ("how many people have written papers here", _people, _everything, ""),
    ("list all the authors", _people, _everything, ""),
    ("who are all the authors?", _people, _everything, ""),
    ("number of different authors in 2023", _people, lambda p: p.year == 2023, ""),
    ("how many people has noci written with?", _people, _by("noci"), "noci"),
    ("papers per author", _people, _everything, ""),
    ("how many researchers published with Hofmann", _people, _by("hofmann"), "hofmann"),
    ("top 5 authors", _people, _everything, ""),
    ("how many authors per paper?", _people, _everything, ""),
    ("our most prolific authors in 2023", _people, lambda p: p.year == 2023, ""),
    ("top first authors", _first_authors, _everything, ""),
    ("most prolific first authors in 2024", _first_authors, lambda p: p.year == 2024, ""),
    # categories
    ("what categories are there?", _categories, _everything, ""),
    ("how many papers per category", _categories, _everything, ""),
    ("which arxiv categories are hofmann's papers in", _categories, _by("hofmann"), ""),
    ("breakdown by category for 2024", _categories, lambda p: p.year == 2024, ""),
    # years
    ("papers per year", _years, _everything, ""),
    ("how many papers each year?", _years, _everything, ""),
    ("which year had the most papers", _years, _everything, ""),
    ("Noci's papers by year", _years, _by("noci"), ""),
    ("year by year breakdown of our output", _years, _everything, ""),
    ("what was our busiest year", _years, _everything, ""),
    ("how many diffusion papers per year", _years, _mentions("diffusion"), ""),
    # institutions
    ("which institutions do we collaborate with?", _institutions, _everything, ""),
    ("papers per affiliation", _institutions, _everything, ""),
    ("which universities has noci worked with", _institutions, _by("noci"), ""),
]


@pytest.mark.parametrize(("question", "keys", "keep", "leave_out"), CASES, ids=[c[0] for c in CASES])
def test_a_breakdown_says_every_group_with_its_number_most_first(
    question: str, keys: Keys, keep: Callable[[Paper], bool], leave_out: str
) -> None:
    answer = ask(question)
    said = said_groups(answer["answer"])
    want = expected(keys, keep, leave_out)
    if "diffusion" in question:  # which papers are *about* diffusion is the search's judgement, not a
        assert said  # substring's: only the groups' names are checked
        assert set(said) <= set(want)
        assert all(n <= want[label] for label, n in said.items())
        return
    assert said == dict(want), answer["answer"]
    assert list(said.values()) == sorted(said.values(), reverse=True)
    total = len(want)
    assert re.search(rf"\b{total}\b", answer["answer"].split(":")[0]), "the number of groups comes first"


def test_a_breakdown_of_many_people_names_the_first_and_says_how_many_are_left() -> None:
    out = io.StringIO()
    assert main(["ask", "how many authors are there?"], stdout=out, stdin=io.StringIO()) == 0
    text = out.getvalue()
    people = expected(_people, _everything)
    assert text.startswith(f"{len(people)} people")
    shown = said_groups(text)
    assert 0 < len(shown) < len(people)
    assert f"{len(people) - len(shown)} more" in text
    assert "--all" in text


def test_a_breakdown_carries_every_group_also_those_its_text_leaves_out() -> None:
    """What a front end needs to list them all another way (Discord's *N more* button), and the words a
    front end uses to say how to see them."""
    answer = answer_question(PaperIndex.build(PAPERS), "list all the authors")
    people = expected(_people, _everything)
    assert {folded(label): n for label, n in answer.groups} == dict(people)
    assert [n for _, n in answer.groups] == sorted(people.values(), reverse=True)
    assert answer.unshown_groups == len(people) - len(said_groups(answer.text)) > 0
    elsewhere = answer.render_text(how="press the button")
    assert elsewhere.startswith(answer.text)
    assert f"{answer.unshown_groups} more: press the button." in elsewhere
    assert "--all" not in elsewhere


def test_two_categories_compared_are_counted_side_by_side() -> None:
    for question in ("nlp vs cv papers", "what's the split between cv and nlp papers?"):
        said = said_groups(ask(question)["answer"])
        everyone = expected(_categories, _everything)
        wanted = {folded(category_label(code)) for code in ("CV", "CL")}
        assert said == {label: n for label, n in everyone.items() if label in wanted}


@pytest.mark.parametrize(
    ("question", "cited"),
    [
        ("who are the authors of the random teachers paper", ["random-teachers-are-good-teachers"]),
        ("list the authors of the random teachers paper", ["random-teachers-are-good-teachers"]),
    ],
)
def test_the_authors_of_one_paper_are_still_that_papers_authors(question: str, cited: list[str]) -> None:
    answer = ask(question)
    assert [c["id"] for c in answer["citations"]] == cited


def test_an_institution_breakdown_says_how_many_papers_list_none() -> None:
    """Most listings give no affiliation: the groups alone would hide that, so the answer says how many."""
    answer = ask("what affiliations are there?")
    unlisted = sum(not p.affiliations for p in PAPERS)
    assert unlisted
    assert f"{unlisted} of these papers list no affiliation" in answer["answer"]


def test_a_breakdown_with_no_group_says_so() -> None:
    """Someone who only wrote alone has written with nobody; papers that list no institution group into
    none: the answer says so rather than failing."""
    solo = Paper(
        id="solo", title="Notes on road maps", abstract="A graph of roads.", authors=("Ada Lovelace",)
    )
    index = PaperIndex.build([solo])
    for question in ("how many people has Lovelace written with?", "which institutions are there?"):
        answer = answer_question(index, question)
        assert answer.confident
        assert " 0 " in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "noci vs hofmann",
        "who has more papers, noci or hofmann?",
        "how many more papers does hofmann have than noci",
    ],
)
def test_people_set_side_by_side_are_each_counted_and_their_shared_papers_said(question: str) -> None:
    noci = {p.id for p in PAPERS if _by("noci")(p)}
    hofmann = {p.id for p in PAPERS if _by("hofmann")(p)}
    answer = ask(question)
    said = said_groups(answer["answer"])
    assert said == {"thomas hofmann": len(hofmann), "lorenzo noci": len(noci)}
    assert list(said) == sorted(said, key=lambda name: -said[name])  # most first
    assert answer["answer"].startswith(f"{len(noci | hofmann)} papers")
    assert f"{len(noci & hofmann)} of these are by both" in answer["answer"]


def test_counting_papers_still_counts_papers() -> None:
    nlp = [p for p in PAPERS if "CL" in p.categories]
    assert ask("how many nlp papers")["answer"].startswith(f"{len(nlp)} papers")
    hofmann = [p for p in PAPERS if _by("hofmann")(p)]
    assert ask("how many papers did hofmann write")["answer"].startswith(f"{len(hofmann)} papers")
