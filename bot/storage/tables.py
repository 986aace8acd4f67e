"""Tables for per-server settings, the paper-of-the-day ledger, corpus first-seen dates and subscriptions.

Discord ids are snowflakes (64-bit), hence BigInteger. Every uniqueness rule that protects users from a
duplicate post is a database constraint, not a check in Python, so two bot processes on one database
still agree: UNIQUE(guild_id, local_date) on the ledger, UNIQUE(user_id, period) on the DM ledger.
Changing this file means writing a migration in `migrations/versions/`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.coltypes import UTCDateTime

STATUS_CLAIMED = "claimed"
STATUS_POSTED = "posted"
STATUS_FAILED = "failed"
LEDGER_STATUSES = (STATUS_CLAIMED, STATUS_POSTED, STATUS_FAILED)

CADENCES = ("daily", "weekly")


class GuildSettingsRow(Base):
    """Server-wide settings that several features read (zone, where admins are told about problems)."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    admin_channel_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    ask_channel_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DigestSettingsRow(Base):
    """One server's paper-of-the-day schedule: where, when (IANA zone + wall-clock time), what."""

    __tablename__ = "digest_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    post_time: Mapped[str] = mapped_column(String(5), default="09:00")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    weekdays_only: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    topic: Mapped[str | None] = mapped_column(String(300), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    seed: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("weekly_day IS NULL OR (weekly_day >= 0 AND weekly_day <= 6)", name="weekly_day"),
    )


class DigestLedgerRow(Base):
    """One paper-of-the-day slot: claimed before posting, then posted or failed. At most one per day."""

    __tablename__ = "digest_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    local_date: Mapped[date] = mapped_column(Date)
    paper_id: Mapped[str] = mapped_column(String(200))
    cycle: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    pool_size: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str | None] = mapped_column(String(300), nullable=True)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Where the message went, so links survive a channel change; NULL on rows posted before 0003.
    channel_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("guild_id", "local_date"),
        CheckConstraint("status IN ('claimed', 'posted', 'failed')", name="status"),
        Index("ix_digest_ledger_guild_cycle", "guild_id", "cycle"),
    )


class CorpusPaperRow(Base):
    """When paperbot first saw each paper id, to say "new in the corpus" and fill the weekly digest."""

    __tablename__ = "corpus_papers"

    paper_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_seen: Mapped[date] = mapped_column(Date)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubscriptionRow(Base):
    """A member's opt-in DM digest. One per user: subscribing again (from any server) replaces it."""

    __tablename__ = "subscriptions"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    topic: Mapped[str | None] = mapped_column(String(300), nullable=True)
    cadence: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (CheckConstraint("cadence IN ('daily', 'weekly')", name="cadence"),)


class DmLedgerRow(Base):
    """One DM digest per user and period ('2026-03-02' daily, '2026-W10' weekly), claimed before sending."""

    __tablename__ = "dm_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(16))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    local_date: Mapped[date] = mapped_column(Date)
    paper_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    cycle: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("user_id", "period"),
        CheckConstraint("status IN ('claimed', 'posted', 'failed')", name="status"),
    )
