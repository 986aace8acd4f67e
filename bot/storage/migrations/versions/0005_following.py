"""Following people on arXiv: follows, announcement channels and the announcement ledger.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

New tables only. `follow_ledger` has UNIQUE(guild_id, paper_key): a paper is announced at most once per
server, across restarts and processes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create follows, follow_channels and follow_ledger."""
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("query", sa.String(length=300), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_follows"),
        sa.UniqueConstraint("guild_id", "query", name="uq_follows_guild_id_query"),
    )
    op.create_table(
        "follow_channels",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name="pk_follow_channels"),
    )
    op.create_table(
        "follow_ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("paper_key", sa.String(length=200), nullable=False),
        sa.Column("paper_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('baseline', 'claimed', 'posted', 'failed')", name="ck_follow_ledger_status"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ledger"),
        sa.UniqueConstraint("guild_id", "paper_key", name="uq_follow_ledger_guild_id_paper_key"),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("follow_ledger")
    op.drop_table("follow_channels")
    op.drop_table("follows")
