"""The Gateway v10 websocket: sessions, sequence numbers, resume and shard routing.

A *session* (created by IDENTIFY) outlives any one websocket *connection*: it owns the
sequence counter and a replay buffer, so when a connection drops, events dispatched
in the gap are buffered and replayed after the client RESUMEs, exactly the guarantee
a bot relies on. Each connection writes through its own queue and writer task, which
keeps ``dispatch`` synchronous and cheap (no await per event) and frames in seq order.

Wire details (discord.py 2.7.1): it connects with ``?v=10&encoding=json&compress=
zlib-stream`` (``zstd-stream`` if the zstandard module is installed) but parses plain
text frames too. We honour zlib-stream (one shared compressor per connection, every
frame ends in a Z_SYNC_FLUSH) and fall back to text for anything else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .ids import INTENT_GUILD_MEMBERS, PRIVILEGED_INTENTS, shard_for

if TYPE_CHECKING:
    from .server import DiscordEmulator

_log = logging.getLogger(__name__)
Json = dict[str, Any]
OnSent = Callable[[], None]

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME, RECONNECT = 0, 1, 2, 3, 4, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11
REPLAY_BUFFER = 10_000


class GatewayConnection:
    """One websocket: an ordered outgoing queue drained by a writer task."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, *, zlib_stream: bool) -> None:
        self.ws = ws
        self.request = request
        self.path = request.path
        self.session: GatewaySession | None = None
        self.heartbeats = 0
        self._compressor = zlib.compressobj() if zlib_stream else None
        self._queue: asyncio.Queue[tuple[str, OnSent | None] | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write_loop(), name="discord-emulator-gateway-writer")

    def send(self, frame: str, on_sent: OnSent | None = None) -> None:
        self._queue.put_nowait((frame, on_sent))

    def send_op(self, op: int, data: Any) -> None:
        self.send(json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def _write_loop(self) -> None:
        while True:
            item = await self._queue.get()
            if item is None:
                return
            frame, on_sent = item
            try:
                if self._compressor is not None:
                    data = self._compressor.compress(frame.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return  # the socket went away; the session keeps the frame for a RESUME
            if on_sent is not None:
                on_sent()

    async def close(self, code: int) -> None:
        self._queue.put_nowait(None)
        await self.ws.close(code=code)

    def abort(self) -> None:
        """Kill the TCP connection without a close frame, like a network failure."""
        self._queue.put_nowait(None)
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    def stop_writer(self) -> None:
        self._writer.cancel()


@dataclass
class GatewaySession:
    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    seq: int = 0
    buffer: deque[tuple[int, str, OnSent | None]] = field(default_factory=lambda: deque(maxlen=REPLAY_BUFFER))
    connection: GatewayConnection | None = None
    events: list[str] = field(default_factory=list)

    def dispatch(self, event: str, data: Json, on_sent: OnSent | None = None) -> int:
        self.seq += 1
        frame = json.dumps({"op": DISPATCH, "t": event, "s": self.seq, "d": data})
        self.buffer.append((self.seq, frame, on_sent))
        self.events.append(event)
        if self.connection is not None:
            self.connection.send(frame, on_sent)
        return self.seq

    def wants(self, intent: int) -> bool:
        return bool(self.intents & intent)


@dataclass
class GatewayStats:
    identifies: list[Json] = field(default_factory=list)  # the IDENTIFY payloads (token removed)
    resumes: list[Json] = field(default_factory=list)  # RESUME payloads plus the path they arrived on
    heartbeats: int = 0
    connections: int = 0
    presence_updates: list[Json] = field(default_factory=list)
    close_codes_sent: list[int] = field(default_factory=list)
    compression: list[str | None] = field(default_factory=list)  # the ?compress= each connection asked for

    @property
    def identify_count(self) -> int:
        return len(self.identifies)

    @property
    def resume_count(self) -> int:
        return len(self.resumes)


class Gateway:
    def __init__(self, emulator: DiscordEmulator) -> None:
        self._emu = emulator
        self.sessions: dict[int, GatewaySession] = {}  # shard id -> live session
        self._by_id: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.stats = GatewayStats()
        self.heartbeat_interval_ms = 1000
        self.allowed_intents: int | None = None  # None: every privileged intent is enabled in the "portal"
        self._changed = asyncio.Event()

    # ---- routing -----------------------------------------------------------------

    @property
    def shard_count(self) -> int:
        for session in self.sessions.values():
            return session.shard_count
        return 1

    def session_for_guild(self, guild_id: int) -> GatewaySession | None:
        return self.sessions.get(shard_for(guild_id, self.shard_count))

    def session_for_dm(self) -> GatewaySession | None:
        return self.sessions.get(0)

    def dispatch_guild(self, guild_id: int, event: str, data: Json, *, intent: int, on_sent: OnSent | None = None) -> bool:
        session = self.session_for_guild(guild_id)
        if session is None or not session.wants(intent):
            return False
        session.dispatch(event, data, on_sent)
        return True

    # ---- lifecycle notifications for tests -----------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    # ---- server-initiated events -----------------------------------------------------

    def _targets(self, shard: int | None) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if shard is None or s.shard_id == shard]

    def reconnect(self, shard: int | None = None) -> None:
        for session in self._targets(shard):
            if session.connection is not None:
                session.connection.send_op(RECONNECT, None)

    def invalidate_session(self, resumable: bool, shard: int | None = None) -> None:
        for session in self._targets(shard):
            if session.connection is not None:
                session.connection.send_op(INVALID_SESSION, resumable)
            if not resumable:
                self._forget(session)

    async def drop_connection(self, shard: int | None = None, *, code: int | None = None) -> None:
        for session in self._targets(shard):
            connection = session.connection
            if connection is None:
                continue
            session.connection = None
            if code is None:
                connection.abort()
            else:
                self.stats.close_codes_sent.append(code)
                await connection.close(code)
        self._notify()

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.close(1001)

    def _forget(self, session: GatewaySession) -> None:
        self._by_id.pop(session.session_id, None)
        if self.sessions.get(session.shard_id) is session:
            del self.sessions[session.shard_id]
        self._notify()

    # ---- the websocket handler ---------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True, compress=False, timeout=2.0)
        await ws.prepare(request)
        compress = request.query.get("compress")
        connection = GatewayConnection(ws, request, zlib_stream=compress == "zlib-stream")
        self.connections.add(connection)
        self.stats.connections += 1
        self.stats.compression.append(compress)
        connection.send_op(HELLO, {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["discord-emulator"]})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT and message.type is not WSMsgType.BINARY:
                    break
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    await self._close(connection, 4002)  # Decode error
                    break
                if not await self._on_op(connection, payload):
                    break
        finally:
            self.connections.discard(connection)
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
            connection.stop_writer()
            self._notify()
        return ws

    async def _close(self, connection: GatewayConnection, code: int) -> None:
        self.stats.close_codes_sent.append(code)
        await connection.close(code)

    async def _on_op(self, connection: GatewayConnection, payload: Json) -> bool:
        """Handle one client opcode; False means the connection was closed."""
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            connection.heartbeats += 1
            self.stats.heartbeats += 1
            connection.send_op(HEARTBEAT_ACK, None)
            return True
        if op == IDENTIFY:
            return await self._identify(connection, data or {})
        if op == RESUME:
            return await self._resume(connection, data or {})
        if connection.session is None:
            await self._close(connection, 4003)  # Not authenticated
            return False
        if op == PRESENCE:
            self.stats.presence_updates.append(data or {})
            return True
        if op == REQUEST_MEMBERS:
            self._members_chunk(connection.session, data or {})
            return True
        if op == VOICE_STATE:
            return True
        await self._close(connection, 4001)  # Unknown opcode
        return False

    async def _identify(self, connection: GatewayConnection, data: Json) -> bool:
        if connection.session is not None:
            await self._close(connection, 4005)  # Already authenticated
            return False
        if data.get("token") != self._emu.token:
            await self._close(connection, 4004)  # Authentication failed
            return False
        shard_id, shard_count = data.get("shard") or [0, 1]
        if not 0 <= shard_id < shard_count:
            await self._close(connection, 4010)  # Invalid shard
            return False
        intents = int(data.get("intents", 0))
        if self.allowed_intents is not None and intents & PRIVILEGED_INTENTS & ~self.allowed_intents:
            await self._close(connection, 4014)  # Disallowed intent(s)
            return False
        session = GatewaySession(uuid.uuid4().hex, shard_id, shard_count, intents)
        session.connection = connection
        connection.session = session
        old = self.sessions.get(shard_id)
        if old is not None:
            self._by_id.pop(old.session_id, None)
        self.sessions[shard_id] = session
        self._by_id[session.session_id] = session
        self.stats.identifies.append({key: value for key, value in data.items() if key != "token"})
        state = self._emu.state
        guilds = [g for g in state.guilds.values() if shard_for(g.id, shard_count) == shard_id]
        session.dispatch(
            "READY",
            {
                "v": 10,
                "user": state.bot_user_payload(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": self._emu.resume_gateway_url,
                "shard": [shard_id, shard_count],
                "application": {"id": str(state.application_id), "flags": self._emu.application_flags},
                "private_channels": [],
                "presences": [],
                "relationships": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["emulated"],
                "user_settings": {},
                "_trace": ["discord-emulator"],
            },
        )
        for guild in guilds:
            session.dispatch("GUILD_CREATE", state.guild_create_payload(guild))
        self._notify()
        return True

    async def _resume(self, connection: GatewayConnection, data: Json) -> bool:
        session = self._by_id.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        oldest = session.buffer[0][0] if session and session.buffer else None
        too_old = oldest is not None and seq + 1 < oldest
        if session is None or data.get("token") != self._emu.token or too_old or seq > session.seq:
            connection.send_op(INVALID_SESSION, False)
            return True
        self.stats.resumes.append(
            {"seq": seq, "session_id": session.session_id, "shard": session.shard_id, "path": connection.path}
        )
        previous = session.connection
        if previous is not None and previous is not connection:
            await previous.close(4000)
        session.connection = connection
        connection.session = session
        for frame_seq, frame, on_sent in session.buffer:
            if frame_seq > seq:
                connection.send(frame, on_sent)
        session.dispatch("RESUMED", {"_trace": ["discord-emulator"]})
        self._notify()
        return True

    def _members_chunk(self, session: GatewaySession, data: Json) -> None:
        guild = self._emu.state.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        wanted = {int(user_id) for user_id in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        limit = int(data.get("limit") or 0) or len(guild.members)
        members = [
            member.payload()
            for member in guild.members.values()
            if (not wanted or member.user.id in wanted) and member.user.name.lower().startswith(query)
        ][:limit]
        chunk: Json = {"guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1, "not_found": []}
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        if session.wants(INTENT_GUILD_MEMBERS) or wanted:
            session.dispatch("GUILD_MEMBERS_CHUNK", chunk)
