"""The reading group's persistent buttons: their custom_id scheme, the *Propose* button, and the list the
cog registers.

Every button is a `discord.ui.DynamicItem` whose custom_id carries the state it needs, so clicks work on
messages posted before a restart (the cog registers `ALL_DYNAMIC_ITEMS` with `bot.add_dynamic_items`):

    rg:propose:<paper_id>               any paper card or digest post (other features only add the button)
    rg:vote:<ballot_id>:<proposal_id>   one per ballot option            (ballot)
    rg:unvote:<ballot_id>               take my vote back                (ballot)
    rg:close:<ballot_id>                close the ballot now, admins     (ballot)
    rg:rsvp:<session_id>:<going|maybe|cant>                              (rsvp)

A click asks the core, then redraws the message it is on (counts update in place) and tells the clicker
privately what happened. Errors go through the one interaction error handler (`interactions.guarded`).
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.readinggroup.ballot import CloseVoteButton, UnvoteButton, VoteButton
from bot.discord_adapter.readinggroup.interactions import CLICK_IN_A_SERVER, Button, guarded, reading_group
from bot.discord_adapter.readinggroup.render import proposal_receipt_text
from bot.discord_adapter.readinggroup.rsvp import RsvpButton

__all__ = ["ALL_DYNAMIC_ITEMS", "ProposeButton", "propose_custom_id"]

CUSTOM_ID_MAX = 100
PROPOSE_PREFIX = "rg:propose:"


def propose_custom_id(paper_id: str) -> str | None:
    """The custom_id of a *Propose for reading group* button, or None if the id is too long for one."""
    custom_id = f"{PROPOSE_PREFIX}{paper_id}"
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


class ProposeButton(discord.ui.DynamicItem[Button], template=r"rg:propose:(?P<paper>.+)"):
    """*Propose for reading group* under a paper card or digest post: proposes that paper for the clicker."""

    def __init__(self, paper_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Propose for reading group",
                emoji="📚",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PROPOSE_PREFIX}{paper_id}",
            )
        )
        self.paper_id = paper_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ProposeButton:
        """Rebuild the button from its custom_id."""
        return cls(match["paper"])

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        """Propose the paper; the reply (or a polite refusal of a duplicate) is private."""
        receipt = await reading_group(interaction).proposals.propose(
            guild_id_of(interaction, CLICK_IN_A_SERVER), interaction.user.id, self.paper_id
        )
        await interaction.response.send_message(
            proposal_receipt_text(receipt), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


ALL_DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ProposeButton,
    VoteButton,
    UnvoteButton,
    CloseVoteButton,
    RsvpButton,
)
"""What the cog registers with `bot.add_dynamic_items`."""
