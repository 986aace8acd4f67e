"""Importer for BibTeX files (bibtexparser 1.4), e.g. an export from Zotero or Google Scholar.

Mapping: citation key → id; `title` with braces and LaTeX accents removed; `author` split on " and ",
"Last, First" → "First Last", a trailing `others` → authors_truncated; `abstract`; `url`, `doi` (as a
doi.org link) and `eprint` (as an arXiv link) → links; `primaryClass` (`cs.LG` → `LG`,
`physics.comp-ph` → `COMP-PH`, so filters match the listing's codes) and `keywords` → categories.

Dates: `date` (biblatex: `2023-02-23`, `2023-02` or `2023`) wins; else `year` with `month`. What the
entry does not say is not invented: a year alone is stored as January 1 with `date_precision="year"`, a
year and month as the 1st with `"month"`, so searches and filters have a date while everything that
shows one shows only the year (or month) (`Paper.published_text`).

bibtexparser silently drops entries it cannot parse, so we count entry starts in the raw text and report
each one that did not come back, with its line number.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from bot.corpus.model import DatePrecision, Paper
from bot.corpus.records import ParsedRecord, ParseResult
from bot.corpus.text import find_links, readable_text
from bot.errors import Problem

__all__ = ["parse_bibtex"]

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]*)\s*,?")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?![\d-]))?")  # biblatex `2023-02` (also `2023-02/…`)
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


def _clean(value: str) -> str:
    """LaTeX accents to Unicode, markup and grouping braces removed, whitespace collapsed."""
    return readable_text(value)


def _person(name: str) -> str:
    """'Sarnthein, Felix' → 'Felix Sarnthein'; 'von Rütte, Dimitri' → 'Dimitri von Rütte'."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}".strip()
    if len(parts) == 3:  # "Last, Jr., First"
        return f"{parts[2]} {parts[0]} {parts[1]}".strip()
    return name.strip()


def _authors(value: str) -> tuple[tuple[str, ...], bool]:
    """The author field as names in 'First Last' order, and whether it ended in 'and others'."""
    names = [_clean(part) for part in re.split(r"\s+and\s+", value.strip()) if part.strip()]
    truncated = bool(names) and names[-1].lower() == "others"
    if truncated:
        names.pop()
    return tuple(_person(name) for name in names if name), truncated


def _month(value: str) -> int | None:
    """'feb', 'February', '2' → 2; None if unreadable."""
    text = value.strip().lower().rstrip(".")
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return _MONTHS.get(text)


def _published(entry: dict[str, Any]) -> tuple[date | None, DatePrecision]:
    """The entry's date and how precise it is: `date` if it is ISO (`2023-02-23`, `2023-02`, `2023`),
    else year + month (day 1, month precision), else the year (January 1, year precision)."""
    raw_date = str(entry.get("date", "")).strip()
    if raw_date:
        try:
            return date.fromisoformat(raw_date[:10]), "day"
        except ValueError:
            pass
        partial = _PARTIAL_DATE.match(raw_date)
        if partial is not None and partial.group(2) is not None:
            return date(int(partial.group(1)), int(partial.group(2)), 1), "month"
    match = re.search(r"\d{4}", str(entry.get("year", "")) or raw_date)
    if match is None:
        return None, "day"
    month = _month(str(entry.get("month", "")))
    if month is None:
        return date(int(match.group(0)), 1, 1), "year"
    return date(int(match.group(0)), month, 1), "month"


def _category(primary_class: str) -> str:
    """arXiv class → the listing's style of code: 'cs.LG' → 'LG', 'hep-th' → 'HEP-TH'."""
    return primary_class.strip().rsplit(".", 1)[-1].upper()


def _categories(entry: dict[str, Any]) -> tuple[str, ...]:
    """primaryClass first, then each keyword as written."""
    found: list[str] = []
    if primary := str(entry.get("primaryclass", "")).strip():
        found.append(_category(primary))
    keywords = _clean(str(entry.get("keywords", "")))
    found.extend(part.strip() for part in re.split(r"[,;]", keywords) if part.strip())
    return tuple(dict.fromkeys(found))


def _links(entry: dict[str, Any], abstract: str) -> tuple[str, ...]:
    """url, doi (as doi.org link), eprint (as arXiv link when it is one) and URLs in the abstract."""
    links: list[str] = []
    if url := str(entry.get("url", "")).strip():
        links.append(url)
    if doi := str(entry.get("doi", "")).strip():
        links.append(doi if doi.startswith("http") else f"https://doi.org/{doi}")
    eprint = str(entry.get("eprint", "")).strip()
    archive = str(entry.get("archiveprefix", "arxiv")).strip().lower()
    if eprint and archive == "arxiv":
        links.append(eprint if eprint.startswith("http") else f"https://arxiv.org/abs/{eprint}")
    links.extend(find_links(abstract))
    return tuple(dict.fromkeys(links))


def _entry_lines(text: str) -> dict[str, int]:
    """Citation key → line of its `@type{key,` (the first one, if a key repeats)."""
    lines: dict[str, int] = {}
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() not in _NOT_ENTRIES:
            lines.setdefault(match.group(2), text.count("\n", 0, match.start()) + 1)
    return lines


def _to_record(entry: dict[str, Any], source: str, line: int | None) -> ParsedRecord | None:
    """One parsed entry → a paper, or None when it has no title."""
    title = _clean(str(entry.get("title", "")))
    if not title:
        return None
    authors, truncated = _authors(str(entry.get("author", "")))
    abstract = " ".join(str(entry.get("abstract", "")).split())
    published, precision = _published(entry)
    paper = Paper(
        id=entry["ID"],
        title=title,
        authors=authors,
        authors_truncated=truncated,
        published=published,
        date_precision=precision,
        categories=_categories(entry),
        abstract=abstract,
        links=_links(entry, abstract),
        source=f"{source}:{line}" if line is not None else source,
    )
    return ParsedRecord(paper, has_own_id=True)


def _parse_entries(text: str) -> list[dict[str, Any]]:
    """bibtexparser's entries, with its parse-failure log chatter kept out of the user's console."""
    import bibtexparser  # imported here: ~50 ms that only BibTeX users should pay at start-up
    from bibtexparser.bparser import BibTexParser

    parser = BibTexParser(common_strings=True)
    parser.ignore_nonstandard_types = False
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return list(bibtexparser.loads(text, parser).entries)
    finally:
        logger.setLevel(previous)


def parse_bibtex(text: str, source: str) -> ParseResult:
    """Parse BibTeX text; entries without a title or that cannot be parsed become problems."""
    lines = _entry_lines(text)
    try:
        entries = _parse_entries(text)
    except Exception as error:  # bibtexparser/pyparsing raise assorted types on broken input
        return ParseResult((), (Problem(source, None, f"not readable as BibTeX: {error}"),))
    records: list[ParsedRecord] = []
    problems: list[Problem] = []
    for entry in entries:
        key = str(entry.get("ID", ""))
        line = lines.get(key)
        record = _to_record(entry, source, line) if key else None
        if record is None:
            what = "has no title" if key else "has no citation key"
            problems.append(Problem(source, line, f"entry “{key}” {what}"))
        else:
            records.append(record)
    parsed = {str(entry.get("ID", "")) for entry in entries}
    for key, line in lines.items():
        if key not in parsed:
            problems.append(Problem(source, line, f"entry “{key}” could not be parsed (check its braces)"))
    problems.sort(key=lambda problem: problem.line or 0)
    return ParseResult(tuple(records), tuple(problems))
