"""The WebSocket side: HELLO, heartbeats, IDENTIFY (token, intents, shards), RESUME with replay,
REQUEST_GUILD_MEMBERS, and ``dispatch`` of events to the live sessions. zlib-stream compression is real;
zstd-stream is answered with text frames (discord.py only decompresses binary ones).

See tests/README.md ("What it serves").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from .recording import GatewayFrame, Recording
from .wire import JSON, PRIVILEGED_INTENTS, Intent


@dataclass(eq=False)
class _Session:
    id: str
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    backlog: list[JSON] = field(default_factory=list)
    conn: _GatewayConnection | None = None


class _GatewayConnection:
    """One websocket; serialises sends because a zlib stream is one continuous compressor."""

    def __init__(self, fake: Gateway, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.fake = fake
        self.ws = ws
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._lock = asyncio.Lock()
        self.session: _Session | None = None

    async def send(self, payload: JSON) -> None:
        async with self._lock:
            if self.ws.closed:
                return
            self.fake._log_frame("out", payload)
            raw = json.dumps(payload, separators=(",", ":"))
            if self._zlib is not None:
                data = self._zlib.compress(raw.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:  # zstd-stream is answered with text frames, which discord.py never decompresses
                await self.ws.send_str(raw)

    async def close(self, code: int, message: str = "") -> None:
        await self.ws.close(code=code, message=message.encode())


class Gateway(Recording):
    """The gateway handler and the helpers tests use to dispatch events, reconnect, invalidate or close."""

    def _log_frame(self, direction: str, payload: JSON) -> None:
        self.gateway_log.append(
            GatewayFrame(
                direction, payload.get("op", -1), payload.get("d"), payload.get("t"), payload.get("s")
            )
        )
        self._notify()

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _GatewayConnection(self, ws, request.query.get("compress"))
        self._connections.add(conn)
        try:
            await conn.send(
                {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None}
            )
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    payload = json.loads(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    payload = json.loads(zlib.decompress(msg.data))
                else:
                    break
                self._log_frame("in", payload)
                try:
                    await self._on_gateway_payload(conn, payload)
                except Exception as exc:
                    self.errors.append(
                        f"fake gateway crashed on {payload}: {exc!r}\n{traceback.format_exc()}"
                    )
        finally:
            self._connections.discard(conn)
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            self._notify()
        return ws

    async def _on_gateway_payload(self, conn: _GatewayConnection, payload: JSON) -> None:
        op = payload.get("op")
        raw = payload.get("d")
        data: JSON = raw if isinstance(raw, dict) else {}
        if op == 1:
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif op == 8:
            await self._request_members(conn, data)
        # op 3 (presence), 4 (voice state) and others are only recorded

    async def _identify(self, conn: _GatewayConnection, data: JSON) -> None:
        if data.get("token") != self.token:
            await conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if shard_id >= shard_count:
            await conn.close(4010, "Invalid shard.")
            return
        session = _Session(secrets.token_hex(16), intents, (shard_id, shard_count))
        self._sessions[session.id] = session
        conn.session = session
        session.conn = conn
        guilds = [g for g in self.guilds.values() if (g.id >> 22) % shard_count == shard_id]
        ready = {
            "v": 10,
            "user": {
                **self.bot_user.payload(),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
                "email": None,
            },
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(self.application_id), "flags": self.application_payload()["flags"]},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth_session_id_hash": "",
            "_trace": ["fake-discord"],
        }
        await self._send_dispatch(session, "READY", ready)
        if intents & Intent.GUILDS:
            for guild in guilds:
                await self._send_dispatch(
                    session, "GUILD_CREATE", self.guild_payload(guild, full=True, intents=intents)
                )

    async def _resume(self, conn: _GatewayConnection, data: JSON) -> None:
        session = self._sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        if session.conn is not None and session.conn is not conn:
            with contextlib.suppress(Exception):
                await session.conn.close(4000, "session resumed elsewhere")
        conn.session = session
        session.conn = conn
        last_seq = int(data.get("seq") or 0)
        for payload in session.backlog:
            if payload["s"] > last_seq:
                await conn.send(payload)
        await self._send_dispatch(session, "RESUMED", {"_trace": ["fake-discord"]})

    async def _request_members(self, conn: _GatewayConnection, data: JSON) -> None:
        session = conn.session
        guild = self.guilds.get(int(data["guild_id"]))
        if session is None or guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.user.id in wanted]
        elif data.get("query"):
            query = str(data["query"]).lower()
            members = [m for m in members if m.user.username.lower().startswith(query)]
        if data.get("limit"):
            members = members[: int(data["limit"])]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [self.member_payload(guild, m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: _Session, event: str, data: JSON) -> None:
        session.seq += 1
        payload = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.backlog.append(payload)
        if session.conn is not None:
            await session.conn.send(payload)

    @property
    def sessions(self) -> list[_Session]:
        """Sessions that identified (the latest session per shard is the live one)."""
        return list(self._sessions.values())

    async def dispatch(
        self,
        event: str,
        data: JSON | Callable[[_Session], JSON | None],
        *,
        guild_id: int | None = None,
        intent: int = 0,
    ) -> int:
        """Send a DISPATCH to every live session whose shard owns ``guild_id`` and whose intents include
        ``intent``. ``data`` may be a function of the session (e.g. to apply the MESSAGE_CONTENT rule) that
        returns None to skip it. Events for disconnected sessions are kept and replayed on RESUME.
        Returns the number of sessions it went to.
        """
        latest: dict[tuple[int, int], _Session] = {}
        for session in self._sessions.values():
            latest[session.shard] = session
        sent = 0
        for session in latest.values():
            shard_id, shard_count = session.shard
            if guild_id is not None and (guild_id >> 22) % shard_count != shard_id:
                continue
            if guild_id is None and shard_id != 0:
                continue
            if intent and not session.intents & intent:
                continue
            payload = data(session) if callable(data) else data
            if payload is None:
                continue
            await self._send_dispatch(session, event, payload)
            sent += 1
        return sent

    def _require_session(self) -> None:
        if not self._sessions:
            raise RuntimeError("no client has identified with the fake gateway yet (start the bot first)")

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT everywhere: discord.py reconnects to resume_gateway_url and RESUMEs."""
        for conn in list(self._connections):
            await conn.send({"op": 7, "d": None, "s": None, "t": None})

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION on every connection."""
        for conn in list(self._connections):
            await conn.send({"op": 9, "d": resumable, "s": None, "t": None})

    async def close_gateway(self, code: int = 4000, message: str = "") -> None:
        """Close every gateway connection with ``code`` (e.g. 4000 → discord.py resumes)."""
        for conn in list(self._connections):
            await conn.close(code, message)

    @property
    def identify_payloads(self) -> list[JSON]:
        return [f.d for f in self.gateway_log if f.direction == "in" and f.op == 2]
