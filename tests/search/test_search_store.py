"""The stored index: a restart opens it, a changed corpus rebuilds it, a damaged one is rebuilt."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from bot.search.index import PaperIndex
from bot.search.store import IndexStore

from .conftest import TODAY

QUESTIONS = ("state space models", "random teachers", "Lucchi", "diffusion models with code")


def answers(index: PaperIndex) -> list[list[tuple[str, float]]]:
    return [[(h.paper.id, h.score) for h in index.search(q).hits] for q in QUESTIONS]


@pytest.fixture(scope="module")
def papers() -> tuple[Paper, ...]:
    return load_corpus(today=TODAY, strict=True).papers


@pytest.fixture(scope="module")
def expected(papers: tuple[Paper, ...]) -> list[list[tuple[str, float]]]:
    return answers(PaperIndex.build(papers, engine="rank-bm25"))


def start(papers: tuple[Paper, ...], root: Path) -> PaperIndex:
    return PaperIndex.build(papers, engine="inverted", store=IndexStore(root))


def analysed(caplog: pytest.LogCaptureFixture) -> int:
    return sum("analysing the corpus" in r.getMessage() for r in caplog.records)


def test_a_restart_opens_the_stored_index_instead_of_analysing_again(
    papers: tuple[Paper, ...],
    expected: list[list[tuple[str, float]]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="paperbot.search")
    assert answers(start(papers, tmp_path)) == expected
    assert answers(start(papers, tmp_path)) == expected
    assert analysed(caplog) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]  # written, then renamed


def test_a_changed_corpus_is_analysed_again(
    papers: tuple[Paper, ...], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="paperbot.search")
    assert not start(papers, tmp_path).search("okapi zebras").hits
    changed = (papers[0].model_copy(update={"abstract": "Okapi zebras everywhere."}), *papers[1:])
    assert start(changed, tmp_path).search("okapi zebras").hits[0].paper.id == papers[0].id
    assert analysed(caplog) == 2


@pytest.mark.parametrize("damage", ["body.weights.npy", "engine.json", "postings.docs.npy", "vocabulary.txt"])
def test_a_damaged_index_is_rebuilt_with_one_warning(
    papers: tuple[Paper, ...],
    expected: list[list[tuple[str, float]]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    start(papers, tmp_path)
    for path in tmp_path.rglob(damage):
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # a crash mid-copy, a full disk
    caplog.set_level(logging.INFO, logger="paperbot.search")
    assert answers(start(papers, tmp_path)) == expected
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "damaged" in warnings[0]
    assert answers(start(papers, tmp_path)) == expected  # and stored again, sound


def test_an_unwritable_data_folder_still_answers(
    papers: tuple[Paper, ...],
    expected: list[list[tuple[str, float]]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    caplog.set_level(logging.WARNING, logger="paperbot.search")
    assert answers(start(papers, blocked / "search-index")) == expected
    assert any("in memory only" in r.getMessage() for r in caplog.records)


def test_only_the_two_latest_corpora_are_kept(papers: tuple[Paper, ...], tmp_path: Path) -> None:
    for n in range(3):
        start(papers[n:], tmp_path)
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2
