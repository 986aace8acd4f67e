"""Presenters: the roster, the fair rotation (`bot.readinggroup.rotation`), swap, skip and volunteering."""

from __future__ import annotations

from bot.errors import ReadingGroupError
from bot.readinggroup import rotation
from bot.readinggroup.context import ServiceContext
from bot.readinggroup.models import Session, SessionStatus
from bot.readinggroup.results import RosterRemoval, SkipResult


class PresenterService:
    """`/rg roster add|remove|list`, `/rg swap`, `/rg skip`, `/rg volunteer`."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Share the service's dependencies."""
        self._ctx = ctx

    async def add(self, guild_id: int, user_id: int) -> rotation.RotationSlot:
        """`/rg roster add`: the member joins the rotation (never presented → early in line)."""
        async with self._ctx.store.transaction() as tx:
            entry = await tx.add_to_roster(guild_id, user_id, self._ctx.clock.now())
            if entry is None:
                raise ReadingGroupError(
                    f"{self._ctx.wording.member(user_id)} is already on the presenter roster."
                )
            last = rotation.last_presentations(await tx.presenter_assignments(guild_id))
            return rotation.RotationSlot(entry, last.get(user_id))

    async def remove(self, guild_id: int, user_id: int) -> RosterRemoval:
        """`/rg roster remove`: their upcoming sessions keep them as presenter, and are listed."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            if not await tx.remove_from_roster(guild_id, user_id):
                raise ReadingGroupError(
                    f"{self._ctx.wording.member(user_id)} is not on the presenter roster."
                )
            upcoming = await tx.list_sessions(guild_id, statuses=[SessionStatus.SCHEDULED])
            return RosterRemoval(user_id, tuple(x for x in upcoming if x.presenter_id == user_id))

    async def roster(self, guild_id: int) -> list[rotation.RotationSlot]:
        """`/rg roster list`: the roster in rotation order (who presents next first)."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            last = rotation.last_presentations(await tx.presenter_assignments(guild_id))
            return rotation.rotation_order(await tx.list_roster(guild_id), last)

    async def swap(self, guild_id: int, session_a: int, session_b: int) -> tuple[Session, Session]:
        """`/rg swap`: exchange the presenters of two scheduled sessions."""
        if session_a == session_b:
            raise ReadingGroupError("Pick two different sessions to swap presenters.")
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            first = await self._ctx.scheduled(tx, guild_id, session_a)
            second = await self._ctx.scheduled(tx, guild_id, session_b)
            return (
                await tx.set_session_presenter(first.id, second.presenter_id),
                await tx.set_session_presenter(second.id, first.presenter_id),
            )

    async def skip(self, guild_id: int, session_id: int | None = None) -> SkipResult:
        """`/rg skip`: the session's presenter steps down; the next in rotation takes over.

        The skipped member keeps their place (their last presentation is unchanged), so they are first
        in line for the following session. With nobody else on the roster the session has no presenter.
        """
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            target = await self._ctx.scheduled(tx, guild_id, session_id)
            skipped = target.presenter_id
            if skipped is None:
                raise ReadingGroupError("That session has no presenter yet, so there is nobody to skip.")
            replacement = await self._ctx.rotation_pick(
                tx, guild_id, now, exclude={skipped}, moving=target.id
            )
            return SkipResult(await tx.set_session_presenter(target.id, replacement), skipped)

    async def volunteer(self, guild_id: int, user_id: int, session_id: int | None = None) -> Session:
        """`/rg volunteer`: present a session (default: the next) that has no presenter yet."""
        async with self._ctx.store.transaction() as tx:
            await self._ctx.settle(tx)
            target = await self._ctx.scheduled(tx, guild_id, session_id)
            if target.presenter_id == user_id:
                return target
            if target.presenter_id is not None:
                raise ReadingGroupError(
                    f"{self._ctx.wording.member(target.presenter_id)} is presenting that session. "
                    "Ask them to `/rg skip`, or trade sessions with `/rg swap`."
                )
            return await tx.set_session_presenter(target.id, user_id)
