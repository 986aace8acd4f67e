"""Reading-group coordination, without Discord: proposals, ballots, sessions, presenters, reminders, memory.

`service.ReadingGroupService` is the one entry point the Discord cog and the CLI call; its sub-services
(`proposing`, `balloting`, `sessions`, `presenters`, `memory`, `reminding`) have one method per `/rg`
command. The rules are pure and small: `slots` (usual slot, `when` parsing, DST), `votes` (tally and tie
rule), `rotation` (fair presenter order), `reminders` (which reminder is due), `calendar` (.ics),
`history` (search over past sessions), `papers` (what a member proposed). `models` holds the frozen
records. What the core needs from outside is declared as Protocols in `ports` (the store and its unit of
work, the reminder publisher, the wording of members and times in refusals); `bot.storage.readinggroup_repo`
implements the store, the Discord adapter its publisher and wording (`wording.PlainWording` is the default).
The core returns ids and instants and writes no markup. Nothing here imports discord, sqlalchemy or
`bot.storage` (`tests/test_architecture_readinggroup.py` checks it).
"""
