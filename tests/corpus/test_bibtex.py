"""BibTeX import through bibtexparser 1.4."""

from __future__ import annotations

from datetime import date

from bot.corpus.bibtex import parse_bibtex
from bot.errors import Problem

ENTRY = r"""
% exported from Zotero
@article{sarnthein2023random,
  title = {Random {Teachers} are Good Teachers},
  author = {Sarnthein, Felix and Bachmann, Gregor and von R{\"u}tte, Dimitri and others},
  year = 2023, month = feb,
  abstract = {We study \textit{self-distillation}. Code: https://github.com/safelix/dinopl.},
  eprint = {2302.12091}, archivePrefix = {arXiv}, primaryClass = {cs.LG},
  doi = {10.48550/arXiv.2302.12091},
  keywords = {distillation; teachers},
}
"""


def test_entry_fields_map_to_a_paper() -> None:
    result = parse_bibtex(ENTRY, "refs.bib")
    assert result.problems == ()
    [record] = result.records
    paper = record.paper
    assert record.has_own_id
    assert (paper.id, paper.title) == ("sarnthein2023random", "Random Teachers are Good Teachers")
    assert paper.authors == ("Felix Sarnthein", "Gregor Bachmann", "Dimitri von Rütte")
    assert paper.authors_truncated
    assert paper.published == date(2023, 2, 1)
    assert paper.categories == ("LG", "distillation", "teachers")
    assert paper.links == (
        "https://doi.org/10.48550/arXiv.2302.12091",
        "https://arxiv.org/abs/2302.12091",
        "https://github.com/safelix/dinopl",
    )
    assert paper.abstract.startswith(r"We study \textit{self-distillation}.")
    assert paper.source == "refs.bib:3"


def test_year_only_is_january_first_and_date_field_wins() -> None:
    text = """
@misc{a, title = {Year Only}, author = {Ada Lovelace}, year = {2021}}
@misc{b, title = {Full Date}, author = {Ada Lovelace}, year = {2021}, date = {2021-07-14}}
@misc{c, title = {Physics}, primaryClass = {physics.comp-ph}}
"""
    papers = parse_bibtex(text, "refs.bib").papers
    assert [p.published for p in papers] == [date(2021, 1, 1), date(2021, 7, 14), None]
    assert papers[2].categories == ("COMP-PH",)


def test_entries_without_title_or_that_cannot_be_parsed_are_problems_with_lines() -> None:
    text = """@article{good1, title = {Good One}, author = {Ada Lovelace}}

@inproceedings{notitle,
  author = {Alan Turing},
}
@misc{broken,
  title = {Missing closing brace
@article{good2, title = {Good Two}}
"""
    result = parse_bibtex(text, "refs.bib")
    assert [p.id for p in result.papers] == ["good1", "good2"]
    assert result.problems == (
        Problem("refs.bib", 3, "entry “notitle” has no title"),
        Problem("refs.bib", 6, "entry “broken” could not be parsed (check its braces)"),
    )
