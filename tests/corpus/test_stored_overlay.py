"""Stored papers laid over the corpus files: added papers keep their ids, overlays correct file papers."""

from __future__ import annotations

from bot.corpus.model import Paper
from bot.corpus.stored import StoredPaper, lay_over

FILE = (
    Paper(id="random-teachers", title="Random Teachers are Good Teachers", authors=("F. Sarnthein",)),
    Paper(id="roads", title="Road Networks", source="lab.txt:4"),
)
ADDED = Paper(
    id="sparse-mixtures",
    title="Sparse Mixtures",
    links=("https://arxiv.org/abs/2302.11563",),
    abstract="From arXiv.",
)


def test_added_papers_come_after_the_files_papers() -> None:
    papers, problems = lay_over(FILE, [StoredPaper(ADDED)])
    assert [p.id for p in papers] == ["random-teachers", "roads", "sparse-mixtures"]
    assert problems == ()


def test_an_overlay_replaces_the_fields_of_its_file_paper() -> None:
    fixed = FILE[1].model_copy(update={"title": "Road Networks, Fixed", "has_code": True})
    papers, _ = lay_over(FILE, [StoredPaper(fixed, overlay=True)])
    assert [(p.id, p.title, p.has_code) for p in papers][1] == ("roads", "Road Networks, Fixed", True)
    assert len(papers) == 2


def test_an_overlay_whose_file_paper_left_the_files_still_serves() -> None:
    fixed = FILE[1].model_copy(update={"title": "Road Networks, Fixed"})
    papers, _ = lay_over(FILE[:1], [StoredPaper(fixed, overlay=True)])
    assert [p.title for p in papers] == ["Random Teachers are Good Teachers", "Road Networks, Fixed"]


def test_a_file_that_later_gains_an_added_paper_merges_it_under_the_added_id() -> None:
    same_in_file = Paper(id="sparse-file-id", title="Sparse Mixtures (file copy)",
                         links=("https://arxiv.org/abs/2302.11563v2",), authors=("A. Example",))  # fmt: skip
    papers, _ = lay_over((*FILE, same_in_file), [StoredPaper(ADDED)])
    assert [p.id for p in papers] == ["random-teachers", "roads", "sparse-mixtures"]
    merged = papers[2]
    assert (merged.title, merged.authors) == ("Sparse Mixtures", ("A. Example",))


def test_a_file_paper_that_takes_an_added_papers_id_is_renamed_and_reported() -> None:
    clash = Paper(id="sparse-mixtures", title="Something Else Entirely", source="lab.txt:9")
    papers, problems = lay_over((*FILE, clash), [StoredPaper(ADDED)])
    assert [p.id for p in papers] == ["random-teachers", "roads", "sparse-mixtures-2", "sparse-mixtures"]
    assert papers[3].title == "Sparse Mixtures"
    assert [str(p) for p in problems] == [
        "lab.txt:9: id “sparse-mixtures” belongs to an added paper (“Sparse Mixtures”); “Something "
        "Else Entirely” from the corpus files is served as “sparse-mixtures-2”. Give it an id of its own "
        "in its file."
    ]
