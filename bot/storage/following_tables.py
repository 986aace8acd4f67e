"""Tables for following people on arXiv: what each server follows, where it announces, and the ledger of
announced papers. UNIQUE(guild_id, paper_key) on the ledger is what makes "announced once" hold across
restarts and processes (`bot.storage.ledger`). Changing this file means writing a migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.coltypes import UTCDateTime

FOLLOW_STATUSES = ("baseline", "claimed", "posted", "failed")


class FollowRow(Base):
    """One followed arXiv query of one server."""

    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    query: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(String(300))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("guild_id", "query"),)


class FollowChannelRow(Base):
    """Where a server's "New from the group" announcements go."""

    __tablename__ = "follow_channels"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger)


class FollowLedgerRow(Base):
    """One paper's announcement in one server: baseline (never announced), claimed, posted or failed."""

    __tablename__ = "follow_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    paper_key: Mapped[str] = mapped_column(String(200))
    paper_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("guild_id", "paper_key"),
        CheckConstraint("status IN ('baseline', 'claimed', 'posted', 'failed')", name="status"),
    )
