"""Shared test data and fakes for the reading-group tests (fixtures are in conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.corpus.model import Paper
from bot.discord_adapter.readinggroup.text import DISCORD_WORDING
from bot.errors import DeliveryError
from bot.readinggroup.models import Session
from bot.readinggroup.service import ReadingGroupService
from bot.storage.database import Database
from bot.storage.readinggroup_repo import SqlReadingGroupStore

GUILD = 1001
CHANNEL = 2002
ROLE = 3003
ALICE, BOB, CAROL, DAVE = 11, 12, 13, 14

# Monday 2 March 2026, 08:00 UTC (09:00 in Zurich). The group meets Thursdays 16:00 Europe/Zurich:
# Thu 5 March 16:00 CET is 15:00 UTC; after the switch to summer time on 29 March it is 14:00 UTC.
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

PAPERS = {
    p.id: p
    for p in (
        Paper(
            id="2302.11520",
            title="Random Teachers are Good Teachers",
            authors=("Felix Sarnthein", "Gregor Bachmann"),
            published=date(2023, 2, 23),
            categories=("LG",),
            abstract="We investigate the implicit regularization induced by teacher-student learning "
            "dynamics in self-distillation, with teachers at random initialization.",
        ),
        Paper(
            id="2306.17759",
            title="The Shaped Transformer: Attention Models in the Infinite Depth-and-Width Limit",
            authors=("Lorenzo Noci", "Chuning Li"),
            published=date(2023, 6, 30),
            categories=("ML",),
            abstract="We study the covariance matrix of a modified softmax-based attention model with skip "
            "connections in the proportional limit of infinite depth and width.",
        ),
        Paper(
            id="2304.05816",
            title="CLIP-Guided Vision-Language Pre-training for Question Answering in 3D Scenes",
            authors=("Maria Parelli", "Alexandros Delitzas"),
            published=date(2023, 4, 12),
            categories=("CV",),
            abstract="A 3D pre-training vision-language method aligning point cloud features with CLIP.",
        ),
    )
}


class FakePublisher:
    """Records every reminder it is asked to post; can be told to fail the next posts."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int, tuple[int, ...], int | None]] = []
        self.fail_with: BaseException | None = None
        self._next_id = 900

    async def send_reminder(
        self, channel_id: int, session: Session, ping_user_ids: tuple[int, ...], ping_role_id: int | None
    ) -> int:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append((channel_id, session.id, ping_user_ids, ping_role_id))
        self._next_id += 1
        return self._next_id


def missing_access() -> DeliveryError:
    """What the Discord layer raises when the bot lost access to the channel."""
    return DeliveryError("Missing Access: the bot can't post in #reading-group.", code=50001)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.as_posix()}"


async def open_copy(url: str) -> Database:
    """Open a copy of the migrated template (the migrations already ran on the template)."""
    return await Database.open(url, migrate=False)


def make_service(db: Database, clock: ManualClock) -> ReadingGroupService:
    """The service as the bot wires it (refusals worded for Discord), with the tiny corpus (no history
    index unless a test adds one)."""
    return ReadingGroupService(
        SqlReadingGroupStore(db.transaction),
        clock,
        lookup=PAPERS.get,
        default_timezone="UTC",
        wording=DISCORD_WORDING,
    )
