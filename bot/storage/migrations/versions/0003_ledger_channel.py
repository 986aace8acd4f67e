"""Paper-of-the-day ledger: remember the channel each post went to.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

`/digest history` links to each post; without the channel it could only use the one configured now, so
links broke after a channel change. The column is nullable: rows written before this revision have no
channel, and readers fall back to the server's current channel for them (there is no way to recover it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add digest_ledger.channel_id (NULL for existing rows)."""
    op.add_column("digest_ledger", sa.Column("channel_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop digest_ledger.channel_id (SQLite 3.35+ drops a plain column in place)."""
    op.drop_column("digest_ledger", "channel_id")
