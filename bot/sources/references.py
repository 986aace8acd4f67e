"""What people type to name a paper at its source, read into an arXiv id or a DOI before anything is sent.

People paste what they have at hand: `arXiv:2302.11563`, `2302.11563v2`, an abs or pdf URL, an old-style
id (`hep-th/9901001`), a DOI or a doi.org link. Reading it here, without the network, means a typo gets a
clear answer at once and arXiv is never asked about something that cannot be an id (its API answers a
malformed id with a feed entry titled "Error", which we would otherwise have to tell from a paper).

Versions are dropped: a paper is the paper, whichever version was linked, and duplicate detection
(`bot.corpus.ids.paper_identifiers`) compares ids without versions too. arXiv's own DOIs
(`10.48550/arXiv.2302.11563`, registered with DataCite, unknown to Crossref) are read as the arXiv id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from bot.errors import PaperReferenceError

__all__ = ["ArxivRef", "DoiRef", "SourceRef", "TitleRef", "parse_reference", "read_reference"]

# New-style ids (since 2007): YYMM.NNNN, or YYMM.NNNNN from 2015. Old style: archive[.SUB]/YYMMNNN.
_NEW_ID = re.compile(r"(?P<id>(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5})(?:v\d+)?")
_OLD_ID = re.compile(r"(?P<id>[a-z]+(?:-[a-z]+)*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<rest>[^?#\s]+?)(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE,
)
_ARXIV_PREFIX = re.compile(r"arxiv\s*:\s*", re.IGNORECASE)
_DOI_URL = re.compile(r"(?:https?://)?(?:dx\.)?doi\.org/(?P<rest>\S+)", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"doi\s*:\s*", re.IGNORECASE)
# Crossref's recommended pattern for modern DOIs: 10.<registrant>/<suffix without spaces>.
_DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]+]+")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<rest>.+)", re.IGNORECASE)
_SHOWN = 80


@dataclass(frozen=True)
class ArxivRef:
    """An arXiv paper, without version: '2302.11563' or 'hep-th/9901001'."""

    arxiv_id: str

    @property
    def key(self) -> str:
        """The identifier as duplicate detection writes it (`bot.corpus.ids.paper_identifiers`)."""
        return f"arxiv:{self.arxiv_id.lower()}"

    def __str__(self) -> str:
        return f"arXiv:{self.arxiv_id}"


@dataclass(frozen=True)
class DoiRef:
    """A DOI, as registered (DOIs are case-insensitive; the key is lower-cased)."""

    doi: str

    @property
    def key(self) -> str:
        """The identifier as duplicate detection writes it (`bot.corpus.ids.paper_identifiers`)."""
        return f"doi:{self.doi.lower()}"

    def __str__(self) -> str:
        return f"doi:{self.doi}"


SourceRef = ArxivRef | DoiRef


@dataclass(frozen=True)
class TitleRef:
    """A paper named by its title, to be looked up on arXiv (a title names no source by itself)."""

    title: str

    def __str__(self) -> str:
        return f"“{_shown(self.title)}”"


TITLE_MIN_WORDS = 3
# Text shaped like an identifier: a typo in one is reported as such, never searched for as a title.
_ID_LIKE = re.compile(
    r"\s*(?:arxiv\s*:|doi\s*:|10\.|https?://|www\.|\S*arxiv\.org|\S*doi\.org|\d{4}\.\d)", re.I
)


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _arxiv(text: str, original: str) -> ArxivRef:
    """An arXiv id from `text` (no prefix, no URL), or the error saying what an id looks like."""
    if match := _NEW_ID.fullmatch(text):
        if not 1 <= int(match["mm"]) <= 12:
            raise PaperReferenceError(
                f"“{_shown(original)}” is not an arXiv id: the digits before the dot are the year and "
                f"month (YYMM), and {match['mm']} is not a month."
            )
        return ArxivRef(match["id"])
    if match := _OLD_ID.fullmatch(text):
        archive, _, number = match["id"].partition("/")
        name, dot, subject = archive.partition(".")
        return ArxivRef(f"{name.lower()}{dot}{subject.upper()}/{number}")  # as arXiv writes it: math.GT
    raise PaperReferenceError(
        f"“{_shown(original)}” is not an arXiv id. They look like 2302.11563 (or 2302.11563v2, "
        "arXiv:2302.11563, an arxiv.org/abs/… link) or, for papers before 2007, hep-th/9901001."
    )


def _doi(text: str, original: str) -> SourceRef:
    """A DOI from `text` (no prefix, no URL), or the error saying what a DOI looks like."""
    doi = unquote(text).strip().rstrip(".,;")
    if arxiv := _ARXIV_DOI.fullmatch(doi):
        return _arxiv(arxiv["rest"], original)
    if not _DOI.fullmatch(doi):
        raise PaperReferenceError(
            f"“{_shown(original)}” is not a valid DOI. A DOI starts with 10., a number and a slash, "
            "e.g. 10.1145/3292500.3330701 (or doi:…, https://doi.org/…)."
        )
    return DoiRef(doi)


def parse_reference(text: str) -> SourceRef:
    """Read an arXiv id, arXiv URL, DOI or doi.org URL; PaperReferenceError says what is expected."""
    original = text
    text = text.strip().strip("<>").strip()
    if not text:
        raise PaperReferenceError("Give an arXiv id (e.g. 2302.11563), an arXiv link or a DOI.")
    if match := _ARXIV_URL.fullmatch(text):
        return _arxiv(match["rest"], original)
    if match := _DOI_URL.fullmatch(text):
        return _doi(match["rest"], original)
    if prefix := _ARXIV_PREFIX.match(text):
        return _arxiv(text[prefix.end() :].strip(), original)
    if prefix := _DOI_PREFIX.match(text):
        return _doi(text[prefix.end() :], original)
    if text.startswith("10."):
        return _doi(text, original)
    if _NEW_ID.fullmatch(text) or _OLD_ID.fullmatch(text) or re.fullmatch(r"\d{4}\.\d+(v\d+)?", text):
        return _arxiv(text, original)
    raise PaperReferenceError(
        f"I can't tell which paper “{_shown(original)}” is. Give an arXiv id (2302.11563, "
        "arXiv:2302.11563, hep-th/9901001), an arxiv.org link, a DOI (10.1145/3292500.3330701), a "
        "doi.org link, or the paper's full title."
    )


def read_reference(text: str) -> SourceRef | TitleRef:
    """`parse_reference`, except that text of a few words that is not shaped like an id or a link is a
    title to look up. A mistyped id or DOI is still refused as one (PaperReferenceError)."""
    words = text.split()
    if len(words) >= TITLE_MIN_WORDS and not _ID_LIKE.match(text) and not _OLD_ID.fullmatch(text.strip()):
        return TitleRef(" ".join(words))
    return parse_reference(text)
