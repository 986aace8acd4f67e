"""The RSVP buttons under a session announcement: *Going* / *Maybe* / *Can't*, with live counts.

custom_id `rg:rsvp:<session_id>:<going|maybe|cant>`; a later click replaces the member's earlier answer.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.readinggroup.interactions import CLICK_IN_A_SERVER, Button, guarded, reading_group
from bot.discord_adapter.readinggroup.render import session_embed
from bot.readinggroup.models import RsvpChoice, SessionStatus
from bot.readinggroup.results import SessionView

__all__ = ["RSVP_LABELS", "RsvpButton", "rsvp_view"]

RSVP_LABELS = {RsvpChoice.GOING: "Going", RsvpChoice.MAYBE: "Maybe", RsvpChoice.CANT: "Can't"}
RSVP_STYLES = {
    RsvpChoice.GOING: discord.ButtonStyle.success,
    RsvpChoice.MAYBE: discord.ButtonStyle.secondary,
    RsvpChoice.CANT: discord.ButtonStyle.danger,
}


class RsvpButton(
    discord.ui.DynamicItem[Button], template=r"rg:rsvp:(?P<session>[0-9]+):(?P<choice>going|maybe|cant)"
):
    """*Going* / *Maybe* / *Can't* under a session announcement (a later click replaces the earlier one)."""

    def __init__(self, session_id: int, choice: RsvpChoice, count: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{RSVP_LABELS[choice]} ({count})",
                style=RSVP_STYLES[choice],
                custom_id=f"rg:rsvp:{session_id}:{choice.value}",
            )
        )
        self.session_id = session_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["session"]), RsvpChoice(match["choice"]))

    @guarded
    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the answer, update the counts on the announcement, confirm privately."""
        guild_id = guild_id_of(interaction, CLICK_IN_A_SERVER)
        rg = reading_group(interaction)
        await rg.sessions.rsvp(guild_id, self.session_id, interaction.user.id, self.choice)
        view = await rg.sessions.get(guild_id, self.session_id)
        settings = await rg.settings(guild_id)
        await interaction.response.edit_message(
            embed=session_embed(view, settings), view=rsvp_view(view), allowed_mentions=NO_MENTIONS
        )
        await interaction.followup.send(
            f"Noted: **{RSVP_LABELS[self.choice]}** for session #{self.session_id}. "
            "Click another answer to change it.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


def rsvp_view(view: SessionView) -> discord.ui.View | None:
    """The RSVP buttons with their counts; None once the session is cancelled or over."""
    if view.session.status is not SessionStatus.SCHEDULED:
        return None
    buttons = discord.ui.View(timeout=None)
    counts = {
        RsvpChoice.GOING: view.rsvps.going,
        RsvpChoice.MAYBE: view.rsvps.maybe,
        RsvpChoice.CANT: view.rsvps.cant,
    }
    for choice, count in counts.items():
        buttons.add_item(RsvpButton(view.session.id, choice, count))
    return buttons
