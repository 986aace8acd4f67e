"""Papers people added (kept in the database) laid over the papers of the corpus files.

The served corpus is the corpus files plus the stored papers. Two kinds of stored paper:

* an **added** paper (from arXiv, a DOI or an imported .bib) is a paper of its own. It keeps its id, even
  when a corpus file later gains the same paper (same arXiv id, DOI or title): then the two merge under the
  stored id, the stored fields winning, so links to it and the digest's ledger keep working.
* an **overlay** corrects a paper of the corpus files (a fixed title, a code link): it carries that paper's
  id and replaces its fields, the file's record filling only what the overlay lacks. An overlay whose
  paper left the files serves on as a paper of its own, rather than silently vanishing.

Pure functions over Papers, so the library can build the served corpus off the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.corpus.ids import merge_papers, normalize_title, paper_identifiers
from bot.corpus.model import Paper
from bot.errors import Problem

__all__ = ["StoredPaper", "find_same_paper", "lay_over"]


@dataclass(frozen=True)
class StoredPaper:
    """A paper from the database; `overlay` when it corrects the corpus-file paper with the same id."""

    paper: Paper
    overlay: bool = False


def find_same_paper(paper: Paper, papers: Sequence[Paper]) -> Paper | None:
    """The paper of `papers` that is `paper` (same arXiv id or DOI, else same normalised title), if any."""
    wanted = paper_identifiers(paper)
    if wanted:
        for other in papers:
            if wanted & paper_identifiers(other):
                return other
    title = normalize_title(paper.title)
    return next((other for other in papers if normalize_title(other.title) == title), None)


def lay_over(
    file_papers: Sequence[Paper], stored: Sequence[StoredPaper]
) -> tuple[tuple[Paper, ...], tuple[Problem, ...]]:
    """The served corpus: the files' papers (in file order) with overlays applied and duplicates of added
    papers merged in, then the remaining added papers (in the order given); and any id conflicts."""
    papers = list(file_papers)
    position = {paper.id: i for i, paper in enumerate(papers)}
    problems: list[Problem] = []
    for item in stored:
        mine = item.paper
        index = position.get(mine.id) if item.overlay else None
        if index is None:
            same = find_same_paper(mine, papers)
            index = position.get(same.id) if same is not None else None
        if index is not None:
            papers[index] = merge_papers(mine, papers[index])
            position[mine.id] = index
            continue
        if mine.id in position:  # a different file paper took this id after the paper was added
            clash = papers[position[mine.id]]
            renamed = _free_id(mine.id, position)
            papers[position[mine.id]] = clash.model_copy(update={"id": renamed})
            position[renamed] = position.pop(mine.id)
            problems.append(
                Problem(
                    clash.source or "corpus",
                    None,
                    f"id “{mine.id}” belongs to an added paper (“{mine.title}”); “{clash.title}” from the "
                    f"corpus files is served as “{renamed}”. Give it an id of its own in its file.",
                )
            )
        position[mine.id] = len(papers)
        papers.append(mine)
    return tuple(papers), tuple(problems)


def _free_id(wanted: str, taken: dict[str, int]) -> str:
    candidate, n = f"{wanted}-2", 3
    while candidate in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate
