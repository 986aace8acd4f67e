"""load_corpus: files and folders, format detection, strictness, and files that are not corpora at all."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from bot.corpus.loader import (
    CorpusLoad,
    FileFormat,
    bundled_seeds_dir,
    detect_format,
    load_corpus,
    seeds_dir_of,
)
from bot.errors import CorpusError, Problem

TODAY = date(2026, 11, 26)
LISTING = (
    "LGFeb 23, 2023Code\n"
    "Random Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann et al. · eth-zurich\n"
    "In this work, we investigate self-distillation.\n"
)
BIBTEX = "@article{bachmann2023scaling, title = {Scaling {MLPs}: A Tale of Inductive Bias}, year = 2023}\n"


def jsonl(*records: dict[str, object]) -> str:
    """JSONL text."""
    return "".join(json.dumps(record) + "\n" for record in records)


def load(path: Path, **kwargs: bool) -> CorpusLoad:
    """load_corpus with a fixed today."""
    return load_corpus(path, today=TODAY, **kwargs)


def test_default_loads_the_fifty_bundled_papers_without_problems() -> None:
    result = load_corpus(today=TODAY)
    assert len(result.papers) == 50
    assert result.problems == ()
    assert [f.name for f in result.files] == ["lab-papers.txt"]
    assert len({p.id for p in result.papers}) == 50


def test_bundled_seeds_dir_holds_the_listing() -> None:
    assert (bundled_seeds_dir() / "lab-papers.txt").is_file()


def test_folder_loads_supported_files_in_sorted_order_and_skips_notes(tmp_path: Path) -> None:
    (tmp_path / "b.bib").write_text(BIBTEX, encoding="utf-8")
    (tmp_path / "a-listing.txt").write_text(LISTING, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.jsonl").write_text(jsonl({"id": "c1", "title": "Third Paper"}), encoding="utf-8")
    (tmp_path / "README").write_text("notes", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("junk", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("junk", encoding="utf-8")
    result = load(tmp_path)
    assert [p.id for p in result.papers] == ["random-teachers-are-good-teachers", "bachmann2023scaling", "c1"]
    assert [f.relative_to(tmp_path).as_posix() for f in result.files] == [
        "a-listing.txt",
        "b.bib",
        "sub/c.jsonl",
    ]
    assert result.problems == ()


def test_unsupported_file_in_a_folder_is_a_problem_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LISTING, encoding="utf-8")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.7 \x00\x01")
    result = load(tmp_path)
    assert [p.title for p in result.papers] == ["Random Teachers are Good Teachers"]
    [problem] = result.problems
    assert (problem.source, problem.line) == (str(tmp_path / "paper.pdf"), None)
    assert problem.reason.startswith("unsupported file type “.pdf”: paperbot reads")


def test_single_unsupported_file_names_the_supported_formats(tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_text("title,authors\n", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        load(path)
    assert str(path) in caught.value.message
    assert ".jsonl" in caught.value.message
    assert ".bib" in caught.value.message


def test_binary_file_in_a_folder_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LISTING, encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 4)
    result = load(tmp_path)
    assert len(result.papers) == 1
    assert [p.reason.split(",")[0] for p in result.problems] == ["this is a binary file"]


def test_binary_file_given_directly_is_an_empty_corpus_error_listing_why(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CorpusError) as caught:
        load(path)
    assert caught.value.message.startswith(f"The corpus is empty: {path} has no readable papers.")
    assert [p.reason.split(",")[0] for p in caught.value.problems] == ["this is a binary file"]


def test_non_utf8_text_is_a_problem_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LISTING, encoding="utf-8")
    (tmp_path / "latin1.bib").write_bytes("% ok\n@misc{x, title = {Caf\xe9}}\n".encode("latin-1"))
    result = load(tmp_path)
    assert result.problems == (
        Problem(
            str(tmp_path / "latin1.bib"), 2, "the file is not UTF-8 text; re-save it with UTF-8 encoding"
        ),
    )


def test_damaged_gzip_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LISTING, encoding="utf-8")
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b'{"title": "x"}\n')[:12])
    result = load(tmp_path)
    assert [p.reason for p in result.problems] == ["the file looks gzip-compressed but is damaged"]


def test_gzipped_beir_corpus_loads_with_its_ids(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl.gz"
    beir = jsonl(
        {"_id": "4983", "title": "Microstructural development", "text": "Alterations.", "metadata": {}},
        {"_id": "5836", "title": "Induction of myelodysplasia", "text": "Myelodysplastic.", "metadata": {}},
    )
    path.write_bytes(gzip.compress(beir.encode("utf-8")))
    result = load(path)
    assert [(p.id, p.abstract) for p in result.papers] == [
        ("4983", "Alterations."),
        ("5836", "Myelodysplastic."),
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("lab.txt", LISTING, FileFormat.LISTING),
        ("export.txt", jsonl({"title": "x"}), FileFormat.JSONL),
        ("refs", "% zotero\n" + BIBTEX, FileFormat.BIBTEX),
        ("papers.json", '[{"title": "x"}]', FileFormat.JSON_ARRAY),
        ("papers.json", jsonl({"title": "x"}), FileFormat.JSONL),
        ("corpus.jsonl.gz", "", FileFormat.JSONL),
        ("refs.bib", "", FileFormat.BIBTEX),
        ("paper.pdf", "", None),
    ],
)
def test_format_detection_by_suffix_and_content(name: str, text: str, expected: FileFormat | None) -> None:
    assert detect_format(name, text) is expected


def test_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "lab.txt"
    path.write_bytes(b"\xef\xbb\xbf" + LISTING.encode("utf-8"))
    assert [p.title for p in load(path).papers] == ["Random Teachers are Good Teachers"]


def test_missing_path_says_which_path_and_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "papers.txt"
    with pytest.raises(CorpusError) as caught:
        load(missing)
    assert caught.value.message == (
        f"There is no corpus at {missing}: no such file or folder. Check the path, "
        "or leave it out to use the bundled seed papers."
    )


def test_empty_file_is_an_empty_corpus(tmp_path: Path) -> None:
    path = tmp_path / "lab.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="The corpus is empty"):
        load(path)


def test_folder_without_corpus_files_is_an_empty_corpus(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# nothing here", encoding="utf-8")
    with pytest.raises(CorpusError, match="has no supported files"):
        load(tmp_path)


def test_strict_mode_fails_listing_every_problem_from_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LISTING + "garbage line\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(jsonl({"title": "Fine"}) + "{broken\n", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        load(tmp_path, strict=True)
    assert [(Path(p.source).name, p.line) for p in caught.value.problems] == [("a.txt", 4), ("b.jsonl", 2)]
    assert "2 problem(s)" in caught.value.message
    assert "a.txt:4: expected a header line" in str(caught.value)
    assert "b.jsonl:2: not valid JSON" in str(caught.value)


def test_non_strict_mode_returns_the_same_problems_and_loads_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LISTING + "garbage line\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(jsonl({"title": "Fine"}) + "{broken\n", encoding="utf-8")
    result = load(tmp_path)
    assert [p.title for p in result.papers] == ["Random Teachers are Good Teachers", "Fine"]
    assert [p.line for p in result.problems] == [4, 2]


def test_duplicates_across_files_merge_silently(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LISTING, encoding="utf-8")
    bib = "@article{s2023, title = {Random Teachers Are Good Teachers}, year = 2023, eprint = {2302.12091}}"
    (tmp_path / "b.bib").write_text(bib, encoding="utf-8")
    result = load(tmp_path)
    assert result.problems == ()
    [paper] = result.papers
    assert paper.id == "random-teachers-are-good-teachers"
    assert paper.links == ("https://arxiv.org/abs/2302.12091",)


def test_ids_survive_reimport_reordering_export_and_appending(tmp_path: Path) -> None:
    first = load_corpus(today=TODAY)
    again = load_corpus(today=TODAY)
    assert [p.id for p in again.papers] == [p.id for p in first.papers]

    export = tmp_path / "export.jsonl"
    export.write_text(
        "".join(json.dumps(p.model_dump(mode="json")) + "\n" for p in reversed(first.papers)),
        encoding="utf-8",
    )
    reimported = load(export)
    assert {p.id: p.model_dump(exclude={"source"}) for p in reimported.papers} == {
        p.id: p.model_dump(exclude={"source"}) for p in first.papers
    }

    grown = tmp_path / "grown.txt"
    extra = "CVJun 4, 2024\nRandom Teachers are Good Teachers AgainAda Lovelace, Alan Turing\nNew.\n"
    grown.write_text(
        (bundled_seeds_dir() / "lab-papers.txt").read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8"
    )
    assert [p.id for p in load(grown).papers[:50]] == [p.id for p in first.papers]


def test_seeds_are_found_inside_an_installed_package_first(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "bot"
    (package / "seeds").mkdir(parents=True)
    (tmp_path / "site-packages" / "seeds").mkdir()
    assert seeds_dir_of(package) == package / "seeds"


def test_seeds_are_found_next_to_the_package_in_a_checkout(tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "seeds").mkdir()
    assert seeds_dir_of(tmp_path / "bot") == tmp_path / "seeds"


def test_missing_seeds_say_where_they_were_looked_for(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="bundled seed papers are missing"):
        seeds_dir_of(tmp_path / "bot")
