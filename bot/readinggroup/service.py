"""The reading group's single entry point: `/rg setup` here, every other command on a sub-service.

    rg = ReadingGroupService(store, clock, lookup=..., index_builder=PaperIndex.build)
    await rg.setup(guild, channel, weekday="thu", time="16:00", timezone="Europe/Zurich")
    await rg.proposals.propose(guild, user, "2302.11520")        # /rg propose
    await rg.ballots.open(guild, user)                           # /rg vote
    await rg.sessions.schedule(guild)                            # /rg schedule
    await rg.presenters.skip(guild)                              # /rg skip
    await rg.memory.calendar_ics(guild)                          # /rg calendar
    await rg.reminders.send_due(publisher)                       # the reminder job

Each method is one short unit of work on the `ReadingGroupStore` (a port, `bot.readinggroup.ports`;
`bot.storage.readinggroup_repo.SqlReadingGroupStore` in production) returning plain values; nothing here
imports discord or the database. Permissions (Manage Server for setup, closing a ballot…) are checked by
the Discord layer, which knows the member's roles. Sessions whose end has passed are settled (done; their
proposals discussed) at the start of every call, so no job is needed for that.
"""

from __future__ import annotations

from dataclasses import replace

from bot.clock import Clock
from bot.errors import ReadingGroupError
from bot.offload import Offload, inline
from bot.readinggroup import slots
from bot.readinggroup.balloting import BallotService
from bot.readinggroup.context import ServiceContext, no_corpus
from bot.readinggroup.history import IndexBuilder, PaperLookup
from bot.readinggroup.memory import MemoryService
from bot.readinggroup.models import DEFAULT_DURATION_MINUTES, DEFAULT_REMINDER_OFFSETS, GroupSettings
from bot.readinggroup.ports import ReadingGroupStore, Wording
from bot.readinggroup.presenters import PresenterService
from bot.readinggroup.proposing import ProposalService
from bot.readinggroup.reminders import parse_offsets
from bot.readinggroup.reminding import ReminderPublisher, ReminderService
from bot.readinggroup.sessions import SessionService
from bot.readinggroup.wording import PLAIN_WORDING

__all__ = ["ReadingGroupService", "ReminderPublisher"]

MIN_DURATION, MAX_DURATION = 15, 600
DEFAULT_WEEKDAY, DEFAULT_TIME = "thursday", "16:00"


class ReadingGroupService:
    """Every `/rg` command: `setup`/`settings` here, the rest on `proposals`, `ballots`, `sessions`,
    `presenters`, `memory` and `reminders`."""

    def __init__(
        self,
        store: ReadingGroupStore,
        clock: Clock,
        *,
        lookup: PaperLookup = no_corpus,
        index_builder: IndexBuilder | None = None,
        default_timezone: str = "UTC",
        wording: Wording = PLAIN_WORDING,
        offload: Offload = inline,
    ) -> None:
        """Wire the service.

        `store` keeps the group's state (`SqlReadingGroupStore(database.transaction)`); `lookup` finds a
        corpus paper by id (for proposals and history); `index_builder` is `PaperIndex.build` (history
        search); `default_timezone` is used when `/rg setup` names no zone the first time; `wording`
        names members and instants in refusals (plain words unless a front end passes its own, see
        `worded`); `offload` runs history searches off the bot's event loop (`bot.offload`).
        """
        self._ctx = ServiceContext(store, clock, lookup, index_builder, default_timezone, wording, offload)
        self.proposals = ProposalService(self._ctx)
        self.ballots = BallotService(self._ctx)
        self.sessions = SessionService(self._ctx)
        self.presenters = PresenterService(self._ctx)
        self.memory = MemoryService(self._ctx)
        self.reminders = ReminderService(self._ctx)

    def worded(self, wording: Wording) -> ReadingGroupService:
        """This service (same store, clock and corpus) with refusals worded by `wording`: how a front end
        gets its own markup, e.g. the Discord adapter's mentions and timestamps. Cheap: no state is copied."""
        ctx = self._ctx
        if wording is ctx.wording:
            return self
        return ReadingGroupService(
            ctx.store,
            ctx.clock,
            lookup=ctx.lookup,
            index_builder=ctx.index_builder,
            default_timezone=ctx.default_timezone,
            wording=wording,
            offload=ctx.offload,
        )

    async def setup(
        self,
        guild_id: int,
        channel_id: int,
        *,
        weekday: str | None = None,
        time: str | None = None,
        timezone: str | None = None,
        role_id: int | None = None,
        location: str | None = None,
        location_channel_id: int | None = None,
        reminders: str | None = None,
        duration_minutes: int | None = None,
    ) -> GroupSettings:
        """`/rg setup`: create or update the settings; an argument left None keeps its current value.

        First-time defaults: Thursdays 16:00 in the default zone, reminders 24 h and 1 h before, 60 min.
        `reminders` is text like "24h, 1h" ("none" turns them off); `location` "" clears the room.
        """
        async with self._ctx.store.transaction() as tx:
            old = await tx.get_settings(guild_id)
            base = old or GroupSettings(
                guild_id=guild_id,
                channel_id=channel_id,
                weekday=slots.parse_weekday(DEFAULT_WEEKDAY),
                time=slots.parse_time(DEFAULT_TIME),
                timezone=self._ctx.default_timezone,
                reminder_offsets=DEFAULT_REMINDER_OFFSETS,
                duration_minutes=DEFAULT_DURATION_MINUTES,
            )
            duration = base.duration_minutes if duration_minutes is None else duration_minutes
            if not MIN_DURATION <= duration <= MAX_DURATION:
                raise ReadingGroupError(
                    f"A session should last between {MIN_DURATION} and {MAX_DURATION} minutes."
                )
            settings = replace(
                base,
                channel_id=channel_id,
                weekday=base.weekday if weekday is None else slots.parse_weekday(weekday),
                time=base.time if time is None else slots.parse_time(time),
                timezone=slots.parse_timezone(base.timezone if timezone is None else timezone).key,
                role_id=base.role_id if role_id is None else role_id,
                location=base.location if location is None else (location.strip() or None),
                location_channel_id=base.location_channel_id
                if location_channel_id is None
                else location_channel_id,
                reminder_offsets=base.reminder_offsets if reminders is None else parse_offsets(reminders),
                duration_minutes=duration,
            )
            return await tx.save_settings(settings, self._ctx.clock.now())

    async def settings(self, guild_id: int) -> GroupSettings:
        """The server's settings; a ReadingGroupError pointing at `/rg setup` before there are any."""
        async with self._ctx.store.transaction() as tx:
            return await self._ctx.settings(tx, guild_id)
