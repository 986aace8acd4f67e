"""Suite-wide setup: paper vectors (search by meaning) are cached in one folder per test run, never in
the developer's own cache folder, and every test after the first that needs them loads them from there."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from bot.search.meaning import CACHE_ENV


@pytest.fixture(autouse=True, scope="session")
def _vector_cache() -> Iterator[None]:
    with tempfile.TemporaryDirectory(prefix="paperbot-vectors-") as folder:
        previous = os.environ.get(CACHE_ENV)
        os.environ[CACHE_ENV] = folder  # subprocesses (`paperbot run`, `paperbot ask`) inherit it
        yield
        if previous is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = previous


@pytest.fixture(autouse=True, scope="session")
def _bundled_corpus_vectors(_vector_cache: None) -> None:
    """Compute the bundled corpus's paper vectors once, so no test waits for them against a deadline."""
    from bot.corpus.loader import load_corpus
    from bot.search.index import PaperIndex

    PaperIndex.build(load_corpus(None).papers).warm()
