"""Interactions: the INTERACTION_CREATE payload, the 3-second ack clock, and callbacks.

Discord gives a bot 3 seconds to acknowledge an interaction; after that the user sees
"This interaction failed" and any later callback gets 404 ``Unknown interaction``
(code 10062). A second callback gets 400 ``Interaction has already been
acknowledged`` (40060). Both are reproduced here, and every acknowledgement latency
(INTERACTION_CREATE written to the socket -> callback received) is recorded, because
"never miss the 3 s window under load" is a property of the bot worth asserting.

discord.py 2.7.1 always POSTs callbacks to ``/interactions/{id}/{token}/callback?
with_response=1`` without an Authorization header and parses the 200 body as an
InteractionCallback: ``interaction.id`` is mandatory, ``interaction.response_message_id``
is where it learns the message id under which a View is stored, and ``resource.message``
becomes the InteractionMessage. A 204 would crash it, so 204 is only used when the
query flag is absent (other clients).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .ids import ATTACHMENT_SIZE_LIMIT, FLAG_EPHEMERAL, FLAG_LOADING
from .messages import RequestBody, apply_edit, build_message
from .state import Channel, Guild, StoredMessage, User
from .validation import ApiError, invalid_form, validate_modal

if TYPE_CHECKING:
    from .server import DiscordEmulator

Json = dict[str, Any]

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 6, 7, 8, 9
ALLOWED_CALLBACKS = {
    PING: {1},
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


@dataclass
class Callback:
    """The bot's acknowledgement: callback ``type`` and its ``data`` exactly as sent."""

    type: int
    data: Json | None
    received_at: float
    latency: float
    with_response: bool
    file_names: list[str] = field(default_factory=list)


class InteractionHandle:
    """One interaction a simulated user started; follow it through ack, original and follow-ups."""

    def __init__(
        self,
        emulator: DiscordEmulator,
        *,
        id: int,
        type: int,
        user: User,
        channel: Channel,
        guild: Guild | None,
        data: Json,
        source_message_id: int | None = None,
        name: str | None = None,
    ) -> None:
        self._emu = emulator
        self.id = id
        self.token = f"itok-{id}-{emulator.state.ids.next():x}"
        self.type = type
        self.user = user
        self.channel = channel
        self.guild = guild
        self.data = data
        self.name = name
        self.source_message_id = source_message_id
        self.payload: Json = {}
        self.created_at = time.monotonic()
        self.sent_at: float | None = None
        self.callback: Callback | None = None
        self.rejected: list[ApiError] = []  # callbacks refused (late, duplicate, wrong type)
        self.missed = False
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self.modal_submitted = False
        self._acked: asyncio.Future[Callback] = asyncio.get_running_loop().create_future()
        self._deadline: asyncio.TimerHandle | None = None

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} name={self.name!r} user={self.user.name!r}>"

    # ---- acknowledgement -----------------------------------------------------------

    @property
    def ack_latency(self) -> float | None:
        return self.callback.latency if self.callback else None

    async def acked(self, timeout: float = 5.0) -> Callback:
        """The bot's callback; raises if it never came or came after the deadline."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._acked), timeout)
        except TimeoutError:
            state = "missed the ack deadline" if self.missed else "not acknowledged"
            raise TimeoutError(f"{self!r} {state} within {timeout}s") from None

    @property
    def modal(self) -> Json | None:
        """The modal the bot opened (callback type 9 data), if any."""
        if self.callback is not None and self.callback.type == MODAL:
            return self.callback.data
        return None

    # ---- responses ------------------------------------------------------------------

    @property
    def original(self) -> StoredMessage | None:
        return self._emu.state.messages.get(self.original_id) if self.original_id else None

    @property
    def followups(self) -> list[StoredMessage]:
        return [self._emu.state.messages[mid] for mid in self.followup_ids]

    @property
    def responses(self) -> list[StoredMessage]:
        """The original response (if a message) then every follow-up, in order."""
        original = self.original
        own = [original] if original is not None and original.interaction_id == self.id else []
        return own + [m for m in self.followups if m is not original]

    @property
    def ephemeral_messages(self) -> list[StoredMessage]:
        return [message for message in self.responses if message.ephemeral]

    async def wait_original(
        self, predicate: Callable[[StoredMessage], bool] | None = None, *, timeout: float = 5.0
    ) -> StoredMessage:
        """@original once it is a real message (not "thinking...") and ``predicate`` holds."""

        def ready(_: Any) -> bool:
            message = self.original
            return message is not None and not message.loading and (predicate is None or predicate(message))

        if not ready(None):
            await self._emu.waiters.wait(("interaction", self.id), ready, timeout=timeout, what=f"@original of {self!r}")
        original = self.original
        assert original is not None
        return original

    async def wait_followup(
        self, predicate: Callable[[StoredMessage], bool] | None = None, *, timeout: float = 5.0
    ) -> StoredMessage:
        def match(_: Any) -> StoredMessage | None:
            return next((m for m in self.followups if predicate is None or predicate(m)), None)

        found = match(None)
        if found is None:
            await self._emu.waiters.wait(
                ("interaction", self.id), lambda item: match(item) is not None, timeout=timeout, what=f"a follow-up to {self!r}"
            )
            found = match(None)
        assert found is not None
        return found

    async def wait_response(self, predicate: Callable[[StoredMessage], bool], *, timeout: float = 5.0) -> StoredMessage:
        """Any response (original or follow-up, in its current state) satisfying ``predicate``."""

        def match() -> StoredMessage | None:
            return next((m for m in self.responses if not m.loading and predicate(m)), None)

        found = match()
        if found is None:
            await self._emu.waiters.wait(
                ("interaction", self.id), lambda _: match() is not None, timeout=timeout, what=f"a response to {self!r}"
            )
            found = match()
        assert found is not None
        return found

    # ---- lifecycle (emulator side) -----------------------------------------------------

    def _start_clock(self) -> None:
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(self._emu.ack_deadline, self._expire)

    def _on_sent(self) -> None:
        if self.sent_at is None:
            self.sent_at = time.monotonic()
            if self._deadline is not None and self.callback is None:
                self._deadline.cancel()
                self._start_clock()

    def _expire(self) -> None:
        if self.callback is None:
            self.missed = True
            self._emu.missed_interactions.append(self)
            if not self._acked.done():
                self._acked.set_exception(TimeoutError(f"{self!r} was not acknowledged within {self._emu.ack_deadline}s"))
                self._acked.exception()  # mark retrieved: nobody may be awaiting it


class InteractionRegistry:
    def __init__(self, emulator: DiscordEmulator) -> None:
        self._emu = emulator
        self.by_id: dict[int, InteractionHandle] = {}
        self.by_token: dict[str, InteractionHandle] = {}

    def register(self, handle: InteractionHandle) -> None:
        self.by_id[handle.id] = handle
        self.by_token[handle.token] = handle

    # ---- INTERACTION_CREATE ------------------------------------------------------------

    def build_payload(self, handle: InteractionHandle, message: StoredMessage | None) -> Json:
        state = self._emu.state
        guild = handle.guild
        payload: Json = {
            "id": str(handle.id),
            "application_id": str(state.application_id),
            "type": handle.type,
            "data": handle.data,
            "channel_id": str(handle.channel.id),
            "channel": state.channel_payload(handle.channel),
            "token": handle.token,
            "version": 1,
            "locale": self._emu.locale_of(handle.user),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            member = guild.members[handle.user.id]
            perms = guild.permissions_of(handle.user.id)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member=member.payload(permissions=perms),
                app_permissions=str(guild.permissions_of(state.bot.id)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
            payload["channel"]["permissions"] = str(perms)
        else:
            payload.update(
                user=handle.user.payload(),
                app_permissions=str(0),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if message is not None:
            payload["message"] = message.payload(state)
        return payload

    # ---- callbacks ---------------------------------------------------------------------

    def callback(self, interaction_id: int, token: str, body: RequestBody, *, with_response: bool) -> Json | None:
        handle = self.by_id.get(interaction_id)
        if handle is None or handle.token != token or handle.missed:
            error = ApiError(404, 10062, "Unknown interaction")
            if handle is not None:
                handle.rejected.append(error)
            raise error
        if handle.callback is not None:
            error = ApiError(400, 40060, "Interaction has already been acknowledged.")
            handle.rejected.append(error)
            raise error
        kind = int(body.payload.get("type", 0))
        data = body.payload.get("data")
        allowed = set(ALLOWED_CALLBACKS.get(handle.type, set()))
        if handle.type == MODAL_SUBMIT and handle.source_message_id is None:
            allowed.discard(UPDATE_MESSAGE)
        if kind not in allowed:
            error = invalid_form(
                "type",
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Callback type {kind} is not valid for interaction type {handle.type}",
            )
            handle.rejected.append(error)
            raise error
        message = self._apply(handle, kind, data or {}, body)
        now = time.monotonic()
        started = handle.sent_at if handle.sent_at is not None else handle.created_at
        handle.callback = Callback(kind, data, now, now - started, with_response, [f.filename for f in body.files.values()])
        if handle._deadline is not None:
            handle._deadline.cancel()
        self._emu.ack_latencies.append(handle.callback.latency)
        if not handle._acked.done():
            handle._acked.set_result(handle.callback)
        self._emu.waiters.notify([("interaction", handle.id)], message)
        if not with_response:
            return None
        return self._callback_body(handle, kind, message)

    def _apply(self, handle: InteractionHandle, kind: int, data: Json, body: RequestBody) -> StoredMessage | None:
        emu = self._emu
        if kind == MODAL:
            validate_modal(data)
            return None
        if kind == AUTOCOMPLETE_RESULT:
            return None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            inner = RequestBody(payload=data, files=body.files, multipart=body.multipart)
            loading = kind == DEFERRED_CHANNEL_MESSAGE
            if loading:
                inner = RequestBody(payload={"flags": int(data.get("flags") or 0) & FLAG_EPHEMERAL})
            message = self.new_response_message(handle, inner, extra_flags=FLAG_LOADING if loading else 0, validate=not loading)
            handle.original_id = message.id
            emu.publish_created(message)
            return message
        # DEFERRED_UPDATE / UPDATE_MESSAGE act on the message the component was on.
        handle.original_id = handle.source_message_id
        source = emu.state.messages.get(handle.source_message_id) if handle.source_message_id else None
        if kind == UPDATE_MESSAGE and source is not None:
            apply_edit(
                emu.state, source, RequestBody(payload=data, files=body.files, multipart=body.multipart), emu.attachment_url
            )
            emu.publish_edited(source)
        return source

    def new_response_message(
        self, handle: InteractionHandle, body: RequestBody, *, extra_flags: int = 0, validate: bool = True
    ) -> StoredMessage:
        emu = self._emu
        state = emu.state
        metadata: Json = {
            "id": str(handle.id),
            "type": handle.type,
            "user": handle.user.payload(),
            "authorizing_integration_owners": {"0": str(handle.guild.id) if handle.guild else "0"},
        }
        if handle.name is not None:
            metadata["name"] = handle.name
        if handle.source_message_id is not None:
            metadata["interacted_message_id"] = str(handle.source_message_id)
        if handle.original_id is not None:
            metadata["original_response_message_id"] = str(handle.original_id)
        fields: Json = {
            "webhook_id": state.application_id,
            "application_id": state.application_id,
            "interaction_id": handle.id,
            "interaction_metadata": metadata,
            "type": 20 if handle.type == APPLICATION_COMMAND else 0,
        }
        if validate:
            return build_message(
                state,
                channel_id=handle.channel.id,
                guild_id=handle.guild.id if handle.guild else None,
                author=state.bot,
                body=body,
                attachment_url=emu.attachment_url,
                extra_flags=extra_flags,
                **fields,
            )
        return StoredMessage(
            id=state.ids.next(),
            channel_id=handle.channel.id,
            guild_id=handle.guild.id if handle.guild else None,
            author=state.bot,
            flags=int(body.payload.get("flags") or 0) | extra_flags,
            payloads=[body.payload],
            **fields,
        )

    def _callback_body(self, handle: InteractionHandle, kind: int, message: StoredMessage | None) -> Json:
        interaction: Json = {"id": str(handle.id), "type": handle.type}
        result: Json = {"interaction": interaction}
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, UPDATE_MESSAGE) and message is not None:
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            result["resource"] = {"type": kind, "message": message.payload(self._emu.state)}
        elif kind == DEFERRED_UPDATE and message is not None:
            interaction["response_message_id"] = str(message.id)
        return result
