"""`/rg notes`, `/rg history`, "discussed on …", `/rg calendar` through the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from bot.clock import ManualClock
from bot.errors import QueryError, ReadingGroupError, UnknownPaperError
from bot.readinggroup.history import HistoryResults
from bot.readinggroup.models import RsvpChoice, RsvpCounts
from bot.readinggroup.service import ReadingGroupService
from bot.search.index import PaperIndex
from bot.storage.database import Database
from bot.storage.readinggroup_repo import SqlReadingGroupStore

from .support import ALICE, BOB, CAROL, CHANNEL, GUILD, PAPERS


async def two_past_sessions(rg: ReadingGroupService, clock: ManualClock) -> tuple[int, int]:
    first = await rg.sessions.schedule(GUILD, paper="2302.11520", presenter_id=ALICE)
    second = await rg.sessions.schedule(GUILD, paper="2306.17759", presenter_id=BOB)
    await rg.sessions.rsvp(GUILD, first.id, ALICE, RsvpChoice.GOING)
    await rg.sessions.rsvp(GUILD, first.id, BOB, RsvpChoice.GOING)
    await rg.sessions.rsvp(GUILD, first.id, CAROL, RsvpChoice.MAYBE)
    clock.set(second.ends_at + timedelta(hours=1))
    return first.id, second.id


async def test_history_lists_past_sessions_newest_first_with_presenter_attendance_and_notes(
    group: ReadingGroupService, clock: ManualClock
):
    first, second = await two_past_sessions(group, clock)
    note = await group.memory.add_note(GUILD, first, CAROL, "  Random teachers still give lottery tickets.  ")
    assert note.text == "Random teachers still give lottery tickets."
    entries = await group.memory.history(GUILD)
    assert [(e.session.id, e.session.presenter_id) for e in entries] == [(second, BOB), (first, ALICE)]
    assert entries[1].rsvps == RsvpCounts(going=2, maybe=1, cant=0)
    assert [n.text for n in entries[1].notes] == ["Random teachers still give lottery tickets."]
    assert entries[0].session.paper is not None
    assert entries[0].session.paper.title.startswith("The Shaped Transformer")


async def test_discussed_on_feeds_the_paper_cards(group: ReadingGroupService, clock: ManualClock):
    await two_past_sessions(group, clock)
    assert await group.memory.discussed_on(GUILD, "2302.11520") == [datetime(2026, 3, 5, 15, 0, tzinfo=UTC)]
    assert await group.memory.discussed_on(GUILD, "2304.05816") == []
    assert await group.memory.discussed_on(GUILD + 1, "2302.11520") == []
    assert await group.memory.discussed_papers(GUILD) == {
        "2302.11520": [datetime(2026, 3, 5, 15, 0, tzinfo=UTC)],
        "2306.17759": [datetime(2026, 3, 12, 15, 0, tzinfo=UTC)],
    }


async def test_notes_are_refused_when_empty_too_long_or_on_a_cancelled_session(group: ReadingGroupService):
    session = await group.sessions.schedule(GUILD)
    with pytest.raises(ReadingGroupError, match="empty"):
        await group.memory.add_note(GUILD, session.id, ALICE, "   ")
    with pytest.raises(ReadingGroupError, match="4000 characters; this one has 4001"):
        await group.memory.add_note(GUILD, session.id, ALICE, "x" * 4001)
    await group.sessions.cancel(GUILD, session.id)
    with pytest.raises(ReadingGroupError, match="cancelled"):
        await group.memory.add_note(GUILD, session.id, ALICE, "We met anyway")


async def test_history_search_needs_the_index_and_says_so(group: ReadingGroupService):
    with pytest.raises(ReadingGroupError, match="/rg history"):
        await group.memory.search(GUILD, "teachers")


async def test_calendar_has_upcoming_and_cancelled_sessions_but_not_past_ones(
    group: ReadingGroupService, clock: ManualClock
):
    past = await group.sessions.schedule(GUILD, paper="2302.11520")
    clock.set(past.ends_at + timedelta(minutes=1))
    kept = await group.sessions.schedule(GUILD, presenter_id=ALICE)
    dropped = await group.sessions.schedule(GUILD)
    await group.sessions.cancel(GUILD, dropped.id)
    moved = await group.sessions.reschedule(GUILD, "2026-03-20 10:00", session_id=kept.id)

    data = await group.memory.calendar_ics(GUILD, presenter_names={ALICE: "Alice"})
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    assert sorted(events) == [
        f"rg-{GUILD}-session-{kept.id}@paperbot",
        f"rg-{GUILD}-session-{dropped.id}@paperbot",
    ]
    kept_event = events[f"rg-{GUILD}-session-{kept.id}@paperbot"]
    assert (
        kept_event.decoded("DTSTART").astimezone(UTC)
        == moved.starts_at
        == datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    )
    assert int(kept_event["SEQUENCE"]) == 1
    assert str(kept_event["DESCRIPTION"]).startswith("Presenter: Alice")
    assert str(events[f"rg-{GUILD}-session-{dropped.id}@paperbot"]["STATUS"]) == "CANCELLED"


async def test_history_search_uses_the_corpus_search_over_titles_abstracts_authors_and_notes(
    db: Database, clock: ManualClock
):
    rg = ReadingGroupService(
        SqlReadingGroupStore(db.transaction), clock, lookup=PAPERS.get, index_builder=PaperIndex.build
    )
    await rg.setup(GUILD, CHANNEL, timezone="Europe/Zurich")
    first, second = await two_past_sessions(rg, clock)
    await rg.memory.add_note(GUILD, first, CAROL, "We argued about lottery tickets and linear basins.")
    external = await rg.sessions.schedule(
        GUILD, paper="https://example.org/moe", title="Mixture of Experts Routing"
    )
    clock.set(external.ends_at + timedelta(minutes=1))

    def found(results: HistoryResults) -> list[int]:
        return [hit.entry.session.id for hit in results.hits]

    assert found(await rg.memory.search(GUILD, "lottery tickets")) == [first]  # only in the notes
    assert found(await rg.memory.search(GUILD, "covariance of attention")) == [second]  # corpus abstract
    assert found(await rg.memory.search(GUILD, "Noci")) == [second]  # corpus author
    assert found(await rg.memory.search(GUILD, "experts")) == [external.id]  # title of a link
    assert found(await rg.memory.search(GUILD, "quantum chromodynamics")) == []
    (hit,) = (await rg.memory.search(GUILD, "lottery")).hits
    assert "lottery" in hit.snippet.lower()
    assert hit.score > 0


async def test_history_search_of_an_empty_query_is_a_query_error(db: Database, clock: ManualClock):
    rg = ReadingGroupService(
        SqlReadingGroupStore(db.transaction), clock, lookup=PAPERS.get, index_builder=PaperIndex.build
    )
    await rg.setup(GUILD, CHANNEL)
    with pytest.raises(QueryError):
        await rg.memory.search(GUILD, "   ")


async def test_a_lookup_that_raises_unknown_paper_is_accepted_like_paper_index_get(
    db: Database, clock: ManualClock
):
    index = PaperIndex.build(list(PAPERS.values()))
    rg = ReadingGroupService(
        SqlReadingGroupStore(db.transaction), clock, lookup=index.resolve, index_builder=PaperIndex.build
    )
    await rg.setup(GUILD, CHANNEL)
    by_title = await rg.proposals.propose(GUILD, ALICE, "random teachers are good teachers")
    assert by_title.proposal.paper.paper_id == "2302.11520"
    with pytest.raises(UnknownPaperError):
        await rg.proposals.propose(GUILD, ALICE, "no such paper at all")
