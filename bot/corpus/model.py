"""The Paper model: one record of the group's corpus, whatever file it came from."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Control characters (except newline and tab) never belong in a paper's text: an ESC sequence in a title
# would clear a terminal, a NUL breaks Discord and calendar files. Removed whatever file they came from.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

DatePrecision = Literal["day", "month", "year"]
"""How much of a publication date the source gave: a full date, a year and month, or a year alone."""
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")  # fmt: skip
"""Month names as answers say them, whatever the machine's locale (`%B` follows it)."""


class Paper(BaseModel):
    """A paper as paperbot knows it. Immutable, so an index built from papers can't drift from them.

    Its validator is built at the first validation (`defer_build`), not at import: `paperbot ask` answers
    from papers unpickled from its cache (`bot/search/ready.py`), which validates none, and building it
    was ≈ 3 % of the process (0.034 G instructions).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str = Field(min_length=1, description="Stable id: survives re-import of the same paper.")
    title: str = Field(min_length=1)
    authors: tuple[str, ...] = ()
    authors_truncated: bool = Field(False, description="The listing said 'et al.': the list is cut.")
    affiliations: tuple[str, ...] = ()
    published: date | None = None
    date_precision: DatePrecision = Field(
        "day",
        description="How much of `published` the source gave; a year alone is stored as its January 1, "
        "a month as its first day, and shown as just the year or month.",
    )
    categories: tuple[str, ...] = Field((), description="Codes as in the listing, e.g. ('LG',).")
    has_code: bool = False
    abstract: str = ""
    links: tuple[str, ...] = Field((), description="URLs found in the abstract or given by the source.")
    trending: float | None = None
    source: str | None = Field(None, description="'file:line' of the record, for error reports.")

    @field_validator("id", "title", "abstract", "source", mode="before")
    @classmethod
    def _drop_controls(cls, value: object) -> object:
        return _CONTROL.sub("", value) if isinstance(value, str) else value

    @field_validator("authors", "affiliations", "categories", "links", mode="before")
    @classmethod
    def _drop_controls_in_lists(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(_CONTROL.sub("", v) if isinstance(v, str) else v for v in value)
        return value

    @property
    def year(self) -> int | None:
        """The publication year, if the date is known."""
        return self.published.year if self.published else None

    def published_text(self, day: Callable[[date], str] = date.isoformat) -> str | None:
        """The publication date at the precision the source gave: '2025' for a year alone, 'March 2025'
        for a month, `day(published)` for a full date (the caller's format); None when undated.

        Anything that shows a date shows it through this, so a BibTeX `year = 2025` never reads as
        "published on 1 January 2025".
        """
        if self.published is None:
            return None
        if self.date_precision == "year":
            return str(self.published.year)
        if self.date_precision == "month":
            return f"{MONTH_NAMES[self.published.month - 1]} {self.published.year}"
        return day(self.published)

    def short_authors(self, limit: int = 3) -> str:
        """'A, B, C et al.' — the first authors, saying when more exist."""
        shown = list(self.authors[:limit])
        more = self.authors_truncated or len(self.authors) > limit
        text = ", ".join(shown) if shown else "unknown authors"
        return text + (" et al." if more else "")
