""":class:`FakeDiscord`: the server, assembled from its parts (one mixin per responsibility)."""

from __future__ import annotations

from .acting import UserInteractions, UserMessages
from .routes import (
    CommandRoutes,
    EventRoutes,
    GuildRoutes,
    InteractionRoutes,
    MessageRoutes,
    ThreadRoutes,
    UserRoutes,
)
from .runner import Server


class FakeDiscord(
    Server,
    UserRoutes,
    CommandRoutes,
    InteractionRoutes,
    MessageRoutes,
    ThreadRoutes,
    GuildRoutes,
    EventRoutes,
    UserMessages,
    UserInteractions,
):
    """The fake Discord server. Use via the ``fake_discord`` fixture, or ``async with FakeDiscord() as fake``.

    Everything the tests configure (guild model, privileged intents, permission enforcement, deadlines) is a
    plain attribute, read when needed, so it can be changed after start-up and before the bot connects.

    Where things are: the state and payloads in ``state.py``, waiting on recordings in ``recording.py``,
    REST dispatch and error injection in ``rest.py``, the gateway in ``gateway.py``, start/stop in
    ``runner.py``, the routes by area in ``routes/``, acting as users in ``acting/``. See tests/README.md.
    """
