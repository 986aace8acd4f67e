"""The live corpus: the current index, swapped atomically when the corpus is reloaded.

Searches always see one complete index — the old one keeps serving while a new one is built, and a bad
corpus file leaves the old one in place (peer bots lose their index on a failed re-import; we don't).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.clock import Clock
from bot.corpus.loader import CorpusLoad, load_corpus, problem_lines
from bot.errors import CorpusError, Problem
from bot.search.index import EngineChoice, PaperIndex
from bot.search.store import IndexStore

log = logging.getLogger("paperbot.library")


@dataclass(frozen=True)
class Snapshot:
    """One loaded corpus and its index, with when and from where it was loaded."""

    index: PaperIndex
    loaded_at: datetime
    files: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ReloadReport:
    """What a reload did: the new size, or why the old corpus was kept."""

    ok: bool
    papers: int
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    error: str | None = None


@dataclass
class Library:
    """Owns the current Snapshot; `reload()` replaces it only when the new corpus loaded."""

    path: Path | None
    strict: bool
    clock: Clock
    loader: Callable[..., CorpusLoad] = load_corpus
    engine: EngineChoice = "auto"
    index_dir: Path | None = None
    """Where the large-corpus engine keeps its index between starts (None: rebuilt at every start)."""
    _snapshot: Snapshot | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    @classmethod
    def from_papers(cls, index: PaperIndex, clock: Clock) -> Library:
        """A library around an index built elsewhere (tests, benchmarks)."""
        library = cls(path=None, strict=False, clock=clock)
        library._snapshot = Snapshot(index=index, loaded_at=clock.now())
        return library

    def load(self) -> Snapshot:
        """Load synchronously at start-up; a CorpusError here stops the bot with the reasons."""
        self._snapshot = self._build()
        return self._snapshot

    @property
    def snapshot(self) -> Snapshot:
        """The snapshot currently serving."""
        if self._snapshot is None:
            self._snapshot = self._build()
        return self._snapshot

    @property
    def index(self) -> PaperIndex:
        """The index currently serving."""
        return self.snapshot.index

    async def reload(self) -> ReloadReport:
        """Re-import the corpus off the event loop and swap it in; on failure keep the old one and say why."""
        async with self._lock:
            old = self.snapshot
            try:
                new = await asyncio.to_thread(self._build)
            except CorpusError as exc:
                log.warning(
                    "corpus reload failed, keeping the %d papers loaded before: %s",
                    len(old.index.papers),
                    exc.message,
                )
                return ReloadReport(
                    ok=False, papers=len(old.index.papers), problems=tuple(exc.problems), error=exc.message
                )
            old_ids = {p.id for p in old.index.papers}
            new_ids = {p.id for p in new.index.papers}
            self._snapshot = new
            log.info(
                "corpus reloaded: %d papers (%d new, %d gone)",
                len(new_ids),
                len(new_ids - old_ids),
                len(old_ids - new_ids),
            )
            return ReloadReport(
                ok=True,
                papers=len(new_ids),
                added=tuple(sorted(new_ids - old_ids)),
                removed=tuple(sorted(old_ids - new_ids)),
                problems=new.problems,
            )

    def _build(self) -> Snapshot:
        loaded = self.loader(self.path, strict=self.strict)
        for line in problem_lines(loaded.problems):
            log.warning("corpus: %s", line)
        return Snapshot(
            index=PaperIndex.build(
                loaded.papers,
                engine=self.engine,
                store=None if self.index_dir is None else IndexStore(self.index_dir),
                today=lambda: self.clock.now().date(),
            ),
            loaded_at=self.clock.now(),
            files=loaded.files,
            problems=loaded.problems,
        )
