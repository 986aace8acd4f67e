"""Load a corpus from a file or a folder: detect each file's format, parse, merge duplicates.

This is the one entry point the rest of paperbot uses (`load_corpus`). It never lets a bad file raise a
traceback: every bad record or unreadable file is a `Problem`; the caller decides what to do with them
(the CLI prints them as warnings, `strict=True` turns any of them into a `CorpusError` listing all).
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

from bot.clock import SystemClock
from bot.corpus.model import Paper
from bot.corpus.records import ParsedRecord, ParseResult
from bot.errors import CorpusError, Problem

__all__ = [
    "SUPPORTED_FORMATS",
    "CorpusLoad",
    "FileFormat",
    "bundled_seeds_dir",
    "detect_format",
    "is_supported_name",
    "load_corpus",
    "parse_file",
    "seeds_dir_of",
]

SUPPORTED_FORMATS = (
    "a copied paper listing (.txt), JSON Lines or BEIR (.jsonl, .jsonl.gz, .json) or BibTeX (.bib)"
)
_GZIP_MAGIC = b"\x1f\x8b"
_BY_SUFFIX = {".bib": "bibtex", ".bibtex": "bibtex", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_SNIFFED_SUFFIXES = frozenset({".txt", ".json", ""})


class FileFormat(Enum):
    """The file formats paperbot can import."""

    LISTING = "listing"
    JSONL = "jsonl"
    JSON_ARRAY = "json-array"
    BIBTEX = "bibtex"


@dataclass(frozen=True)
class CorpusLoad:
    """The outcome of loading: unique papers in load order, the problems met, and the files read."""

    papers: tuple[Paper, ...]
    problems: tuple[Problem, ...]
    files: tuple[Path, ...]


def bundled_seeds_dir() -> Path:
    """The folder of bundled seed papers: `bot/seeds` in an installed wheel, else the repo's `seeds/`."""
    return seeds_dir_of(Path(__file__).resolve().parent.parent)


def seeds_dir_of(package: Path) -> Path:
    """The seeds folder for the `bot` package at `package` (the wheel's copy wins over a checkout's)."""
    candidates = (package / "seeds", package.parent / "seeds")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise CorpusError(
        f"The bundled seed papers are missing (looked in {candidates[0]} and {candidates[1]}). "
        "Reinstall paperbot, or point it at your own corpus file or folder."
    )


def _first_content_line(text: str) -> str:
    """The first line that is not blank and not a `#`/`%` comment."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%")):
            return stripped
    return ""


def _suffix(name: str) -> str:
    """The format-bearing suffix of a file name, ignoring a final `.gz`: 'a.jsonl.gz' → '.jsonl'."""
    lowered = name.lower().removesuffix(".gz")
    return Path(lowered).suffix


def is_supported_name(name: str) -> bool:
    """Whether a file name has a suffix paperbot reads (or none, in which case the content decides)."""
    suffix = _suffix(name)
    return suffix in _BY_SUFFIX or suffix in _SNIFFED_SUFFIXES


def detect_format(name: str, text: str) -> FileFormat | None:
    """A file's format from its name, sniffing the content when the name is ambiguous (.txt, .json,
    no suffix); None when the suffix is one paperbot does not read (.pdf, .csv, ...)."""
    suffix = _suffix(name)
    if suffix in _BY_SUFFIX:
        return FileFormat.BIBTEX if _BY_SUFFIX[suffix] == "bibtex" else FileFormat.JSONL
    if suffix not in _SNIFFED_SUFFIXES:
        return None
    first = _first_content_line(text)
    if first.startswith("["):
        return FileFormat.JSON_ARRAY
    if first.startswith("{") or suffix == ".json":
        return FileFormat.JSONL
    from bot.corpus.seed_listing import parse_header  # importers on demand: see `_parse_text`

    if first.startswith("@") and parse_header(first) is None:
        return FileFormat.BIBTEX
    return FileFormat.LISTING


def _decode(data: bytes, source: str) -> str | Problem:
    """UTF-8 text (a BOM is dropped), or the problem that prevents reading it as text."""
    if b"\x00" in data[:8192]:
        return Problem(source, None, f"this is a binary file, not {SUPPORTED_FORMATS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return Problem(source, line, "the file is not UTF-8 text; re-save it with UTF-8 encoding")


def _read_text(path: Path, source: str) -> str | Problem:
    """The file's text, un-gzipped if it is compressed, or the problem that stops us reading it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return Problem(source, None, f"cannot read the file: {error.strerror or error}")
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return Problem(source, None, "the file looks gzip-compressed but is damaged")
    return _decode(data, source)


def _parse_text(file_format: FileFormat, text: str, source: str, today: date) -> ParseResult:
    """Dispatch to the importer for `file_format`, imported here: `paperbot ask` answers from a corpus
    it loaded before (`bot/search/ready.py`), and importing the importers was ~0.03 G instructions of it."""
    if file_format is FileFormat.LISTING:
        from bot.corpus.seed_listing import parse_seed_listing

        return parse_seed_listing(text, source, today)
    if file_format in (FileFormat.JSONL, FileFormat.JSON_ARRAY):
        from bot.corpus.jsonl import parse_json_array, parse_jsonl

        return (parse_jsonl if file_format is FileFormat.JSONL else parse_json_array)(text, source)
    from bot.corpus.bibtex import parse_bibtex  # most corpora have no BibTeX, and it costs 7 ms

    return parse_bibtex(text, source)


def _unsupported(name: str) -> str:
    """The reason text for a file of a type paperbot does not read."""
    suffix = _suffix(name) or "(no suffix)"
    return f"unsupported file type “{suffix}”: paperbot reads {SUPPORTED_FORMATS}"


def parse_file(path: Path, *, today: date, source: str | None = None) -> ParseResult:
    """Parse one file of any supported format; every difficulty is a problem in the result."""
    shown = source or str(path)
    if not is_supported_name(path.name):  # decided by name alone: don't read a large PDF to refuse it
        return ParseResult((), (Problem(shown, None, _unsupported(path.name)),))
    text = _read_text(path, shown)
    if isinstance(text, Problem):
        return ParseResult((), (text,))
    file_format = detect_format(path.name, text)
    if file_format is None:  # unreachable after is_supported_name, kept for type completeness
        return ParseResult((), (Problem(shown, None, _unsupported(path.name)),))
    return _parse_text(file_format, text, shown, today)


def _skipped_silently(relative: Path) -> bool:
    """Hidden files, READMEs and Markdown notes live next to corpus files without being corpus."""
    name = relative.name.lower()
    return name.startswith("readme") or name.endswith(".md")


def _files_in(folder: Path) -> Iterator[Path]:
    """Every non-hidden file under `folder` (not following symlinked folders), sorted by relative path."""
    found: list[Path] = []
    for directory, subdirs, names in os.walk(folder):
        subdirs[:] = [d for d in subdirs if not d.startswith((".", "__"))]
        found.extend(
            Path(directory, name)
            for name in names
            if not name.startswith(".") and Path(directory, name).is_file()  # no FIFOs/sockets: they block
        )
    yield from sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def _collect_folder(folder: Path, today: date) -> tuple[list[ParsedRecord], list[Problem], list[Path]]:
    """Parse every supported file of a folder; unsupported ones become problems."""
    records: list[ParsedRecord] = []
    problems: list[Problem] = []
    files: list[Path] = []
    for file in _files_in(folder):
        if _skipped_silently(file.relative_to(folder)):
            continue
        result = parse_file(file, today=today)
        records.extend(result.records)
        problems.extend(result.problems)
        if is_supported_name(file.name):
            files.append(file)
    return records, problems, files


def corpus_fingerprint(path: Path | None) -> list[bytes]:
    """What `load_corpus(path)` reads, as bytes: the root as given (records' sources name it) and resolved,
    then each file's name and content (the files `load_corpus` would parse, in its order). OSError when
    the path is missing or unreadable."""
    root = bundled_seeds_dir() if path is None else Path(path)
    parts = [str(root).encode(), str(root.resolve()).encode()]
    if not root.is_dir():
        return [*parts, root.read_bytes()]
    for file in _files_in(root):
        parts += [file.relative_to(root).as_posix().encode(), file.read_bytes()]
    return parts


def _check_single_file(path: Path) -> None:
    """A file given by name must have a type paperbot reads; say which ones if not."""
    if not is_supported_name(path.name):
        raise CorpusError(f"Can't load {path}: {_unsupported(path.name)}.")


def load_corpus(path: Path | None = None, *, strict: bool = False, today: date | None = None) -> CorpusLoad:
    """Load papers from a file or folder (None: the bundled seeds), merged and with unique ids.

    `today` resolves yearless listing dates (default: the system date). Raises CorpusError when the
    path is missing, a single file has an unsupported type, nothing loads, or — with `strict` — any
    problem was found (the error lists them all).
    """
    root = bundled_seeds_dir() if path is None else Path(path)
    reference_day = today or SystemClock().now().date()
    if not root.exists():
        raise CorpusError(
            f"There is no corpus at {root}: no such file or folder. Check the path, "
            "or leave it out to use the bundled seed papers."
        )
    if root.is_dir():
        records, problems, files = _collect_folder(root, reference_day)
    elif not root.is_file():
        raise CorpusError(f"Can't load {root}: it is neither a regular file nor a folder.")
    else:
        _check_single_file(root)
        result = parse_file(root, today=reference_day)
        records, problems, files = list(result.records), list(result.problems), [root]
    from bot.corpus.ids import dedup_papers  # with the importers: see `_parse_text`

    papers, id_problems = dedup_papers(records)
    problems.extend(id_problems)
    if strict and problems:
        raise CorpusError(
            f"The corpus at {root} has {len(problems)} problem(s); fix them, or load without strict mode "
            "to skip the bad records:",
            problems,
        )
    if not papers:
        what = "no supported files" if not files else "no readable papers"
        raise CorpusError(
            f"The corpus is empty: {root} has {what}. paperbot reads {SUPPORTED_FORMATS}.", problems
        )
    return CorpusLoad(papers, tuple(problems), tuple(files))


SHOWN_PROBLEMS = 5


def problem_lines(problems: Sequence[Problem], shown: int = SHOWN_PROBLEMS) -> list[str]:
    """What to tell an operator about skipped records: the first few, then one line for the rest (a
    corpus with thousands of bad lines must not bury the log)."""
    lines = [f"skipped a record: {problem}" for problem in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"… and {len(problems) - shown} more skipped records ({len(problems)} in all)")
    return lines
