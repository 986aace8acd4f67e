"""Tables for papers people added (`/paper add`, `paperbot add`, imports) and the audit trail of changes.

A stored paper is kept whole, as the Paper's JSON, so a field added to the model later needs no
migration; the columns beside it are what the database must decide on its own: the id (primary key) and
the normalised title (unique), so two processes adding one paper at once cannot both store it. The audit
trail is append-only and outlives the paper (a removal is a row too). Changing this file means writing a
migration in `migrations/versions/`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.coltypes import UTCDateTime

CHANGE_ACTIONS = ("add", "import", "merge", "edit", "remove")


class AddedPaperRow(Base):
    """One stored paper: added (a paper of its own) or an overlay correcting a corpus-file paper."""

    __tablename__ = "added_papers"

    paper_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title_key: Mapped[str] = mapped_column(String(600), unique=True)
    overlay: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PaperChangeRow(Base):
    """One change to the stored papers: who, what, when (append-only)."""

    __tablename__ = "paper_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paper_id: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("action IN ('add', 'import', 'merge', 'edit', 'remove')", name="action"),
    )
