"""Fixtures for search tests: the bundled lab corpus as an index, and a helper to make small papers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from bot.search.index import PaperIndex

# Listing dates without a year ("Mar 16") resolve against this day, so test results never drift.
TODAY = date(2026, 4, 1)


@pytest.fixture(scope="session")
def lab_index() -> PaperIndex:
    """The 50 bundled seed papers, indexed once for the whole session (the index is immutable)."""
    return PaperIndex.build(load_corpus(today=TODAY, strict=True).papers)


MakePaper = Callable[..., Paper]


@pytest.fixture
def make_paper() -> MakePaper:
    """Build a Paper with defaults for everything a test does not care about."""

    def make(paper_id: str, title: str, abstract: str = "", **fields: object) -> Paper:
        return Paper(id=paper_id, title=title, abstract=abstract, **fields)

    return make
