"""A date is shown at the precision the source gave: a BibTeX `year = 2025` is "2025", never "2025-01-01".

Importers record the precision (`Paper.date_precision`); every place that shows a paper's date — the
Discord card, the paper of the day, `/recent`, the terminal card, the plain-text post — shows only the
year (or month) for such a paper. `paperbot papers --json` keeps `published` as an ISO date and adds
`date_precision`, so existing scripts keep working.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.corpus.bibtex import parse_bibtex
from bot.corpus.jsonl import parse_jsonl
from bot.corpus.loader import load_corpus
from bot.corpus.model import Paper
from bot.digest.post import DigestPost, excerpt
from bot.discord_adapter.digest.render import post_embed
from bot.discord_adapter.papers.embeds import date_stamp, paper_embed, recent_embed
from bot.terminal import render_paper

BIB = """
@misc{yearonly, title = {Only a Year}, author = {Ada Lovelace}, year = {2025}}
@misc{withmonth, title = {A Year and a Month}, author = {Ada Lovelace}, year = {2025}, month = mar}
@misc{fulldate, title = {A Full Date}, author = {Ada Lovelace}, year = {2025}, date = {2025-03-14}}
@misc{biblatexmonth, title = {A biblatex Month}, author = {Ada Lovelace}, date = {2024-11}}
@misc{biblatexyear, title = {A biblatex Year}, author = {Ada Lovelace}, date = {2023}}
"""


def papers_by_id(text: str) -> dict[str, Paper]:
    result = parse_bibtex(text, "refs.bib")
    assert result.problems == ()
    return {p.id: p for p in result.papers}


def year_only(**kw: object) -> Paper:
    """A paper whose source gave only its year (as the BibTeX importer stores it)."""
    return Paper(
        id="yearonly",
        title="Only a Year",
        published=date(2025, 1, 1),
        date_precision="year",
        **kw,  # type: ignore[arg-type]
    )


# --- importers ------------------------------------------------------------------------------------------


def test_bibtex_records_how_much_of_the_date_the_entry_gave() -> None:
    papers = papers_by_id(BIB)
    shown = {key: (p.published, p.date_precision) for key, p in papers.items()}
    assert shown == {
        "yearonly": (date(2025, 1, 1), "year"),
        "withmonth": (date(2025, 3, 1), "month"),
        "fulldate": (date(2025, 3, 14), "day"),
        "biblatexmonth": (date(2024, 11, 1), "month"),
        "biblatexyear": (date(2023, 1, 1), "year"),
    }
    assert [p.published_text() for p in papers.values()] == [
        "2025",
        "March 2025",
        "2025-03-14",
        "November 2024",
        "2023",
    ]


def test_jsonl_partial_dates_keep_their_precision_and_a_given_precision_wins() -> None:
    records = [
        {"id": "y", "title": "Year", "published": "2021"},
        {"id": "m", "title": "Month", "published": "2021-07"},
        {"id": "d", "title": "Day", "published": "2021-07-14"},
        {"_id": "beir", "title": "BEIR", "text": "t", "metadata": {"year": 1843}},
        # what `paperbot papers --json` writes for a year-only paper reads back as one
        {"id": "again", "title": "Round trip", "published": "2025-01-01", "date_precision": "year"},
        {"id": "bad", "title": "Bad", "published": "2025", "date_precision": "decade"},
    ]
    result = parse_jsonl("\n".join(json.dumps(r) for r in records), "p.jsonl")
    shown = {p.id: p.published_text() for p in result.papers}
    assert shown == {"y": "2021", "m": "July 2021", "d": "2021-07-14", "beir": "1843", "again": "2025"}
    [problem] = result.problems
    assert problem.line == 6
    assert "date_precision" in problem.reason


def test_a_precise_date_from_another_record_of_the_same_paper_replaces_a_year(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(
        "@misc{rt, title = {Random Teachers are Good Teachers}, year = {2023}}\n"
        "@misc{other, title = {Another Paper}, year = {2019}}\n"
    )
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "x", "title": "Random Teachers are Good Teachers", "published": "2023-02-23"})
        + "\n"
        + json.dumps({"id": "y", "title": "Another Paper", "published": "2022-05-04"})
        + "\n"
    )
    merged = {p.title: p for p in load_corpus(tmp_path).papers}
    assert len(merged) == 2
    teachers = merged["Random Teachers are Good Teachers"]
    assert (teachers.published, teachers.date_precision) == (date(2023, 2, 23), "day")
    # a precise date in a *different* year contradicts the first record rather than refining it
    assert merged["Another Paper"].published_text() == "2019"


# --- every place a date is shown ------------------------------------------------------------------------


def field(embed: object, name: str) -> str:
    return next(f.value for f in embed.fields if f.name == name)  # type: ignore[attr-defined]


def test_the_discord_card_and_recent_list_show_only_the_year() -> None:
    paper = year_only()
    assert field(paper_embed(paper), "Published") == "2025"
    recent = recent_embed([paper]).description or ""
    assert "2025" in recent
    assert "<t:" not in recent
    dated = paper.model_copy(update={"date_precision": "day"})
    assert field(paper_embed(dated), "Published") == date_stamp(date(2025, 1, 1))


def test_the_paper_of_the_day_shows_only_the_year_in_the_embed_and_the_text() -> None:
    paper = year_only(authors=("Ada Lovelace",), abstract="An abstract.")
    post = DigestPost(paper, date(2026, 3, 2), ("why",), excerpt(paper.abstract), 1, 1, 1)
    assert field(post_embed(post), "Published") == "2025"
    facts = post.as_text().splitlines()[2]
    assert facts.split(" · ")[1] == "2025"


def test_the_terminal_card_shows_only_the_year() -> None:
    published = next(line for line in render_paper(year_only()).splitlines() if "Published:" in line)
    assert published.startswith("Published: 2025 ·")
    month = year_only().model_copy(update={"published": date(2025, 3, 1), "date_precision": "month"})
    assert "Published: March 2025 ·" in render_paper(month)


@pytest.mark.parametrize("key", ["yearonly", "withmonth"])
def test_paperbot_paper_on_a_bibtex_file_keeps_the_precision_and_json_stays_compatible(
    tmp_path: Path, key: str
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB)
    out = io.StringIO()
    assert main(["paper", key, "--corpus", str(bib)], stdout=out, stdin=io.StringIO()) == 0
    [line] = [ln for ln in out.getvalue().splitlines() if ln.startswith("Published:")]
    shown = line.removeprefix("Published: ").split(" · ")[0]
    assert shown == {"yearonly": "2025", "withmonth": "March 2025"}[key]

    out = io.StringIO()
    assert main(["papers", "--json", "--corpus", str(bib)], stdout=out, stdin=io.StringIO()) == 0
    listed = {p["id"]: p for p in json.loads(out.getvalue())}
    assert listed["yearonly"]["published"] == "2025-01-01"  # still an ISO date, as before
    assert listed["yearonly"]["date_precision"] == "year"
    assert listed["fulldate"]["date_precision"] == "day"
