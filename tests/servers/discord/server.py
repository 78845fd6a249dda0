"""The emulator object: one aiohttp app serving REST, the gateway and attachment downloads.

``DiscordEmulator`` wires the pieces together (state, command registry, gateway,
interaction registry, rate limiter), owns the server lifecycle, and is the single
place where "a message was created/edited/deleted" fans out to the three audiences
that care: the stored state, the bot (gateway dispatch, honouring intents the way
Discord does) and any test waiting for it. The simulated-user API (``slash``,
``click``, ``say``...) comes from :class:`SimulatedUserAPI` in ``users.py``.

discord.py is pointed here by two documented class attributes, set before login:
``discord.http.Route.BASE`` (REST, webhooks and interaction callbacks all build their
URLs from it) and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (used by
``Client``; ``AutoShardedClient`` asks ``GET /gateway/bot`` instead, which also
answers with this server's URL).
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .commands import CommandRegistry
from .gateway import Gateway
from .ids import (
    BOT_PERMISSIONS,
    GUILD_TEXT,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    shard_for,
)
from .interactions import InteractionHandle, InteractionRegistry
from .ratelimit import RateLimiter, RateLimitRule
from .rest import RecordedRequest, RestApi
from .state import Channel, Guild, State, StoredMessage
from .users import SimulatedUserAPI
from .waiters import Waiters

__all__ = ["DiscordEmulator"]

_log = logging.getLogger(__name__)
Json = dict[str, Any]

# GATEWAY_PRESENCE | GATEWAY_GUILD_MEMBERS | GATEWAY_MESSAGE_CONTENT: privileged intents "enabled in the portal".
DEFAULT_APPLICATION_FLAGS = (1 << 12) | (1 << 14) | (1 << 18)


class DiscordEmulator(SimulatedUserAPI):
    """Discord REST v10 + Gateway v10 on 127.0.0.1, for the real discord.py client.

    Recorded for assertions: ``requests`` (every REST call), ``unknown_routes``,
    ``ack_latencies`` and ``missed_interactions``, ``typing`` (channel, time),
    ``attachment_downloads``, ``gateway.stats`` (IDENTIFY/RESUME payloads, heartbeats).
    """

    def __init__(
        self,
        *,
        token: str = "emulated-bot-token",
        bot_name: str = "MockLoop",
        heartbeat_interval_ms: int = 1000,
        ack_deadline: float = 3.0,
        recommended_shards: int = 1,
        application_flags: int = DEFAULT_APPLICATION_FLAGS,
    ) -> None:
        self.token = token
        self.state = State(bot_name)
        self.commands = CommandRegistry(self.state)
        self.gateway = Gateway(self)
        self.gateway.heartbeat_interval_ms = heartbeat_interval_ms
        self.interactions = InteractionRegistry(self)
        self.waiters = Waiters()
        self.rate_limiter = RateLimiter()
        self.rest = RestApi(self)
        self.ack_deadline = ack_deadline
        self.recommended_shards = recommended_shards
        self.application_flags = application_flags
        # Discord turns the "is thinking..." message into the first follow-up after a defer.
        self.first_followup_edits_deferred = True
        # Discord echoes the bot's own (non-ephemeral) messages back as MESSAGE_CREATE.
        self.echo_bot_messages = True
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        self.ack_latencies: list[float] = []
        self.missed_interactions: list[InteractionHandle] = []
        self.typing: list[tuple[int, float]] = []
        self.attachment_downloads: list[int] = []
        self.default_guild_id: int | None = None
        self.default_channel_id: int | None = None
        self.user_locales: dict[int, str] = {}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._saved_urls: tuple[str, Any] | None = None

    # ---- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("DiscordEmulator is already running")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume-gateway", self.gateway.handle)
        self.rest.register(app)
        app.router.add_route("*", "/{tail:.*}", self.rest.unknown_route)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        for handle in self.interactions.by_id.values():
            if handle._deadline is not None:
                handle._deadline.cancel()
        if self._runner is None:
            return
        await self.gateway.close_all()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("DiscordEmulator has not been started")
        return self._port

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.http_url}/api/v10"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """A distinct path, so tests can prove discord.py resumed via READY's ``resume_gateway_url``."""
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    def point_discord_py_here(self) -> Callable[[], None]:
        """Aim discord.py's REST base and default gateway at this emulator; returns the undo."""
        import discord.gateway
        import discord.http
        import yarl

        if self._saved_urls is None:
            self._saved_urls = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.ws_url)
        return self.restore_discord_py

    def restore_discord_py(self) -> None:
        import discord.gateway
        import discord.http

        if self._saved_urls is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved_urls
            self._saved_urls = None

    # ---- world building ----------------------------------------------------------------

    def add_guild(
        self,
        name: str = "Emulated Guild",
        *,
        channels: tuple[str, ...] = ("general",),
        for_shard: tuple[int, int] | None = None,
        guild_id: int | None = None,
        bot_permissions: int = BOT_PERMISSIONS,
        locale: str = "en-US",
    ) -> int:
        """Create a guild with ``@everyone``, a "Manager" role (MANAGE_GUILD), the bot as member, and text channels.

        ``for_shard=(shard_id, shard_count)`` picks an id that shard owns. The first guild
        becomes ``default_guild_id``/``default_channel_id``. If the bot is connected it
        receives GUILD_CREATE, as when a bot is invited to a server.
        """
        if for_shard is not None and guild_id is None:
            guild_id = self.state.ids.for_shard(*for_shard)
        guild = self.state.add_guild(name, guild_id=guild_id, bot_permissions=bot_permissions)
        guild.locale = locale
        for channel_name in channels:
            self.state.add_channel(guild, channel_name)
        if self.default_guild_id is None:
            self.default_guild_id = guild.id
            self.default_channel_id = guild.channel_ids[0] if guild.channel_ids else None
        self.gateway.dispatch_guild(guild.id, "GUILD_CREATE", self.state.guild_create_payload(guild), intent=INTENT_GUILDS)
        return guild.id

    def add_channel(self, name: str, *, guild: int | None = None, topic: str | None = None) -> int:
        target = self._guild(guild)
        channel = self.state.add_channel(target, name, type=GUILD_TEXT, topic=topic)
        self.gateway.dispatch_guild(target.id, "CHANNEL_CREATE", self.state.channel_payload(channel), intent=INTENT_GUILDS)
        return channel.id

    def add_user(
        self,
        name: str,
        *,
        guild: int | None = None,
        manage_guild: bool = False,
        role_ids: list[int] | None = None,
        dms_open: bool = True,
        locale: str = "en-US",
    ) -> int:
        """A human user, made a member of ``guild`` (default: the default guild) unless there is none."""
        user = self.state.add_user(name, dms_open=dms_open)
        self.user_locales[user.id] = locale
        guild_id = guild if guild is not None else self.default_guild_id
        if guild_id is not None:
            self.add_member(user.id, guild=guild_id, manage_guild=manage_guild, role_ids=role_ids)
        return user.id

    def add_member(
        self, user: int, *, guild: int | None = None, manage_guild: bool = False, role_ids: list[int] | None = None
    ) -> None:
        target = self._guild(guild)
        member = self.state.add_member(target, self.state.user(user), manage_guild=manage_guild, role_ids=role_ids)
        data = {**member.payload(), "guild_id": str(target.id)}
        self.gateway.dispatch_guild(target.id, "GUILD_MEMBER_ADD", data, intent=INTENT_GUILD_MEMBERS)

    def locale_of(self, user: Any) -> str:
        return self.user_locales.get(user.id, "en-US")

    def _guild(self, guild_id: int | None) -> Guild:
        gid = guild_id if guild_id is not None else self.default_guild_id
        if gid is None or gid not in self.state.guilds:
            raise KeyError(f"unknown guild {gid}; create one with add_guild()")
        return self.state.guilds[gid]

    def attachment_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        return f"{self.http_url}/attachments/{channel_id}/{attachment_id}/{filename}"

    # ---- inspection ----------------------------------------------------------------------

    def channel(self, channel_id: int) -> Channel:
        return self.state.channel(channel_id)

    def threads(self, parent: int | None = None) -> list[Channel]:
        """Threads (newest last), optionally only those under ``parent``."""
        found = [c for c in self.state.channels.values() if c.is_thread and not c.deleted]
        return [c for c in found if parent is None or c.parent_id == parent]

    def message(self, message_id: int) -> StoredMessage:
        return self.state.messages[message_id]

    def messages(
        self, channel: int | None = None, *, include_ephemeral: bool = False, include_deleted: bool = False
    ) -> list[StoredMessage]:
        """Messages of a channel (default channel if omitted), oldest first."""
        channel_id = channel if channel is not None else self.default_channel_id
        found = self.state.channel_messages.get(channel_id or 0, [])
        return [m for m in found if (include_ephemeral or not m.ephemeral) and (include_deleted or not m.deleted)]

    def bot_messages(self, channel: int | None = None, *, include_ephemeral: bool = True) -> list[StoredMessage]:
        """Every message the bot sent (all channels if ``channel`` is None), oldest first."""
        pool = self.state.messages.values() if channel is None else self.state.channel_messages.get(channel, [])
        bot_id = self.state.bot.id
        return [m for m in pool if m.author.id == bot_id and not m.deleted and (include_ephemeral or not m.ephemeral)]

    def synced_commands(self, guild: int | None = None) -> list[Json]:
        """The command tree as last synced for a guild (or globally when ``guild`` is None)."""
        return self.commands.in_scope(guild)

    @property
    def identify_count(self) -> int:
        return self.gateway.stats.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.stats.resume_count

    def ack_summary(self) -> Json:
        latencies = sorted(self.ack_latencies)
        if not latencies:
            return {"count": 0, "missed": len(self.missed_interactions)}
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        return {
            "count": len(latencies),
            "missed": len(self.missed_interactions),
            "max": latencies[-1],
            "median": statistics.median(latencies),
            "p95": p95,
        }

    def assert_acks_within(self, limit: float = 3.0) -> None:
        """Fail if any interaction was missed or acknowledged in ``limit`` seconds or more."""
        slow = [latency for latency in self.ack_latencies if latency >= limit]
        if self.missed_interactions or slow:
            raise AssertionError(f"interaction acks too slow: {self.ack_summary()}; missed: {self.missed_interactions[:5]}")

    # ---- server-initiated gateway events ---------------------------------------------------

    def reconnect(self, shard: int | None = None) -> None:
        """Send op 7 RECONNECT; discord.py closes and RESUMEs."""
        self.gateway.reconnect(shard)

    def invalidate_session(self, resumable: bool, shard: int | None = None) -> None:
        """Send op 9; with ``resumable=False`` the session is gone and the client must IDENTIFY."""
        self.gateway.invalidate_session(resumable, shard)

    async def drop_connection(self, shard: int | None = None, *, code: int | None = None) -> None:
        """Cut the websocket: ``code=None`` aborts TCP (no close frame), else closes with ``code``."""
        await self.gateway.drop_connection(shard, code=code)

    async def wait_for_gateway(
        self, predicate: Callable[[], bool], *, timeout: float = 5.0, what: str = "a gateway condition"
    ) -> None:
        await self.gateway.wait_until(predicate, timeout=timeout, what=what)

    async def wait_until_connected(self, shard_count: int = 1, *, timeout: float = 5.0) -> None:
        """Until every shard in ``range(shard_count)`` has a session with a live connection."""

        def connected() -> bool:
            sessions = self.gateway.sessions
            return all(s in sessions and sessions[s].connection is not None for s in range(shard_count))

        await self.wait_for_gateway(connected, timeout=timeout, what=f"{shard_count} connected shard(s)")

    def rate_limit(
        self, method: str, path_regex: str, retry_after: float = 0.3, times: int = 1, *, is_global: bool = False
    ) -> RateLimitRule:
        """Answer the next ``times`` matching REST requests with 429; see :class:`RateLimitRule`."""
        return self.rate_limiter.add(method, path_regex, retry_after=retry_after, times=times, is_global=is_global)

    # ---- fan-out of message changes ----------------------------------------------------------

    def _dispatch_message(self, event: str, message: StoredMessage) -> None:
        if message.ephemeral:
            return  # ephemeral messages never reach the gateway
        bot_id = self.state.bot.id
        if message.author.id == bot_id and not self.echo_bot_messages:
            return
        if message.guild_id is None:
            session, intent = self.gateway.session_for_dm(), INTENT_DIRECT_MESSAGES
        else:
            session, intent = self.gateway.session_for_guild(message.guild_id), INTENT_GUILD_MESSAGES
        if session is None or not session.wants(intent):
            return
        # Without MESSAGE_CONTENT Discord blanks content/embeds/attachments/components of guild
        # messages, except the bot's own and those mentioning it.
        hide = (
            message.guild_id is not None
            and not session.wants(INTENT_MESSAGE_CONTENT)
            and message.author.id != bot_id
            and bot_id not in message.mentioned_user_ids()
        )
        session.dispatch(event, message.payload(self.state, hide_content=hide))

    def _keys(self, message: StoredMessage, interaction_id: int | None = None) -> list[Any]:
        keys: list[Any] = [("channel", message.channel_id), ("message", message.id)]
        if message.author.id == self.state.bot.id:
            keys.append(("bot_messages", None))
        for iid in {message.interaction_id, interaction_id}:
            if iid is not None:
                keys.append(("interaction", iid))
        return keys

    def publish_created(self, message: StoredMessage) -> None:
        self.state.store_message(message)
        self._dispatch_message("MESSAGE_CREATE", message)
        self.waiters.notify(self._keys(message), message)

    def publish_edited(self, message: StoredMessage, *, interaction_id: int | None = None) -> None:
        self._dispatch_message("MESSAGE_UPDATE", message)
        self.waiters.notify(self._keys(message, interaction_id), message)

    def publish_deleted(self, message: StoredMessage) -> None:
        message.deleted = True
        if not message.ephemeral:
            data: Json = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
                self.gateway.dispatch_guild(message.guild_id, "MESSAGE_DELETE", data, intent=INTENT_GUILD_MESSAGES)
            else:
                session = self.gateway.session_for_dm()
                if session is not None and session.wants(INTENT_DIRECT_MESSAGES):
                    session.dispatch("MESSAGE_DELETE", data)
        self.waiters.notify(self._keys(message), message)

    def publish_thread_create(self, thread: Channel) -> None:
        assert thread.guild_id is not None
        data = {**self.state.channel_payload(thread), "newly_created": True}
        self.gateway.dispatch_guild(thread.guild_id, "THREAD_CREATE", data, intent=INTENT_GUILDS)
        self.waiters.notify([("threads", thread.parent_id), ("threads", None)], thread)

    def publish_thread_update(self, thread: Channel) -> None:
        assert thread.guild_id is not None
        self.gateway.dispatch_guild(thread.guild_id, "THREAD_UPDATE", self.state.channel_payload(thread), intent=INTENT_GUILDS)
        self.waiters.notify([("channel_update", thread.id)], thread)

    def shard_of(self, guild_id: int, shard_count: int | None = None) -> int:
        return shard_for(guild_id, shard_count or self.gateway.shard_count)
