"""The search index on disk, next to the database: analysed terms and the large-corpus engine.

Analysing a million abstracts takes minutes; opening what an earlier start analysed takes a second. So
the analysed terms (`terms.AnalysedTerms`) and the engine built from them (`inverted.InvertedEngine`) are
stored under `storage.data_dir`, in a folder named after the corpus content and the analysis version:

    <data_dir>/search-index/<corpus hash>-a<ANALYSIS_VERSION>/terms/
    <data_dir>/search-index/<corpus hash>-a<ANALYSIS_VERSION>/engine-<settings hash>/

A start-up with the same corpus opens them memory-mapped; a changed corpus (or a new analysis version)
has another name and is built afresh; other BM25 settings rebuild only the engine, from the stored terms.

- Writes are atomic: each folder is written under a temporary name and renamed into place, so a crash or
  a second process never leaves a half-written index under a real name (the loser of a race discards
  its copy).
- A damaged or unreadable index is rebuilt with one warning line; a data folder that cannot be written
  is one warning line too, and the index then lives in memory only. Neither stops paperbot.
- Only the two most recently used corpora are kept, so re-imports do not fill the disk.

The engine's module is imported when a store is opened: `paperbot ask` over a small corpus imports this
module for `corpus_key` alone, and the engine and its rescoring were ≈ 3 ms of its start.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.corpus.model import Paper
from bot.search.engine import BM25Settings
from bot.search.terms import ANALYSIS_VERSION, AnalysedTerms

if TYPE_CHECKING:
    from bot.search.inverted import InvertedEngine

__all__ = ["INDEX_FOLDER", "IndexStore", "corpus_key"]

log = logging.getLogger("paperbot.search")

T = TypeVar("T")

INDEX_FOLDER = "search-index"
"""The folder under `storage.data_dir` that holds stored indexes."""
KEEP_CORPORA = 2
_DAMAGED = (OSError, ValueError, KeyError, IndexError, TypeError, EOFError)
"""What reading a damaged index raises (JSON, numpy headers, truncated arrays, missing files)."""


def corpus_key(papers: Sequence[Paper]) -> str:
    """A name for the analysed content of `papers`, in order (ids, titles, abstracts, authors)."""
    digest = hashlib.blake2b(digest_size=16)
    for paper in papers:
        record = "\x1f".join((paper.id, paper.title, paper.abstract, "\x1d".join(paper.authors)))
        digest.update(record.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return f"{digest.hexdigest()}-a{ANALYSIS_VERSION}"


def _settings_hash(settings: BM25Settings) -> str:
    import json

    from bot.search.inverted import settings_key

    text = json.dumps(settings_key(settings), sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class IndexStore:
    """Stored indexes under one folder (`<data_dir>/search-index`)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def open_or_build(
        self, key: str, analyse: Callable[[], AnalysedTerms], settings: BM25Settings
    ) -> tuple[AnalysedTerms, InvertedEngine]:
        """The stored terms and engine for corpus `key`, building (and storing) whatever is missing."""
        from bot.search.inverted import InvertedEngine

        folder = self.root / key
        terms = self._open(folder / "terms", AnalysedTerms.open)
        if terms is None:
            log.info("search index: analysing the corpus (no stored index for it yet)")
            built = analyse()
            terms = self._store(folder / "terms", built.save, AnalysedTerms.open) or built
        engine_folder = folder / f"engine-{_settings_hash(settings)}"
        engine = self._open(engine_folder, lambda path: InvertedEngine.open(path, terms, settings))
        if engine is None:
            started = time.perf_counter()
            fresh = InvertedEngine.build(terms, settings)
            seconds = time.perf_counter() - started
            log.info("search index: engine built for %d papers in %.1f s", terms.size, seconds)
            stored = self._store(
                engine_folder,
                lambda path: fresh.save(path, settings),
                lambda path: InvertedEngine.open(path, terms, settings),
            )
            engine = stored or fresh
        self._prune(folder)
        return terms, engine

    def _open(self, folder: Path, opener: Callable[[Path], T]) -> T | None:
        """What `opener` reads from `folder`; None if it is missing, or damaged (one warning line)."""
        if not folder.is_dir():
            return None
        try:
            return opener(folder)
        except _DAMAGED as exc:
            reason = str(exc) or type(exc).__name__
            log.warning("search index at %s is damaged (%s); rebuilding it", folder, reason)
            _remove(folder)
            return None

    def _store(self, folder: Path, write: Callable[[Path], None], opener: Callable[[Path], T]) -> T | None:
        """Write via a temporary folder renamed into place, then reopen it memory-mapped (RAM freed)."""
        temporary = folder.parent / f".tmp-{folder.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            temporary.mkdir(parents=True)
            write(temporary)
            try:
                temporary.rename(folder)
            except OSError:
                if not folder.is_dir():
                    raise
                _remove(temporary)  # another process stored the same index first: use theirs
            return opener(folder)
        except _DAMAGED as exc:
            log.warning(
                "search index: cannot store it under %s (%s); keeping it in memory only", self.root, exc
            )
            _remove(temporary)
            return None

    def _prune(self, current: Path) -> None:
        """Mark `current` as used now; remove all but the most recently used corpora and stale temps."""
        try:
            os.utime(current)
            folders = [p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".tmp-")]
            folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
            for old in folders[KEEP_CORPORA:]:
                if old != current:
                    _remove(old)
        except OSError as exc:
            log.warning("search index: cannot tidy %s (%s)", self.root, exc)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
