"""The live corpus: the current index, swapped atomically when the corpus is reloaded.

Searches always see one complete index — the old one keeps serving while a new one is built, and a bad
corpus file leaves the old one in place (peer bots lose their index on a failed re-import; we don't).

The served corpus is the corpus files plus the papers people added (`stored`, kept in the database and
laid over the files by `bot.corpus.stored.lay_over`). When only the stored papers change (`use_stored`),
the files are not read again: the last load is reused and just the index is rebuilt, off the event loop.
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
from bot.corpus.stored import StoredPaper, lay_over
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
    stored: tuple[StoredPaper, ...] = ()
    engine: EngineChoice = "auto"
    index_dir: Path | None = None
    """Where the large-corpus engine keeps its index between starts (None: rebuilt at every start)."""
    _snapshot: Snapshot | None = field(default=None, init=False)
    _files: CorpusLoad | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    @classmethod
    def from_papers(cls, index: PaperIndex, clock: Clock) -> Library:
        """A library around an index built elsewhere (tests, benchmarks)."""
        library = cls(path=None, strict=False, clock=clock)
        library._snapshot = Snapshot(index=index, loaded_at=clock.now())
        library._files = CorpusLoad(tuple(index.papers), (), ())  # what stored papers are laid over
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
                new = await asyncio.to_thread(self._build, warm=True)
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

    async def use_stored(self, stored: tuple[StoredPaper, ...]) -> None:
        """Serve these stored papers (added, fixed or removed ones): rebuild the index off the event loop
        from the last corpus-file load and swap it in; the old index serves until then.

        The new index's paper vectors (search by meaning) are not computed here: they are cached per whole
        corpus, so one added paper means computing them all again, seconds on a busy machine. Words answer
        at once; the first question that needs meanings computes them.
        """
        async with self._lock:
            self.stored = stored
            files = self._files
            if files is None:  # never loaded: load the files too
                self._snapshot = await asyncio.to_thread(self._build)
                return
            self._snapshot = await asyncio.to_thread(self._index, files, warm=False)
            log.info("corpus rebuilt with %d stored paper(s): %d papers", len(stored), len(self.index.papers))

    def _build(self, *, warm: bool = False) -> Snapshot:
        """Load and index the corpus; `warm` also computes the paper vectors its first question would, so
        the new index answers at full speed from the moment it is swapped in."""
        loaded = self.loader(self.path, strict=self.strict)
        for line in problem_lines(loaded.problems):
            log.warning("corpus: %s", line)
        snapshot = self._index(loaded, warm=warm)
        self._files = loaded
        return snapshot

    def _index(self, loaded: CorpusLoad, *, warm: bool) -> Snapshot:
        """The index over the files' papers with the stored papers laid over them."""
        papers, conflicts = lay_over(loaded.papers, self.stored)
        for problem in conflicts:
            log.warning("corpus: %s", problem)
        index = PaperIndex.build(
            papers,
            engine=self.engine,
            store=None if self.index_dir is None else IndexStore(self.index_dir),
            today=lambda: self.clock.now().date(),
        )
        index.warm(meaning=warm)
        return Snapshot(
            index=index,
            loaded_at=self.clock.now(),
            files=loaded.files,
            problems=(*loaded.problems, *conflicts),
        )
