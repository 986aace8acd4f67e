"""Repository guarantees the service relies on: the reminder ledger and the database-level rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.errors import ReadingGroupError
from bot.readinggroup.models import PaperRef, RosterEntry
from bot.readinggroup.service import ReadingGroupService
from bot.storage import readinggroup_repo as repo
from bot.storage.database import Database

from .support import ALICE, BOB, GUILD, make_service

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STARTS = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


async def a_session(db: Database) -> int:
    async with db.transaction() as s:
        session = await repo.create_session(
            s,
            GUILD,
            starts_at=STARTS,
            duration_minutes=60,
            paper=None,
            proposal_id=None,
            presenter_id=None,
            now=NOW,
        )
    return session.id


async def test_a_claim_is_held_until_released_and_a_sent_reminder_cannot_be_released(db: Database):
    key = (await a_session(db), 60, STARTS)
    assert await repo.claim_reminder(db.transaction, key, NOW) is True
    assert await repo.claim_reminder(db.transaction, key, NOW) is False
    await repo.release_reminder(db.transaction, key)
    assert await repo.claim_reminder(db.transaction, key, NOW) is True
    await repo.mark_reminder_sent(db.transaction, key, message_id=77, now=NOW)
    await repo.release_reminder(db.transaction, key)  # too late: it went out
    assert await repo.claim_reminder(db.transaction, key, NOW) is False


async def test_the_ledger_key_includes_the_start_time(db: Database):
    session_id = await a_session(db)
    assert await repo.claim_reminder(db.transaction, (session_id, 60, STARTS), NOW) is True
    moved = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
    assert await repo.claim_reminder(db.transaction, (session_id, 60, moved), NOW) is True
    async with db.transaction() as s:
        assert await repo.claimed_reminders(s, [session_id]) == {
            (session_id, 60, STARTS),
            (session_id, 60, moved),
        }


async def test_the_database_refuses_two_live_proposals_for_one_paper(db: Database):
    async with db.transaction() as s:
        await repo.add_proposal(s, GUILD, PaperRef("T", paper_id="p1"), ALICE, None, NOW)
    insert = text(
        "INSERT INTO rg_proposals (guild_id, title, dedupe_key, proposer_id, status, created_at) "
        "VALUES (:g, 'T', 'paper:p1', :u, :status, '2026-03-02 09:00:00')"
    )
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            await s.execute(insert, {"g": GUILD, "u": BOB, "status": "open"})
    async with db.transaction() as s:  # a discussed or withdrawn duplicate is history, not a conflict
        await s.execute(insert, {"g": GUILD, "u": BOB, "status": "discussed"})


async def test_two_members_proposing_the_same_paper_at_once_get_one_proposal(
    db: Database, db_url: str, clock
):
    other_db = await Database.open(db_url, migrate=False)
    try:
        services: list[ReadingGroupService] = [make_service(db, clock), make_service(other_db, clock)]
        results = await asyncio.gather(
            *(
                rg.proposals.propose(GUILD, user, "2302.11520")
                for rg, user in zip(services, (ALICE, BOB), strict=True)
            ),
            return_exceptions=True,
        )
    finally:
        await other_db.close()
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1
    assert isinstance(errors[0], ReadingGroupError)
    async with db.transaction() as s:
        assert len(await repo.list_proposals(s, GUILD)) == 1


async def test_instants_come_back_aware_utc(db: Database):
    async with db.transaction() as s:
        entry = await repo.add_to_roster(s, GUILD, ALICE, NOW)
    async with db.transaction() as s:
        assert await repo.list_roster(s, GUILD) == [entry] == [RosterEntry(GUILD, ALICE, NOW)]
        assert (await repo.list_roster(s, GUILD))[0].joined_at.tzinfo is UTC
