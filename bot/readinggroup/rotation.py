"""Fair presenter rotation: whoever presented least recently goes next.

The order, stated once:
1. Members who have never presented come first, in the order they joined the roster (then user id).
2. Everyone else follows, least recent presentation first.

A "presentation" is any session the member presents that is not cancelled — including sessions still
ahead. So once someone is assigned next week, the rotation moves on to the following person, and
scheduling two sessions in a row never picks the same member twice.

Skip and swap need no special bookkeeping under this rule: a member who is skipped keeps their old
"last presented" date and therefore stays at the front for the next session; a swap only exchanges
who presents which session.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.readinggroup.models import RosterEntry


@dataclass(frozen=True, slots=True)
class RotationSlot:
    """A roster member in rotation order with their latest (possibly upcoming) presentation."""

    entry: RosterEntry
    last_presented: datetime | None


def last_presentations(assignments: Iterable[tuple[int, datetime]]) -> dict[int, datetime]:
    """The latest presentation instant per presenter from (presenter id, session start) pairs."""
    latest: dict[int, datetime] = {}
    for user_id, starts_at in assignments:
        if user_id not in latest or starts_at > latest[user_id]:
            latest[user_id] = starts_at
    return latest


def rotation_order(
    roster: Sequence[RosterEntry], last_presented: Mapping[int, datetime]
) -> list[RotationSlot]:
    """The roster in the order members should present next (see the module docstring)."""

    def key(entry: RosterEntry) -> tuple[int, datetime, datetime, int]:
        presented = last_presented.get(entry.user_id)
        if presented is None:
            return (0, entry.joined_at, entry.joined_at, entry.user_id)
        return (1, presented, entry.joined_at, entry.user_id)

    return [RotationSlot(e, last_presented.get(e.user_id)) for e in sorted(roster, key=key)]


def next_presenter(
    roster: Sequence[RosterEntry], last_presented: Mapping[int, datetime], exclude: Collection[int] = ()
) -> int | None:
    """The user id who should present next, skipping `exclude`; None if nobody on the roster is left."""
    for slot in rotation_order(roster, last_presented):
        if slot.entry.user_id not in exclude:
            return slot.entry.user_id
    return None
