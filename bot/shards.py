"""Which servers are this process's: the one rule every multi-process decision asks.

Discord splits a bot's servers over `count` shards by `(guild_id >> 22) % count`; a process connects the
shards listed in `ids` and hears gateway events (commands, messages, clicks) only for their servers. Its
scheduled work must follow the same split, or two processes would both enumerate every server: the
database ledgers would still keep each post to once, but every process would do every server's work, and
a process would post for servers whose commands it never sees. So the jobs (`bot.scheduling`) ask
`Shards.owns`, and nothing else computes the split.

One process without shard settings is `Shards()`: one shard, every server. The process that connects
shard 0 registers the application commands (they are global, one set per application) — Discord also sends
every DM to shard 0, so that process is the one that always exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def shard_problem(count: int, ids: Sequence[int]) -> str | None:
    """What is wrong with `ids` out of `count` shards, in words for the operator; None when they are fine."""
    if count < 1:
        return f"the shard count must be at least 1 (got {count})"
    if not ids:
        return "name at least one shard id"
    outside = sorted({i for i in ids if not 0 <= i < count})
    if outside:
        return f"shard ids run from 0 to {count - 1} with {count} shard(s); {outside} is outside that range"
    if len(set(ids)) != len(ids):
        return f"a shard id is listed twice ({list(ids)})"
    return None


@dataclass(frozen=True)
class Shards:
    """This process's shards: `ids` out of `count`. Build it through the settings, which check it."""

    count: int = 1
    ids: tuple[int, ...] = (0,)

    def __post_init__(self) -> None:
        problem = shard_problem(self.count, self.ids)
        if problem is not None:
            raise ValueError(problem)

    @classmethod
    def of(cls, count: int, ids: Sequence[int] | None) -> Shards:
        """`ids` out of `count`; no ids means all of them (one process serving every shard)."""
        return cls(count, tuple(range(count)) if ids is None else tuple(ids))

    def owns(self, guild_id: int) -> bool:
        """Whether this process serves the server: hears its events and runs its scheduled jobs."""
        return (guild_id >> 22) % self.count in self.ids

    @property
    def registers_commands(self) -> bool:
        """Whether this process registers the application commands: the one that connects shard 0."""
        return 0 in self.ids

    def __str__(self) -> str:
        return f"shard(s) {', '.join(map(str, self.ids))} of {self.count}"


EVERY_SERVER = Shards()
"""One process serving everything: the default."""
