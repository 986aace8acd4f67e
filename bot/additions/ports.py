"""What adding papers needs from outside the core, declared in its own terms.

`AddedPaperStore` keeps the added papers and the audit trail (bot.storage.added_papers_repo.AddedPaperRepo
fits); `PaperLookup` fetches a paper's metadata from its source (bot.sources.PaperSources fits). Tests pass
fakes of both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.corpus.model import Paper
from bot.corpus.stored import StoredPaper
from bot.sources.references import SourceRef

__all__ = ["Action", "AddedPaperStore", "Change", "PaperLookup"]

Action = Literal["add", "import", "merge", "edit", "remove"]


@dataclass(frozen=True)
class Change:
    """One line of the audit trail: who did what to which paper, when, with a short description."""

    paper_id: str
    action: Action
    actor: str
    at: datetime
    detail: str = ""


class AddedPaperStore(Protocol):
    """The stored papers and their audit trail. Each write and its Change are one transaction."""

    async def stored(self) -> Sequence[StoredPaper]:
        """Every stored paper, in the order they were first added."""
        ...

    async def insert(self, item: StoredPaper, change: Change) -> bool:
        """Store a paper new to the database; False (and nothing written) if its id or normalised title is
        already stored — another process added it first."""
        ...

    async def replace(self, item: StoredPaper, change: Change) -> None:
        """Overwrite the stored paper with the same id (or store it, for a first overlay)."""
        ...

    async def delete(self, paper_id: str, change: Change) -> bool:
        """Delete the stored paper; False if there was none."""
        ...

    async def changes(self, paper_id: str | None = None) -> Sequence[Change]:
        """The audit trail, oldest first (of one paper, or of all)."""
        ...

    async def last_change(self) -> int:
        """A number that grows with every change to the stored papers, by any process (0: none yet)."""
        ...


class PaperLookup(Protocol):
    """Fetches a paper's metadata from its source."""

    async def fetch(self, ref: SourceRef) -> Paper:
        """The paper `ref` names; a bot.errors.SourceError says why not."""
        ...

    async def find_title(self, title: str) -> list[Paper]:
        """The source's best matches for a title (a few), best first; a SourceError says why none came."""
        ...
