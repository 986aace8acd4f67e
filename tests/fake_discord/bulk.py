"""Many guilds at once, for load figures (`benchmarks/load.py`): a thousand guilds in milliseconds, spread
evenly over the shards, with their channels found by id in one dictionary look-up.

Why ids are chosen here: Discord puts a guild on shard ``(guild_id >> 22) % shard_count``, and ``>> 22`` is
the id's creation millisecond. Guilds made in one burst by ``snowflake()`` share a millisecond, so they
would all land on one shard. These guilds were "created" one millisecond apart a month ago instead, so
consecutive guilds alternate between two shards (and cycle through N), as real guilds spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from .state import FakeState
from .wire import snowflake
from .world import FakeGuild

CREATED_AGO = timedelta(days=30)
"""How long before now the first bulk guild was "created" (safely before any real-time snowflake)."""


def add_guilds(
    fake: FakeState, count: int, *, channels: Sequence[str] = ("general", "papers"), name: str = "Lab {n}"
) -> list[FakeGuild]:
    """Add `count` guilds, each with the bot, the owner and text `channels` (the first is the system
    channel). Their ids are consecutive milliseconds, so guild n is on shard ``n % shard_count`` up to a
    fixed rotation. Add members with ``guild.add_member``; interactions carry them, so a running bot needs
    no sync for them."""
    first = datetime.now(UTC) - CREATED_AGO
    guilds = []
    for n in range(count):
        guild = fake.add_guild(name.format(n=n), guild_id=snowflake(first + timedelta(milliseconds=n)))
        for channel_name in channels:
            channel = guild.add_channel(channel_name)
            fake.channels[channel.id] = channel  # by id at once: a name search would walk every guild
        guild.system_channel_id = guild.channels[0].id
        guilds.append(guild)
    return guilds


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord serves `guild_id` on (its documented formula)."""
    return (guild_id >> 22) % shard_count
