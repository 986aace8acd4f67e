"""Papers people added, and the audit trail of who changed what.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Until now the corpus was only the corpus files. `added_papers` keeps the papers added from arXiv, a DOI
or a .bib (and overlays correcting a corpus-file paper), whole, as JSON; `paper_changes` records every
add, import, merge, edit and removal with who made it. Both are new tables: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create added_papers and paper_changes."""
    op.create_table(
        "added_papers",
        sa.Column("paper_id", sa.String(length=200), nullable=False),
        sa.Column("title_key", sa.String(length=600), nullable=False),
        sa.Column("overlay", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("paper_id", name="pk_added_papers"),
        sa.UniqueConstraint("title_key", name="uq_added_papers_title_key"),
    )
    op.create_table(
        "paper_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("paper_id", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "action IN ('add', 'import', 'merge', 'edit', 'remove')", name="ck_paper_changes_action"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_paper_changes"),
    )
    op.create_index("ix_paper_changes_paper_id", "paper_changes", ["paper_id"], unique=False)


def downgrade() -> None:
    """Drop both tables (the added papers and their history go with them)."""
    op.drop_index("ix_paper_changes_paper_id", table_name="paper_changes")
    op.drop_table("paper_changes")
    op.drop_table("added_papers")
