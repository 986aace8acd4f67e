"""Importer for JSON Lines (one paper per line) and JSON arrays of papers.

Two record shapes are understood, and may be mixed:

- our own: the fields of `Paper` (`id`, `title`, `authors` list, `published` ISO date, `categories`,
  `abstract`, `links`, ...). `published` may also be `YYYY` or `YYYY-MM`: stored as the first day with
  `date_precision` "year" or "month" (as for BibTeX), so it is shown as written. A `date_precision`
  given in the record (as `paperbot papers --json` writes it) wins.
- BEIR: `{"_id", "title", "text", "metadata"}`: `_id` → id, `text` → abstract; metadata keys named like
  our fields (`authors`, `url`, `doi`, `year`, ...) fill what the record lacks.

Each bad line (invalid JSON, not an object, no title, a field of the wrong type) is one `Problem` with its
line number; the other lines still load. Reading the file (a line at a time, un-gzipped, decoded) is the
loader's job: it streams the lines into `parse_jsonl_lines`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, get_args

from pydantic import ValidationError

from bot.corpus.ids import slugify
from bot.corpus.model import DatePrecision, Paper
from bot.corpus.records import ParsedRecord, ParseResult
from bot.corpus.text import find_links
from bot.errors import Problem

__all__ = ["parse_json_array", "parse_jsonl", "parse_jsonl_lines", "record_to_paper"]

_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?")
_PRECISIONS: tuple[DatePrecision, ...] = get_args(DatePrecision)


class RecordError(ValueError):
    """A JSON record that cannot become a paper; the message is the problem's reason."""


def _text(value: object, field: str) -> str:
    """A string field (numbers are accepted and stringified, as BEIR ids often are ints)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"“{field}” should be text, not {type(value).__name__}")


def _strings(value: object, field: str) -> tuple[str, ...]:
    """A list-of-strings field; a single string is split on commas (`"LG, CV"`)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise RecordError(f"“{field}” should be a list of strings")


def _published(value: object) -> tuple[date | None, DatePrecision]:
    """An ISO date (day precision), or a year / year-month read as its first day (year / month
    precision); None when absent."""
    if value is None or value == "":
        return None, "day"
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]), "day"
    except ValueError:
        pass
    match = _PARTIAL_DATE.fullmatch(text)
    if match is not None:
        month = int(match.group(2) or 1)
        if 1 <= month <= 12:
            return date(int(match.group(1)), month, 1), "month" if match.group(2) else "year"
    raise RecordError(f"“published” should be a date like 2023-02-23, found “{text}”")


def _precision(value: object, inferred: DatePrecision) -> DatePrecision:
    """The record's own `date_precision`, else what the form of `published` says."""
    if value is None:
        return inferred
    if value in _PRECISIONS:
        return value
    raise RecordError("“date_precision” should be “day”, “month” or “year”")


def _merged_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's fields with BEIR names mapped to ours and metadata filling the gaps."""
    fields = dict(record)
    metadata = fields.pop("metadata", None)
    if isinstance(metadata, Mapping):
        for key, value in metadata.items():
            fields.setdefault(key, value)
    if "id" not in fields and "_id" in fields:
        fields["id"] = fields["_id"]
    if "abstract" not in fields and "text" in fields:
        fields["abstract"] = fields["text"]
    if "published" not in fields:
        fields["published"] = fields.get("date") or fields.get("year")
    return fields


def _links(fields: Mapping[str, Any], abstract: str) -> tuple[str, ...]:
    """Given links, `url`, `doi` and `arxiv_id` as URLs, then URLs found in the abstract."""
    links = list(_strings(fields.get("links"), "links"))
    if url := _text(fields.get("url"), "url"):
        links.append(url)
    if doi := _text(fields.get("doi"), "doi"):
        links.append(doi if doi.startswith("http") else f"https://doi.org/{doi}")
    if arxiv := _text(fields.get("arxiv_id"), "arxiv_id"):
        links.append(f"https://arxiv.org/abs/{arxiv}")
    links.extend(find_links(abstract))
    return tuple(dict.fromkeys(links))


def _trending(value: object) -> float | None:
    """A trending score, if given as a number."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise RecordError("“trending” should be a number")


def _flag(value: object, field: str) -> bool:
    """A true/false field."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise RecordError(f"“{field}” should be true or false")


TITLE_WORDS = 12


def title_from_text(text: str) -> str:
    """A title for an untitled record (common in BEIR argument corpora): its first sentence, at most
    TITLE_WORDS words, "…" when cut; '' for an empty text."""
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    words = first.split()
    return " ".join(words[:TITLE_WORDS]) + (" …" if len(words) > TITLE_WORDS else "")


def record_to_paper(record: object, source: str) -> ParsedRecord:
    """One JSON value → a paper; raises RecordError saying what is wrong with it."""
    if not isinstance(record, Mapping):
        raise RecordError(f"expected a JSON object per line, found {type(record).__name__}")
    fields = _merged_fields(record)
    own_id = _text(fields.get("id"), "id")
    abstract = _text(fields.get("abstract"), "abstract")
    title = " ".join(_text(fields.get("title"), "title").split()) or title_from_text(abstract)
    if not title:
        raise RecordError("the record has neither a title nor a text")
    published, inferred = _published(fields.get("published"))
    try:
        paper = Paper(
            id=own_id or slugify(title),
            title=title,
            authors=_strings(fields.get("authors"), "authors"),
            authors_truncated=_flag(fields.get("authors_truncated"), "authors_truncated"),
            affiliations=_strings(fields.get("affiliations"), "affiliations"),
            published=published,
            date_precision=_precision(fields.get("date_precision"), inferred),
            categories=_strings(fields.get("categories"), "categories"),
            has_code=_flag(fields.get("has_code"), "has_code"),
            abstract=abstract,
            links=_links(fields, abstract),
            trending=_trending(fields.get("trending")),
            source=source,
        )
    except ValidationError as error:  # a constraint of the model that the coercions above missed
        first = error.errors()[0]
        raise RecordError(f"“{'.'.join(map(str, first['loc']))}”: {first['msg']}") from None
    return ParsedRecord(paper, has_own_id=bool(own_id))


def _collect(source: str, items: Iterator[tuple[int, object]], problems: list[Problem]) -> ParseResult:
    """Turn (line, JSON value) pairs into records, adding one problem per bad value."""
    records: list[ParsedRecord] = []
    for line, value in items:
        try:
            records.append(record_to_paper(value, f"{source}:{line}"))
        except RecordError as error:
            problems.append(Problem(source, line, str(error)))
    return ParseResult(tuple(records), tuple(problems))


def parse_jsonl(text: str, source: str) -> ParseResult:
    """Parse JSON Lines text already in memory: one object per non-blank line (see `parse_jsonl_lines`)."""
    return parse_jsonl_lines(io.StringIO(text), source)


def parse_jsonl_lines(lines: Iterable[str], source: str) -> ParseResult:
    """Parse JSON Lines, one line at a time: the loader streams a large file through this, so memory
    holds the papers made, never the file.

    `lines` are the file's lines as read, each with its "\\n" (the last may lack it). Only "\\n" ends a
    line, as JSON Lines specifies: a record whose text holds a U+2028, U+2029 or U+0085 (JSON allows them
    unescaped in a string, and `paperbot papers --json` writes them so) stays one record. A bad last line
    without a line break is said to be cut off: that is what an interrupted download leaves.
    """
    problems: list[Problem] = []

    def values() -> Iterator[tuple[int, object]]:
        for number, line in enumerate(lines, start=1):
            if not line or line.isspace():
                continue
            try:
                yield number, json.loads(line)  # the line break is whitespace to JSON
            except json.JSONDecodeError:
                error = _error_of(line.removesuffix("\n").removesuffix("\r"))  # columns as the line shows
                reason = f"not valid JSON: {error.msg} (column {error.colno})"
                if not line.endswith("\n"):
                    reason += "; the file ends inside this line: was it cut short?"
                problems.append(Problem(source, number, reason))

    return _collect(source, values(), problems)


def _error_of(line: str) -> json.JSONDecodeError:
    """Why `line` (without its line break) is not JSON; after it, JSON would point past the break."""
    try:
        json.loads(line)
    except json.JSONDecodeError as error:
        return error
    raise AssertionError("only called for a line that is not JSON")


def _line_of(text: str, index: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, index) + 1


def parse_json_array(text: str, source: str) -> ParseResult:
    """Parse a JSON array of paper objects, each problem placed at its element's first line.

    The whole text is in memory: an array is one JSON value, and the standard library (no streaming
    JSON parser is among paperbot's dependencies) decodes values from a string. Large corpora come as
    JSON Lines (BEIR's `corpus.jsonl`, `paperbot papers --json`), which the loader streams.

    Elements are decoded one at a time so a bad one is reported at its own line; after invalid JSON
    the rest of the array cannot be delimited, so parsing stops there.
    """
    problems: list[Problem] = []
    decoder = json.JSONDecoder()

    def values() -> Iterator[tuple[int, object]]:
        index = text.index("[") + 1
        while True:
            while index < len(text) and text[index] in " \t\r\n,":
                index += 1
            if index >= len(text):
                problems.append(Problem(source, _line_of(text, index), "the JSON array is not closed"))
                return
            if text[index] == "]":
                return
            try:
                value, end = decoder.raw_decode(text, index)
            except json.JSONDecodeError as error:
                problems.append(Problem(source, error.lineno, f"not valid JSON: {error.msg}"))
                return
            yield _line_of(text, index), value
            index = end

    return _collect(source, values(), problems)
