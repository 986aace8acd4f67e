"""Grading paperbot's answers against the question set (`questions.toml`): one rule per intent.

Used by `tests/questions/test_answers.py` and `benchmarks/questions.py`. Only `text` goes to the bot;
the expectation fields (`papers`, `paper`, `count`, `authors`) are compared with what it answered.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.answer import Answer, answer_question
from bot.corpus.loader import load_corpus
from bot.search.analysis import fold
from bot.search.index import PaperIndex

SETS = tuple(
    Path(__file__).with_name(name)
    for name in (
        "questions.toml",
        "questions_more.toml",
        "questions_third.toml",
        "questions_fourth.toml",
        "questions_fifth.toml",
        "questions_sixth.toml",
    )
)
"""Six sets, each written by someone else before the bot was tuned on it; each has a held-out test split."""


@dataclass(frozen=True)
class Graded:
    """One question, what was asked of the bot, and whether its answer was right (and why not)."""

    question: dict[str, Any]
    answer: Answer
    right: bool
    why: str


def load_set() -> tuple[date, list[dict[str, Any]]]:
    """The sets' `today` (they share one) and their questions, each tagged with its file (`set`)."""
    days, questions = set(), []
    for path in SETS:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        days.add(date.fromisoformat(data["today"]))
        questions += [{**q, "set": path.stem} for q in data["question"]]
    (today,) = days
    return today, questions


def index_for(today: date) -> PaperIndex:
    """The bundled corpus, with yearless dates and relative questions resolved against `today`."""
    return PaperIndex.build(load_corpus(None, today=today).papers, today=lambda: today)


def _names_in(text: str, names: list[str]) -> list[str]:
    folded = fold(text)
    return [n for n in names if fold(n) not in folded]


def grade(q: dict[str, Any], answer: Answer) -> tuple[bool, str]:
    """Whether `answer` is right for question `q`, and a reason when it is not."""
    cited = [c.paper.id for c in answer.citations]
    listed = [p.id for p in answer.matches] or cited
    intent = q["intent"]
    if intent == "none":
        return (not cited, f"cited {cited}")
    if not cited:
        return False, "cited nothing"
    if intent == "topic":
        return cited[0] in q["papers"], f"first cited {cited[0]}"
    if intent in {"list", "count"}:
        want, got = set(q["papers"]), set(listed)
        if want != got:
            return False, f"missing {sorted(want - got)} extra {sorted(got - want)}"
        if intent == "count" and answer.total != q["count"]:
            return False, f"count {answer.total} != {q['count']}"
        numbers = re.findall(r"\b\d+\b", answer.text)
        if intent == "count" and numbers[:1] != [str(q["count"])]:
            return False, f"the first number said is {numbers[:1]}, not {q['count']}"
        return True, ""
    if intent == "who_wrote":
        if cited[0] != q["paper"]:
            return False, f"first cited {cited[0]}"
        missing = _names_in(answer.text, list(answer.citations[0].paper.authors))
        return not missing, f"authors not named: {missing}"
    if intent == "who_works_on":
        first = answer.people[0][0] if answer.people else ""
        return fold(first) in {fold(a) for a in q["authors"]}, f"first named {first!r}"
    if intent in {"latest", "oldest"}:
        return listed[0] == q["paper"], f"first {listed[0]}"
    raise ValueError(f"unknown intent {intent}")


def run(split: str | None = None) -> list[Graded]:
    """Ask every question (of `split`, or all) and grade the answers."""
    today, questions = load_set()
    index = index_for(today)
    out = []
    for q in questions:
        if split is not None and q["split"] != split:
            continue
        answer = answer_question(index, q["text"], everything=True)
        right, why = grade(q, answer)
        out.append(Graded(q, answer, right, "" if right else why))
    return out
