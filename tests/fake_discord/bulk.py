"""Many guilds at once, for load figures (`benchmarks/load.py`): a thousand guilds in milliseconds, dealt
round-robin over the shards, with their channels found by id in one dictionary look-up.

Why the shards are dealt here: Discord puts a guild on shard ``(guild_id >> 22) % shard_count``, and
``>> 22`` is the id's creation millisecond. Guilds made in one burst share a millisecond, so they would all
land on one shard; ``add_guild(shard=…)`` picks each id on the shard asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

from .state import FakeState
from .world import FakeGuild


def add_guilds(
    fake: FakeState,
    count: int,
    *,
    shards: int = 1,
    channels: Sequence[str] = ("general", "papers"),
    name: str = "Lab {n}",
) -> list[FakeGuild]:
    """Add `count` guilds, guild n on shard ``n % shards``, each with the bot, the owner and text
    `channels` (the first is the system channel). Add members with ``guild.add_member``; interactions
    carry them, so a running bot needs no sync for them."""
    guilds = []
    for n in range(count):
        guild = fake.add_guild(name.format(n=n), shard=(n % shards, shards))
        for channel_name in channels:
            channel = guild.add_channel(channel_name)
            fake.channels[channel.id] = channel  # by id at once: a name search would walk every guild
        guild.system_channel_id = guild.channels[0].id
        guilds.append(guild)
    return guilds


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord serves `guild_id` on (its documented formula)."""
    return (guild_id >> 22) % shard_count
