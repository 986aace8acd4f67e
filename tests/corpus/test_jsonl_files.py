"""JSON Lines files as the loader reads them: a line at a time, so a million-paper file never sits in
memory whole. What a user sees must not change: the same papers and problems at the same lines."""

from __future__ import annotations

import gzip
import io
import json
import logging
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from bot import progress
from bot.corpus import loader
from bot.corpus.export import to_jsonl
from bot.corpus.jsonl import parse_jsonl
from bot.corpus.loader import load_corpus, parse_file
from bot.corpus.model import Paper
from bot.errors import Problem

TODAY = date(2026, 12, 6)
NOT_UTF8 = "the file is not UTF-8 text; re-save it with UTF-8 encoding"

RECORDS = [
    json.dumps({"id": "first", "title": "Random Teachers are Good Teachers", "abstract": "Déjà vu 東京."}),
    "",
    "{not json",
    json.dumps({"id": "no-title"}),
    "   ",
    json.dumps({"title": "Bad Date", "published": "last spring"}),
    json.dumps({"title": "Scaling MLPs", "authors": ["Gregor Bachmann"], "published": "2023-06"}),
    json.dumps([1, 2]),
    json.dumps({"_id": 4983, "title": "Microstructural development", "text": "Alterations of ..."}),
]
PROBLEM_LINES = [
    (3, "not valid JSON: Expecting property name enclosed in double quotes (column 2)"),
    (4, "the record has neither a title nor a text"),
    (6, "“published” should be a date like 2023-02-23, found “last spring”"),
    (8, "expected a JSON object per line, found list"),
]


def write(
    path: Path, lines: list[str], *, newline: str = "\n", bom: bool = False, gzipped: bool = False
) -> Path:
    """Write `lines` as a file the way an editor or a download might have saved them."""
    data = (b"\xef\xbb\xbf" if bom else b"") + "".join(line + newline for line in lines).encode("utf-8")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("papers.jsonl", {}),
        ("windows.jsonl", {"newline": "\r\n"}),
        ("with-bom.jsonl", {"bom": True}),
        ("packed.jsonl.gz", {"gzipped": True}),
        ("beir.json", {}),  # sniffed from the content
        ("no-suffix", {"bom": True}),
    ],
)
def test_a_file_gives_the_papers_and_problems_of_its_text_at_the_same_lines(
    tmp_path: Path, name: str, options: dict[str, bool | str]
) -> None:
    path = write(tmp_path / name, RECORDS, **options)  # type: ignore[arg-type]
    result = parse_file(path, today=TODAY)
    expected = parse_jsonl("".join(line + "\n" for line in RECORDS), str(path))
    assert result == expected
    assert [(p.line, p.reason) for p in result.problems] == PROBLEM_LINES
    assert [p.source for p in result.papers] == [f"{path}:{line}" for line in (1, 7, 9)]
    assert result.papers[0].abstract == "Déjà vu 東京."


def test_records_longer_than_a_read_keep_their_line_numbers(tmp_path: Path) -> None:
    long_abstract = "A sentence about teachers that goes on. " * 500  # ≈ 20 KB: several reads of the file
    lines = [json.dumps({"title": f"Paper {n}", "abstract": long_abstract}) for n in range(5)]
    lines[3] = lines[3][:-1]  # the fourth record loses its closing brace
    result = parse_file(write(tmp_path / "long.jsonl", lines), today=TODAY)
    assert [p.title for p in result.papers] == ["Paper 0", "Paper 1", "Paper 2", "Paper 4"]
    assert [p.abstract for p in result.papers] == [long_abstract.strip()] * 4
    assert [(p.line, p.reason.split(":")[0]) for p in result.problems] == [(4, "not valid JSON")]


def test_a_cut_off_last_line_is_reported_at_its_line_and_the_rest_loads(tmp_path: Path) -> None:
    text = "".join(json.dumps({"title": f"Paper {n}", "abstract": "Some text."}) + "\n" for n in range(3))
    path = tmp_path / "interrupted.jsonl"
    path.write_text(text + '{"title": "Paper 3", "abstr', encoding="utf-8")  # a download cut short
    loaded = load_corpus(path, today=TODAY)
    assert [p.title for p in loaded.papers] == ["Paper 0", "Paper 1", "Paper 2"]
    [problem] = loaded.problems
    assert (problem.line, problem.reason) == (
        4,
        "not valid JSON: Unterminated string starting at (column 22); "
        "the file ends inside this line: was it cut short?",
    )


def test_a_line_that_is_not_utf8_refuses_the_whole_file_at_that_line(tmp_path: Path) -> None:
    good = json.dumps({"title": "Fine"}).encode()
    latin1 = json.dumps({"title": "Café"}, ensure_ascii=False).encode("latin-1")
    (tmp_path / "a.jsonl").write_bytes(good + b"\n\n" + latin1 + b"\n" + good + b"\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"title": "Other"}) + "\n", encoding="utf-8")
    loaded = load_corpus(tmp_path, today=TODAY)
    assert [p.title for p in loaded.papers] == ["Other"]  # a half-read file would lose the accented papers
    assert loaded.problems == (Problem(str(tmp_path / "a.jsonl"), 3, NOT_UTF8),)


def test_a_gzip_file_damaged_after_good_lines_is_reported_as_damaged(tmp_path: Path) -> None:
    lines = [json.dumps({"title": f"Paper {n}", "abstract": f"Text number {n} " * 20}) for n in range(2000)]
    packed = gzip.compress("".join(line + "\n" for line in lines).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    result = parse_file(tmp_path / "cut.jsonl.gz", today=TODAY)
    assert result.records == ()
    assert [p.reason for p in result.problems] == ["the file looks gzip-compressed but is damaged"]


def test_text_with_line_separators_comes_back_from_an_export(tmp_path: Path) -> None:
    """JSON allows U+2028, U+2029 and U+0085 unescaped in strings, and `paperbot papers --json` writes
    them so: only a line break ends a record (splitting at them lost both halves of the paper)."""
    paper = Paper(id="sep", title="Separators", abstract="One\u2028two\u2029three, and a\u0085 next line.")
    path = tmp_path / "export.jsonl"
    path.write_text(to_jsonl([paper]), encoding="utf-8")
    loaded = load_corpus(path, today=TODAY)
    assert loaded.problems == ()
    assert [p.abstract for p in loaded.papers] == [paper.abstract]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reading_a_large_file_logs_its_progress_and_draws_a_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = [json.dumps({"title": f"Paper {n}", "abstract": "Short."}) for n in range(10_000)]
    path = write(tmp_path / "large.jsonl", lines)
    size = path.stat().st_size
    monkeypatch.setattr(loader, "PROGRESS_FROM_BYTES", size)  # this file counts as large
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    caplog.set_level(logging.INFO, logger="paperbot.progress")
    assert len(parse_file(path, today=TODAY).records) == 10_000
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == f"reading {path}: {size:,} bytes to go"
    assert any(m.startswith(f"reading {path}: ") and f"/{size:,} bytes (" in m for m in messages[1:-1])
    assert messages[-1].startswith(f"reading {path}: {size:,} bytes done in")
    assert f"reading {path}: 100%" in terminal.getvalue()


def test_reading_a_small_file_reports_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="paperbot.progress")
    parse_file(write(tmp_path / "small.jsonl", RECORDS), today=TODAY)
    assert not caplog.records


def test_a_large_file_of_few_papers_is_not_held_in_memory(tmp_path: Path) -> None:
    """Memory follows the papers made, not the file: 20 MB of blank lines around one paper are never held
    (the whole text and its list of lines were; at a million papers, 1.6 GB and more beside the papers)."""
    padding = " " * 100_000
    lines = [padding] * 100 + [json.dumps({"title": "The Only Paper"})] + [padding] * 100
    path = write(tmp_path / "padded.jsonl", lines)
    tracemalloc.start()
    try:
        result = parse_file(path, today=TODAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.title for p in result.papers] == ["The Only Paper"]
    assert peak < path.stat().st_size / 10
