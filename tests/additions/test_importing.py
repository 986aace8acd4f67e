"""Importing a .bib: the readable entries are added (or recognised), a broken one is named with its line,
and importing the same file again adds nothing."""

from __future__ import annotations

from bot.app import App

BIB = """\
@article{vorbild2024slots,
  title = {Slot Filling for Seminar Calendars},
  author = {Vorbild, Hanna and Exemplar, Ivo},
  year = {2024},
  journal = {Journal of Invented Results},
  abstract = {We fill seminar calendars with slot filling.},
}

@misc{broken2024,
  title = {A Broken Entry With No Closing Brace,
  author = {Nobody, Anne},
  year = {2024},

@inproceedings{sarnthein2023random,
  title = {Random Teachers are Good Teachers},
  author = {Sarnthein, Felix and Bachmann, Gregor},
  year = {2023},
  eprint = {2302.12091},
  archivePrefix = {arXiv},
}

@article{untitled2022,
  author = {Someone, Else},
  year = {2022},
}
"""


async def test_a_bib_with_a_broken_entry_imports_the_rest_and_names_the_line(app: App) -> None:
    report = await app.additions.import_bibtex(BIB, "refs.bib", "terminal:ada")

    assert [paper.id for paper in report.added] == ["vorbild2024slots"]
    assert [result.paper.id for result in report.already] == ["random-teachers-are-good-teachers"]
    assert [str(problem) for problem in report.problems] == [
        "refs.bib:9: entry “broken2024” could not be parsed (check its braces)",
        "refs.bib:22: entry “untitled2022” has no title",
    ]
    hits = app.library.index.search("seminar calendars").hits
    assert [hit.paper.id for hit in hits] == ["vorbild2024slots"]
    served = app.library.index.resolve("random-teachers-are-good-teachers")
    assert "https://arxiv.org/abs/2302.12091" in served.links  # what the .bib knew was merged in
    assert len(app.library.index.papers) == 3


async def test_importing_the_same_file_again_adds_nothing(app: App) -> None:
    await app.additions.import_bibtex(BIB, "refs.bib", "terminal:ada")
    papers = app.library.index.papers

    again = await app.additions.import_bibtex(BIB, "refs.bib", "terminal:bruno")

    assert again.added == ()
    assert {result.paper.id for result in again.already} == {
        "vorbild2024slots",
        "random-teachers-are-good-teachers",
    }
    assert all(result.filled == () for result in again.already)
    assert app.library.index.papers == papers
    assert {change.actor for change in await app.additions.store.changes()} == {"terminal:ada"}


async def test_a_file_that_is_not_bibtex_adds_nothing(app: App) -> None:
    report = await app.additions.import_bibtex("just some notes\n", "notes.bib", "terminal:ada")

    assert report.added == ()
    assert await app.additions.store.stored() == []
