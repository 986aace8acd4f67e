"""What people type to follow someone, read into an arXiv API search query.

A name ("Thomas Hofmann") becomes an author phrase search, `au:"Thomas Hofmann"`; text that already uses
arXiv's fields (`au:Hofmann_T AND cat:cs.LG`) is passed on as written. ORCIDs are refused with the reason:
arXiv's API cannot search by ORCID, and guessing a name from one would follow the wrong people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError

__all__ = ["FollowQuery", "read_follow"]

_FIELDS = re.compile(r"\b(?:au|ti|abs|cat|all|co|jr|rn|id):", re.IGNORECASE)
_ORCID = re.compile(r"(?:https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.IGNORECASE)
_NAME = re.compile(r"[^\W\d_][\w.'’ -]*", re.UNICODE)
MAX_LENGTH = 200


@dataclass(frozen=True)
class FollowQuery:
    """An arXiv search query and how to show it to people ("Thomas Hofmann")."""

    query: str
    label: str


def read_follow(text: str) -> FollowQuery:
    """A name or an arXiv query → what to ask arXiv; UserError says what is accepted."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UserError('Say whom to follow: a name ("Thomas Hofmann") or an arXiv query (au:Hofmann_T).')
    if len(cleaned) > MAX_LENGTH:
        raise UserError(f"That is {len(cleaned)} characters; at most {MAX_LENGTH}, please.")
    if _ORCID.fullmatch(cleaned):
        raise UserError(
            "arXiv's API can't search by ORCID, so I can't follow one. Follow the person's name instead "
            '("Thomas Hofmann"), or an arXiv query (au:Hofmann_T).'
        )
    if _FIELDS.search(cleaned):
        return FollowQuery(cleaned, cleaned)
    if not _NAME.fullmatch(cleaned) or '"' in cleaned:
        raise UserError(
            f'“{cleaned}” doesn\'t look like a name. Follow a name ("Thomas Hofmann") or an arXiv query '
            "(au:Hofmann_T AND cat:cs.LG)."
        )
    return FollowQuery(f'au:"{cleaned}"', cleaned)
