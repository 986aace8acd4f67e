"""The outbox: where the core sends posts, DMs and reminders, whatever front end is attached.

The core services are built before Discord connects, so they are given this stand-in; the Discord client
attaches the real publisher in `setup_hook`. Until then (or in the CLI) every send fails with a transient
DeliveryError, which the digest and reminder ledgers treat as "release the claim and retry later".
"""

from __future__ import annotations

from typing import Protocol

from bot.corpus.model import Paper
from bot.digest.ports import DigestPublisher
from bot.digest.post import DigestPost, WeeklyDigest
from bot.errors import DeliveryError
from bot.following.ports import FollowPublisher
from bot.readinggroup.models import Session
from bot.readinggroup.reminding import ReminderPublisher


class Publisher(DigestPublisher, ReminderPublisher, FollowPublisher, Protocol):
    """Everything a front end must deliver for the core."""


class Outbox:
    """Forwards to the attached Publisher; raises DeliveryError while none is attached."""

    def __init__(self) -> None:
        self._target: Publisher | None = None

    def attach(self, target: Publisher | None) -> None:
        """Route sends to `target` (None detaches, e.g. when the bot closes)."""
        self._target = target

    def _publisher(self) -> Publisher:
        if self._target is None:
            raise DeliveryError("Not connected to Discord (yet); the post will be retried.")
        return self._target

    async def post_digest(self, channel_id: int, post: DigestPost) -> int:
        """Post the paper of the day in a channel; return the message id."""
        return await self._publisher().post_digest(channel_id, post)

    async def announce_paper(self, channel_id: int, paper: Paper) -> int:
        """Announce a followed author's new paper in a channel; return the message id."""
        return await self._publisher().announce_paper(channel_id, paper)

    async def notify_admins(self, channel_id: int, text: str) -> None:
        """Tell a server's admins about a problem, in their admin channel."""
        await self._publisher().notify_admins(channel_id, text)

    async def send_dm(self, user_id: int, message: DigestPost | WeeklyDigest) -> int:
        """DM a subscriber their digest; return the message id."""
        return await self._publisher().send_dm(user_id, message)

    async def send_reminder(
        self, channel_id: int, session: Session, ping_user_ids: tuple[int, ...], ping_role_id: int | None
    ) -> int:
        """Post a reading-group reminder pinging exactly the given user(s) and role."""
        return await self._publisher().send_reminder(channel_id, session, ping_user_ids, ping_role_id)
