"""Initial schema: server settings, paper-of-the-day settings and ledger, corpus first-seen, subscriptions.

Revision ID: 0001
Revises:
Create Date: 2026-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("admin_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("ask_channel_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name="pk_guild_settings"),
    )
    op.create_table(
        "digest_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("post_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekdays_only", sa.Boolean(), nullable=False),
        sa.Column("weekly_day", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=300), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column("paused_at", sa.DateTime(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "weekly_day IS NULL OR (weekly_day >= 0 AND weekly_day <= 6)", name="ck_digest_settings_weekly_day"
        ),
        sa.PrimaryKeyConstraint("guild_id", name="pk_digest_settings"),
    )
    op.create_table(
        "digest_ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("paper_id", sa.String(length=200), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pool_size", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('claimed', 'posted', 'failed')", name="ck_digest_ledger_status"),
        sa.PrimaryKeyConstraint("id", name="pk_digest_ledger"),
        sa.UniqueConstraint("guild_id", "local_date", name="uq_digest_ledger_guild_id_local_date"),
    )
    op.create_index("ix_digest_ledger_guild_cycle", "digest_ledger", ["guild_id", "cycle"])
    op.create_table(
        "corpus_papers",
        sa.Column("paper_id", sa.String(length=200), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("paper_id", name="pk_corpus_papers"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=True),
        sa.Column("cadence", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("cadence IN ('daily', 'weekly')", name="ck_subscriptions_cadence"),
        sa.PrimaryKeyConstraint("user_id", name="pk_subscriptions"),
    )
    op.create_index("ix_subscriptions_guild_id", "subscriptions", ["guild_id"])
    op.create_table(
        "dm_ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("paper_id", sa.String(length=200), nullable=True),
        sa.Column("cycle", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('claimed', 'posted', 'failed')", name="ck_dm_ledger_status"),
        sa.PrimaryKeyConstraint("id", name="pk_dm_ledger"),
        sa.UniqueConstraint("user_id", "period", name="uq_dm_ledger_user_id_period"),
    )


def downgrade() -> None:
    op.drop_table("dm_ledger")
    op.drop_index("ix_subscriptions_guild_id", table_name="subscriptions")
    op.drop_table("subscriptions")
    op.drop_table("corpus_papers")
    op.drop_index("ix_digest_ledger_guild_cycle", table_name="digest_ledger")
    op.drop_table("digest_ledger")
    op.drop_table("digest_settings")
    op.drop_table("guild_settings")
