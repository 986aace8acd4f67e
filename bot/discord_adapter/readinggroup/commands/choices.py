"""Autocomplete for `/rg` options: papers (or a pasted link), time zones, sessions and proposals.

Plain functions of the interaction and what was typed; the service comes from the client. Choice names
are plain text (Discord can't show timestamps there), at most 25 of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from zoneinfo import available_timezones

import discord
from discord import app_commands

from bot.discord_adapter.limits import AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX, clip
from bot.discord_adapter.papers import autocomplete
from bot.discord_adapter.readinggroup.interactions import paperbot, reading_group
from bot.discord_adapter.readinggroup.render import session_choice_name
from bot.errors import ReadingGroupError
from bot.readinggroup.models import Session
from bot.readinggroup.papers import looks_like_link

__all__ = ["any_session", "open_proposal", "paper_or_link", "timezone", "upcoming_session"]

Choices = list[app_commands.Choice[int]]


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _matching(named: Iterable[tuple[str, int]], current: str) -> Choices:
    """The (name, id) choices whose name contains what was typed ("#12" finds number 12)."""
    typed = current.strip().lower().lstrip("#")
    return [app_commands.Choice(name=n, value=i) for n, i in named if typed in n.lower()][
        :AUTOCOMPLETE_CHOICES_MAX
    ]


async def paper_or_link(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Corpus titles as the user types (matched in the worker pool); a pasted link is offered as itself."""
    app = paperbot(interaction).app
    choices = await app.offload(autocomplete.paper_choices, app.library.index, current)
    typed = current.strip()
    if looks_like_link(typed) and len(typed) <= autocomplete.VALUE_MAX:
        choices = [app_commands.Choice(name=clip(typed, CHOICE_NAME_MAX), value=typed), *choices]
    return choices[:AUTOCOMPLETE_CHOICES_MAX]


async def timezone(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """IANA zone names containing what was typed."""
    typed = current.strip().lower().replace(" ", "_")
    found = [zone for zone in _zones() if typed in zone.lower()]
    return [app_commands.Choice(name=z, value=z) for z in found[:AUTOCOMPLETE_CHOICES_MAX]]


async def _sessions(interaction: discord.Interaction, current: str, *, past: bool) -> Choices:
    if interaction.guild_id is None:
        return []
    rg = reading_group(interaction)
    try:
        settings = await rg.settings(interaction.guild_id)
    except ReadingGroupError:
        return []
    sessions: list[Session] = [v.session for v in await rg.sessions.upcoming(interaction.guild_id, 15)]
    if past:
        sessions += [e.session for e in await rg.memory.history(interaction.guild_id, 10)]
    return _matching(((session_choice_name(x, settings.zone), x.id) for x in sessions), current)


async def upcoming_session(interaction: discord.Interaction, current: str) -> Choices:
    """Scheduled sessions, soonest first."""
    return await _sessions(interaction, current, past=False)


async def any_session(interaction: discord.Interaction, current: str) -> Choices:
    """Scheduled sessions, then the latest past ones (for notes)."""
    return await _sessions(interaction, current, past=True)


async def open_proposal(interaction: discord.Interaction, current: str) -> Choices:
    """Open proposals."""
    if interaction.guild_id is None:
        return []
    proposals = await reading_group(interaction).proposals.open_proposals(interaction.guild_id)
    return _matching(
        ((clip(f"#{p.id} · {p.paper.title}", CHOICE_NAME_MAX), p.id) for p in proposals), current
    )
