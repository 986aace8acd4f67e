"""DOIs as a metadata source: Crossref's REST API (`/works/{doi}`), mapped onto `Paper`.

Crossref covers journal and proceedings DOIs (ACM, IEEE, Springer, PMLR…). Its record gives the title as a
list, authors as given/family pairs (or a `name` for a consortium), the abstract — when the publisher
deposited one — as JATS XML, and dates as `date-parts` of one to three numbers, which map onto the
Paper's date precision (a year alone stays a year). Anything that is not such a record is refused whole.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any
from urllib.parse import quote

from bot.corpus.ids import slugify
from bot.corpus.model import DatePrecision, Paper
from bot.corpus.text import code_links, find_links
from bot.errors import SourceUnavailableError
from bot.sources.http import PoliteHttp
from bot.sources.references import DoiRef

__all__ = ["CrossrefClient", "parse_crossref_work"]

_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")  # a tag, not "a < b" in maths
_JATS_TITLE = re.compile(r"<jats:title>.*?</jats:title>", re.IGNORECASE | re.DOTALL)
_PRECISION: dict[int, DatePrecision] = {1: "year", 2: "month", 3: "day"}
_DATE_FIELDS = ("issued", "published", "published-print", "published-online", "created")


def _plain(markup: str) -> str:
    """Text of a JATS/HTML fragment: section titles ("Abstract") and tags dropped, entities decoded.

    Tags go twice: some publishers deposit escaped markup (`&lt;i&gt;`), which unescaping turns into tags.
    """
    text = html.unescape(_TAG.sub(" ", _JATS_TITLE.sub(" ", markup)))
    return " ".join(_TAG.sub("", text).split())


def _date(message: dict[str, Any]) -> tuple[date | None, DatePrecision]:
    """The first date Crossref gives, at the precision it gives it."""
    for name in _DATE_FIELDS:
        parts = (message.get(name) or {}).get("date-parts") or [[]]
        numbers = [n for n in (parts[0] or []) if isinstance(n, int)]
        if numbers:
            padded = [*numbers[:3], 1, 1][:3]
            try:
                return date(padded[0], padded[1], padded[2]), _PRECISION[min(len(numbers), 3)]
            except ValueError:
                continue
    return None, "day"


def _authors(message: dict[str, Any]) -> tuple[str, ...]:
    names = []
    for author in message.get("author") or []:
        if not isinstance(author, dict):
            continue
        name = " ".join(str(author.get(k, "")).strip() for k in ("given", "family")).strip()
        name = name or str(author.get("name", "")).strip()
        if name:
            names.append(" ".join(name.split()))
    return tuple(names)


def parse_crossref_work(text: str, *, what: str) -> Paper:
    """The paper in a Crossref `/works/{doi}` reply; SourceUnavailableError if it is not one."""
    try:
        data = json.loads(text)
        message = data["message"]
        titles = message.get("title") or []
        title = _plain(str(titles[0])) if titles else ""
        doi = str(message["DOI"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceUnavailableError(
            f"Crossref sent a reply I couldn't read for {what}; nothing was added. Try again later.",
            detail=f"unreadable Crossref reply for {what}: {type(exc).__name__}: {exc}; "
            f"starts {text[:120]!r}",
        ) from exc
    if not title:
        raise SourceUnavailableError(
            f"Crossref's record for {what} has no title, so I can't add it. Add it from a .bib file instead.",
            detail=f"Crossref record without title for {what}",
        )
    abstract = _plain(str(message.get("abstract", "")))
    published, precision = _date(message)
    code = code_links(abstract)
    links = [f"https://doi.org/{doi}", *code, *find_links(abstract)]
    return Paper(
        id=slugify(title),
        title=title,
        authors=_authors(message),
        published=published,
        date_precision=precision,
        has_code=bool(code),
        abstract=abstract,
        links=tuple(dict.fromkeys(links)),
        source=f"doi:{doi}",
    )


class CrossrefClient:
    """Fetches works from Crossref (`base_url` e.g. https://api.crossref.org) through `http`."""

    def __init__(self, http: PoliteHttp, base_url: str) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")

    async def fetch(self, ref: DoiRef) -> Paper:
        """The work `ref` names; SourceNotFoundError if Crossref has no such DOI."""
        url = f"{self._base_url}/works/{quote(ref.doi, safe='/()._-;:')}"
        reply = await self._http.get(url, what=str(ref))
        return parse_crossref_work(reply.text, what=str(ref))
