"""What the emulated Discord knows: users, guilds, roles, channels, threads and messages.

Everything lives in plain dicts keyed by snowflake so every lookup on the hot path
(an interaction, a message, a click) is O(1), and each object renders its own
Discord-shaped JSON. The payload methods are the single source of truth for what
discord.py receives, so when discord.py starts requiring a new field it is added in
one place. The required fields were read from discord.py 2.7.1's parsers: e.g. a
member needs ``roles`` and ``flags``, a thread needs ``thread_metadata``,
``message_count`` and ``member_count``, a user needs ``discriminator`` and ``avatar``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from .ids import (
    ALL_PERMISSIONS,
    BOT_PERMISSIONS,
    DM,
    EVERYONE_PERMISSIONS,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    GUILD_TEXT,
    PERM_ADMINISTRATOR,
    PERM_MANAGE_GUILD,
    PRIVATE_THREAD,
    THREAD_TYPES,
    SnowflakeFactory,
    iso_now,
)

Json = dict[str, Any]

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


NONCE_WINDOW_SECONDS = 300.0  # Discord checks an enforced nonce for uniqueness "in the past few minutes"

@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Member:
    user: User
    role_ids: list[int]
    joined_at: str = field(default_factory=iso_now)
    nick: str | None = None

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> Json:
        data: Json = {
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": self.joined_at,
            "nick": self.nick,
            "avatar": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Channel:
    """A guild text channel, a thread (``parent_id`` set) or a DM (``recipient_id`` set)."""

    id: int
    type: int
    name: str
    guild_id: int | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    recipient_id: int | None = None
    position: int = 0
    topic: str | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    created_at: str = field(default_factory=iso_now)
    archive_timestamp: str = field(default_factory=iso_now)
    thread_member_ids: dict[int, str] = field(default_factory=dict)  # user id -> join timestamp
    last_message_id: int | None = None
    message_count: int = 0
    deleted: bool = False

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_private_thread(self) -> bool:
        return self.type == PRIVATE_THREAD

    def thread_member_payload(self, user_id: int) -> Json:
        return {"id": str(self.id), "user_id": str(user_id), "join_timestamp": self.thread_member_ids[user_id], "flags": 0}

    def payload(self, recipients: list[Json] | None = None, *, me: int | None = None) -> Json:
        data: Json = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "flags": 0,
        }
        if self.type == DM:
            data["recipients"] = recipients or []
            del data["name"]
            return data
        data["guild_id"] = str(self.guild_id)
        data["rate_limit_per_user"] = 0
        data["nsfw"] = False
        if self.is_thread:
            data.update(
                parent_id=str(self.parent_id),
                owner_id=str(self.owner_id),
                message_count=self.message_count,
                total_message_sent=self.message_count,
                member_count=len(self.thread_member_ids),
                thread_metadata={
                    "archived": self.archived,
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": self.archive_timestamp,
                    "create_timestamp": self.created_at,
                },
            )
            if me is not None and me in self.thread_member_ids:
                data["member"] = self.thread_member_payload(me)
        else:
            data.update(position=self.position, topic=self.topic, parent_id=None, permission_overwrites=[])
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    everyone_role_id: int
    manager_role_id: int
    bot_role_id: int
    locale: str = "en-US"
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    thread_ids: list[int] = field(default_factory=list)
    system_channel_id: int | None = None

    def permissions_of(self, user_id: int) -> int:
        member = self.members.get(user_id)
        if member is None:
            return 0
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.roles[self.everyone_role_id].permissions
        for role_id in member.role_ids:
            role = self.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        return ALL_PERMISSIONS if value & PERM_ADMINISTRATOR else value


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None
    duration_secs: float | None = None  # a voice message's length and waveform, as the client sends them
    waveform: str | None = None

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "flags": 0,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        if self.description:
            data["description"] = self.description
        if self.duration_secs is not None:
            data.update(duration_secs=self.duration_secs, waveform=self.waveform)
        return data


@dataclass
class StoredMessage:
    """One message as Discord holds it, plus what the sender sent, for assertions.

    ``payloads`` keeps every request body (create first, then each edit) exactly as
    received, so a test can check e.g. ``allowed_mentions`` on any of them;
    ``allowed_mentions`` is the value from the most recent body that carried one
    (None: never sent, which means Discord's default of pinging everything parsed).
    """

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[Json] = field(default_factory=list)
    components: list[Json] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: Json | None = None
    message_reference: Json | None = None
    tts: bool = False
    nonce: str | int | None = None
    type: int = 0
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: Json | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    version: int = 0  # number of edits applied
    deleted: bool = False
    payloads: list[Json] = field(default_factory=list)
    reactions: dict[str, set[int]] = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & FLAG_LOADING)

    @property
    def from_bot(self) -> bool:
        return self.author.bot

    @property
    def attachment_files(self) -> dict[str, bytes]:
        return {attachment.filename: attachment.data for attachment in self.attachments}

    def custom_ids(self) -> list[str]:
        """Every ``custom_id`` in the message's components, depth first."""
        return [component["custom_id"] for component in walk_components(self.components) if "custom_id" in component]

    def mentioned_user_ids(self) -> list[int]:
        return [int(raw) for raw in _USER_MENTION.findall(self.content)]

    def pinged_user_ids(self) -> set[int]:
        """Users Discord would notify, applying ``allowed_mentions`` as Discord does."""
        mentioned = set(self.mentioned_user_ids())
        rules = self.allowed_mentions
        if rules is None:
            return mentioned
        allowed = set(mentioned) if "users" in rules.get("parse", []) else set()
        allowed |= {int(user_id) for user_id in rules.get("users", [])} & mentioned
        return allowed

    def pings_everyone(self) -> bool:
        if "@everyone" not in self.content and "@here" not in self.content:
            return False
        return self.allowed_mentions is None or "everyone" in self.allowed_mentions.get("parse", [])

    def pinged_role_ids(self) -> set[int]:
        mentioned = {int(raw) for raw in _ROLE_MENTION.findall(self.content)}
        rules = self.allowed_mentions
        if rules is None:
            return mentioned
        allowed = set(mentioned) if "roles" in rules.get("parse", []) else set()
        return allowed | ({int(role_id) for role_id in rules.get("roles", [])} & mentioned)

    def payload(self, state: State, *, hide_content: bool = False) -> Json:
        mentions = [state.users[uid].payload() for uid in self.mentioned_user_ids() if uid in state.users]
        data: Json = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": "" if hide_content else self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.pings_everyone(),
            "mentions": mentions,
            "mention_roles": [str(role_id) for role_id in self.pinged_role_ids()],
            "attachments": [] if hide_content else [attachment.payload() for attachment in self.attachments],
            "embeds": [] if hide_content else self.embeds,
            "components": [] if hide_content else self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
            guild = state.guilds.get(self.guild_id)
            member = guild.members.get(self.author.id) if guild else None
            if member is not None and self.webhook_id is None:
                data["member"] = member.payload(with_user=False)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.reactions:
            data["reactions"] = [
                {"emoji": {"id": None, "name": emoji}, "count": len(users), "me": state.bot.id in users}
                for emoji, users in self.reactions.items()
                if users
            ]
        return data


def walk_components(components: list[Json]) -> list[Json]:
    """Flatten a component tree: action rows, sections (accessory), containers and labels."""
    found: list[Json] = []
    stack = list(reversed(components))
    while stack:
        component = stack.pop()
        found.append(component)
        children: list[Json] = []
        children.extend(component.get("components", []))
        for single in ("accessory", "component"):
            if isinstance(component.get(single), dict):
                children.append(component[single])
        stack.extend(reversed(children))
    return found


class State:
    """The object graph, with id indexes; mutation helpers keep the indexes consistent."""

    def __init__(self, bot_name: str, application_id: int | None = None) -> None:
        self.ids = SnowflakeFactory()
        bot_id = application_id or self.ids.next()
        self.bot = User(bot_id, bot_name, bot=True)
        self.owner = User(self.ids.next(), "app-owner")
        self.application_id = bot_id
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.channel_messages: dict[int, list[StoredMessage]] = {}
        self.attachments: dict[int, Attachment] = {}
        self.dm_channel_of: dict[int, int] = {}  # user id -> DM channel id
        self.nonces: dict[tuple[int, str], tuple[int, float]] = {}  # (author, nonce) -> (message id, monotonic time)

    # ---- construction --------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False, dms_open: bool = True) -> User:
        user = User(self.ids.next(), name, bot=bot, global_name=name, dms_open=dms_open)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, guild_id: int | None = None, bot_permissions: int = BOT_PERMISSIONS) -> Guild:
        gid = guild_id or self.ids.next()
        if gid in self.guilds:
            raise ValueError(f"guild {gid} already exists")
        guild = Guild(
            id=gid,
            name=name,
            owner_id=self.owner.id,
            everyone_role_id=gid,  # Discord's @everyone role shares the guild's id
            manager_role_id=self.ids.next(),
            bot_role_id=self.ids.next(),
        )
        guild.roles[gid] = Role(gid, "@everyone", EVERYONE_PERMISSIONS)
        guild.roles[guild.manager_role_id] = Role(guild.manager_role_id, "Manager", PERM_MANAGE_GUILD, position=1)
        guild.roles[guild.bot_role_id] = Role(guild.bot_role_id, self.bot.name, bot_permissions, position=2, managed=True)
        guild.members[self.bot.id] = Member(self.bot, [guild.bot_role_id])
        guild.members[self.owner.id] = Member(self.owner, [])
        self.guilds[gid] = guild
        return guild

    def add_member(self, guild: Guild, user: User, *, manage_guild: bool = False, role_ids: list[int] | None = None) -> Member:
        roles = list(role_ids or [])
        if manage_guild:
            roles.append(guild.manager_role_id)
        member = Member(user, roles)
        guild.members[user.id] = member
        return member

    def add_channel(self, guild: Guild, name: str, *, type: int = GUILD_TEXT, topic: str | None = None) -> Channel:
        channel = Channel(self.ids.next(), type, name, guild_id=guild.id, position=len(guild.channel_ids), topic=topic)
        self.channels[channel.id] = channel
        self.channel_messages[channel.id] = []
        guild.channel_ids.append(channel.id)
        if guild.system_channel_id is None:
            guild.system_channel_id = channel.id
        return channel

    def add_thread(
        self, parent: Channel, name: str, *, type: int, owner: User, thread_id: int | None = None, **options: Any
    ) -> Channel:
        if parent.guild_id is None:
            raise ValueError("threads need a guild channel parent")
        thread = Channel(
            thread_id or self.ids.next(), type, name, guild_id=parent.guild_id, parent_id=parent.id, owner_id=owner.id, **options
        )
        thread.thread_member_ids[owner.id] = iso_now()
        self.channels[thread.id] = thread
        self.channel_messages[thread.id] = []
        self.guilds[parent.guild_id].thread_ids.append(thread.id)
        return thread

    def dm_channel(self, user: User) -> Channel:
        existing = self.dm_channel_of.get(user.id)
        if existing is not None:
            return self.channels[existing]
        channel = Channel(self.ids.next(), DM, "", recipient_id=user.id)
        self.channels[channel.id] = channel
        self.channel_messages[channel.id] = []
        self.dm_channel_of[user.id] = channel.id
        return channel

    def message_by_nonce(self, author_id: int, nonce: str | int) -> StoredMessage | None:
        """The message this author created with this nonce in the last few minutes (``enforce_nonce``)."""
        found = self.nonces.get((author_id, str(nonce)))
        if found is None or time.monotonic() - found[1] > NONCE_WINDOW_SECONDS:
            return None
        return self.messages.get(found[0])

    def store_message(self, message: StoredMessage) -> None:
        if message.nonce is not None:
            self.nonces[(message.author.id, str(message.nonce))] = (message.id, time.monotonic())
        self.messages[message.id] = message
        self.channel_messages.setdefault(message.channel_id, []).append(message)
        channel = self.channels.get(message.channel_id)
        if channel is not None and not message.ephemeral:
            channel.last_message_id = message.id
            channel.message_count += 1

    # ---- lookups ---------------------------------------------------------------------

    def channel(self, channel_id: int) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None or channel.deleted:
            raise KeyError(f"unknown channel {channel_id}")
        return channel

    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise KeyError(f"unknown user {user_id}; create it with add_user()") from None

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    # ---- payloads ---------------------------------------------------------------------

    def channel_payload(self, channel: Channel) -> Json:
        recipients = [self.users[channel.recipient_id].payload()] if channel.recipient_id is not None else None
        return channel.payload(recipients, me=self.bot.id)

    def guild_create_payload(self, guild: Guild) -> Json:
        """A full GUILD_CREATE: ``member_count == len(members)`` so discord.py never needs to chunk."""
        members = [member.payload() for member in guild.members.values()]
        threads = [self.channel_payload(self.channels[tid]) for tid in guild.thread_ids if not self.channels[tid].deleted]
        channels = []
        for cid in guild.channel_ids:
            if not self.channels[cid].deleted:
                payload = self.channel_payload(self.channels[cid])
                payload.pop("guild_id", None)  # GUILD_CREATE channels omit it
                channels.append(payload)
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [role.payload() for role in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": str(guild.system_channel_id) if guild.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "max_members": 500000,
            "premium_tier": 0,
            "preferred_locale": guild.locale,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": guild.members[self.bot.id].joined_at,
            "large": False,
            "unavailable": False,
            "member_count": len(members),
            "members": members,
            "channels": channels,
            "threads": threads,
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def bot_user_payload(self) -> Json:
        data = self.bot.payload()
        data.update(verified=True, mfa_enabled=False, flags=0, locale="en-US", email=None)
        return data
