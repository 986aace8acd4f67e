"""The built-in REST routes, one mixin of :class:`~tests.fake_discord.FakeDiscord` per area.

Importing a module registers its ``@route`` methods. Built-in patterns never overlap (their ``{x}`` parts
match digits only), so the order they are tried in does not matter; routes added with
``FakeDiscord.add_route`` are tried first. See tests/README.md ("Adding a route").
"""

from .commands import CommandRoutes
from .events import EventRoutes
from .guilds import GuildRoutes
from .interactions import InteractionRoutes
from .messages import MessageRoutes
from .threads import ThreadRoutes
from .users import UserRoutes

__all__ = [
    "CommandRoutes",
    "EventRoutes",
    "GuildRoutes",
    "InteractionRoutes",
    "MessageRoutes",
    "ThreadRoutes",
    "UserRoutes",
]
