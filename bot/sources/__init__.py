"""Where added papers' metadata comes from: arXiv (Atom API) for arXiv ids, Crossref for DOIs.

`PaperSources.lookup(text)` reads what a person typed (`references.parse_reference`) and asks the right
source, politely (`http.PoliteHttp`: spaced requests, a descriptive User-Agent, busy replies waited out or
reported). Every failure is a `bot.errors.SourceError` whose message is for the person adding the paper.
The core package knows nothing of Discord or storage; `bot.app` builds it from settings.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

from bot import __version__
from bot.corpus.model import Paper
from bot.sources.arxiv import ArxivClient
from bot.sources.crossref import CrossrefClient
from bot.sources.http import PoliteHttp, Sleep
from bot.sources.references import ArxivRef, DoiRef, SourceRef, TitleRef, parse_reference, read_reference

__all__ = [
    "ArxivRef",
    "DoiRef",
    "PaperSources",
    "SourceRef",
    "SourcesConfig",
    "TitleRef",
    "parse_reference",
    "read_reference",
    "user_agent",
]


class SourcesConfig(Protocol):
    """What the sources need from settings (`bot.settings.SourcesSettings` fits; tests pass their own)."""

    arxiv_api: str
    crossref_api: str
    contact: str | None
    arxiv_interval_seconds: float
    timeout_seconds: float
    max_retry_wait_seconds: float


def user_agent(contact: str | None) -> str:
    """The descriptive User-Agent both APIs ask for; with a contact, Crossref's polite pool."""
    mail = f"; mailto:{contact}" if contact else ""
    return f"paperbot/{__version__} (a research group's paper bot; adds papers on request{mail})"


class PaperSources:
    """Looks papers up at their source. Close it (`close()`) to release the connections."""

    def __init__(
        self,
        config: SourcesConfig,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        agent = user_agent(config.contact)
        self._arxiv_http = PoliteHttp(
            "arXiv",
            user_agent=agent,
            interval=config.arxiv_interval_seconds,
            timeout=config.timeout_seconds,
            max_retry_wait=config.max_retry_wait_seconds,
            sleep=sleep,
            monotonic=monotonic,
        )
        self._crossref_http = PoliteHttp(
            "Crossref",
            user_agent=agent,
            interval=1.0,
            timeout=config.timeout_seconds,
            max_retry_wait=config.max_retry_wait_seconds,
            sleep=sleep,
            monotonic=monotonic,
        )
        self.arxiv = ArxivClient(self._arxiv_http, config.arxiv_api)
        self.crossref = CrossrefClient(self._crossref_http, config.crossref_api)

    async def fetch(self, ref: SourceRef) -> Paper:
        """The paper `ref` names, from arXiv or Crossref."""
        if isinstance(ref, ArxivRef):
            return await self.arxiv.fetch(ref)
        return await self.crossref.fetch(ref)

    async def search_arxiv(self, query: str) -> list[Paper]:
        """arXiv's newest papers for a search query (`au:"Thomas Hofmann"`), newest first."""
        return await self.arxiv.search(query)

    async def find_title(self, title: str) -> list[Paper]:
        """arXiv's best matches for a title (a few), best first."""
        return await self.arxiv.find_title(title)

    async def lookup(self, text: str) -> Paper:
        """The paper named by what a person typed (an arXiv id or URL, a DOI or doi.org URL)."""
        return await self.fetch(parse_reference(text))

    async def close(self) -> None:
        """Release both sources' connections (idempotent)."""
        await self._arxiv_http.close()
        await self._crossref_http.close()
