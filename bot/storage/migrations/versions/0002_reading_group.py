"""Reading group: settings, proposals, ballots and votes, sessions, RSVPs, roster, notes, reminder ledger.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-02

Written by hand to match bot/storage/readinggroup_tables.py (a test compares them); constraint names
follow the naming convention in bot/storage/base.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LIVE_PROPOSAL = "status IN ('open', 'selected')"
OPEN_BALLOT = "status = 'open'"


def upgrade() -> None:
    """Create the reading-group tables."""
    op.create_table(
        "rg_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("location_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("reminder_offsets", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="ck_rg_settings_weekday_range"),
        sa.PrimaryKeyConstraint("guild_id", name="pk_rg_settings"),
    )
    op.create_table(
        "rg_proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("paper_id", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("dedupe_key", sa.String(length=2100), nullable=False),
        sa.Column("proposer_id", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rg_proposals"),
    )
    op.create_index("ix_rg_proposals_guild_id", "rg_proposals", ["guild_id"])
    op.create_index(
        "ix_rg_proposals_live_key",
        "rg_proposals",
        ["guild_id", "dedupe_key"],
        unique=True,
        sqlite_where=sa.text(LIVE_PROPOSAL),
        postgresql_where=sa.text(LIVE_PROPOSAL),
    )
    op.create_table(
        "rg_ballots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("target_starts_at", sa.DateTime(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("winner_proposal_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["winner_proposal_id"], ["rg_proposals.id"], name="fk_rg_ballots_winner_proposal_id_rg_proposals"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rg_ballots"),
    )
    op.create_index(
        "ix_rg_ballots_one_open",
        "rg_ballots",
        ["guild_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_BALLOT),
        postgresql_where=sa.text(OPEN_BALLOT),
    )
    op.create_table(
        "rg_ballot_options",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["rg_ballots.id"], name="fk_rg_ballot_options_ballot_id_rg_ballots"),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["rg_proposals.id"], name="fk_rg_ballot_options_proposal_id_rg_proposals"
        ),
        sa.PrimaryKeyConstraint("ballot_id", "proposal_id", name="pk_rg_ballot_options"),
    )
    op.create_table(
        "rg_votes",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["rg_ballots.id"], name="fk_rg_votes_ballot_id_rg_ballots"),
        sa.ForeignKeyConstraint(["proposal_id"], ["rg_proposals.id"], name="fk_rg_votes_proposal_id_rg_proposals"),
        sa.PrimaryKeyConstraint("ballot_id", "user_id", name="pk_rg_votes"),
    )
    op.create_table(
        "rg_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.String(length=200), nullable=True),
        sa.Column("paper_title", sa.String(length=500), nullable=True),
        sa.Column("paper_url", sa.String(length=2000), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("presenter_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("time_set_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("announcement_message_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("scheduled_event_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["proposal_id"], ["rg_proposals.id"], name="fk_rg_sessions_proposal_id_rg_proposals"),
        sa.PrimaryKeyConstraint("id", name="pk_rg_sessions"),
    )
    op.create_index("ix_rg_sessions_guild_id", "rg_sessions", ["guild_id"])
    op.create_index("ix_rg_sessions_starts_at", "rg_sessions", ["starts_at"])
    op.create_table(
        "rg_rsvps",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["rg_sessions.id"], name="fk_rg_rsvps_session_id_rg_sessions"),
        sa.PrimaryKeyConstraint("session_id", "user_id", name="pk_rg_rsvps"),
    )
    op.create_table(
        "rg_roster",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name="pk_rg_roster"),
    )
    op.create_table(
        "rg_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["rg_sessions.id"], name="fk_rg_notes_session_id_rg_sessions"),
        sa.PrimaryKeyConstraint("id", name="pk_rg_notes"),
    )
    op.create_index("ix_rg_notes_session_id", "rg_notes", ["session_id"])
    op.create_table(
        "rg_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["rg_sessions.id"], name="fk_rg_reminders_session_id_rg_sessions"),
        sa.PrimaryKeyConstraint("id", name="pk_rg_reminders"),
        sa.UniqueConstraint(
            "session_id", "offset_minutes", "starts_at", name="uq_rg_reminders_session_id_offset_minutes_starts_at"
        ),
    )


def downgrade() -> None:
    """Drop the reading-group tables (children first)."""
    op.drop_table("rg_reminders")
    op.drop_index("ix_rg_notes_session_id", table_name="rg_notes")
    op.drop_table("rg_notes")
    op.drop_table("rg_roster")
    op.drop_table("rg_rsvps")
    op.drop_index("ix_rg_sessions_starts_at", table_name="rg_sessions")
    op.drop_index("ix_rg_sessions_guild_id", table_name="rg_sessions")
    op.drop_table("rg_sessions")
    op.drop_table("rg_votes")
    op.drop_table("rg_ballot_options")
    op.drop_index("ix_rg_ballots_one_open", table_name="rg_ballots")
    op.drop_table("rg_ballots")
    op.drop_index("ix_rg_proposals_live_key", table_name="rg_proposals")
    op.drop_index("ix_rg_proposals_guild_id", table_name="rg_proposals")
    op.drop_table("rg_proposals")
    op.drop_table("rg_settings")
