"""The REST side of the server: each HTTP request is recorded, held or failed on demand (``hold_next``,
``fail_next``, ``rate_limit_next``), then routed to a handler whose answer (or :class:`DiscordAPIError`)
becomes the response. Also the fake CDN that serves attachments users posted.

Unknown routes answer 404 *and* land in ``fake.unhandled``, which fails the test at teardown.
See tests/README.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .recording import RecordedFile, RecordedRequest, Recording
from .routing import FakeRequest, FakeResponse, Handler, _Route, compile_route
from .wire import API_PREFIX, JSON, MISSING_PERMISSIONS, UNAUTHORIZED, ApiError, DiscordAPIError


@dataclass
class Injection:
    """A pending error injection created by :meth:`FakeDiscord.fail_next` / :meth:`rate_limit_next`."""

    method: str | None
    path: str
    status: int
    body: JSON
    headers: dict[str, str]
    remaining: int
    hits: list[RecordedRequest] = field(default_factory=list)

    def applies_to(self, request: RecordedRequest) -> bool:
        return self.remaining > 0 and request.matches(self.method, self.path)


@dataclass
class Hold:
    """Requests kept waiting for an answer, created by :meth:`FakeDiscord.hold_next`: a reply "in flight"
    for as long as the test wants. ``held`` lists them as they arrive (``status`` 0 until answered);
    ``release()`` lets them (and later matches) through to the normal handling."""

    method: str | None
    path: str
    remaining: int
    held: list[RecordedRequest] = field(default_factory=list)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def applies_to(self, request: RecordedRequest) -> bool:
        return self.remaining > 0 and request.matches(self.method, self.path)

    def release(self) -> None:
        self.remaining = 0
        self.released.set()


class RestDispatch(Recording):
    """Error injection, holds, custom routes, and the aiohttp handlers for REST and the CDN."""

    def fail_next(
        self,
        method: str | None,
        path: str,
        error: ApiError = MISSING_PERMISSIONS,
        *,
        times: int = 1,
        errors: JSON | None = None,
    ) -> Injection:
        """Make the next ``times`` requests matching (method, full-match path regex) fail with ``error``."""
        body = DiscordAPIError(error, errors).body()
        injection = Injection(method.upper() if method else None, path, error.status, body, {}, times)
        self.injections.append(injection)
        return injection

    def rate_limit_next(
        self,
        method: str | None,
        path: str,
        *,
        retry_after: float = 0.05,
        is_global: bool = False,
        times: int = 1,
    ) -> Injection:
        """Answer the next matching request(s) with a 429 shaped like Discord's (``Via``, JSON
        ``retry_after``, ``X-RateLimit-*``), which discord.py retries transparently after ``retry_after``.
        """
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "fake-" + secrets.token_hex(8),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        injection = Injection(method.upper() if method else None, path, 429, body, headers, times)
        self.injections.append(injection)
        return injection

    def hold_next(self, method: str | None, path: str, *, times: int = 1) -> Hold:
        """Keep the next ``times`` requests matching (method, full-match path regex) unanswered until
        ``hold.release()`` (or the fake stops); they are then handled as usual (injections included)."""
        hold = Hold(method.upper() if method else None, path, times)
        self.holds.append(hold)
        return hold

    def add_route(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        """Add (or override) a REST route; ``pattern`` is relative to /api/v10 (``{x}`` = digits,
        ``{x:str}`` = any segment). The handler gets a :class:`FakeRequest` and returns JSON data,
        None (204) or a :class:`FakeResponse`, or raises :class:`DiscordAPIError`.
        """
        self._custom_routes.insert(0, _Route(method.upper(), pattern, compile_route(pattern), handler, auth))

    # -- HTTP plumbing -------------------------------------------------------------------------------

    @staticmethod
    def _json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
        # Exactly "application/json": discord.py's json_or_text() compares the header verbatim.
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            content_type="application/json",
            headers=dict(headers or {}),
        )

    async def _read_body(self, request: web.Request, record: RecordedRequest) -> None:
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                data = await part.read(decode=False)  # type: ignore[union-attr]
                name = part.name or ""  # type: ignore[union-attr]
                if name == "payload_json":
                    record.json = json.loads(data)
                else:
                    record.files.append(
                        RecordedFile(
                            name,
                            part.filename,  # type: ignore[union-attr]
                            part.headers.get("Content-Type"),
                            bytes(data),
                        )
                    )
            return
        raw = await request.read()
        if not raw:
            return
        record.text = raw.decode("utf-8", "replace")
        with contextlib.suppress(ValueError):
            record.json = json.loads(raw)

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        full_path = request.path
        is_api = full_path.startswith(API_PREFIX + "/")
        path = full_path[len(API_PREFIX) :] if is_api else full_path
        record = RecordedRequest(request.method, path, dict(request.query), dict(request.headers))
        try:
            await self._read_body(request, record)
        except Exception as exc:  # malformed body: that's a client bug worth failing on
            self.errors.append(f"could not parse body of {request.method} {full_path}: {exc!r}")
        self.requests.append(record)
        try:
            return await self._dispatch_rest(record, is_api)
        finally:
            self._notify()

    async def _dispatch_rest(self, record: RecordedRequest, is_api: bool) -> web.StreamResponse:
        for hold in self.holds:
            if hold.applies_to(record):
                hold.remaining -= 1
                hold.held.append(record)
                self._notify()
                await hold.released.wait()
                break
        for injection in self.injections:
            if injection.applies_to(record):
                injection.remaining -= 1
                injection.hits.append(record)
                record.injected = True
                record.status, record.response = injection.status, injection.body
                return self._json_response(injection.status, injection.body, injection.headers)
        found: tuple[_Route, re.Match[str]] | None = None
        if is_api:
            for candidate in (*self._custom_routes, *self._routes):
                if candidate.method != record.method:
                    continue
                match = candidate.regex.fullmatch(record.path)
                if match:
                    found = (candidate, match)
                    break
        if found is None:
            self.unhandled.append(record)
            record.status = 404
            record.response = {
                "message": f"404: Not Found (fake has no route for {record.method} {record.path})",
                "code": 0,
            }
            return self._json_response(404, record.response)
        matched, match = found
        record.route = matched.pattern
        try:
            if matched.auth and record.headers.get("Authorization") != f"Bot {self.token}":
                raise DiscordAPIError(UNAUTHORIZED)
            fake_request = FakeRequest(
                record.method,
                record.path,
                match.groupdict(),
                record.query,
                record.json,
                record.files,
                record.headers,
                record,
            )
            result = await matched.handler(fake_request)
        except DiscordAPIError as exc:
            record.status, record.response = exc.error.status, exc.body()
            return self._json_response(exc.error.status, record.response)
        except Exception as exc:
            # A bug in the fake (or a payload it cannot digest). Answer 400, not 500: discord.py retries
            # 5xx with multi-second sleeps. The teardown check reports the traceback.
            self.errors.append(
                f"fake route {matched.pattern} crashed on {record}: {exc!r}\n{traceback.format_exc()}"
            )
            record.status = 400
            record.response = {"message": f"fake internal error: {exc!r}", "code": 0}
            return self._json_response(400, record.response)
        if isinstance(result, FakeResponse):
            record.status, record.response = result.status, result.body
            if result.body is None:
                return web.Response(status=result.status, headers=result.headers)
            return self._json_response(result.status, result.body, result.headers)
        if result is None:
            record.status = 204
            return web.Response(status=204)
        record.status, record.response = 200, result
        return self._json_response(200, result)

    async def _cdn_handler(self, request: web.Request) -> web.StreamResponse:
        record = RecordedRequest(request.method, request.path, dict(request.query), dict(request.headers))
        self.requests.append(record)
        self._notify()
        attachment = self.cdn.get(request.path)
        if attachment is None:
            self.unhandled.append(record)
            record.status = 404
            return web.Response(status=404)
        record.status = 200
        return web.Response(body=attachment.data, content_type=attachment.content_type)
