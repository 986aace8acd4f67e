"""The repositories: the ledger's claim rules, settings round-trips, first-seen dates, subscriptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.clock import ManualClock
from bot.digest.models import CLAIMED, FAILED, POSTED, DigestSettings, LedgerEntry, Subscription
from bot.storage.corpus_repo import CorpusRepo
from bot.storage.database import Database
from bot.storage.digest_repo import DigestRepo
from bot.storage.guild_repo import GuildRepo, GuildSettings
from bot.storage.subscription_repo import SubscriptionRepo
from bot.storage.tables import LEDGER_STATUSES

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
async def db(databases):
    database = await Database.open(await databases.new())
    yield database
    await database.close()


def claim_for(day: date, paper_id: str = "p1", by: str = "proc-a") -> LedgerEntry:
    return LedgerEntry(
        guild_id=1,
        local_date=day,
        paper_id=paper_id,
        cycle=1,
        position=1,
        pool_size=50,
        topic=None,
        reasons=("not yet featured this round (1/50)",),
        status="claimed",
        claimed_by=by,
        claimed_at=NOW,
    )


async def test_a_day_can_be_claimed_once(db):
    repo = DigestRepo(db)
    assert await repo.claim(claim_for(date(2026, 3, 2), by="proc-a")) is True
    assert await repo.claim(claim_for(date(2026, 3, 2), "p2", by="proc-b")) is False
    assert await repo.claim(claim_for(date(2026, 3, 3))) is True
    entry = await repo.entry(1, date(2026, 3, 2))
    assert (entry.paper_id, entry.status, entry.claimed_by) == ("p1", "claimed", "proc-a")


async def test_a_released_day_can_be_claimed_again_but_a_posted_one_cannot(db):
    repo = DigestRepo(db)
    day = date(2026, 3, 2)
    await repo.claim(claim_for(day))
    await repo.release(1, day)
    assert await repo.entry(1, day) is None
    assert await repo.claim(claim_for(day, "p2")) is True
    await repo.mark_posted(1, day, 555, NOW, channel_id=77)
    await repo.release(1, day)  # a late release must not undo a post
    entry = await repo.entry(1, day)
    assert (entry.paper_id, entry.status, entry.message_id, entry.posted_at) == ("p2", "posted", 555, NOW)
    assert entry.channel_id == 77  # where the message is, for links after a channel change


async def test_a_failed_day_is_taken_over_only_on_request_and_only_once(db):
    repo = DigestRepo(db)
    day = date(2026, 3, 2)
    await repo.claim(claim_for(day))
    await repo.mark_failed(1, day, "50013: Missing Permissions")
    assert await repo.claim(claim_for(day, "p2")) is False
    assert await repo.claim(claim_for(day, "p2"), take_over_failed=True) is True
    assert await repo.claim(claim_for(day, "p3"), take_over_failed=True) is False
    entry = await repo.entry(1, day)
    assert (entry.paper_id, entry.status, entry.error) == ("p2", "claimed", None)


def test_the_ledger_stores_the_statuses_the_digest_reads():
    """The digest's records name the statuses the tables store (counts_as_shown depends on it)."""
    assert (CLAIMED, POSTED, FAILED) == LEDGER_STATUSES


async def test_history_is_oldest_first_and_can_stop_before_a_day(db):
    repo = DigestRepo(db)
    for day in (date(2026, 3, 4), date(2026, 3, 2), date(2026, 3, 3)):
        await repo.claim(claim_for(day, f"p{day.day}"))
    assert [e.paper_id for e in await repo.history(1)] == ["p2", "p3", "p4"]
    assert [e.paper_id for e in await repo.history(1, before=date(2026, 3, 4))] == ["p2", "p3"]
    assert (await repo.history(1))[0].claimed_at == NOW  # aware UTC back from SQLite


async def test_settings_round_trip_and_a_pause_is_reported_once(db):
    repo = DigestRepo(db)
    settings = DigestSettings(
        7, 99, time(9, 30), "Europe/Zurich", weekdays_only=True, weekly_day=0, topic="diffusion", enabled=True
    )
    saved = await repo.save_settings(settings, NOW)
    assert saved.seed == "7"
    assert await repo.get_settings(7) == saved
    assert await repo.pause(7, "missing permissions", NOW) is True
    assert await repo.pause(7, "missing permissions", NOW) is False
    assert (await repo.get_settings(7)).paused_reason == "missing permissions"
    assert await repo.resume(7, NOW) is True
    assert (await repo.get_settings(7)).posts_to_channel is True
    assert await repo.get_settings(8) is None


async def test_corpus_ids_are_remembered_with_the_day_they_were_first_seen(db):
    repo = CorpusRepo(db)
    assert await repo.record(["a", "b"], NOW) == ("a", "b")
    later = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    assert await repo.record(["a", "b", "c"], later) == ("c",)
    assert await repo.first_seen() == {"a": date(2026, 3, 2), "b": date(2026, 3, 2), "c": date(2026, 3, 9)}


async def test_one_subscription_per_member_and_one_dm_per_period(db):
    repo = SubscriptionRepo(db)
    await repo.upsert(Subscription(5, 1, "graphs", "daily"), NOW)
    await repo.upsert(Subscription(5, 2, None, "weekly"), NOW)  # re-subscribing elsewhere replaces it
    assert await repo.get(5) == Subscription(5, 2, None, "weekly")
    assert await repo.active_for_guild(1) == []
    args = {
        "user_id": 5,
        "guild_id": 2,
        "local_date": date(2026, 3, 2),
        "paper_id": None,
        "cycle": None,
        "now": NOW,
    }
    assert await repo.claim_dm(period="2026-W10", **args) is True
    assert await repo.claim_dm(period="2026-W10", **args) is False
    assert await repo.end(5, "unsubscribed", NOW) is True
    assert await repo.end(5, "unsubscribed", NOW) is False
    assert (await repo.get(5)).ended_reason == "unsubscribed"


async def test_guild_settings_default_until_saved(db):
    repo = GuildRepo(db, ManualClock(NOW), default_timezone="Europe/Zurich")
    assert await repo.get(3) == GuildSettings(3, "Europe/Zurich")
    await repo.save(GuildSettings(3, "America/New_York", admin_channel_id=42, ask_channel_ids=(1, 2)))
    assert await repo.get(3) == GuildSettings(3, "America/New_York", 42, (1, 2))
