"""Importer for the copy-pasted paper listing (`seeds/lab-papers.txt`): three lines per paper.

    LGFeb 23, 2023Code                      [trending][CATEGORY][Mon D[, YYYY]][Code]
    Random Teachers are Good TeachersFelix Sarnthein, ... et al. · eth-zurich
    In this work, we investigate ...        the abstract, raw

Bad records become `Problem`s with 1-based line numbers and parsing resumes at the next header line, so
one damaged paste does not hide the other papers. Blank lines between (and inside) records are skipped.

Yearless dates ("Mar 16") mean the year the listing was copied. By default that is `today`, which drifts:
the same file read a year later would move "Mar 16" a year on. A comment line `# copied: 2026-05-25`
(put it first) pins the reference date for the records after it; other `#` lines between records are
comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from bot.corpus.ids import slugify
from bot.corpus.model import Paper
from bot.corpus.names import split_title_authors
from bot.corpus.records import ParsedRecord, ParseResult
from bot.corpus.text import find_links
from bot.errors import Problem

__all__ = ["Header", "parse_header", "parse_seed_listing", "resolve_date"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HEADER = re.compile(
    r"(?P<trending>\d+(?:\.\d+)?)?"
    r"(?P<category>[A-Z]+(?:-[A-Z]+)*)"
    r"(?P<month>" + "|".join(_MONTHS) + r")\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?"
    r"(?P<code>Code)?"
)
_HEADER_EXAMPLE = "'LGFeb 23, 2023Code' or '99.8CLMar 16'"
_COPIED = re.compile(r"#\s*copied\s*:\s*(\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    """The first line of a record, parsed; `year` is None when the listing left it out."""

    category: str
    month: int
    day: int
    year: int | None
    has_code: bool
    trending: float | None


def parse_header(line: str) -> Header | None:
    """Parse 'LGFeb 23, 2023Code'-style header lines; None if `line` is not one."""
    match = _HEADER.fullmatch(line.strip())
    if match is None:
        return None
    year = match.group("year")
    trending = match.group("trending")
    return Header(
        category=match.group("category"),
        month=_MONTHS.index(match.group("month")) + 1,
        day=int(match.group("day")),
        year=int(year) if year else None,
        has_code=match.group("code") is not None,
        trending=float(trending) if trending else None,
    )


def resolve_date(header: Header, today: date) -> date:
    """The header's date; a yearless date is this year's unless that lies after `today`, then last year's.

    Raises ValueError (with a readable message) for impossible dates such as Feb 30.
    """
    month_name = _MONTHS[header.month - 1]
    if header.year is not None:
        try:
            return date(header.year, header.month, header.day)
        except ValueError:
            raise ValueError(f"{month_name} {header.day}, {header.year} is not a date") from None
    for year in (today.year, today.year - 1):
        try:
            candidate = date(year, header.month, header.day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise ValueError(
        f"{month_name} {header.day} has no year and is not a date in {today.year} or {today.year - 1}"
    )


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, stripped line) for every non-blank line."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped:
            yield number, stripped


def _short(line: str, limit: int = 60) -> str:
    """A line shortened for an error message."""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class _ListingParser:
    """Walks the non-blank lines, collecting papers and problems, resyncing at header lines."""

    def __init__(self, source: str, today: date, lines: list[tuple[int, str]]) -> None:
        self.source, self.today, self.lines = source, today, lines
        self.position = 0
        self.records: list[ParsedRecord] = []
        self.problems: list[Problem] = []

    def problem(self, line: int, reason: str) -> None:
        """Record a problem at `line` of this file."""
        self.problems.append(Problem(self.source, line, reason))

    def skip_to_next_header(self) -> None:
        """Advance to the next header or comment line (or the end)."""
        while self.position < len(self.lines):
            line = self.lines[self.position][1]
            if line.startswith("#") or parse_header(line) is not None:
                return
            self.position += 1

    def take_record_line(self, header_line: int, what: str) -> tuple[int, str] | None:
        """The next line of the current record, or None (reported) if the file ends or a header comes."""
        if self.position >= len(self.lines):
            self.problem(header_line, f"the record starting here has no {what} line: the file ends")
            return None
        number, line = self.lines[self.position]
        if parse_header(line) is not None:
            self.problem(header_line, f"the record starting here has no {what} line before line {number}")
            return None
        self.position += 1
        return number, line

    def read_comment(self, number: int, line: str) -> None:
        """Apply a `# copied: YYYY-MM-DD` directive; other comments are ignored."""
        directive = _COPIED.match(line)
        if directive is None:
            return
        try:
            self.today = date.fromisoformat(directive.group(1))
        except ValueError:
            self.problem(number, f"“{directive.group(1)}” is not a date like 2026-05-25")

    def parse(self) -> None:
        """Parse every record of the file."""
        while self.position < len(self.lines):
            number, line = self.lines[self.position]
            header = parse_header(line)
            self.position += 1
            if line.startswith("#"):
                self.read_comment(number, line)
                continue
            if header is None:
                self.problem(number, f"expected a header line like {_HEADER_EXAMPLE}, found “{_short(line)}”")
                self.skip_to_next_header()
                continue
            self.parse_record(number, header)

    def parse_record(self, header_line: int, header: Header) -> None:
        """Parse the title and abstract lines after a header; a bad record is reported, not loaded."""
        title_line = self.take_record_line(header_line, "title/authors")
        if title_line is None:
            return
        abstract_line = self.take_record_line(header_line, "abstract")
        if abstract_line is None:
            return
        published: date | None = None
        try:
            published = resolve_date(header, self.today)
        except ValueError as error:
            self.problem(header_line, f"bad date: {error}")
        parts = split_title_authors(title_line[1])
        if parts is None:
            self.problem(
                title_line[0],
                "cannot tell the title from the authors: expected the title glued to "
                f"'First Last, First Last[ et al.][ · affiliation]', found “{_short(title_line[1], 80)}”",
            )
        if parts is None or published is None:  # both checked first, so one record reports all it has
            return
        abstract = abstract_line[1]
        paper = Paper(
            id=slugify(parts.title),
            title=parts.title,
            authors=parts.authors,
            authors_truncated=parts.authors_truncated,
            affiliations=parts.affiliations,
            published=published,
            categories=(header.category,),
            has_code=header.has_code,
            abstract=abstract,
            links=find_links(abstract),
            trending=header.trending,
            source=f"{self.source}:{header_line}",
        )
        self.records.append(ParsedRecord(paper, has_own_id=False))


def parse_seed_listing(text: str, source: str, today: date) -> ParseResult:
    """Parse a listing's text; `today` resolves yearless dates; `source` names the file in problems."""
    parser = _ListingParser(source, today, list(_numbered_lines(text)))
    parser.parse()
    return ParseResult(tuple(parser.records), tuple(parser.problems))
