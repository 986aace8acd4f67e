"""Reading-group errors that carry data, so the Discord layer can render them richer if it wants.

Their sentences name members and instants through the service's `Wording` (`bot.readinggroup.ports`),
never with Discord markup of their own.
"""

from __future__ import annotations

from bot.errors import ReadingGroupError
from bot.readinggroup.models import Proposal
from bot.readinggroup.ports import Wording


class DuplicateProposalError(ReadingGroupError):
    """The paper is already proposed (open or selected); says politely who proposed it and when."""

    def __init__(self, existing: Proposal, wording: Wording) -> None:
        super().__init__(
            f"“{existing.paper.title}” is already on the list — {wording.member(existing.proposer_id)} "
            f"proposed it {wording.moment(existing.created_at, 'date')} (proposal #{existing.id}). "
            "No need to propose it twice; vote for it when the ballot opens."
        )
        self.existing = existing
