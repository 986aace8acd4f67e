"""The REST routing table: the ``@route`` decorator that registers a built-in route, what a handler
receives (:class:`FakeRequest`) and may return (:class:`FakeResponse`), and the pattern syntax.

Built-in routes are methods of the route mixins in ``routes/``; tests add or override routes with
``FakeDiscord.add_route``. See tests/README.md ("Adding a route").
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .wire import JSON

if TYPE_CHECKING:
    from .recording import RecordedFile, RecordedRequest

T = TypeVar("T")

_ROUTES: list[tuple[str, str, str, bool]] = []


def route(method: str, pattern: str, *, auth: bool = True) -> Callable[[T], T]:
    """Register a built-in REST route (pattern is relative to /api/v10)."""

    def decorate(func: T) -> T:
        _ROUTES.append((method, pattern, func.__name__, auth))  # type: ignore[attr-defined]
        return func

    return decorate


@dataclass
class FakeRequest:
    """What a route handler receives."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    headers: dict[str, str]
    record: RecordedRequest

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    @property
    def body(self) -> JSON:
        return self.json if isinstance(self.json, dict) else {}


@dataclass
class FakeResponse:
    """An explicit response from a handler (handlers may also return JSON data, or None for 204)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[FakeRequest], Awaitable[Any]]


@dataclass
class _Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool


def compile_route(pattern: str) -> re.Pattern[str]:
    """Route pattern → regex: ``{x}`` matches digits (a snowflake), ``{x:str}`` any one path segment."""

    def repl(match: re.Match[str]) -> str:
        name, _, kind = match.group(1).partition(":")
        return f"(?P<{name}>[^/]+)" if kind == "str" else f"(?P<{name}>\\d+)"

    return re.compile(re.sub(r"\{([^}]+)\}", repl, pattern))
