"""Indexing a large corpus says how far it got: a bar on a terminal, a line in the log."""

from __future__ import annotations

import io
import logging

import pytest

from bot import progress
from bot.corpus.loader import load_corpus
from bot.search.terms import analyse_papers


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def large_from_ten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "SHOW_FROM", 10)  # the 50 seed papers count as a large corpus
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)


@pytest.mark.usefixtures("large_from_ten")
def test_a_large_import_logs_its_progress_and_draws_a_bar_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    caplog.set_level(logging.INFO, logger="paperbot.progress")
    papers = load_corpus(strict=True).papers
    analyse_papers(papers)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == f"indexing: {len(papers)} papers to go"
    assert any(line.startswith(f"indexing: 25/{len(papers)} papers (50 %)") for line in lines)
    assert lines[-1].startswith(f"indexing: {len(papers)} papers done in")
    assert "indexing: 100%" in terminal.getvalue()  # tqdm's bar, finished


@pytest.mark.usefixtures("large_from_ten")
def test_no_bar_when_the_output_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    analyse_papers(load_corpus(strict=True).papers)
    assert piped.getvalue() == ""


def test_a_small_corpus_reports_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="paperbot.progress")
    analyse_papers(load_corpus(strict=True).papers)
    assert not caplog.records
