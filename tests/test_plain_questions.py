"""The questions lab members actually asked and got "nothing found" for (issue table), in the terminal.

Each row's expectation is computed from the corpus itself (who the authors are, which papers are from
2025), not copied from an answer. `tests/discord_adapter/test_papers_commands.py` asks the same rows
through the fake Discord and checks it cites what the terminal cites.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.cli import main
from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper

Check = Callable[[list[str], str, list[Paper]], None]


def _by(name: str, year: int | None = None) -> Check:
    def check(cited: list[str], text: str, papers: list[Paper]) -> None:
        want = {p.id for p in papers if any(name in a for a in p.authors) and year in (None, p.year)}
        assert want
        assert set(cited) == want

    return check


def _first(paper_id: str) -> Check:
    def check(cited: list[str], text: str, papers: list[Paper]) -> None:
        assert cited[0] == paper_id

    return check


def _first_of(*paper_ids: str) -> Check:
    def check(cited: list[str], text: str, papers: list[Paper]) -> None:
        assert cited
        assert set(cited) <= set(paper_ids)

    return check


def _newest(cited: list[str], text: str, papers: list[Paper]) -> None:
    newest = max((p for p in papers if p.published), key=lambda p: p.published or 0)
    assert cited[0] == newest.id


def _count_2023(cited: list[str], text: str, papers: list[Paper]) -> None:
    in_2023 = {p.id for p in papers if p.year == 2023}
    assert text.split()[0] == str(len(in_2023))
    assert set(cited) == in_2023


def _affiliated(name: str) -> Check:
    def check(cited: list[str], text: str, papers: list[Paper]) -> None:
        assert set(cited) == {p.id for p in papers if name in p.affiliations}

    return check


def _who_wrote(cited: list[str], text: str, papers: list[Paper]) -> None:
    paper = next(p for p in papers if p.id == "random-teachers-are-good-teachers")
    assert cited == [paper.id]
    assert all(name in text for name in paper.authors)
    assert "et al." in text


def _nothing(cited: list[str], text: str, papers: list[Paper]) -> None:
    assert cited == []


SSM = (
    "on-the-expressiveness-and-length-generalization-of-selective",
    "structured-sparse-transition-matrices-to-enable-state",
    "flash-pd-ssm-memory-optimized-structured-sparse-state-space",
)
OT = ("transformer-fusion-with-optimal-transport", "towards-meta-pruning-via-optimal-transport")
ROWS: list[tuple[str, Check]] = [
    ("what did Hofmann publish in 2025?", _by("Hofmann", 2025)),
    ("who wrote the paper on random teachers?", _who_wrote),
    ("is there anything on state space models?", _first_of(*SSM)),
    ("anything about optimal transport?", _first_of(*OT)),
    ("summarize the latest paper on tokenization", _first("causal-estimation-of-tokenisation-bias")),
    ("what are the latest papers from the group?", _newest),
    ("what's new?", _newest),
    ("which papers by Lorenzo Noci are there?", _by("Noci")),
    ("how many papers did the group publish in 2023?", _count_2023),
    ("papers by Noci", _by("Noci")),
    ("papers by Hofmann from 2025", _by("Hofmann", 2025)),
    ("which papers are affiliated with Harvard?", _affiliated("harvard")),
    ("DeepMind papers?", _affiliated("deepmind")),
    ("transfomer fusion", _first("transformer-fusion-with-optimal-transport")),
    ("protein folding", _nothing),
    # Paraphrases: no paper uses these words; the one paper closest in meaning answers, and says so.
    (
        "which transformer components can you just delete without slowing training down",
        _first("simplifying-transformer-blocks"),
    ),
    ("how do I fix my bike", _nothing),
]


def ask_json(question: str, *flags: str) -> dict[str, Any]:
    out = io.StringIO()
    assert main(["ask", "--json", *flags, question], stdout=out, stdin=io.StringIO()) == 0
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.mark.parametrize(("question", "check"), ROWS, ids=[q for q, _ in ROWS])
def test_the_questions_people_ask_are_answered_in_the_terminal(question: str, check: Check) -> None:
    answer = ask_json(question, "--all")
    assert set(answer) == {"answer", "citations"}
    cited = [c["id"] for c in answer["citations"]]
    check(cited, answer["answer"], list(load_corpus(None).papers))


def test_state_space_models_counts_only_papers_about_them() -> None:
    out = io.StringIO()
    main(["search", "state space models", "--limit", "2"], stdout=out, stdin=io.StringIO())
    assert "… 1 more" in out.getvalue()  # three papers are about them, not the 41 that say "models"


def test_ten_fold_is_not_protein_folding() -> None:
    out = io.StringIO()
    main(["search", "protein folding"], stdout=out, stdin=io.StringIO())
    assert "No papers match" in out.getvalue()
