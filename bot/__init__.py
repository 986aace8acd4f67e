"""paperbot: a Discord assistant for a research group's papers.

The core (corpus, search, answer, digest, readinggroup, storage, scheduling) knows nothing of Discord;
`bot.discord_adapter` translates between Discord and that core, and `bot.cli` wires everything together.
"""

__version__ = "0.1.0"
