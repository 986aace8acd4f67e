"""The listing importer: headers, yearless dates, the title/author split, and damaged files."""

from __future__ import annotations

from datetime import date

import pytest

from bot.corpus.names import split_title_authors
from bot.corpus.seed_listing import Header, parse_header, parse_seed_listing
from bot.errors import Problem

TODAY = date(2026, 11, 26)


def listing(*lines: str) -> str:
    """A listing text from its lines."""
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("LGFeb 23, 2023Code", Header("LG", 2, 23, 2023, True, None)),
        ("99.8CLMar 16Code", Header("CL", 3, 16, None, True, 99.8)),
        ("COMP-PHAug 15, 2019Code", Header("COMP-PH", 8, 15, 2019, True, None)),
        ("69.2LGMay 21", Header("LG", 5, 21, None, False, 69.2)),
        ("CVJun 4, 2023", Header("CV", 6, 4, 2023, False, None)),
    ],
)
def test_header_lines_parse(line: str, expected: Header) -> None:
    assert parse_header(line) == expected


@pytest.mark.parametrize("line", ["Random Teachers are Good Teachers", "LG 2023", "lgFeb 23, 2023", "LGFeb"])
def test_non_headers_are_rejected(line: str) -> None:
    assert parse_header(line) is None


def one_paper_dated(header: str, today: date) -> date | None:
    """The published date of a single-record listing with `header`."""
    result = parse_seed_listing(
        listing(header, "A TitleAda Lovelace, Alan Turing", "Abstract."), "t.txt", today
    )
    assert result.problems == ()
    return result.papers[0].published


def test_yearless_date_is_in_the_current_year() -> None:
    assert one_paper_dated("CLMar 16", date(2026, 11, 26)) == date(2026, 3, 16)


def test_yearless_date_that_would_be_in_the_future_is_last_year() -> None:
    assert one_paper_dated("CLDec 30", date(2026, 3, 1)) == date(2025, 12, 30)


def test_yearless_date_equal_to_today_is_today() -> None:
    assert one_paper_dated("CLMar 1", date(2026, 3, 1)) == date(2026, 3, 1)


def test_copied_directive_pins_the_year_of_yearless_dates() -> None:
    text = listing("# copied: 2026-05-25", "CLMar 16", "A TitleAda Lovelace, Alan Turing", "Abstract.")
    result = parse_seed_listing(text, "t.txt", date(2027, 6, 1))
    assert result.papers[0].published == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("line", "title", "authors", "truncated", "affiliations"),
    [
        ("Large Language Models (LLMs)Dilxat Muhtar, Xinyuan Song", "Large Language Models (LLMs)",
         ("Dilxat Muhtar", "Xinyuan Song"), False, ()),
        ("Is It Enough?Denis Sutter et al.", "Is It Enough?", ("Denis Sutter",), True, ()),
        ("Learning in 3DAlexandros Delitzas, Maria Parelli · eth-zurich, mit", "Learning in 3D",
         ("Alexandros Delitzas", "Maria Parelli"), False, ("eth-zurich", "mit")),
        ("GPT-4 at WorkMcKenzie Smith, Yann LeCun", "GPT-4 at Work",
         ("McKenzie Smith", "Yann LeCun"), False, ()),
        ("A Study of RLHFJ. R. Smith Jr., Siobhan O'Neil", "A Study of RLHF",
         ("J. R. Smith Jr.", "Siobhan O'Neil"), False, ()),
    ],
)  # fmt: skip
def test_title_author_split_edge_cases(
    line: str, title: str, authors: tuple[str, ...], truncated: bool, affiliations: tuple[str, ...]
) -> None:
    parts = split_title_authors(line)
    assert parts is not None
    assert (parts.title, parts.authors, parts.authors_truncated, parts.affiliations) == (
        title,
        authors,
        truncated,
        affiliations,
    )


@pytest.mark.parametrize(
    "line", ["A title with no authors at all", "Title only · eth-zurich", "lowercase onlyline"]
)
def test_lines_without_an_author_list_do_not_split(line: str) -> None:
    assert split_title_authors(line) is None


GOOD = (
    "LGFeb 23, 2023Code",
    "Random Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann",
    "Abstract one.",
)


def test_every_kind_of_damage_is_reported_at_its_line_and_the_rest_loads() -> None:
    text = listing(
        *GOOD,  # 1-3
        "",  # 4: blank lines between records are fine
        "this is not a header",  # 5
        "nor is this",  # 6: same damaged stretch, reported once
        "CVJun 4, 2023",  # 7
        "A Title With No Authors",  # 8
        "Abstract two.",  # 9
        "LGFeb 30, 2023",  # 10: impossible date
        "Some TitleAda Lovelace, Alan Turing",  # 11
        "Abstract three.",  # 12
        "MLMar 14, 2022",  # 13
        "Phenomenology of Double DescentSidak Pal Singh, Aurelien Lucchi",  # 14
        "",  # 15
        "Abstract four.",  # 16
        "CLOct 21, 2022",  # 17: the file ends before the record does
        "Decoding a Retriever's Latent SpaceLeonard Adolphs, Christian Buck",  # 18
    )
    result = parse_seed_listing(text, "lab.txt", TODAY)
    assert [p.title for p in result.papers] == [
        "Random Teachers are Good Teachers",
        "Phenomenology of Double Descent",
    ]
    assert [(p.source, p.line) for p in result.problems] == [
        ("lab.txt", 5),
        ("lab.txt", 8),
        ("lab.txt", 10),
        ("lab.txt", 17),
    ]
    reasons = [p.reason for p in result.problems]
    assert reasons[0].startswith("expected a header line like")
    assert "cannot tell the title from the authors" in reasons[1]
    assert reasons[2] == "bad date: Feb 30, 2023 is not a date"
    assert reasons[3] == "the record starting here has no abstract line: the file ends"


def test_record_missing_its_abstract_is_reported_and_the_next_record_still_loads() -> None:
    text = listing("LGMar 7, 2022", "Lost AbstractAda Lovelace, Alan Turing", *GOOD)
    result = parse_seed_listing(text, "lab.txt", TODAY)
    assert result.problems == (
        Problem("lab.txt", 1, "the record starting here has no abstract line before line 3"),
    )
    assert [p.title for p in result.papers] == ["Random Teachers are Good Teachers"]


def test_a_record_with_a_bad_date_and_a_bad_title_line_reports_both() -> None:
    result = parse_seed_listing(listing("LGFeb 30, 2023", "No Authors Here", "Abstract."), "lab.txt", TODAY)
    assert [(p.line, p.reason.split(":")[0]) for p in result.problems] == [
        (1, "bad date"),
        (2, "cannot tell the title from the authors"),
    ]
    assert result.records == ()


def test_yearless_feb_29_outside_leap_years_is_a_problem() -> None:
    result = parse_seed_listing(listing("LGFeb 29", *GOOD[1:]), "lab.txt", date(2026, 3, 1))
    assert result.problems == (
        Problem("lab.txt", 1, "bad date: Feb 29 has no year and is not a date in 2026 or 2025"),
    )


def test_paper_fields_from_a_record() -> None:
    text = listing(
        "99.8CLMar 16Code",
        "When Does Sparsity Help in LLMsDilxat Muhtar, Xinyuan Song et al.",
        r"We \textit{show} it, see https://github.com/pUmpKin-Co/SparsityAndCoD. And (https://x.org/a).",
    )
    paper = parse_seed_listing(text, "lab.txt", TODAY).papers[0]
    assert paper.id == "when-does-sparsity-help-in-llms"
    assert paper.abstract.startswith(r"We \textit{show} it")  # raw: the readable form is derived on demand
    assert paper.links == ("https://github.com/pUmpKin-Co/SparsityAndCoD", "https://x.org/a")
    assert paper.source == "lab.txt:1"
    assert paper.short_authors() == "Dilxat Muhtar, Xinyuan Song et al."


def test_windows_line_endings_are_tolerated() -> None:
    result = parse_seed_listing("\r\n".join(GOOD), "lab.txt", TODAY)
    assert [p.title for p in result.papers] == ["Random Teachers are Good Teachers"]
