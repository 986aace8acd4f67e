"""Load a corpus from a file or a folder: detect each file's format, parse, merge duplicates.

This is the one entry point the rest of paperbot uses (`load_corpus`). It never lets a bad file raise a
traceback: every bad record or unreadable file is a `Problem`; the caller decides what to do with them
(the CLI prints them as warnings, `strict=True` turns any of them into a `CorpusError` listing all).
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.clock import SystemClock
from bot.corpus.model import Paper
from bot.errors import CorpusError, Problem
from bot.progress import Progress

if TYPE_CHECKING:  # the importers make the results: see `_parse_text`
    from bot.corpus.records import ParsedRecord, ParseResult

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
_BOM = b"\xef\xbb\xbf"
_BINARY_PROBE = 8192
"""A NUL among a file's first this many bytes (after un-gzipping) makes it a binary file."""
_NOT_UTF8 = "the file is not UTF-8 text; re-save it with UTF-8 encoding"
PROGRESS_FROM_BYTES = 32_000_000
"""A JSON Lines file this large (≈ 20,000 papers with abstracts, `progress.SHOW_FROM`) shows its reading."""
_PROGRESS_EVERY_LINES = 4096
_BY_SUFFIX = {".bib": "bibtex", ".bibtex": "bibtex", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_SNIFFED_SUFFIXES = frozenset({".txt", ".json", ""})


class FileFormat(Enum):
    """The file formats paperbot can import."""

    LISTING = "listing"
    JSONL = "jsonl"
    JSON_ARRAY = "json-array"
    BIBTEX = "bibtex"


class CorpusLoad(NamedTuple):
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


def _binary(head: bytes, source: str) -> Problem | None:
    """The problem of a binary file (a NUL among its first bytes), None for text."""
    if b"\x00" in head:
        return Problem(source, None, f"this is a binary file, not {SUPPORTED_FORMATS}")
    return None


def _decode(data: bytes, source: str) -> str | Problem:
    """UTF-8 text (its BOM was dropped as it was read), or the problem that prevents reading it as text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return Problem(source, line, _NOT_UTF8)


def _parse_text(file_format: FileFormat, text: str, source: str, today: date) -> ParseResult:
    """Dispatch to the importer for `file_format`, imported here: `paperbot ask` answers from a corpus
    it loaded before (`bot/search/ready.py`), and importing the importers was ~0.03 G instructions of it."""
    if file_format is FileFormat.LISTING:
        from bot.corpus.seed_listing import parse_seed_listing

        return parse_seed_listing(text, source, today)
    if file_format is FileFormat.JSON_ARRAY:  # JSON Lines are streamed: `_parse_jsonl_stream`
        from bot.corpus.jsonl import parse_json_array

        return parse_json_array(text, source)
    from bot.corpus.bibtex import parse_bibtex  # most corpora have no BibTeX, and it costs 7 ms

    return parse_bibtex(text, source)


def _unsupported(name: str) -> str:
    """The reason text for a file of a type paperbot does not read."""
    suffix = _suffix(name) or "(no suffix)"
    return f"unsupported file type “{suffix}”: paperbot reads {SUPPORTED_FORMATS}"


def _failed(problem: Problem) -> ParseResult:
    """A file that yields nothing but one problem."""
    from bot.corpus.records import ParseResult  # with the importers: see `_parse_text`

    return ParseResult((), (problem,))


def parse_file(path: Path, *, today: date, source: str | None = None) -> ParseResult:
    """Parse one file of any supported format; every difficulty is a problem in the result.

    JSON Lines is read a line at a time (a corpus of a million papers is a 1.6 GB file, which must not
    sit in memory beside the papers made from it); the other formats are read whole: listings and BibTeX
    are written by people, and a JSON array is one value (`jsonl.parse_json_array`).
    """
    shown = source or str(path)
    if not is_supported_name(path.name):  # decided by name alone: don't read a large PDF to refuse it
        return _failed(Problem(shown, None, _unsupported(path.name)))
    try:
        with path.open("rb") as raw:
            if raw.peek(len(_GZIP_MAGIC)).startswith(_GZIP_MAGIC):  # by content: names lie
                return _parse_gzipped(path.name, raw, shown, today)
            return _parse_stream(path.name, raw, raw, shown, today)
    except OSError as error:
        return _failed(Problem(shown, None, f"cannot read the file: {error.strerror or error}"))


def _parse_gzipped(name: str, raw: io.BufferedReader, source: str, today: date) -> ParseResult:
    """`_parse_stream` on the un-gzipped bytes of `raw`; damage found on the way refuses the file.

    gzip is imported here: most corpora are not compressed, and `paperbot ask` imports this module."""
    import gzip
    import zlib

    try:
        with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            result = _parse_stream(name, stream, raw, source, today)
            while stream.read(1 << 20):  # a file refused early (binary, not UTF-8) is read on, so that
                pass  # damage, the likely cause of such garbage, is what is reported
            return result
    except (EOFError, zlib.error, gzip.BadGzipFile):
        return _failed(Problem(source, None, "the file looks gzip-compressed but is damaged"))


def _parse_stream(
    name: str, stream: io.BufferedIOBase, raw: io.BufferedReader, source: str, today: date
) -> ParseResult:
    """Parse an opened file (`stream`: its bytes, un-gzipped; `raw`: the file itself, whose position is
    the progress): JSON Lines a line at a time, the other formats from their whole text."""
    first = stream.read(_BINARY_PROBE)
    if binary := _binary(first, source):
        return _failed(binary)
    lines = _lines(first.removeprefix(_BOM), stream)
    file_format, head = _sniffed(name, lines)
    if file_format is FileFormat.JSONL:
        return _parse_jsonl_stream(itertools.chain(head, lines), raw, source)
    if file_format is None:  # unreachable after is_supported_name, kept for type completeness
        return _failed(Problem(source, None, _unsupported(name)))
    text = _decode(b"".join(itertools.chain(head, lines)), source)
    if isinstance(text, Problem):
        return _failed(text)
    return _parse_text(file_format, text, source, today)


def _lines(first: bytes, stream: io.BufferedIOBase) -> Iterator[bytes]:
    """The lines of `first` (bytes already read from `stream`) and then of the rest of `stream`, each
    with its b"\\n" (the last may lack it): only a line is ever in memory."""
    lines = io.BytesIO(first).readlines()
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += stream.readline()
    yield from lines
    for line in stream:  # noqa: UP028 — `yield from` would close the file when this generator is closed
        yield line


def _sniffed(name: str, lines: Iterator[bytes]) -> tuple[FileFormat | None, list[bytes]]:
    """The file's format, and the lines read to tell it: none when the name says it, else those up to
    the first with content (all `detect_format` looks at)."""
    if _suffix(name) in _BY_SUFFIX:
        return detect_format(name, ""), []
    head: list[bytes] = []
    for line in lines:
        head.append(line)
        if first := _first_content_line(line.decode("utf-8", errors="replace")):
            return detect_format(name, first), head
    return detect_format(name, ""), head


def _parse_jsonl_stream(lines: Iterable[bytes], raw: io.BufferedReader, source: str) -> ParseResult:
    """JSON Lines decoded and parsed a line at a time, the file's bytes read counted by a `Progress`.

    A line that is not UTF-8 refuses the whole file, as for the other formats: a file saved in another
    encoding would otherwise load just the papers whose text happens to be ASCII, and lose the rest.
    """
    from bot.corpus.jsonl import parse_jsonl_lines  # with the importers: see `_parse_text`

    not_utf8: list[Problem] = []

    def decoded(progress: Progress) -> Iterator[str]:
        for number, line in enumerate(lines, start=1):
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                not_utf8.append(Problem(source, number, _NOT_UTF8))
                return
            if number % _PROGRESS_EVERY_LINES == 0:
                progress.advance(raw.tell() - progress.done)

    size = os.fstat(raw.fileno()).st_size
    with Progress(f"reading {source}", size, unit="bytes", show_from=PROGRESS_FROM_BYTES) as progress:
        result = parse_jsonl_lines(decoded(progress), source)
        progress.advance(raw.tell() - progress.done)
    return _failed(not_utf8[0]) if not_utf8 else result


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
