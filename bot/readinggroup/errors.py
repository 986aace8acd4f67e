"""Reading-group errors that carry data, so the Discord layer can render them richer if it wants."""

from __future__ import annotations

from bot.errors import ReadingGroupError
from bot.readinggroup.models import Proposal
from bot.readinggroup.slots import discord_timestamp


class DuplicateProposalError(ReadingGroupError):
    """The paper is already proposed (open or selected); says politely who proposed it and when."""

    def __init__(self, existing: Proposal) -> None:
        super().__init__(
            f"“{existing.paper.title}” is already on the list — <@{existing.proposer_id}> proposed it "
            f"{discord_timestamp(existing.created_at, 'D')} (proposal #{existing.id}). "
            "No need to propose it twice; vote for it when the ballot opens."
        )
        self.existing = existing
