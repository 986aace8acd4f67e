"""JSON Lines (our fields and BEIR) and JSON arrays."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bot.corpus.jsonl import parse_json_array, parse_jsonl
from bot.corpus.loader import load_corpus
from bot.errors import Problem


def lines(*records: object) -> str:
    """JSONL text from records (strings are taken as raw lines)."""
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


def test_own_fields_become_a_paper() -> None:
    record = {
        "id": "random-teachers",
        "title": "Random Teachers are Good Teachers",
        "authors": ["Felix Sarnthein", "Gregor Bachmann"],
        "authors_truncated": True,
        "affiliations": ["eth-zurich"],
        "published": "2023-02-23",
        "categories": ["LG"],
        "has_code": True,
        "abstract": "See https://github.com/safelix/dinopl.",
        "links": ["https://arxiv.org/abs/2302.12091"],
        "trending": 12.5,
    }
    result = parse_jsonl(lines(record), "papers.jsonl")
    assert result.problems == ()
    [record_out] = result.records
    paper = record_out.paper
    assert record_out.has_own_id
    assert (paper.id, paper.title, paper.authors, paper.authors_truncated) == (
        "random-teachers",
        "Random Teachers are Good Teachers",
        ("Felix Sarnthein", "Gregor Bachmann"),
        True,
    )
    assert (paper.affiliations, paper.published, paper.categories, paper.has_code, paper.trending) == (
        ("eth-zurich",),
        date(2023, 2, 23),
        ("LG",),
        True,
        12.5,
    )
    assert paper.links == ("https://arxiv.org/abs/2302.12091", "https://github.com/safelix/dinopl")
    assert paper.source == "papers.jsonl:1"


def test_beir_lines_map_id_and_text() -> None:
    record = {
        "_id": 4983,
        "title": "Microstructural development",
        "text": "Alterations of ...",
        "metadata": {},
    }
    paper = parse_jsonl(lines(record), "corpus.jsonl").papers[0]
    assert (paper.id, paper.title, paper.abstract) == (
        "4983",
        "Microstructural development",
        "Alterations of ...",
    )


def test_beir_metadata_fills_missing_fields() -> None:
    record = {"_id": "d1", "title": "T", "text": "x", "metadata": {"authors": ["Ada Lovelace"], "year": 1843}}
    paper = parse_jsonl(lines(record), "corpus.jsonl").papers[0]
    assert (paper.authors, paper.published) == (("Ada Lovelace",), date(1843, 1, 1))


def test_a_record_without_id_gets_a_title_slug() -> None:
    [record] = parse_jsonl(lines({"title": "Simplifying Transformer Blocks"}), "p.jsonl").records
    assert (record.paper.id, record.has_own_id) == ("simplifying-transformer-blocks", False)


def test_each_bad_line_is_one_problem_and_good_lines_still_load() -> None:
    text = lines(
        {"title": "Good One"},
        "{not json",
        "",
        {"id": "x"},
        [1, 2],
        {"title": "Bad Date", "published": "last spring"},
        {"title": "Bad Authors", "authors": [1, 2]},
        {"title": "Good Two"},
    )
    result = parse_jsonl(text, "p.jsonl")
    assert [p.title for p in result.papers] == ["Good One", "Good Two"]
    assert result.problems == (
        Problem("p.jsonl", 2, "not valid JSON: Expecting property name enclosed in double quotes (column 2)"),
        Problem("p.jsonl", 4, "the record has neither a title nor a text"),
        Problem("p.jsonl", 5, "expected a JSON object per line, found list"),
        Problem("p.jsonl", 6, "“published” should be a date like 2023-02-23, found “last spring”"),
        Problem("p.jsonl", 7, "“authors” should be a list of strings"),
    )


def test_json_array_reports_problems_at_the_element_line() -> None:
    text = '[\n  {"title": "First"},\n  {"id": "no-title"},\n  {"title": "Third"}\n]\n'
    result = parse_json_array(text, "p.json")
    assert [p.title for p in result.papers] == ["First", "Third"]
    assert result.problems == (Problem("p.json", 3, "the record has neither a title nor a text"),)


def test_control_characters_in_a_record_are_removed_and_an_empty_title_is_a_problem(tmp_path: Path) -> None:
    corpus = tmp_path / "evil.jsonl"
    corpus.write_text(
        '{"_id": "k1", "title": "Evil \\u001b[2J\\u001b[31mtitle\\u0007", "text": "NUL\\u0000 here\\nnext"}\n'
        '{"_id": "k2", "title": "\\u0007\\u0007", "text": "x"}\n',
        encoding="utf-8",
    )
    loaded = load_corpus(corpus)
    assert [(p.title, p.abstract) for p in loaded.papers] == [("Evil [2J[31mtitle", "NUL here\nnext")]
    assert [(p.line, "title" in p.reason) for p in loaded.problems] == [(2, True)]


def test_untitled_beir_records_are_all_indexed_with_a_title_from_their_text() -> None:
    """Argument corpora (BEIR ArguAna, Touché) have no titles: every record must still load and be found."""
    texts = [f"Point {n}: zoos should be closed because animals suffer. More follows." for n in range(50)]
    text = lines(*({"_id": f"arg{n}", "title": "", "text": t} for n, t in enumerate(texts)))
    result = parse_jsonl(text, "corpus.jsonl")
    assert result.problems == ()
    assert [p.paper.id for p in result.records] == [f"arg{n}" for n in range(50)]
    for record, source in zip(result.records, texts, strict=True):
        title = record.paper.title.removesuffix(" …")
        assert source.startswith(title)  # the title is the text's own first words
        assert 0 < len(title.split()) <= 12


def test_thousands_of_skipped_records_are_one_summary_line_plus_the_first_few() -> None:
    from bot.corpus.loader import SHOWN_PROBLEMS, problem_lines

    result = parse_jsonl(lines(*([1] * 3000)), "bad.jsonl")
    shown = problem_lines(result.problems)
    assert len(result.problems) == 3000
    assert len(shown) == SHOWN_PROBLEMS + 1
    assert "2995 more" in shown[-1]
    assert "3000" in shown[-1]


def test_untitled_records_with_the_same_opening_words_stay_separate(tmp_path: Path) -> None:
    from bot.corpus.loader import load_corpus

    opening = "This house believes that social media does more harm than good for teenagers today"
    path = tmp_path / "corpus.jsonl"
    path.write_text(lines(*({"_id": f"a{n}", "text": f"{opening}, argument {n}."} for n in range(3))))
    loaded = load_corpus(path)
    assert [p.id for p in loaded.papers] == ["a0", "a1", "a2"]
    assert loaded.problems == ()
