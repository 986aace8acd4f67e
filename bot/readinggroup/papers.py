"""Turning what a member typed into a `PaperRef`: a corpus paper, or an external link with a title.

External links are normalised before they are compared, so the same paper proposed as
`https://arxiv.org/pdf/2302.11520v2.pdf` and `http://arxiv.org/abs/2302.11520` is one paper, not two
(versioned arXiv ids were a classic duplicate bug in peer bots).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from bot.corpus.model import Paper
from bot.errors import ReadingGroupError
from bot.readinggroup.models import PaperRef

MAX_TITLE = 300
_ARXIV_PATH = re.compile(
    r"^/(?:abs|pdf)/(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?$"
)


def looks_like_link(text: str) -> bool:
    """Whether the member gave a web link rather than a corpus paper id."""
    return text.strip().lower().startswith(("http://", "https://"))


def normalise_url(url: str) -> str:
    """A canonical form of a paper link: https, lower-case host without www, no fragment or trailing /."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ReadingGroupError(
            f"“{url}” isn't a web link. Give a link like `https://arxiv.org/abs/2302.11520`."
        )
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    if host in ("arxiv.org", "export.arxiv.org"):
        match = _ARXIV_PATH.match(path)
        if match:
            return f"https://arxiv.org/abs/{match.group('id')}"
    if host in ("doi.org", "dx.doi.org"):
        host, path = "doi.org", path.lower()
    return urlunsplit(("https", host, path, parts.query, ""))


def link_ref(url: str, title: str | None) -> PaperRef:
    """A reference to an external paper; the title is required so people know what it is."""
    cleaned = " ".join((title or "").split())
    if not cleaned:
        raise ReadingGroupError(
            "Give the paper's title with a link, e.g. `title: Attention Is All You Need`, "
            "so people know what they are voting for."
        )
    if len(cleaned) > MAX_TITLE:
        raise ReadingGroupError(f"That title is {len(cleaned)} characters; keep it under {MAX_TITLE}.")
    return PaperRef(title=cleaned, url=normalise_url(url))


def corpus_ref(paper: Paper) -> PaperRef:
    """A reference to a paper of the corpus."""
    return PaperRef(title=paper.title, paper_id=paper.id, url=None)
