"""The Discord adapter: it translates between Discord and the core, nothing more. Apart from the process
entry point `bot.serve` (which builds the client, points discord.py at its endpoints and reports its
start-up errors), it is the only package that imports discord.

Shared pieces, then one package per feature:

    client        PaperBot: adds the cogs it is handed, syncs commands, starts the schedules, shuts down
    errors        the one interaction error handler and the command tree
    limits        Discord's size limits and clipping
    publisher     the core's outbox on Discord: digest posts, DMs, admin notices, reminders
    interactions  NO_MENTIONS, the server an interaction came from, the private one-line reply
    retry, shutdown   retrying transient Discord errors; letting replies in flight finish

    papers/       search and paper commands, free-text questions, server-admin commands, embeds, buttons
    digest/       `/digest …` and `/subscribe`, and how digest posts look
    readinggroup/ `/rg`: the cog, its commands by area, render, buttons, and its Discord posts

The client is handed its cogs, publisher and schedules by `bot.serve`; it imports no feature package.
"""
