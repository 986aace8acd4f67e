"""The corpus written out: BibTeX for the group's LaTeX users, JSON Lines for scripts (`paperbot export`).

Both round-trip through paperbot's own importers (`bibtex.parse_bibtex`, `jsonl.parse_jsonl`): the same
titles, authors, dates and arXiv/DOI links come back, so an exported file is also a corpus file. Citation
keys are the paper ids, which never change, so a LaTeX document keeps citing the same key across exports.
BibTeX is written by bibtexparser; we only choose the fields and escape what LaTeX would misread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from bot.corpus.ids import paper_identifiers
from bot.corpus.model import Paper
from bot.corpus.text import code_links

__all__ = ["to_bibtex", "to_jsonl"]

_LATEX_SPECIAL = re.compile(r"(?<!\\)([&%#])")
_BIBTEX_FIELDS = ("title", "author", "year", "month", "doi", "eprint", "archiveprefix", "url", "keywords",
                  "note", "abstract")  # fmt: skip


def _escape(text: str) -> str:
    """`&`, `%` and `#` escaped for LaTeX (an unescaped `%` silently comments out the rest of a line)."""
    return _LATEX_SPECIAL.sub(r"\\\1", text)


def _entry(paper: Paper) -> dict[str, str]:
    """One paper as a bibtexparser entry (ENTRYTYPE and ID plus the fields that have a value)."""
    ids = paper_identifiers(paper)
    arxiv = sorted(i.removeprefix("arxiv:") for i in ids if i.startswith("arxiv:"))
    doi = sorted(i.removeprefix("doi:") for i in ids if i.startswith("doi:"))
    authors = list(paper.authors) + (["others"] if paper.authors_truncated else [])
    code = code_links(*paper.links)
    fields = {
        "title": "{" + _escape(paper.title) + "}",  # braces keep the title's capitals as written
        "author": " and ".join(authors),
        "year": str(paper.published.year) if paper.published else "",
        "month": str(paper.published.month) if paper.published and paper.date_precision != "year" else "",
        "doi": doi[0] if doi else "",
        "eprint": arxiv[0] if arxiv else "",
        "archiveprefix": "arXiv" if arxiv else "",
        "url": paper.links[0] if paper.links and not (arxiv or doi) else "",
        "keywords": ", ".join(paper.categories),
        "note": f"Code: {code[0]}" if code else "",
        "abstract": _escape(paper.abstract),
    }
    entry = {key: value for key, value in fields.items() if value}
    return {"ENTRYTYPE": "misc", "ID": paper.id, **entry}


def to_bibtex(papers: Sequence[Paper]) -> str:
    """The papers as a .bib file, in corpus order."""
    from bibtexparser.bibdatabase import BibDatabase  # imported here: only `export` pays for it
    from bibtexparser.bwriter import BibTexWriter

    database = BibDatabase()
    database.entries = [_entry(paper) for paper in papers]
    writer = BibTexWriter()
    writer.indent = "  "
    writer.order_entries_by = None
    writer.display_order = list(_BIBTEX_FIELDS)
    text: str = writer.write(database)
    return text


def to_jsonl(papers: Sequence[Paper]) -> str:
    """The papers as JSON Lines, one paper per line, with the fields `paperbot papers --json` writes."""
    return "".join(
        json.dumps(paper.model_dump(mode="json", exclude={"source"}), ensure_ascii=False) + "\n"
        for paper in papers
    )
