"""Reading-group coordination, without Discord: proposals, ballots, sessions, presenters, reminders, memory.

`service.ReadingGroupService` is the one entry point the Discord cog and the CLI call; its sub-services
(`proposing`, `balloting`, `sessions`, `presenters`, `memory`, `reminding`) have one method per `/rg`
command. The rules are pure and small: `slots` (usual slot, `when` parsing, DST), `votes` (tally and tie
rule), `rotation` (fair presenter order), `reminders` (which reminder is due), `calendar` (.ics),
`history` (search over past sessions), `papers` (what a member proposed). `models` holds the frozen
records. All SQL is in `bot.storage.readinggroup_repo`; nothing here imports discord.
"""
