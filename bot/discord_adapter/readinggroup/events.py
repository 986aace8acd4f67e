"""A session's Discord Scheduled Event: created with the announcement, edited when the session moves or
changes, cancelled when the session is.

The event meets in the group's voice or stage channel when one is set (its entity type follows from the
channel), else it is an external event whose location is the room or the group's text channel. Callers
check `can_manage_events` first and turn a refusal from Discord into a sentence for the admin.
"""

from __future__ import annotations

import discord
from discord import EntityType

from bot.discord_adapter.readinggroup.render import event_details
from bot.readinggroup.models import GroupSettings, Session, SessionStatus

__all__ = ["can_manage_events", "create_event", "sync_event"]


def can_manage_events(guild: discord.Guild) -> bool:
    """Whether the bot may create and edit Discord Scheduled Events in `guild`."""
    me = guild.me
    return me is not None and me.guild_permissions.manage_events


async def create_event(session: Session, settings: GroupSettings, channel: discord.TextChannel) -> int:
    """Create the session's event in `channel`'s server; its id."""
    guild = channel.guild
    name, description, location = event_details(session, settings, channel.name)
    place = guild.get_channel(settings.location_channel_id) if settings.location_channel_id else None
    if isinstance(place, discord.VoiceChannel | discord.StageChannel):
        event = await guild.create_scheduled_event(
            name=name,
            description=description,
            start_time=session.starts_at,
            end_time=session.ends_at,
            channel=place,  # the entity type (voice or stage) follows from the channel
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    else:
        event = await guild.create_scheduled_event(
            name=name,
            description=description,
            start_time=session.starts_at,
            end_time=session.ends_at,
            entity_type=EntityType.external,
            location=location,
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    return event.id


async def sync_event(guild: discord.Guild, event_id: int, session: Session, settings: GroupSettings) -> None:
    """Bring the event in line with the session: cancel it with the session, else update name and time."""
    event = guild.get_scheduled_event(event_id) or await guild.fetch_scheduled_event(event_id)
    if session.status is SessionStatus.CANCELLED:
        if event.status is discord.EventStatus.scheduled:
            await event.cancel()
        return
    if session.status is not SessionStatus.SCHEDULED:
        return
    text = guild.get_channel(settings.channel_id)
    name, description, location = event_details(session, settings, text.name if text else None)
    if event.entity_type is EntityType.external:
        await event.edit(
            name=name,
            description=description,
            start_time=session.starts_at,
            end_time=session.ends_at,
            location=location,
        )
    else:
        await event.edit(
            name=name, description=description, start_time=session.starts_at, end_time=session.ends_at
        )
