"""`/rg`: the reading group on Discord — setup, proposals, votes, sessions, presenters, memory, calendar.

Each command checks who may run it, calls one method of the core `ReadingGroupService`, renders with
`render`, and lets `RgPosts` (`posts`) bring the Discord posts (ballot, announcement, thread, event) in line.

One cog, one `/rg` group in Discord, its commands written by area — each area a class in its own module,
and `ReadingGroupCog` (in `cog`) inherits them all (discord.py collects the commands of every class a cog
inherits from):

    presenters   /rg roster add|remove|list, swap, skip, volunteer
    setup        /rg setup
    proposals    /rg propose, proposals, withdraw, vote, close-vote
    sessions     /rg schedule, next, upcoming, cancel, reschedule
    memory       /rg history, notes, calendar
    choices      autocomplete for papers, zones, sessions and proposals
    area         what every area shares: the service, the posts, replies, permission checks

Who may do what. Discord's `default_permissions` would hide the *whole* `/rg` group from members, so
admin subcommands are guarded on the server side instead (`checks.has_permissions(manage_guild=True)`):
setup, vote (opening a ballot), close-vote, schedule, cancel, reschedule and swap need **Manage Server**;
roster add/remove for someone else, skip for someone else's session and withdrawing someone else's
proposal need it too. Everything else is open to every member.

Pings: every post disables mentions, except the reminders (the presenter and the group's role only).
Announcements name the role but do not ping it. The periodic job (`bot.scheduling.ReadingGroupJobs`, every
minute) closes ballots whose deadline passed and sends due reminders; tests call its `run` directly after
moving the clock.
"""
