"""A loopback fake of arXiv's API and Crossref's REST API, serving recorded response shapes.

It runs an aiohttp server on 127.0.0.1 in a thread of its own, so both async tests and the synchronous
`paperbot add` command (which runs its own event loop) can talk to it. Point the clients at it with
`sources.arxiv_api = fake.arxiv_api` and `sources.crossref_api = fake.crossref_api`.

What it answers, shaped as the real services answer (fixtures/ holds the recorded shapes; the papers in
them are invented):
- `GET /api/query?id_list=ID`: a feed with that entry if known, an empty feed (totalResults 1, no entry)
  if unknown, and arXiv's "Error" entry for a malformed id;
- `GET /api/query?search_query=au:NAME`: the known entries with an author whose surname is NAME;
- `GET /api/query?search_query=ti:"WORDS"`: the known entries whose title has all those words;
- `GET /works/DOI`: Crossref's `{"status":"ok","message":{…}}`, or 404 with "Resource not found.";
- anything queued with `fake.script(service, reply)` first, in order: 429/503 with Retry-After, a
  malformed feed, plain-text "Rate exceeded.", …
Every request is recorded (path, query, User-Agent) so tests can check what was asked and how politely.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

from aiohttp import web

FIXTURES = Path(__file__).with_name("fixtures")
Service = Literal["arxiv", "crossref"]
_VALID_ID = re.compile(r"\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?")


@dataclass(frozen=True)
class Reply:
    """A scripted reply: status, body, headers."""

    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/atom+xml"


@dataclass(frozen=True)
class Request:
    """One request the fake received."""

    service: Service
    path: str
    query: dict[str, str]
    user_agent: str


def feed(entries: list[str], query: str = "", total: int | None = None) -> str:
    """An arXiv API feed around `entries` (entry XML fragments)."""
    head = (FIXTURES / "feed_head.xml").read_text(encoding="utf-8")
    count = len(entries) if total is None else total
    shown = html.escape(query, quote=True)
    return head.replace("{query}", shown).replace("{total}", str(count)) + "".join(entries) + "</feed>\n"


def arxiv_entry(arxiv_id: str) -> str:
    """The recorded entry for `arxiv_id` (fixtures/arxiv_<id with / as _>.xml)."""
    return (FIXTURES / f"arxiv_{arxiv_id.replace('/', '_')}.xml").read_text(encoding="utf-8")


def crossref_work(doi: str) -> dict[str, Any]:
    """The recorded Crossref reply for `doi` (fixtures/crossref_<doi with / as _>.json)."""
    data: dict[str, Any] = json.loads(
        (FIXTURES / f"crossref_{doi.replace('/', '_')}.json").read_text(encoding="utf-8")
    )
    return data


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _title_of(entry: str) -> str:
    match = re.search(r"<title>(.*?)</title>", entry, re.DOTALL)
    return match.group(1) if match else ""


class FakeSources:
    """The fake's state: known papers, scripted replies, the requests seen. Start with `start()`."""

    def __init__(self) -> None:
        self.arxiv: dict[str, str] = {
            "2302.11563": arxiv_entry("2302.11563"),
            "2302.12091": arxiv_entry("2302.12091"),
            "hep-th/9901001": arxiv_entry("hep-th/9901001"),
        }
        self.crossref: dict[str, dict[str, Any]] = {
            doi.lower(): crossref_work(doi)
            for doi in ("10.1145/3292500.3330701", "10.5555/year-only", "10.5555/no-title")
        }
        self.requests: list[Request] = []
        self._scripts: dict[Service, deque[Reply]] = {"arxiv": deque(), "crossref": deque()}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def arxiv_api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/query"

    @property
    def crossref_api(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, service: Service, *replies: Reply) -> None:
        """Answer the next requests to `service` with `replies`, in order, before the normal answers."""
        self._scripts[service].extend(replies)

    def requests_to(self, service: Service) -> list[Request]:
        return [r for r in self.requests if r.service == service]

    # --- serving ---------------------------------------------------------------------------------------

    def _record(self, service: Service, request: web.Request) -> Reply | None:
        self.requests.append(
            Request(service, request.path, dict(request.query), request.headers.get("User-Agent", ""))
        )
        scripted = self._scripts[service]
        return scripted.popleft() if scripted else None

    @staticmethod
    def _respond(reply: Reply) -> web.Response:
        return web.Response(
            status=reply.status, text=reply.body, headers=reply.headers, content_type=reply.content_type
        )

    async def _arxiv_handler(self, request: web.Request) -> web.Response:
        if (scripted := self._record("arxiv", request)) is not None:
            return self._respond(scripted)
        if id_list := request.query.get("id_list"):
            entries = []
            for wanted in id_list.split(","):
                if not _VALID_ID.fullmatch(wanted):
                    error = (FIXTURES / "arxiv_error_entry.xml").read_text(encoding="utf-8")
                    entries.append(error.replace("{query}", wanted))
                elif (entry := self.arxiv.get(re.sub(r"v\d+$", "", wanted))) is not None:
                    entries.append(entry)
            # arXiv reports totalResults 1 for an unknown id, with no entry at all.
            return self._respond(Reply(body=feed(entries, id_list, total=max(1, len(entries)))))
        query = request.query.get("search_query", "")
        if query.startswith("ti:"):  # a title phrase: entries whose title has all its words
            words = set(_words(query.removeprefix("ti:")))
            entries = [e for e in self.arxiv.values() if words <= set(_words(_title_of(e)))]
            return self._respond(Reply(body=feed(entries, query)))
        surname = query.removeprefix("au:").split("_")[0].strip('"').lower()
        entries = [e for e in self.arxiv.values() if re.search(rf"<name>[^<]*\b{surname}</name>", e, re.I)]
        return self._respond(Reply(body=feed(entries, query)))

    async def _crossref_handler(self, request: web.Request) -> web.Response:
        if (scripted := self._record("crossref", request)) is not None:
            return self._respond(scripted)
        doi = request.match_info["doi"].lower()
        if doi not in self.crossref:
            return web.Response(status=404, text="Resource not found.", content_type="text/plain")
        return web.json_response(self.crossref[doi])

    async def _serve(self, ready: threading.Event) -> None:
        app = web.Application()
        app.router.add_get("/api/query", self._arxiv_handler)
        app.router.add_get("/works/{doi:.+}", self._crossref_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        ready.set()

    def start(self) -> Self:
        """Serve on 127.0.0.1, on a free port, from a thread of its own."""
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._serve(ready))
            loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-sources", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake arXiv/Crossref server did not start")
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
        self._loop = self._thread = None
