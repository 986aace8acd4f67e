"""What an importer hands to the loader: papers, whether their ids are the source's own, and problems."""

from __future__ import annotations

from dataclasses import dataclass

from bot.corpus.model import Paper
from bot.errors import Problem

__all__ = ["ParseResult", "ParsedRecord"]


@dataclass(frozen=True)
class ParsedRecord:
    """A paper as one importer produced it; `has_own_id` is False when the id is a slug of the title.

    The distinction matters for duplicate merging and for reporting renamed ids (see `bot.corpus.ids`).
    """

    paper: Paper
    has_own_id: bool


@dataclass(frozen=True)
class ParseResult:
    """What one file yielded: its records in file order and every problem found in it."""

    records: tuple[ParsedRecord, ...]
    problems: tuple[Problem, ...]

    @property
    def papers(self) -> tuple[Paper, ...]:
        """Just the papers, in file order (not yet deduplicated)."""
        return tuple(record.paper for record in self.records)
