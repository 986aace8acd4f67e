"""What the bot answered: :class:`Reply` (a snapshot of a message, with conveniences for assertions) and
:class:`InteractionHandle` (an interaction a test created, and everything the bot answered to it).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .wire import DEFAULT_WAIT, JSON, MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING

if TYPE_CHECKING:
    from .recording import RecordedFile, Recording
    from .world import FakeChannel, FakeUser


def walk_components(components: Iterable[JSON]) -> Iterable[JSON]:
    """Every component, depth first: action rows, V2 containers/sections and their accessories."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


@dataclass
class Reply:
    """A snapshot of a message as Discord stores it, with conveniences for assertions.

    Snapshots don't change when the bot edits the message later: fetch again (``handle.original``,
    ``fake.messages[id]``) to see the current state. Acting on it (``fake.click(reply, ...)``) always
    uses the current state, as a user would see it.
    """

    message: JSON
    source: str = "message"

    @property
    def id(self) -> int:
        return int(self.message["id"])

    @property
    def channel_id(self) -> int:
        return int(self.message["channel_id"])

    @property
    def content(self) -> str:
        return str(self.message.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.message.get("embeds") or [])

    @property
    def embed(self) -> JSON | None:
        return self.embeds[0] if self.embeds else None

    @property
    def components(self) -> list[JSON]:
        return list(self.message.get("components") or [])

    @property
    def attachments(self) -> list[JSON]:
        return list(self.message.get("attachments") or [])

    @property
    def flags(self) -> int:
        return int(self.message.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MESSAGE_FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & MESSAGE_FLAG_LOADING)

    def all_components(self) -> list[JSON]:
        return list(walk_components(self.components))

    def component(self, custom_id: str) -> JSON:
        for component in self.all_components():
            if component.get("custom_id") == custom_id:
                return component
        raise KeyError(f"no component with custom_id {custom_id!r} in message {self.id}")

    def buttons(self) -> list[JSON]:
        return [c for c in self.all_components() if c.get("type") == 2]

    def text(self) -> str:
        """Content plus every embed's title/description/fields/footer: handy for ``in`` assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        for component in self.all_components():
            if component.get("type") == 10:  # V2 text display
                parts.append(component.get("content") or "")
        return "\n".join(p for p in parts if p)


class InteractionHandle:
    """An interaction the test created, and everything the bot answered to it.

    Discord semantics the fake reproduces: the callback may be answered once, within the deadline; a
    DEFERRED (type 5) response creates a *loading* message that ``PATCH @original`` or the *first followup*
    replaces (keeping the defer's ephemeral flag); type 6/7 target the message the component is on.
    """

    def __init__(self, fake: Recording, payload: JSON, channel: FakeChannel, user: FakeUser) -> None:
        self.fake = fake
        self.payload = payload
        self.channel = channel
        self.user = user
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.created = time.monotonic()
        self.callback: JSON | None = None
        self.callback_files: list[RecordedFile] = []
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self.edits: list[JSON] = []
        self.deleted_original = False

    def __repr__(self) -> str:
        name = (self.payload.get("data") or {}).get("name") or (self.payload.get("data") or {}).get(
            "custom_id"
        )
        return f"<InteractionHandle id={self.id} type={self.type} {name!r} callback={self.callback_type}>"

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback["type"])

    @property
    def original(self) -> Reply | None:
        """The current state of ``@original`` (None before the callback, or after it was deleted)."""
        if self.original_id is None or self.original_id not in self.fake.messages:
            return None
        return Reply(copy.deepcopy(self.fake.messages[self.original_id]), "original")

    @property
    def followups(self) -> list[Reply]:
        return [
            Reply(copy.deepcopy(self.fake.messages[i]), "followup")
            for i in self.followup_ids
            if i in self.fake.messages
        ]

    async def wait_callback(self, *, within: float = DEFAULT_WAIT) -> JSON:
        """The callback body ``{"type": ..., "data": ...}`` once the bot answered."""
        return await self.fake.wait_until(
            lambda: self.callback, within=within, what=f"a callback to {self!r}"
        )

    async def reply(self, *, within: float = DEFAULT_WAIT) -> Reply:
        """The first user-visible answer: the original once it is no longer loading (type 4/7, or a defer
        resolved by an edit/first followup); for a type-6 defer, the edited message or first new followup.
        """

        def probe() -> Reply | None:
            if self.callback is None:
                return None
            original = self.original
            if self.callback_type == 6:
                if self.edits and original is not None:
                    return original
                return self.followups[0] if self.followups else None
            if original is not None and not original.loading:
                return original
            return None

        return await self.fake.wait_until(probe, within=within, what=f"a reply to {self!r}")

    async def followup(self, index: int = 0, *, within: float = DEFAULT_WAIT) -> Reply:
        """The ``index``-th followup that created a new message."""

        def probe() -> Reply | None:
            followups = self.followups
            return followups[index] if len(followups) > index else None

        return await self.fake.wait_until(probe, within=within, what=f"followup #{index} of {self!r}")

    async def edited(self, count: int = 1, *, within: float = DEFAULT_WAIT) -> Reply:
        """The original after at least ``count`` edits (PATCH @original or a defer-resolving followup)."""

        def probe() -> Reply | None:
            return self.original if len(self.edits) >= count else None

        return await self.fake.wait_until(probe, within=within, what=f"{count} edit(s) of {self!r}")

    async def choices(self, *, within: float = DEFAULT_WAIT) -> list[JSON]:
        """The autocomplete choices (callback type 8)."""
        body = await self.wait_callback(within=within)
        if body["type"] != 8:
            raise AssertionError(f"expected an autocomplete result (type 8), got {body}")
        return list((body.get("data") or {}).get("choices") or [])

    async def modal(self, *, within: float = DEFAULT_WAIT) -> JSON:
        """The modal the bot opened (callback type 9 data)."""
        body = await self.wait_callback(within=within)
        if body["type"] != 9:
            raise AssertionError(f"expected a modal (type 9), got {body}")
        return dict(body.get("data") or {})
