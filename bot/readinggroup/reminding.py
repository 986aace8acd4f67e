"""Sending session reminders exactly once, on the same ledger principle as the digest.

For each due reminder (rule in `bot.readinggroup.reminders`): insert its ledger row (session, offset,
start) and commit — the *claim* — then post it. A failed post releases the claim so the next run tries
again; a crash between claim and post leaves the claim in place, so that one reminder is lost rather
than sent twice (a double ping of a whole role is the worse failure). Two bot instances race on the
unique key, and only one wins. The ledger is the store's (`ReadingGroupStore.claim_reminder` & co.);
posting is the `ReminderPublisher`'s (both ports in `bot.readinggroup.ports`).
"""

from __future__ import annotations

from datetime import datetime

from bot.errors import DeliveryError
from bot.readinggroup.context import ServiceContext
from bot.readinggroup.models import SessionStatus
from bot.readinggroup.ports import ReminderPublisher
from bot.readinggroup.reminders import DueReminder, due_offset, next_fire_time
from bot.readinggroup.results import ReminderOutcome
from bot.shards import EVERY_SERVER, Shards

__all__ = ["ReminderPublisher", "ReminderService"]


class ReminderService:
    """The reminder job's three steps: what is due, claim-and-send, and when to look next."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Share the service's dependencies."""
        self._ctx = ctx

    async def due(self, shards: Shards = EVERY_SERVER) -> list[DueReminder]:
        """The reminders to send now in `shards`' servers: pinging the presenter and the group's role only."""
        async with self._ctx.store.transaction() as tx:
            now = await self._ctx.settle(tx)
            by_guild = {x.guild_id: x for x in await tx.all_settings()}
            sessions = await tx.list_sessions(None, statuses=[SessionStatus.SCHEDULED])
            claimed = await tx.claimed_reminders([x.id for x in sessions])
        due = []
        for session in sessions:
            settings = by_guild.get(session.guild_id)
            if settings is None or not shards.owns(session.guild_id):
                continue
            taken = {
                offset for sid, offset, starts in claimed if sid == session.id and starts == session.starts_at
            }
            offset = due_offset(session, settings.reminder_offsets, now, taken)
            if offset is not None:
                pings = (session.presenter_id,) if session.presenter_id is not None else ()
                due.append(DueReminder(session, offset, settings.channel_id, pings, settings.role_id))
        return due

    async def next_at(self) -> datetime | None:
        """When the next reminder becomes due (for a scheduler that sleeps until then), if ever."""
        now = self._ctx.clock.now()
        async with self._ctx.store.transaction() as tx:
            by_guild = {x.guild_id: x for x in await tx.all_settings()}
            sessions = await tx.list_sessions(None, statuses=[SessionStatus.SCHEDULED], starts_after=now)
        fires = (
            next_fire_time(x, by_guild[x.guild_id].reminder_offsets, now)
            for x in sessions
            if x.guild_id in by_guild
        )
        return min((fire for fire in fires if fire is not None), default=None)

    async def claim_and_send(self, reminder: DueReminder, publisher: ReminderPublisher) -> ReminderOutcome:
        """Claim the reminder (committed), then send it; a failed send releases the claim."""
        if not await self._ctx.store.claim_reminder(reminder.key, self._ctx.clock.now()):
            return ReminderOutcome(reminder, "already_claimed")
        try:
            message_id = await publisher.send_reminder(
                reminder.channel_id, reminder.session, reminder.ping_user_ids, reminder.ping_role_id
            )
        except DeliveryError as exc:
            await self._ctx.store.release_reminder(reminder.key)
            return ReminderOutcome(reminder, "failed", error=exc)
        except Exception:
            await self._ctx.store.release_reminder(reminder.key)
            raise
        await self._ctx.store.mark_reminder_sent(reminder.key, message_id, self._ctx.clock.now())
        return ReminderOutcome(reminder, "sent", message_id=message_id)

    async def send_due(
        self, publisher: ReminderPublisher, shards: Shards = EVERY_SERVER
    ) -> list[ReminderOutcome]:
        """The reminder job: send everything due now in `shards`' servers; one failed post does not stop
        the others."""
        return [await self.claim_and_send(reminder, publisher) for reminder in await self.due(shards)]
