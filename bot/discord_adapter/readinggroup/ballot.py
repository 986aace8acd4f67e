"""A ballot on Discord: the message with one button per option, and what a click on it does.

    rg:vote:<ballot_id>:<proposal_id>   cast (or move) the member's one vote
    rg:unvote:<ballot_id>               take my vote back
    rg:close:<ballot_id>                close the ballot now (Manage Server, checked on click)

A vote or withdrawal redraws the counts in place and tells the voter privately what happened; closing
shows the result on the ballot, then `RgPosts.after_ballot` announces the winner and its session.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.limits import BUTTON_LABEL_MAX, clip
from bot.discord_adapter.readinggroup.interactions import (
    CLICK_IN_A_SERVER,
    Button,
    guarded,
    paperbot,
    reading_group,
)
from bot.discord_adapter.readinggroup.posts import RgPosts, or_missing
from bot.discord_adapter.readinggroup.render import ballot_embed
from bot.discord_adapter.readinggroup.text import paper_text
from bot.errors import PermissionDeniedError
from bot.readinggroup.results import BallotView

__all__ = ["CloseVoteButton", "UnvoteButton", "VoteButton", "ballot_view", "post_ballot"]


class VoteButton(discord.ui.DynamicItem[Button], template=r"rg:vote:(?P<ballot>[0-9]+):(?P<proposal>[0-9]+)"):
    """One ballot option: clicking casts (or moves) the member's one vote."""

    def __init__(
        self, ballot_id: int, proposal_id: int, label: str = "Vote", *, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.primary,
                custom_id=f"rg:vote:{ballot_id}:{proposal_id}",
                disabled=disabled,
            )
        )
        self.ballot_id = ballot_id
        self.proposal_id = proposal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["ballot"]), int(match["proposal"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the vote, redraw the counts, and tell the voter privately what they chose."""
        view = await reading_group(interaction).ballots.vote(
            guild_id_of(interaction, CLICK_IN_A_SERVER), self.ballot_id, interaction.user.id, self.proposal_id
        )
        await _redraw_ballot(interaction, view)
        chosen = next(r.proposal for r in view.tally.options if r.proposal.id == self.proposal_id)
        await interaction.followup.send(
            f"Your vote: {paper_text(chosen.paper)}. Click another paper to change it.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class UnvoteButton(discord.ui.DynamicItem[Button], template=r"rg:unvote:(?P<ballot>[0-9]+)"):
    """Take my vote back while the ballot is open."""

    def __init__(self, ballot_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Withdraw my vote",
                style=discord.ButtonStyle.secondary,
                custom_id=f"rg:unvote:{ballot_id}",
            )
        )
        self.ballot_id = ballot_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> UnvoteButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["ballot"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        """Retract the vote and redraw the counts."""
        view = await reading_group(interaction).ballots.retract(
            guild_id_of(interaction, CLICK_IN_A_SERVER), self.ballot_id, interaction.user.id
        )
        await _redraw_ballot(interaction, view)
        await interaction.followup.send(
            "Your vote is withdrawn; you can vote again until the ballot closes.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class CloseVoteButton(discord.ui.DynamicItem[Button], template=r"rg:close:(?P<ballot>[0-9]+)"):
    """Close the ballot now; only members with Manage Server may (checked on the server side)."""

    def __init__(self, ballot_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Close vote (admins)",
                style=discord.ButtonStyle.danger,
                custom_id=f"rg:close:{ballot_id}",
            )
        )
        self.ballot_id = ballot_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CloseVoteButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["ballot"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        """Close the ballot, show the result on it, then announce the winner (and its session)."""
        if not interaction.permissions.manage_guild:
            raise PermissionDeniedError("Only members with **Manage Server** can close a vote early.")
        result = await reading_group(interaction).ballots.close(
            guild_id_of(interaction, CLICK_IN_A_SERVER), interaction.user.id, self.ballot_id
        )
        await interaction.response.edit_message(
            embed=ballot_embed(BallotView(result.ballot, result.tally)),
            view=None,
            allowed_mentions=NO_MENTIONS,
        )
        problems = await RgPosts(paperbot(interaction)).after_ballot(result, edit_ballot=False)
        await interaction.followup.send(
            "\n".join(["Vote closed.", *problems]), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def _redraw_ballot(interaction: discord.Interaction, view: BallotView) -> None:
    await interaction.response.edit_message(
        embed=ballot_embed(view), view=ballot_view(view), allowed_mentions=NO_MENTIONS
    )


def ballot_view(view: BallotView) -> discord.ui.View | None:
    """The ballot's buttons (one per option with its count, withdraw, close); None once it is closed."""
    if not view.is_open:
        return None
    buttons = discord.ui.View(timeout=None)
    for number, row in enumerate(view.tally.options, start=1):
        label = f"{number}. {clip(row.proposal.paper.title, 60)} · {row.votes}"
        buttons.add_item(VoteButton(view.ballot.id, row.proposal.id, label, disabled=not row.eligible))
    buttons.add_item(UnvoteButton(view.ballot.id))
    buttons.add_item(CloseVoteButton(view.ballot.id))
    return buttons


async def post_ballot(posts: RgPosts, guild_id: int, view: BallotView) -> discord.Message:
    """Post a new ballot in the group's channel and remember where it is (the closing job edits it)."""
    settings = await posts.rg.settings(guild_id)
    channel = await posts.text_channel(settings.channel_id)
    message = await channel.send(
        embed=ballot_embed(view), view=or_missing(ballot_view(view)), allowed_mentions=NO_MENTIONS
    )
    await posts.rg.ballots.record_message(guild_id, view.ballot.id, channel.id, message.id)
    return message
