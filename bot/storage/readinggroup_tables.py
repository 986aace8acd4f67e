"""Reading-group tables. They share `Base.metadata`, so Alembic's env.py sees them with the rest.

Migration 0002_reading_group creates exactly these tables; a test compares the two. Two partial unique
indexes carry business rules the code also checks, so a race between two clicks cannot break them:
one live (open or selected) proposal per paper per server, and one open ballot per server. The
reminder ledger's unique key (session, offset, start time) is what makes reminders exactly-once.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.coltypes import UTCDateTime

LIVE_PROPOSAL = "status IN ('open', 'selected')"
OPEN_BALLOT = "status = 'open'"


def _unique_where(name: str, *columns: str, where: str) -> Index:
    """A partial unique index (SQLite and PostgreSQL): `columns` unique among the rows matching `where`."""
    return Index(name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where))


class RgSettingsRow(Base):
    """One server's reading-group setup."""

    __tablename__ = "rg_settings"
    __table_args__ = (CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),)

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    role_id: Mapped[int | None] = mapped_column(BigInteger)
    location: Mapped[str | None] = mapped_column(String(200))
    location_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    reminder_offsets: Mapped[str] = mapped_column(String(200))  # "1440,60": minutes, comma-separated
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RgProposalRow(Base):
    """A paper proposed for a session."""

    __tablename__ = "rg_proposals"
    __table_args__ = (
        _unique_where("ix_rg_proposals_live_key", "guild_id", "dedupe_key", where=LIVE_PROPOSAL),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    paper_id: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500))
    dedupe_key: Mapped[str] = mapped_column(String(2100))
    proposer_id: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RgBallotRow(Base):
    """A ballot among proposals for one upcoming session."""

    __tablename__ = "rg_ballots"
    __table_args__ = (_unique_where("ix_rg_ballots_one_open", "guild_id", where=OPEN_BALLOT),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    target_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    winner_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("rg_proposals.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(BigInteger)


class RgBallotOptionRow(Base):
    """A proposal on a ballot, in button order (fixed when the ballot is posted)."""

    __tablename__ = "rg_ballot_options"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("rg_ballots.id"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("rg_proposals.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class RgVoteRow(Base):
    """A member's current vote; the primary key makes it one per member per ballot."""

    __tablename__ = "rg_votes"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("rg_ballots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("rg_proposals.id"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RgSessionRow(Base):
    """One meeting."""

    __tablename__ = "rg_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    paper_id: Mapped[str | None] = mapped_column(String(200))
    paper_title: Mapped[str | None] = mapped_column(String(500))
    paper_url: Mapped[str | None] = mapped_column(String(2000))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("rg_proposals.id"))
    presenter_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    time_set_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    announcement_message_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    scheduled_event_id: Mapped[int | None] = mapped_column(BigInteger)


class RgRsvpRow(Base):
    """A member's RSVP to a session; one per member per session."""

    __tablename__ = "rg_rsvps"

    session_id: Mapped[int] = mapped_column(ForeignKey("rg_sessions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    choice: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RgRosterRow(Base):
    """A member of the presenter rotation."""

    __tablename__ = "rg_roster"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RgNoteRow(Base):
    """Notes attached to a session."""

    __tablename__ = "rg_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("rg_sessions.id"), index=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RgReminderRow(Base):
    """The reminder ledger: a row is claimed (inserted and committed) before the reminder is sent."""

    __tablename__ = "rg_reminders"
    __table_args__ = (UniqueConstraint("session_id", "offset_minutes", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("rg_sessions.id"))
    offset_minutes: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)


READING_GROUP_TABLES = tuple(
    model.__table__
    for model in (
        RgSettingsRow,
        RgProposalRow,
        RgBallotRow,
        RgBallotOptionRow,
        RgVoteRow,
        RgSessionRow,
        RgRsvpRow,
        RgRosterRow,
        RgNoteRow,
        RgReminderRow,
    )
)
"""Every reading-group table, in creation order (for tests that create only these)."""
