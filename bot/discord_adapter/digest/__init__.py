"""The paper of the day on Discord: the admins' `/digest …` commands (`cog`), members' `/subscribe` and
`/unsubscribe` (`subscriptions`), and how digest posts, DMs and settings look (`render`). The posts themselves
go out through the shared `publisher`; their schedule is in `bot.scheduling`.
"""
