"""The fake's bulk guilds (`tests/fake_discord/bulk.py`, used by `benchmarks/load.py`): spread evenly over
shards, their channels found by id, and served to a real discord.py client on its shard only."""

from __future__ import annotations

import discord

from tests.fake_discord import BotRunner, FakeDiscord
from tests.fake_discord.bulk import add_guilds, shard_of


def test_a_thousand_guilds_are_dealt_round_robin_over_the_shards(fake_discord: FakeDiscord) -> None:
    guilds = add_guilds(fake_discord, 1000, shards=2)
    assert len({g.id for g in guilds}) == 1000
    assert [shard_of(g.id, 2) for g in guilds[:4]] == [0, 1, 0, 1]
    assert [sum(1 for g in guilds if shard_of(g.id, 2) == shard) for shard in (0, 1)] == [500, 500]


def test_bulk_channels_are_found_by_id_and_the_first_is_the_system_channel(fake_discord: FakeDiscord) -> None:
    guild = add_guilds(fake_discord, 3, channels=("general", "papers"))[2]
    papers = guild.channels[1]
    assert fake_discord.channel(papers.id) is papers
    assert fake_discord.guild_of(papers) is guild
    assert guild.system_channel_id == guild.channels[0].id
    assert guild.name == "Lab 2"


async def test_a_client_on_shard_one_of_two_receives_exactly_its_guilds(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    guilds = add_guilds(fake_discord, 20, shards=2)
    del fake_discord.guilds[fake_discord.guild.id]  # only the bulk guilds
    client = discord.Client(intents=discord.Intents.default(), shard_id=1, shard_count=2)
    await bot_runner.start(client)
    assert {g.id for g in client.guilds} == {g.id for g in guilds if shard_of(g.id, 2) == 1}
    assert len(client.guilds) == 10
