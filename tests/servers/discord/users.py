"""The simulated-user API: tests act as Discord users (slash commands, clicks, modals, messages).

Each action builds the payload Discord would send the bot and dispatches it on the
shard that owns the guild. The payloads are checked against what the bot really
exposed, like Discord's client does: a slash command must exist in the synced tree
(with its required options, choices and ``default_member_permissions``), a click must
target a component present and enabled on a stored bot message, a modal submission
must answer a modal the bot opened and fill its required inputs, and an ephemeral
message or a modal can only be used by the user it was shown to.

Modal submissions mirror the modal's layout as discord.py 2.7.1 parses it: a text
input sent inside an action row comes back as ``{"type": 1, "components": [{"type":
4, "custom_id", "value"}]}``; one inside a Label (type 18) comes back as ``{"type":
18, "component": {...}}``; selects answer with ``values``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from .ids import DM, FLAG_IS_VOICE_MESSAGE, PERM_MANAGE_THREADS
from .interactions import APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT, InteractionHandle
from .state import Attachment, Channel, StoredMessage, User, walk_components

if TYPE_CHECKING:
    from .commands import CommandRegistry
    from .gateway import Gateway
    from .interactions import InteractionRegistry
    from .server import DiscordEmulator
    from .state import State
    from .waiters import Waiters

Json = dict[str, Any]
UserRef = int | User
ChannelRef = int | Channel
MessageRef = int | StoredMessage
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
MULTI_VALUE_TYPES = SELECT_TYPES | {19, 22}


class SimulatedUserAPI:
    """Mixed into :class:`DiscordEmulator`; relies on the attributes declared below."""

    state: State
    commands: CommandRegistry
    gateway: Gateway
    interactions: InteractionRegistry
    waiters: Waiters
    default_channel_id: int | None

    def attachment_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        raise NotImplementedError

    def publish_created(self, message: StoredMessage) -> None:
        raise NotImplementedError

    def publish_thread_update(self, thread: Channel) -> None:
        raise NotImplementedError

    def _emulator(self) -> DiscordEmulator:
        return cast("DiscordEmulator", self)  # this mixin only ever lives in DiscordEmulator

    # ---- reference helpers -------------------------------------------------------------

    def _user(self, user: UserRef) -> User:
        return user if isinstance(user, User) else self.state.user(user)

    def _channel_for(self, channel: ChannelRef | None) -> Channel:
        if channel is None:
            if self.default_channel_id is None:
                raise ValueError("no channel given and no default channel; call add_guild() first")
            channel = self.default_channel_id
        return channel if isinstance(channel, Channel) else self.state.channel(channel)

    def _message(self, message: MessageRef) -> StoredMessage:
        found = self.state.messages.get(message.id if isinstance(message, StoredMessage) else message)
        if found is None or found.deleted:
            raise ValueError(f"message {message!r} does not exist (or was deleted)")
        return found

    def dm_channel_id(self, user: UserRef) -> int:
        """The DM channel between the bot and ``user`` (created on first use, as Discord does)."""
        return self.state.dm_channel(self._user(user)).id

    def _check_can_see(self, user: User, channel: Channel) -> None:
        if channel.type == DM:
            if channel.recipient_id != user.id:
                raise PermissionError(f"{user.name} is not in DM channel {channel.id}")
            return
        guild = self.state.guild_of(channel)
        if guild is None or user.id not in guild.members:
            raise PermissionError(f"{user.name} is not a member of the guild of channel {channel.id}")
        hidden = channel.is_private_thread and user.id not in channel.thread_member_ids
        if hidden and not guild.permissions_of(user.id) & PERM_MANAGE_THREADS:
            raise PermissionError(f"{user.name} cannot see private thread {channel.id}; the bot must add them")

    # ---- interactions ----------------------------------------------------------------------

    async def _send_interaction(self, handle: InteractionHandle, message: StoredMessage | None) -> InteractionHandle:
        handle.payload = self.interactions.build_payload(handle, message)
        self.interactions.register(handle)
        session = self.gateway.session_for_guild(handle.guild.id) if handle.guild else self.gateway.session_for_dm()
        if session is None:
            raise RuntimeError("no gateway session owns this interaction's guild: is the bot connected (and IDENTIFYed)?")
        handle._start_clock()
        session.dispatch("INTERACTION_CREATE", handle.payload, handle._on_sent)
        await asyncio.sleep(0)
        return handle

    async def slash(
        self, user: UserRef, command: str, options: dict[str, Any] | None = None, *, channel: ChannelRef | None = None
    ) -> InteractionHandle:
        """Invoke ``/command`` (``"mock start"`` = command ``mock``, subcommand ``start``; groups likewise).

        ``options`` maps option names to values: str/int/float/bool; a user id or User for
        user options; a channel id for channel options; ``(filename, bytes)`` for attachments.
        """
        member = self._user(user)
        target = self._channel_for(channel)
        self._check_can_see(member, target)
        guild = self.state.guild_of(target)
        resolved = self.commands.resolve(command, options or {}, guild=guild)
        self._check_command_allowed(member, resolved.command, guild is None, target)
        if resolved.uploads:
            self._attach_uploads(resolved.data, resolved.uploads, target)
        handle = InteractionHandle(
            self._emulator(),
            id=self.state.ids.next(),
            type=APPLICATION_COMMAND,
            user=member,
            channel=target,
            guild=guild,
            data=resolved.data,
            name=resolved.command["name"],
        )
        return await self._send_interaction(handle, None)

    def _check_command_allowed(self, user: User, command: Json, in_dm: bool, channel: Channel) -> None:
        if in_dm:
            contexts = command.get("contexts")
            if command.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
                raise PermissionError(f"/{command['name']} is not available in DMs")
            return
        required = command.get("default_member_permissions")
        guild = self.state.guild_of(channel)
        if required is not None and guild is not None:
            needed = int(required)
            have = guild.permissions_of(user.id)
            if (needed == 0 and have != guild.permissions_of(guild.owner_id)) or have & needed != needed:
                raise PermissionError(f"{user.name} lacks default_member_permissions={needed} for /{command['name']}")

    def _attach_uploads(self, data: Json, uploads: list[tuple[str, bytes]], channel: Channel) -> None:
        attachments: dict[str, Json] = {}
        created: list[str] = []
        for filename, content in uploads:
            attachment_id = self.state.ids.next()
            attachment = Attachment(attachment_id, filename, content, self.attachment_url(channel.id, attachment_id, filename))
            self.state.attachments[attachment_id] = attachment
            attachments[str(attachment_id)] = attachment.payload()
            created.append(str(attachment_id))

        def replace(options: list[Json]) -> None:
            for option in options:
                value = option.get("value")
                if isinstance(value, str) and value.startswith("upload:"):
                    option["value"] = created[int(value.split(":", 1)[1])]
                replace(option.get("options", []))

        replace(data.get("options", []))
        data.setdefault("resolved", {})["attachments"] = attachments

    async def click(
        self, user: UserRef, message: MessageRef, custom_id: str, *, values: Sequence[str] | None = None
    ) -> InteractionHandle:
        """Press a button (or choose ``values`` in a select) on a message the bot sent."""
        member = self._user(user)
        target = self._message(message)
        if not target.from_bot:
            raise ValueError("only components on the bot's messages can be used")
        component = next((c for c in walk_components(target.components) if c.get("custom_id") == custom_id), None)
        if component is None:
            raise ValueError(f"message {target.id} has no component {custom_id!r}; it has {target.custom_ids()}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        if target.ephemeral and (target.interaction_metadata or {}).get("user", {}).get("id") != str(member.id):
            raise PermissionError("an ephemeral message can only be used by the user it was shown to")
        channel = self.state.channel(target.channel_id)
        self._check_can_see(member, channel)
        kind = int(component["type"])
        data: Json = {"custom_id": custom_id, "component_type": kind}
        if kind in SELECT_TYPES:
            data["values"] = self._select_values(component, list(values or []))
        elif values is not None:
            raise ValueError(f"component {custom_id!r} is not a select; values are not allowed")
        handle = InteractionHandle(
            self._emulator(),
            id=self.state.ids.next(),
            type=MESSAGE_COMPONENT,
            user=member,
            channel=channel,
            guild=self.state.guild_of(channel),
            data=data,
            source_message_id=target.id,
        )
        return await self._send_interaction(handle, target)

    def _select_values(self, component: Json, values: list[str]) -> list[str]:
        low, high = int(component.get("min_values", 1)), int(component.get("max_values", 1))
        if not low <= len(values) <= high:
            raise ValueError(f"select {component.get('custom_id')!r} takes {low}..{high} values, got {len(values)}")
        if int(component["type"]) == 3:
            offered = {option["value"] for option in component.get("options", [])}
            unknown = set(values) - offered
            if unknown:
                raise ValueError(f"select {component.get('custom_id')!r} has no option(s) {sorted(unknown)}")
        return values

    async def submit_modal(self, user: UserRef, source: InteractionHandle, values: dict[str, Any]) -> InteractionHandle:
        """Submit the modal the bot opened in response to ``source`` (a type 9 callback)."""
        member = self._user(user)
        modal = source.modal
        if modal is None:
            raise ValueError(f"{source!r} did not open a modal (callback: {source.callback})")
        if member.id != source.user.id:
            raise PermissionError("a modal can only be submitted by the user it was shown to")
        if source.modal_submitted:
            raise ValueError("this modal was already submitted")
        used: set[str] = set()
        components = _modal_answers(modal.get("components", []), values, used)
        unknown = set(values) - used
        if unknown:
            raise ValueError(f"modal {modal.get('custom_id')!r} has no input(s) {sorted(unknown)}")
        source.modal_submitted = True
        message = self.state.messages.get(source.source_message_id) if source.source_message_id else None
        handle = InteractionHandle(
            self._emulator(),
            id=self.state.ids.next(),
            type=MODAL_SUBMIT,
            user=member,
            channel=source.channel,
            guild=source.guild,
            data={"custom_id": modal["custom_id"], "components": components},
            source_message_id=message.id if message else None,
        )
        return await self._send_interaction(handle, message)

    # ---- messages --------------------------------------------------------------------------

    async def say(
        self,
        user: UserRef,
        channel: ChannelRef | None,
        content: str = "",
        *,
        attachments: Sequence[tuple[str, bytes]] = (),
        reply_to: MessageRef | None = None,
        voice_seconds: float | None = None,
    ) -> StoredMessage:
        """Post a message as ``user``; the bot gets MESSAGE_CREATE (if its intents allow).

        With ``voice_seconds`` it is a voice message, as the Discord client sends one: its one
        attachment is ``audio/ogg`` with a duration and a waveform, and the message is flagged."""
        author = self._user(user)
        target = self._channel_for(channel)
        self._check_can_see(author, target)
        if target.is_thread and target.archived:
            if target.locked:
                raise PermissionError(f"thread {target.id} is archived and locked")
            target.archived = False
            self.publish_thread_update(target)
        message = StoredMessage(self.state.ids.next(), target.id, target.guild_id, author, content=content)
        for filename, data in attachments:
            attachment_id = self.state.ids.next()
            attachment = Attachment(attachment_id, filename, data, self.attachment_url(target.id, attachment_id, filename))
            if voice_seconds is not None:
                attachment.content_type, attachment.duration_secs = "audio/ogg", voice_seconds
                attachment.waveform = base64.b64encode(bytes(range(0, 256, 4))).decode()
                message.flags |= FLAG_IS_VOICE_MESSAGE
            self.state.attachments[attachment_id] = attachment
            message.attachments.append(attachment)
        if reply_to is not None:
            replied = self._message(reply_to)
            message.type = 19
            message.message_reference = {"type": 0, "message_id": str(replied.id), "channel_id": str(replied.channel_id)}
            if replied.guild_id is not None:
                message.message_reference["guild_id"] = str(replied.guild_id)
        self.publish_created(message)
        await asyncio.sleep(0)
        return message

    async def wait_for_bot_message(
        self,
        channel: ChannelRef | None = None,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: MessageRef | None = None,
        include_ephemeral: bool = False,
    ) -> StoredMessage:
        """The first bot message (in ``channel``, or anywhere) matching ``predicate``, existing or future.

        ``after`` restricts to messages newer than the given message (e.g. the user's own
        message from :meth:`say`). Messages still "thinking..." (deferred) never match,
        but do once an edit fills them in.
        """
        channel_id = None if channel is None else (channel.id if isinstance(channel, Channel) else channel)
        after_id = after.id if isinstance(after, StoredMessage) else after
        bot_id = self.state.bot.id

        def matches(message: StoredMessage) -> bool:
            return (
                message.author.id == bot_id
                and not message.deleted
                and not message.loading
                and (include_ephemeral or not message.ephemeral)
                and (channel_id is None or message.channel_id == channel_id)
                and (after_id is None or message.id > after_id)
                and (predicate is None or predicate(message))
            )

        pool = self.state.messages.values() if channel_id is None else self.state.channel_messages.get(channel_id, [])
        for message in pool:
            if matches(message):
                return message
        key = ("bot_messages", None) if channel_id is None else ("channel", channel_id)
        found: StoredMessage = await self.waiters.wait(
            key, matches, timeout=timeout, what=f"a bot message in {channel_id or 'any channel'}"
        )
        return found

    async def wait_for_edit(
        self,
        message: MessageRef,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        timeout: float = 5.0,
        min_version: int = 1,
    ) -> StoredMessage:
        """Until ``message`` has been edited at least ``min_version`` times and ``predicate`` holds."""
        target = self._message(message)

        def matches(item: StoredMessage) -> bool:
            return item.version >= min_version and (predicate is None or predicate(item))

        if matches(target):
            return target
        found: StoredMessage = await self.waiters.wait(
            ("message", target.id), matches, timeout=timeout, what=f"an edit of message {target.id}"
        )
        return found

    async def wait_for_thread(
        self, parent: int | None = None, predicate: Callable[[Channel], bool] | None = None, *, timeout: float = 5.0
    ) -> Channel:
        """A thread (existing or future) under ``parent`` matching ``predicate``."""

        def matches(thread: Channel) -> bool:
            return (
                not thread.deleted and (parent is None or thread.parent_id == parent) and (predicate is None or predicate(thread))
            )

        for channel in self.state.channels.values():
            if channel.is_thread and matches(channel):
                return channel
        found: Channel = await self.waiters.wait(("threads", parent), matches, timeout=timeout, what=f"a thread under {parent}")
        return found


def _modal_answers(components: list[Json], values: dict[str, Any], used: set[str]) -> list[Json]:
    answers: list[Json] = []
    for component in components:
        kind = int(component["type"])
        ident = {"id": component["id"]} if "id" in component else {}
        if kind == 1:
            answers.append({"type": 1, **ident, "components": _modal_answers(component.get("components", []), values, used)})
        elif kind == 18:
            inner = _modal_answers([component["component"]], values, used)
            answers.append({"type": 18, **ident, "component": inner[0]})
        elif kind == 10:
            answers.append({"type": 10, **ident})
        elif "custom_id" in component:
            answers.append({**ident, **_modal_value(component, values, used)})
    return answers


def _modal_value(component: Json, values: dict[str, Any], used: set[str]) -> Json:
    custom_id = component["custom_id"]
    kind = int(component["type"])
    if custom_id in values:
        used.add(custom_id)
    required = component.get("required", True)
    if kind == 4:
        value = values.get(custom_id, component.get("value") or "")
        if not isinstance(value, str):
            raise ValueError(f"text input {custom_id!r} takes a string, got {value!r}")
        if required and not value:
            raise ValueError(f"text input {custom_id!r} is required")
        low, high = component.get("min_length"), component.get("max_length")
        if value and ((low is not None and len(value) < low) or (high is not None and len(value) > high)):
            raise ValueError(f"text input {custom_id!r} must be {low}..{high} characters, got {len(value)}")
        return {"type": 4, "custom_id": custom_id, "value": value}
    if kind in MULTI_VALUE_TYPES:
        chosen = list(values.get(custom_id, []))
        if required and not chosen:
            raise ValueError(f"{custom_id!r} is required")
        return {"type": kind, "custom_id": custom_id, "values": chosen}
    if kind == 23:  # checkbox
        return {"type": kind, "custom_id": custom_id, "value": bool(values.get(custom_id, False))}
    return {"type": kind, "custom_id": custom_id, "value": values.get(custom_id)}
