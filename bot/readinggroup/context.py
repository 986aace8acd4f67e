"""What every reading-group sub-service shares: its dependencies and the lookups they all need.

Kept apart from the sub-services so each of those stays one small module about one part of the cycle.
Helpers take the caller's open unit of work (`ReadingGroupTx`, a port in `bot.readinggroup.ports`), so a
command is one transaction however many helpers it uses. Refusals name members and instants through
`wording` (a port too), so they carry no front end's markup.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from bot.clock import Clock
from bot.corpus.model import Paper
from bot.errors import ReadingGroupError, UnknownPaperError
from bot.offload import Offload, inline
from bot.readinggroup import rotation, slots
from bot.readinggroup.history import IndexBuilder, PaperLookup, find_paper
from bot.readinggroup.models import Ballot, GroupSettings, PaperRef, Session, SessionStatus
from bot.readinggroup.papers import corpus_ref, link_ref, looks_like_link
from bot.readinggroup.ports import ReadingGroupStore, ReadingGroupTx, Wording
from bot.readinggroup.wording import PLAIN_WORDING

SLOT_LOOKAHEAD = 104
"""Weeks searched for a free usual slot before asking the admin for an explicit date."""


def no_corpus(_paper_id: str) -> Paper | None:
    """A lookup for a bot without a corpus: only links can be proposed."""
    return None


@dataclass(frozen=True)
class ServiceContext:
    """The dependencies of the reading-group service, and the checks every command repeats."""

    store: ReadingGroupStore
    clock: Clock
    lookup: PaperLookup = no_corpus
    index_builder: IndexBuilder | None = None
    default_timezone: str = "UTC"
    wording: Wording = PLAIN_WORDING
    offload: Offload = inline
    """Runs history searches (the Discord bot's `WorkerPool`; in place by default)."""

    async def settle(self, tx: ReadingGroupTx) -> datetime:
        """Mark ended sessions done (their proposals discussed) and return the current instant."""
        now = self.clock.now()
        await tx.complete_finished_sessions(now)
        return now

    async def settings(self, tx: ReadingGroupTx, guild_id: int) -> GroupSettings:
        """The server's settings, or an error pointing at `/rg setup`."""
        found = await tx.get_settings(guild_id)
        if found is None:
            raise ReadingGroupError(
                "The reading group isn't set up here yet. An admin can run `/rg setup` first."
            )
        return found

    async def session(self, tx: ReadingGroupTx, guild_id: int, session_id: int) -> Session:
        """The server's session `session_id`, or an error."""
        found = await tx.get_session(guild_id, session_id)
        if found is None:
            raise ReadingGroupError(
                f"There is no session #{session_id} here. `/rg upcoming` lists the sessions."
            )
        return found

    async def scheduled(self, tx: ReadingGroupTx, guild_id: int, session_id: int | None) -> Session:
        """The scheduled session `session_id`, or the next one when None."""
        if session_id is None:
            upcoming = await tx.list_sessions(guild_id, statuses=[SessionStatus.SCHEDULED], limit=1)
            if not upcoming:
                raise ReadingGroupError("No session is scheduled. Schedule one with `/rg schedule`.")
            return upcoming[0]
        found = await self.session(tx, guild_id, session_id)
        if found.status is not SessionStatus.SCHEDULED:
            raise ReadingGroupError(
                f"Session #{session_id} is {found.status.value}; only scheduled sessions can change."
            )
        return found

    async def ballot(self, tx: ReadingGroupTx, guild_id: int, ballot_id: int) -> Ballot:
        """The server's ballot `ballot_id`, or an error."""
        found = await tx.get_ballot(guild_id, ballot_id)
        if found is None:
            raise ReadingGroupError(f"There is no ballot #{ballot_id} here.")
        return found

    async def free_slot(self, tx: ReadingGroupTx, settings: GroupSettings, now: datetime) -> datetime:
        """The next usual slot with no scheduled session."""
        upcoming = slots.iter_slots(settings.weekday, settings.time, settings.zone, now)
        for slot in islice(upcoming, SLOT_LOOKAHEAD):
            if await tx.live_session_at(settings.guild_id, slot) is None:
                return slot
        raise ReadingGroupError("Every usual slot for the next two years is taken; give a date with `when`.")

    async def future_time(
        self, tx: ReadingGroupTx, settings: GroupSettings, when: str, now: datetime, moving: int | None = None
    ) -> datetime:
        """`when` read in the group's zone; must be ahead and free (`moving`: the session being moved)."""
        starts_at = slots.parse_when(when, settings.zone, now, settings.time)
        if starts_at <= now:
            raise ReadingGroupError(
                f"{self.wording.moment(starts_at)} is in the past. Give a time that is still ahead."
            )
        clash = await tx.live_session_at(settings.guild_id, starts_at)
        if clash is not None and clash.id != moving:
            raise ReadingGroupError(
                f"Session #{clash.id} is already scheduled at {self.wording.moment(starts_at)}."
            )
        return starts_at

    async def rotation_pick(
        self,
        tx: ReadingGroupTx,
        guild_id: int,
        now: datetime,
        *,
        exclude: Collection[int] = (),
        moving: int | None = None,
    ) -> int | None:
        """The next presenter in rotation, preferring members not already down for an upcoming session.

        `moving` is the session being (re)assigned: its current presenter does not count as presenting.
        """
        roster = await tx.list_roster(guild_id)
        assignments = await tx.presenter_assignments(guild_id, exclude_session_id=moving)
        last = rotation.last_presentations(assignments)
        upcoming = await tx.list_sessions(guild_id, statuses=[SessionStatus.SCHEDULED], starts_after=now)
        busy = {x.presenter_id for x in upcoming if x.presenter_id is not None and x.id != moving}
        preferred = rotation.next_presenter(roster, last, {*exclude, *busy})
        return preferred if preferred is not None else rotation.next_presenter(roster, last, exclude)

    def resolve_paper(self, paper: str, title: str | None) -> PaperRef:
        """A corpus paper id, or a link (with `title`), as a PaperRef; UnknownPaperError otherwise."""
        if looks_like_link(paper):
            return link_ref(paper, title)
        found = find_paper(self.lookup, paper.strip())
        if found is None:
            raise UnknownPaperError(paper)
        return corpus_ref(found)
