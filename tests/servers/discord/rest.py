"""The REST API v10 routes discord.py calls, and the middleware every request goes through.

Every JSON response is sent with ``Content-Type: application/json`` exactly:
discord.py's ``json_or_text`` compares the header with ``==``, so aiohttp's default
``application/json; charset=utf-8`` would make it treat every body as a string.

The middleware records each request (``emulator.requests``), applies on-demand rate
limits, checks the bot token (``Authorization: Bot <token>``; interaction callbacks
and webhook routes carry no token, as on Discord), and turns ``ApiError`` into
Discord's error JSON. Routes nobody implemented answer 404 ``Unknown route`` and are
logged and kept in ``emulator.unknown_routes`` so gaps are visible, not silent.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .ids import (
    DM,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILDS,
    PERM_MANAGE_THREADS,
    PERM_SEND_MESSAGES,
    PERM_SEND_MESSAGES_IN_THREADS,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    iso_now,
)
from .interactions import DEFERRED_CHANNEL_MESSAGE
from .messages import RequestBody, apply_edit, build_message, read_body
from .state import Channel, StoredMessage
from .validation import ApiError

if TYPE_CHECKING:
    from .interactions import InteractionHandle
    from .server import DiscordEmulator

_log = logging.getLogger(__name__)
Json = dict[str, Any]
API_PREFIX = "/api/v10"
JSON_TYPE = "application/json"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Routes that Discord serves without the bot token.
_TOKENLESS_PREFIXES = ("/interactions/", "/webhooks/")


@dataclass
class RecordedRequest:
    method: str
    path: str  # after /api/v10
    query: dict[str, str]
    at: float
    body: Json | None = None
    files: list[str] = field(default_factory=list)
    status: int | None = None


RECORD_KEY = web.RequestKey("discord_emulator_record", RecordedRequest)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(payload).encode(), headers={"Content-Type": JSON_TYPE, **(headers or {})})


def no_content() -> web.Response:
    return web.Response(status=204)


def _snowflake(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if not raw.isdigit():
        raise ApiError(
            400,
            50035,
            "Invalid Form Body",
            {name: {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": f"Value {raw!r} is not snowflake."}]}},
        )
    return int(raw)


class RestApi:
    def __init__(self, emulator: DiscordEmulator) -> None:
        self._emu = emulator

    # ---- wiring ------------------------------------------------------------------------

    def register(self, app: web.Application) -> None:
        app.middlewares.append(self._middleware)
        add = app.router.add_route
        p = API_PREFIX
        add("GET", p + "/users/@me", self.get_me)
        add("POST", p + "/users/@me/channels", self.create_dm)
        add("GET", p + "/users/{user_id}", self.get_user)
        add("GET", p + "/oauth2/applications/@me", self.get_application)
        add("GET", p + "/applications/@me", self.get_application)
        add("GET", p + "/gateway", self.get_gateway)
        add("GET", p + "/gateway/bot", self.get_gateway_bot)
        add("GET", p + "/applications/{app_id}/emojis", self.list_app_emojis)
        for scope in ("/applications/{app_id}/commands", "/applications/{app_id}/guilds/{guild_id}/commands"):
            add("GET", p + scope, self.list_commands)
            add("PUT", p + scope, self.put_commands)
            add("POST", p + scope, self.upsert_command)
            add("GET", p + scope + "/{command_id}", self.get_command)
            add("DELETE", p + scope + "/{command_id}", self.delete_command)
        add("POST", p + "/interactions/{interaction_id}/{token}/callback", self.interaction_callback)
        add("POST", p + "/webhooks/{app_id}/{token}", self.create_followup)
        add("GET", p + "/webhooks/{app_id}/{token}/messages/{message_id}", self.get_webhook_message)
        add("PATCH", p + "/webhooks/{app_id}/{token}/messages/{message_id}", self.edit_webhook_message)
        add("DELETE", p + "/webhooks/{app_id}/{token}/messages/{message_id}", self.delete_webhook_message)
        add("GET", p + "/channels/{channel_id}", self.get_channel)
        add("PATCH", p + "/channels/{channel_id}", self.edit_channel)
        add("DELETE", p + "/channels/{channel_id}", self.delete_channel)
        add("GET", p + "/channels/{channel_id}/messages", self.list_messages)
        add("POST", p + "/channels/{channel_id}/messages", self.create_message)
        add("GET", p + "/channels/{channel_id}/messages/{message_id}", self.get_message)
        add("PATCH", p + "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        add("DELETE", p + "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        add("PUT", p + "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self.add_reaction)
        add("DELETE", p + "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self.remove_reaction)
        add("POST", p + "/channels/{channel_id}/typing", self.typing)
        add("POST", p + "/channels/{channel_id}/threads", self.create_thread)
        add("POST", p + "/channels/{channel_id}/messages/{message_id}/threads", self.create_thread_from_message)
        add("GET", p + "/channels/{channel_id}/thread-members", self.list_thread_members)
        add("PUT", p + "/channels/{channel_id}/thread-members/{user_id}", self.add_thread_member)
        add("DELETE", p + "/channels/{channel_id}/thread-members/{user_id}", self.remove_thread_member)
        add("GET", p + "/guilds/{guild_id}", self.get_guild)
        add("GET", p + "/guilds/{guild_id}/channels", self.list_guild_channels)
        add("GET", p + "/guilds/{guild_id}/roles", self.list_roles)
        add("GET", p + "/guilds/{guild_id}/members", self.list_members)
        add("GET", p + "/guilds/{guild_id}/members/{user_id}", self.get_member)
        add("GET", "/attachments/{channel_id}/{attachment_id}/{filename}", self.download_attachment)

    async def unknown_route(self, request: web.Request) -> web.Response:
        entry = f"{request.method} {request.path}"
        _log.warning("discord emulator: unknown route %s", entry)
        self._emu.unknown_routes.append(entry)
        return json_response({"message": "Unknown route", "code": 0}, 404)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        record = RecordedRequest(request.method, path, dict(request.query), time.monotonic())
        self._emu.requests.append(record)
        request[RECORD_KEY] = record
        limited = self._emu.rate_limiter.check(request.method, path)
        if limited is not None:
            record.status = limited.status
            return limited
        if not path.startswith(_TOKENLESS_PREFIXES) and request.headers.get("Authorization") != f"Bot {self._emu.token}":
            record.status = 401
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        try:
            response = await handler(request)
        except ApiError as error:
            response = json_response(error.body(), error.status)
        except web.HTTPNotFound:
            response = await self.unknown_route(request)
        except web.HTTPMethodNotAllowed:
            response = await self.unknown_route(request)
        record.status = response.status
        return response

    async def _body(self, request: web.Request) -> RequestBody:
        body = await read_body(request)
        record = request.get(RECORD_KEY)
        if record is not None:
            record.body = body.payload
            record.files = [upload.filename for upload in body.files.values()]
        return body

    # ---- identity --------------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        return json_response(self._emu.state.bot_user_payload())

    async def get_user(self, request: web.Request) -> web.Response:
        user = self._emu.state.users.get(_snowflake(request, "user_id"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(user.payload())

    async def get_application(self, request: web.Request) -> web.Response:
        state = self._emu.state
        return json_response(
            {
                "id": str(state.application_id),
                "name": state.bot.name,
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": state.owner.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": self._emu.application_flags,
                "summary": "",
                "interactions_endpoint_url": None,
                "bot": state.bot_user_payload(),
            }
        )

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self._emu.ws_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return json_response({"url": self._emu.ws_url, "shards": self._emu.recommended_shards, "session_start_limit": limit})

    async def list_app_emojis(self, request: web.Request) -> web.Response:
        return json_response({"items": []})

    # ---- application commands ---------------------------------------------------------

    def _scope(self, request: web.Request) -> int | None:
        if _snowflake(request, "app_id") != self._emu.state.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return None
        guild_id = _snowflake(request, "guild_id")
        if guild_id not in self._emu.state.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return guild_id

    async def list_commands(self, request: web.Request) -> web.Response:
        return json_response(self._emu.commands.in_scope(self._scope(request)))

    async def put_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body = await self._body(request)
        payload = body.payload.get("_list")
        if not isinstance(payload, list):
            raise ApiError(400, 50035, "Invalid Form Body")
        return json_response(self._emu.commands.put(scope, payload))

    async def upsert_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body = await self._body(request)
        return json_response(self._emu.commands.upsert(scope, body.payload), 201)

    async def get_command(self, request: web.Request) -> web.Response:
        wanted = str(_snowflake(request, "command_id"))
        for command in self._emu.commands.in_scope(self._scope(request)):
            if command["id"] == wanted:
                return json_response(command)
        raise ApiError(404, 10063, "Unknown application command")

    async def delete_command(self, request: web.Request) -> web.Response:
        if not self._emu.commands.delete(self._scope(request), _snowflake(request, "command_id")):
            raise ApiError(404, 10063, "Unknown application command")
        return no_content()

    # ---- interactions and their webhooks ------------------------------------------------

    async def interaction_callback(self, request: web.Request) -> web.Response:
        interaction_id = _snowflake(request, "interaction_id")
        body = await self._body(request)
        with_response = request.query.get("with_response", "").lower() in ("1", "true")
        result = self._emu.interactions.callback(interaction_id, request.match_info["token"], body, with_response=with_response)
        return no_content() if result is None else json_response(result)

    def _webhook_handle(self, request: web.Request) -> InteractionHandle:
        handle = self._emu.interactions.by_token.get(request.match_info["token"])
        if handle is None or _snowflake(request, "app_id") != self._emu.state.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        if handle.callback is None:
            raise ApiError(404, 10015, "Unknown Webhook")  # Discord's answer before the interaction is acknowledged
        return handle

    def _webhook_message(self, request: web.Request, handle: InteractionHandle) -> StoredMessage:
        raw = request.match_info["message_id"]
        message_id = handle.original_id if raw == "@original" else (int(raw) if raw.isdigit() else None)
        allowed = {handle.original_id, *handle.followup_ids}
        message = self._emu.state.messages.get(message_id) if message_id in allowed and message_id is not None else None
        if message is None or message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def create_followup(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        body = await self._body(request)
        emu = self._emu
        original = handle.original
        assert handle.callback is not None
        if (
            emu.first_followup_edits_deferred
            and handle.callback.type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.loading
            and not handle.followup_ids
        ):
            # Discord fills the "thinking..." message with the first follow-up; ephemerality
            # was fixed when the interaction was deferred.
            apply_edit(emu.state, original, body, emu.attachment_url)
            handle.followup_ids.append(original.id)
            emu.publish_edited(original)
            message = original
        else:
            message = emu.interactions.new_response_message(handle, body)
            handle.followup_ids.append(message.id)
            emu.publish_created(message)
        if request.query.get("wait", "").lower() not in ("1", "true"):
            return no_content()
        return json_response(message.payload(emu.state))

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        return json_response(self._webhook_message(request, handle).payload(self._emu.state))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        message = self._webhook_message(request, handle)
        body = await self._body(request)
        apply_edit(self._emu.state, message, body, self._emu.attachment_url)
        self._emu.publish_edited(message, interaction_id=handle.id)
        return json_response(message.payload(self._emu.state))

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        self._emu.publish_deleted(self._webhook_message(request, handle))
        return no_content()

    # ---- channels and messages -----------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel:
        channel = self._emu.state.channels.get(_snowflake(request, "channel_id"))
        if channel is None or channel.deleted:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    def _message(self, request: web.Request, channel: Channel) -> StoredMessage:
        message = self._emu.state.messages.get(_snowflake(request, "message_id"))
        if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    def _check_can_send(self, channel: Channel) -> None:
        state = self._emu.state
        if channel.type == DM:
            recipient = state.users[channel.recipient_id] if channel.recipient_id is not None else None
            if recipient is None or not recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        guild = state.guild_of(channel)
        perms = guild.permissions_of(state.bot.id) if guild else 0
        needed = PERM_SEND_MESSAGES_IN_THREADS if channel.is_thread else PERM_SEND_MESSAGES
        if not perms & needed:
            raise ApiError(403, 50013, "Missing Permissions")
        if channel.is_private_thread and state.bot.id not in channel.thread_member_ids and not perms & PERM_MANAGE_THREADS:
            raise ApiError(403, 50001, "Missing Access")
        if channel.archived:
            if channel.locked and not perms & PERM_MANAGE_THREADS:
                raise ApiError(400, 50083, "Thread is archived")
            channel.archived = False  # sending into an archived, unlocked thread unarchives it
            self._emu.publish_thread_update(channel)

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._emu.state.channel_payload(self._channel(request)))

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        limit = max(1, min(100, int(request.query.get("limit", "50"))))
        before = int(request.query["before"]) if "before" in request.query else None
        after = int(request.query["after"]) if "after" in request.query else None
        visible = [m for m in self._emu.state.channel_messages.get(channel.id, []) if not m.deleted and not m.ephemeral]
        if "around" in request.query:
            around = int(request.query["around"])
            index = next((i for i, m in enumerate(visible) if m.id >= around), len(visible))
            start = max(0, index - limit // 2)
            return json_response([m.payload(self._emu.state) for m in reversed(visible[start : start + limit])])
        if before is not None:
            visible = [m for m in visible if m.id < before]
        if after is not None:
            visible = [m for m in visible if m.id > after][:limit]
        page = list(reversed(visible[-limit:])) if after is None else list(reversed(visible))
        return json_response([m.payload(self._emu.state) for m in page])

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body = await self._body(request)
        self._check_can_send(channel)
        state = self._emu.state
        nonce = body.payload.get("nonce")
        if nonce is not None and body.payload.get("enforce_nonce"):
            # Discord returns the message already created with this nonce instead of a second one.
            earlier = state.message_by_nonce(state.bot.id, nonce)
            if earlier is not None and earlier.deleted:
                raise ApiError(404, 10008, "Unknown Message")
            if earlier is not None:
                return json_response(earlier.payload(state))
        message = build_message(
            state,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=state.bot,
            body=body,
            attachment_url=self._emu.attachment_url,
        )
        message.flags &= ~(1 << 6)  # channel messages cannot be ephemeral
        self._emu.publish_created(message)
        return json_response(message.payload(state))

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        return json_response(self._message(request, channel).payload(self._emu.state))

    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(request, channel)
        if message.author.id != self._emu.state.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        if channel.is_thread and channel.archived:  # as on Discord: reopen the thread first
            raise ApiError(400, 50083, "Thread is archived")
        body = await self._body(request)
        apply_edit(self._emu.state, message, body, self._emu.attachment_url)
        self._emu.publish_edited(message)
        return json_response(message.payload(self._emu.state))

    async def delete_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._emu.publish_deleted(self._message(request, channel))
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(request, channel)
        message.reactions.setdefault(request.match_info["emoji"], set()).add(self._emu.state.bot.id)
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(request, channel)
        message.reactions.get(request.match_info["emoji"], set()).discard(self._emu.state.bot.id)
        return no_content()

    async def typing(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._emu.typing.append((channel.id, time.monotonic()))
        return no_content()

    # ---- threads --------------------------------------------------------------------------

    async def create_thread(self, request: web.Request) -> web.Response:
        parent = self._channel(request)
        body = await self._body(request)
        return self._new_thread(parent, body.payload, thread_type=int(body.payload.get("type") or PRIVATE_THREAD))

    async def create_thread_from_message(self, request: web.Request) -> web.Response:
        parent = self._channel(request)
        message = self._message(request, parent)
        body = await self._body(request)
        return self._new_thread(parent, body.payload, thread_type=PUBLIC_THREAD, thread_id=message.id)

    def _new_thread(self, parent: Channel, payload: Json, *, thread_type: int, thread_id: int | None = None) -> web.Response:
        if parent.guild_id is None or parent.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if thread_id is not None and thread_id in self._emu.state.channels:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        name = payload.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise ApiError(400, 50035, "Invalid Form Body", {"name": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH"}]}})
        state = self._emu.state
        thread = state.add_thread(
            parent,
            name,
            type=thread_type,
            owner=state.bot,
            thread_id=thread_id,
            invitable=bool(payload.get("invitable", True)),
            auto_archive_duration=int(payload.get("auto_archive_duration") or 1440),
        )
        self._emu.publish_thread_create(thread)
        return json_response(state.channel_payload(thread), 201)

    def _thread(self, request: web.Request) -> Channel:
        channel = self._channel(request)
        if not channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return channel

    def _thread_user(self, request: web.Request) -> int:
        raw = request.match_info["user_id"]
        return self._emu.state.bot.id if raw == "@me" else _snowflake(request, "user_id")

    async def list_thread_members(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        return json_response([thread.thread_member_payload(uid) for uid in thread.thread_member_ids])

    async def add_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self._thread_user(request)
        guild = self._emu.state.guild_of(thread)
        if guild is None or user_id not in guild.members:
            raise ApiError(404, 10007, "Unknown Member")
        if thread.archived and thread.locked:
            raise ApiError(400, 50083, "Thread is archived")
        if user_id not in thread.thread_member_ids:
            thread.thread_member_ids[user_id] = iso_now()
            added = {**thread.thread_member_payload(user_id), "member": guild.members[user_id].payload()}
            self._members_update(thread, {"added_members": [added]})
        return no_content()

    async def remove_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self._thread_user(request)
        if thread.thread_member_ids.pop(user_id, None) is not None:
            self._members_update(thread, {"removed_member_ids": [str(user_id)]})
        return no_content()

    def _members_update(self, thread: Channel, change: Json) -> None:
        assert thread.guild_id is not None
        data = {"id": str(thread.id), "guild_id": str(thread.guild_id), "member_count": len(thread.thread_member_ids), **change}
        self._emu.gateway.dispatch_guild(thread.guild_id, "THREAD_MEMBERS_UPDATE", data, intent=INTENT_GUILD_MEMBERS)
        self._emu.waiters.notify([("channel_update", thread.id)], thread)

    async def edit_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body = await self._body(request)
        changes = body.payload
        if "name" in changes:
            channel.name = changes["name"]
        if channel.is_thread:
            self._check_can_modify_thread(channel, changes)
            if "locked" in changes:
                channel.locked = bool(changes["locked"])
            if "archived" in changes:
                channel.archived = bool(changes["archived"])
                channel.archive_timestamp = iso_now()
            if "invitable" in changes:
                channel.invitable = bool(changes["invitable"])
            if "auto_archive_duration" in changes:
                channel.auto_archive_duration = int(changes["auto_archive_duration"])
            self._emu.publish_thread_update(channel)
        else:
            if "topic" in changes:
                channel.topic = changes["topic"]
            if channel.guild_id is not None:
                data = self._emu.state.channel_payload(channel)
                self._emu.gateway.dispatch_guild(channel.guild_id, "CHANNEL_UPDATE", data, intent=INTENT_GUILDS)
        return json_response(self._emu.state.channel_payload(channel))

    def _check_can_modify_thread(self, thread: Channel, changes: Json) -> None:
        """Locking (or touching a locked thread) needs Manage Threads; the thread's creator may
        archive, unarchive and rename it without."""
        state = self._emu.state
        guild = state.guild_of(thread)
        if guild is None or guild.permissions_of(state.bot.id) & PERM_MANAGE_THREADS:
            return
        if "locked" in changes or thread.locked or thread.owner_id != state.bot.id:
            raise ApiError(403, 50013, "Missing Permissions")

    async def delete_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        payload = self._emu.state.channel_payload(channel)
        channel.deleted = True
        if channel.guild_id is not None:
            if channel.is_thread:
                data = {
                    "id": str(channel.id),
                    "guild_id": str(channel.guild_id),
                    "parent_id": str(channel.parent_id),
                    "type": channel.type,
                }
                self._emu.gateway.dispatch_guild(channel.guild_id, "THREAD_DELETE", data, intent=INTENT_GUILDS)
            else:
                self._emu.gateway.dispatch_guild(channel.guild_id, "CHANNEL_DELETE", payload, intent=INTENT_GUILDS)
        self._emu.waiters.notify([("channel_update", channel.id)], channel)
        return json_response(payload)

    # ---- DMs and guilds ---------------------------------------------------------------------

    async def create_dm(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._emu.state.users.get(int(body.payload.get("recipient_id") or 0))
        if user is None:
            raise ApiError(400, 50035, "Invalid Form Body", {"recipient_id": {"_errors": [{"code": "NUMBER_TYPE_COERCE"}]}})
        return json_response(self._emu.state.channel_payload(self._emu.state.dm_channel(user)))

    def _guild(self, request: web.Request) -> Any:
        guild = self._emu.state.guilds.get(_snowflake(request, "guild_id"))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, request: web.Request) -> web.Response:
        payload = self._emu.state.guild_create_payload(self._guild(request))
        for key in ("members", "channels", "threads", "voice_states", "presences", "member_count", "joined_at", "large"):
            payload.pop(key, None)
        return json_response(payload)

    async def list_guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        state = self._emu.state
        return json_response(
            [state.channel_payload(state.channels[cid]) for cid in guild.channel_ids if not state.channels[cid].deleted]
        )

    async def list_roles(self, request: web.Request) -> web.Response:
        return json_response([role.payload() for role in self._guild(request).roles.values()])

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        limit = max(1, min(1000, int(request.query.get("limit", "1"))))
        after = int(request.query.get("after", "0"))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)[:limit]
        return json_response([m.payload() for m in members])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        member = guild.members.get(_snowflake(request, "user_id"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.payload())

    # ---- CDN -------------------------------------------------------------------------------

    async def download_attachment(self, request: web.Request) -> web.Response:
        attachment = self._emu.state.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None or attachment.filename != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        self._emu.attachment_downloads.append(attachment.id)
        return web.Response(body=attachment.data, headers={"Content-Type": attachment.content_type or "application/octet-stream"})
