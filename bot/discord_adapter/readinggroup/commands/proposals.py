"""`/rg propose`, `proposals`, `withdraw`, and the vote among proposals: `vote`, `close-vote`."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.utils import format_dt

from bot.discord_adapter.interactions import NO_MENTIONS, guild_id_of
from bot.discord_adapter.readinggroup.ballot import post_ballot
from bot.discord_adapter.readinggroup.commands import choices
from bot.discord_adapter.readinggroup.commands.area import RgCommandArea, admin_only, reply_privately
from bot.discord_adapter.readinggroup.interactions import RG_IN_A_SERVER
from bot.discord_adapter.readinggroup.posts import refusal
from bot.discord_adapter.readinggroup.render import ballot_result_text, proposal_receipt_text, proposals_embed
from bot.discord_adapter.readinggroup.text import paper_text
from bot.errors import UserError

__all__ = ["ProposalCommands"]


class ProposalCommands(RgCommandArea):
    """Proposing papers and voting on them."""

    @app_commands.command(name="propose", description="Propose a paper for a future session.")
    @app_commands.describe(
        paper="Start typing a title and pick the paper, or paste a link to a paper outside the corpus",
        title="The paper's title, when you give a link",
        note="Why the group should read it (optional)",
    )
    @app_commands.autocomplete(paper=choices.paper_or_link)
    async def propose(
        self,
        interaction: discord.Interaction,
        paper: str,
        title: app_commands.Range[str, 1, 300] | None = None,
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        """Add a proposal; a paper already proposed or scheduled is refused politely."""
        receipt = await self.rg.proposals.propose(
            guild_id_of(interaction, RG_IN_A_SERVER), interaction.user.id, paper, title=title, note=note
        )
        await interaction.response.send_message(proposal_receipt_text(receipt), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="proposals", description="The papers proposed so far, and who proposed them.")
    async def proposals(self, interaction: discord.Interaction) -> None:
        """Open (and selected) proposals, oldest first."""
        found = await self.rg.proposals.open_proposals(guild_id_of(interaction, RG_IN_A_SERVER))
        await interaction.response.send_message(embed=proposals_embed(found), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="withdraw", description="Withdraw a proposal (yours; admins: any).")
    @app_commands.describe(proposal="The proposal to withdraw")
    @app_commands.autocomplete(proposal=choices.open_proposal)
    async def withdraw(self, interaction: discord.Interaction, proposal: int) -> None:
        """Withdraw an open proposal."""
        gone = await self.rg.proposals.withdraw(
            guild_id_of(interaction, RG_IN_A_SERVER),
            proposal,
            interaction.user.id,
            is_admin=interaction.permissions.manage_guild,
        )
        await interaction.response.send_message(
            f"Withdrew proposal #{gone.id}: {paper_text(gone.paper)}.", allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(
        name="vote", description="Open a ballot on the proposals for the next session (Manage Server)."
    )
    @app_commands.describe(
        deadline="When voting closes, e.g. `tuesday 18:00` (default: 24 h before the session)"
    )
    @admin_only
    async def vote(self, interaction: discord.Interaction, deadline: str | None = None) -> None:
        """Post a ballot with one button per proposal in the group's channel."""
        guild_id = guild_id_of(interaction, RG_IN_A_SERVER)
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = await self.rg.settings(guild_id)
        channel = await self.posts.text_channel(settings.channel_id)
        require_can_post(channel)
        view = await self.rg.ballots.open(guild_id, interaction.user.id, deadline=deadline)
        try:
            message = await post_ballot(self.posts, guild_id, view)
        except discord.HTTPException as exc:
            await self.rg.ballots.close(guild_id, interaction.user.id, view.ballot.id)
            raise UserError(f"I couldn't post the ballot in {channel.mention}: {refusal(exc)}.") from exc
        await reply_privately(
            interaction,
            [
                f"Ballot #{view.ballot.id} is up: {message.jump_url}",
                f"Voting closes {format_dt(view.ballot.deadline, 'F')}; `/rg close-vote` closes it earlier.",
            ],
        )

    @app_commands.command(
        name="close-vote", description="Close the open ballot now and apply the winner (Manage Server)."
    )
    @admin_only
    async def close_vote(self, interaction: discord.Interaction) -> None:
        """Close the ballot, show the result, and announce (or fill) the session the winner goes to."""
        result = await self.rg.ballots.close(guild_id_of(interaction, RG_IN_A_SERVER), interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await self.posts.after_ballot(result)
        await reply_privately(interaction, [ballot_result_text(result), *problems])


def require_can_post(channel: discord.TextChannel) -> None:
    """Refuse before opening a ballot the bot could not post."""
    me = channel.guild.me
    perms = channel.permissions_for(me)
    if not (perms.view_channel and perms.send_messages and perms.embed_links):
        raise UserError(
            f"I can't post in {channel.mention} (I need View Channel, Send Messages and Embed Links there). "
            "Grant them, or pick another channel with `/rg setup`."
        )
