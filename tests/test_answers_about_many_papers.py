"""Answers about all the papers a question matches, on a corpus larger than one page of search results.

A breakdown ("papers per year"), who wrote the most, and the paper nearest an empty period were computed
from one page of `search` (at most `MAX_RESULTS` hits): on a corpus of 100,000 papers "papers per year"
said "1000 papers in the corpus over 1 year". Here the corpus holds more papers than that page, and every
expected figure is counted from the papers themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest

from bot.answer import answer_question
from bot.corpus.model import Paper
from bot.search.index import MAX_RESULTS, PaperIndex

SIZE = MAX_RESULTS + 500
PEOPLE = ("Ada Byron", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth")


def _paper(n: int) -> Paper:
    """Paper n: Ada Byron on two papers in three, Donald Knuth on three in five, one of four others on the
    rest; on diffusion when n is not a multiple of 7; one paper a day going back from mid-2026, so the
    years differ and the oldest papers fall outside the newest page of results; a few undated."""
    authors = [PEOPLE[0]] if n % 3 else []
    authors.append(PEOPLE[min(1 + n % 10, 5)])
    topic = "sorting networks" if n % 7 == 0 else "diffusion models"
    return Paper(
        id=f"paper-{n:04d}",
        title=f"Study {n} of {topic}",
        authors=tuple(dict.fromkeys(authors)),
        published=None if n % 97 == 50 else date.fromordinal(date(2026, 6, 30).toordinal() - n),
        categories=("LG",),
        abstract=f"We study {topic} in setting {n}. Our results on {topic} hold for case {n}.",
    )


PAPERS = [_paper(n) for n in range(SIZE)]


@pytest.fixture(scope="module")
def index() -> PaperIndex:
    return PaperIndex.build(PAPERS, engine="rank-bm25", today=lambda: date(2026, 12, 1))


def said_groups(text: str) -> dict[str, int]:
    """'2025 (365), 2024 (366) and …' → {label: number}."""
    found = re.findall(r"(?:^|[:,]|\band)\s+([^,:()]+?) \((\d+)\)", text)
    return {label.strip(): int(n) for label, n in found}


def test_papers_per_year_counts_every_paper_of_a_corpus_larger_than_a_page(index: PaperIndex) -> None:
    answer = answer_question(index, "papers per year", everything=True)
    years = Counter(str(p.year) if p.year else "undated" for p in PAPERS)
    assert said_groups(answer.text) == dict(years)
    assert answer.text.startswith(f"{SIZE} papers")


def test_who_wrote_the_most_counts_all_their_papers(index: PaperIndex) -> None:
    answer = answer_question(index, "who wrote the most papers?")
    counts = Counter(a for p in PAPERS for a in p.authors)
    (name, most), (second, then) = counts.most_common(2)
    lead = f"{name} has written the most ({most} papers), then {second} ({then} papers)"
    assert answer.text.startswith(lead)


def test_who_wrote_the_most_on_a_topic_counts_every_paper_on_it(index: PaperIndex) -> None:
    on_diffusion = [p for p in PAPERS if "diffusion" in p.title]
    assert len(on_diffusion) > MAX_RESULTS
    answer = answer_question(index, "who has written the most on diffusion?")
    name, most = Counter(a for p in on_diffusion for a in p.authors).most_common(1)[0]
    assert answer.text.startswith(f"{name} has written the most on “diffusion” ({most} papers)")
    assert answer.total == len(on_diffusion)


def test_an_empty_period_before_the_corpus_names_its_oldest_paper(index: PaperIndex) -> None:
    answer = answer_question(index, "what came out in 1990?")
    oldest = min(p.published for p in PAPERS if p.published)
    assert answer.citations == ()
    assert oldest.strftime("%B %Y").split()[1] in answer.text
    assert f"{oldest.day} {oldest.strftime('%B %Y')}" in answer.text


def test_a_count_lists_every_match_in_its_matches(index: PaperIndex) -> None:
    answer = answer_question(index, "how many papers on diffusion?")
    on_diffusion = {p.id for p in PAPERS if "diffusion" in p.title}
    assert answer.total == len(on_diffusion) > MAX_RESULTS
    assert answer.text.startswith(f"{len(on_diffusion)} papers")
    assert {p.id for p in answer.matches} == on_diffusion


@pytest.mark.parametrize(
    ("question", "keep"),
    [
        ("papers from 2024", lambda p: p.year == 2024),
        ("papers from March 2025", lambda p: p.published and (p.year, p.published.month) == (2025, 3)),
        ("papers since 2026", lambda p: p.year and p.year >= 2026),
        ("papers before 2023", lambda p: p.year and p.year < 2023),
        ("papers by Ada Byron from 2025", lambda p: p.year == 2025 and "Ada Byron" in p.authors),
        ("diffusion papers from 2024 not by Ada Byron",
         lambda p: p.year == 2024 and "Ada Byron" not in p.authors and "diffusion" in p.title),
    ],
)  # fmt: skip
def test_a_period_holds_exactly_the_papers_dated_in_it(
    index: PaperIndex, question: str, keep: Callable[[Paper], bool]
) -> None:
    expected = {p.id for p in PAPERS if keep(p)}
    assert expected
    assert {p.id for p in index.every_match(question).papers} == expected
    assert index.search(question, limit=1).total == len(expected)
