"""Adding, importing, fixing and removing papers: the rules, whatever front end asks.

Rules, in the order they are checked:
1. What the person typed is read first (`bot.sources.read_reference`); a malformed id or DOI is refused
   before anything is sent or stored. A title is looked up on arXiv and added only when arXiv has a paper
   with exactly that title; otherwise the closest ones are listed, to be added by id.
2. A paper already served with that arXiv id or DOI is answered "already there" without asking the source.
3. A fetched (or imported) paper that is already served under another guise — same arXiv id, DOI or
   normalised title — is merged, not duplicated: it keeps its id, and whatever the new record adds (links,
   categories, a date, an abstract) is stored with it, as an overlay when it came from the corpus files.
4. A new paper gets a free id (its title's slug, `-2`… if taken) that never changes afterwards.
5. Every write stores a Change saying who made it; then the served corpus is rebuilt off the event loop
   (`on_change`), the old index serving meanwhile.
Changes run one at a time (`_lock`), so two quick adds of one paper cannot both store it; across
processes the store's unique keys decide.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.additions.ports import Action, AddedPaperStore, Change, PaperLookup
from bot.clock import Clock
from bot.corpus.bibtex import parse_bibtex
from bot.corpus.ids import dedup_papers, merge_papers, normalize_title, paper_identifiers
from bot.corpus.model import Paper
from bot.corpus.stored import StoredPaper, find_same_paper
from bot.corpus.text import find_links
from bot.errors import Problem, SourceNotFoundError, UnknownPaperError, UserError
from bot.sources.references import TitleRef, read_reference

__all__ = ["AddResult", "AdditionService", "ImportReport"]

log = logging.getLogger("paperbot.additions")

TITLE_MAX = 300
TITLE_CANDIDATES = 5
_MERGED_FIELDS = ("authors", "published", "categories", "has_code", "abstract", "links", "affiliations")


@dataclass(frozen=True)
class AddResult:
    """What adding one paper did: `added` a new paper, or found it `already` there (`filled` names what
    the new record added to it)."""

    paper: Paper
    added: bool
    filled: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What importing a .bib did: papers added, papers already there, entries skipped (with lines)."""

    added: tuple[Paper, ...] = ()
    already: tuple[AddResult, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass
class AdditionService:
    """Adds, imports, edits and removes stored papers (see the module docstring for the rules)."""

    store: AddedPaperStore
    lookup: PaperLookup
    corpus: Callable[[], Sequence[Paper]]
    clock: Clock
    on_change: Callable[[], Awaitable[None]]
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    # --- adding ------------------------------------------------------------------------------------------

    async def add(self, reference: str, actor: str) -> AddResult:
        """Add the paper an arXiv id/URL, DOI or full title names; SourceError (a UserError) says why not."""
        ref = read_reference(reference)
        if isinstance(ref, TitleRef):
            served = find_same_paper(Paper(id="wanted", title=ref.title), self.corpus())
            if served is not None:
                return AddResult(served, added=False)
            paper = await self._by_title(ref)
        else:
            served = next((p for p in self.corpus() if ref.key in paper_identifiers(p)), None)
            if served is not None:
                return AddResult(served, added=False)
            paper = await self.lookup.fetch(ref)
        async with self._lock:
            result = await self._add_one(paper, actor, "add", via=str(ref))
        if result.added or result.filled:
            await self.on_change()
        return result

    async def _by_title(self, ref: TitleRef) -> Paper:
        """The arXiv paper with exactly this title (case, accents and punctuation aside), or the error
        listing the closest ones, to be added by id: a guess would add the wrong paper silently."""
        candidates = await self.lookup.find_title(ref.title)
        wanted = normalize_title(ref.title)
        exact = [paper for paper in candidates if normalize_title(paper.title) == wanted]
        if exact:
            return exact[0]
        if not candidates:
            raise SourceNotFoundError(
                f"arXiv has no paper titled {ref}. Check the title, or give its arXiv id or DOI."
            )
        lines = [f"• {paper.title} ({paper.source})" for paper in candidates[:TITLE_CANDIDATES]]
        raise SourceNotFoundError(
            f"arXiv has no paper titled exactly {ref}. The closest:\n"
            + "\n".join(lines)
            + "\nAdd one by its id."
        )

    async def add_found(self, paper: Paper, actor: str, via: str) -> AddResult:
        """Add a paper already fetched (e.g. by following an author), or recognise it; then serve it."""
        async with self._lock:
            result = await self._add_one(paper, actor, "add", via=via)
        if result.added or result.filled:
            await self.on_change()
        return result

    async def import_bibtex(self, text: str, source: str, actor: str) -> ImportReport:
        """Add every readable entry of a .bib text; a broken entry is reported with its line, the rest are
        added (or recognised as already there)."""
        parsed = parse_bibtex(text, source)
        papers, id_problems = dedup_papers(parsed.records)
        problems = sorted((*parsed.problems, *id_problems), key=lambda p: p.line or 0)
        added: list[Paper] = []
        already: list[AddResult] = []
        async with self._lock:
            for paper in papers:
                result = await self._add_one(paper, actor, "import", via=source)
                if result.added:
                    added.append(result.paper)
                else:
                    already.append(result)
        if added or any(result.filled for result in already):
            await self.on_change()
        return ImportReport(tuple(added), tuple(already), tuple(problems))

    async def _add_one(self, paper: Paper, actor: str, action: Action, *, via: str) -> AddResult:
        """Store `paper`, or merge it into the paper already served (caller holds the lock)."""
        served = self.corpus()
        same = find_same_paper(paper, served)
        if same is not None:
            return await self._merge_into(same, paper, actor, via)
        taken = {p.id for p in served} | {item.paper.id for item in await self.store.stored()}
        new = paper.model_copy(update={"id": _free_id(paper.id, taken), "source": paper.source or via})
        change = Change(new.id, action, actor, self.clock.now(), f"from {via}")
        if not await self.store.insert(StoredPaper(new), change):
            stored = [item.paper for item in await self.store.stored()]
            existing = find_same_paper(new, stored) or next((p for p in stored if p.id == new.id), new)
            return AddResult(existing, added=False)
        log.info("paper added: %s (%s) by %s, from %s", new.id, new.title, actor, via)
        return AddResult(new, added=True)

    async def _merge_into(self, same: Paper, paper: Paper, actor: str, via: str) -> AddResult:
        """Fill what `paper` knows and `same` lacks; store that (an overlay for a corpus-file paper)."""
        merged = merge_papers(same, paper)
        filled = tuple(name for name in _MERGED_FIELDS if getattr(merged, name) != getattr(same, name))
        if not filled:
            return AddResult(same, added=False)
        overlay = await self._is_overlay(same.id)
        change = Change(same.id, "merge", actor, self.clock.now(), f"from {via}: filled {', '.join(filled)}")
        await self.store.replace(StoredPaper(merged, overlay=overlay), change)
        return AddResult(merged, added=False, filled=filled)

    async def _is_overlay(self, paper_id: str) -> bool:
        """Whether a stored record for `paper_id` would correct a corpus-file paper (no added record)."""
        return not any(item.paper.id == paper_id and not item.overlay for item in await self.store.stored())

    # --- fixing and removing ---------------------------------------------------------------------------

    def _served(self, paper_id: str) -> Paper:
        paper = next((p for p in self.corpus() if p.id == paper_id), None)
        if paper is None:
            raise UnknownPaperError(paper_id)
        return paper

    async def edit(
        self, paper_id: str, actor: str, *, title: str | None = None, code_link: str | None = None
    ) -> Paper:
        """Fix a paper's title and/or add a code link; the paper keeps its id."""
        if title is None and code_link is None:
            raise UserError("Say what to change: a new title, a code link, or both.")
        async with self._lock:
            paper = self._served(paper_id)
            update: dict[str, Any] = {}
            details: list[str] = []
            if title is not None:
                update["title"] = self._checked_title(title, paper)
                details.append(f"title “{paper.title}” → “{update['title']}”")
            if code_link is not None:
                link = _checked_link(code_link)
                update["links"] = tuple(dict.fromkeys((link, *paper.links)))
                update["has_code"] = True
                details.append(f"code {link}")
            edited = paper.model_copy(update=update)
            change = Change(paper.id, "edit", actor, self.clock.now(), "; ".join(details))
            await self.store.replace(StoredPaper(edited, overlay=await self._is_overlay(paper.id)), change)
        log.info("paper edited: %s by %s: %s", paper.id, actor, change.detail)
        await self.on_change()
        return edited

    def _checked_title(self, title: str, paper: Paper) -> str:
        cleaned = " ".join(title.split())
        if not cleaned:
            raise UserError("A title can't be empty.")
        if len(cleaned) > TITLE_MAX:
            raise UserError(f"That title is {len(cleaned)} characters long; at most {TITLE_MAX}, please.")
        key = normalize_title(cleaned)
        other = next((p for p in self.corpus() if p.id != paper.id and normalize_title(p.title) == key), None)
        if other is not None:
            raise UserError(f"Another paper already has that title: `{other.id}`. Nothing was changed.")
        return cleaned

    async def remove(self, paper_id: str, actor: str) -> Paper:
        """Remove an added paper; a paper from the corpus files is refused (remove it from its file)."""
        async with self._lock:
            paper = self._served(paper_id)
            stored = {item.paper.id: item for item in await self.store.stored()}
            item = stored.get(paper.id)
            if item is None or item.overlay:
                where = f" ({paper.source})" if paper.source else ""
                raise UserError(
                    f"`{paper.id}` comes from the corpus files{where}, so I can't remove it here: delete it "
                    "from its file and run `/corpus reload`. Nothing was changed."
                )
            change = Change(paper.id, "remove", actor, self.clock.now(), f"“{paper.title}”")
            await self.store.delete(paper.id, change)
        log.info("paper removed: %s (%s) by %s", paper.id, paper.title, actor)
        await self.on_change()
        return paper


def _free_id(wanted: str, taken: set[str]) -> str:
    """`wanted` if free, else the first free `wanted-N` (N ≥ 2), as the corpus loader allots ids."""
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def _checked_link(text: str) -> str:
    links = find_links(text.strip())
    if len(links) != 1 or links[0] != text.strip():
        raise UserError("A code link must be one http(s) address, e.g. https://github.com/lab/repo.")
    return links[0]
