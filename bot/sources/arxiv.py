"""arXiv as a metadata source: the API's Atom feed, read by feedparser, mapped onto `Paper`.

The feed's traps, each handled here rather than discovered in production:
- a malformed id is answered with HTTP 200 and one entry titled "Error" (id under /api/errors);
- an id that does not exist is answered with an empty feed (and sometimes a totalResults of 1);
- throttling may come as 429/503 (handled by `PoliteHttp`) or as a plain-text body, not a feed;
- titles and abstracts arrive hard-wrapped; ids in entry/id carry a version (`…/abs/2302.11563v2`).
A feed feedparser cannot read cleanly (its `bozo` flag) is refused whole: a half-read feed could import a
paper with a cut abstract or no authors.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.corpus.ids import slugify
from bot.corpus.model import Paper
from bot.corpus.text import code_links, find_links
from bot.errors import PaperReferenceError, SourceNotFoundError, SourceUnavailableError
from bot.sources.http import PoliteHttp
from bot.sources.references import ArxivRef

__all__ = ["ArxivClient", "parse_arxiv_feed"]

_ABS_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$", re.IGNORECASE)
_CATEGORY = re.compile(r"[a-z-]+(?:\.[A-Za-z-]+)?")


def _listing_category(term: str) -> str:
    """arXiv class → the listing's style of code, as the BibTeX importer does: 'cs.LG' → 'LG'."""
    return term.strip().rsplit(".", 1)[-1].upper()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _published(entry: Any) -> date | None:
    parsed = entry.get("published_parsed")
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


def _entry_to_paper(entry: Any) -> Paper:
    """One feed entry → a Paper (id: a slug of the title; storage makes it unique)."""
    match = _ABS_ID.search(str(entry.get("id", "")))
    arxiv_id = match["id"] if match else None
    title = _one_line(str(entry.get("title", "")))
    abstract = _one_line(str(entry.get("summary", "")))
    comment = _one_line(str(entry.get("arxiv_comment", "")))
    primary = (entry.get("arxiv_primary_category") or {}).get("term", "")
    terms = [primary, *(tag.get("term", "") for tag in entry.get("tags", []))]
    categories = tuple(
        dict.fromkeys(_listing_category(t) for t in terms if t and _CATEGORY.fullmatch(t.strip()))
    )
    links: list[str] = []
    if arxiv_id:
        links += [f"https://arxiv.org/abs/{arxiv_id}", f"https://arxiv.org/pdf/{arxiv_id}"]
    if doi := str(entry.get("arxiv_doi", "")).strip():
        links.append(f"https://doi.org/{doi}")
    code = code_links(comment, abstract)
    links += code
    links += find_links(abstract)
    return Paper(
        id=slugify(title),
        title=title,
        authors=tuple(
            name for author in entry.get("authors", []) if (name := _one_line(str(author.get("name", ""))))
        ),
        published=_published(entry),
        categories=categories,
        has_code=bool(code),
        abstract=abstract,
        links=tuple(dict.fromkeys(links)),
        source=f"arXiv:{arxiv_id}" if arxiv_id else "arXiv",
    )


def parse_arxiv_feed(text: str, *, what: str) -> list[Paper]:
    """Every paper in an arXiv API feed, in feed order.

    PaperReferenceError for arXiv's "Error" entry (a malformed id), SourceUnavailableError for a reply
    that is not a readable Atom feed, or an entry without a title or an arXiv id.
    """
    import feedparser  # imported here: only adding papers pays for it

    feed = feedparser.parse(text)
    if feed.get("bozo") or "feed" not in feed or not feed.get("version", "").startswith("atom"):
        reason = feed.get("bozo_exception") or "not an Atom feed"
        raise SourceUnavailableError(
            f"arXiv sent a reply I couldn't read for {what}; nothing was added. Try again later.",
            detail=f"unreadable arXiv feed for {what}: {reason}; starts {text[:120]!r}",
        )
    papers = []
    for entry in feed.entries:
        entry_id = str(entry.get("id", ""))
        if "/api/errors" in entry_id or _one_line(str(entry.get("title", ""))) == "Error":
            raise PaperReferenceError(
                f"arXiv says {what} is not a valid id: {_one_line(str(entry.get('summary', '')))}.",
            )
        if not _ABS_ID.search(entry_id) or not _one_line(str(entry.get("title", ""))):
            raise SourceUnavailableError(
                f"arXiv sent an incomplete record for {what}; nothing was added. Try again later.",
                detail=f"arXiv entry without id or title for {what}: {entry_id!r}",
            )
        papers.append(_entry_to_paper(entry))
    return papers


class ArxivClient:
    """Fetches papers from the arXiv API (`base_url` ends in /api/query) through `http`."""

    def __init__(self, http: PoliteHttp, base_url: str) -> None:
        self._http = http
        self._base_url = base_url

    async def fetch(self, ref: ArxivRef) -> Paper:
        """The paper `ref` names (its latest version); SourceNotFoundError if arXiv has none."""
        what = str(ref)
        reply = await self._http.get(self._base_url, {"id_list": ref.arxiv_id, "max_results": "1"}, what=what)
        papers = parse_arxiv_feed(reply.text, what=what)
        if not papers:
            raise SourceNotFoundError(
                f"arXiv has no paper {what}. Check the id (a typo in one digit names another paper).",
                detail=f"empty arXiv feed for {what}",
            )
        return papers[0]

    async def search(self, query: str, *, max_results: int = 50, newest_first: bool = True) -> list[Paper]:
        """Papers matching an arXiv search query (e.g. `au:Hofmann_T AND cat:cs.LG`), newest first or,
        with `newest_first=False`, best match first."""
        reply = await self._http.get(
            self._base_url,
            {
                "search_query": query,
                "max_results": str(max_results),
                "sortBy": "submittedDate" if newest_first else "relevance",
                "sortOrder": "descending",
            },
            what=f"the search “{query}”",
        )
        return parse_arxiv_feed(reply.text, what=f"the search “{query}”")

    async def find_title(self, title: str, *, candidates: int = 5) -> list[Paper]:
        """Papers whose title matches `title` as a phrase, best match first (at most `candidates`)."""
        words = re.findall(r"\w+", title)
        return await self.search(f'ti:"{" ".join(words)}"', max_results=candidates, newest_first=False)
