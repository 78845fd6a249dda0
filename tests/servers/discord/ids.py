"""Snowflake ids and the Discord constants the emulator needs in more than one module.

Ids are real snowflakes (a millisecond timestamp since the Discord epoch in the top
bits) because discord.py derives things from them: ``created_at`` from the timestamp,
and, for sharded clients, which shard owns a guild (``(guild_id >> 22) % shard_count``).
The factory is monotonic, so comparing two ids tells which object was created first;
tests use that to ask for "bot messages after this one".
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000

# Gateway intents (bit positions as in Discord's docs and discord.py's Intents).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Permission bits used by the emulator's defaults and checks.
PERM_ADD_REACTIONS = 1 << 6
PERM_ADMINISTRATOR = 1 << 3
PERM_MANAGE_GUILD = 1 << 5
PERM_VIEW_CHANNEL = 1 << 10
PERM_SEND_MESSAGES = 1 << 11
PERM_MANAGE_MESSAGES = 1 << 13
PERM_EMBED_LINKS = 1 << 14
PERM_ATTACH_FILES = 1 << 15
PERM_READ_MESSAGE_HISTORY = 1 << 16
PERM_USE_EXTERNAL_EMOJIS = 1 << 18
PERM_USE_APPLICATION_COMMANDS = 1 << 31
PERM_MANAGE_THREADS = 1 << 34
PERM_CREATE_PUBLIC_THREADS = 1 << 35
PERM_CREATE_PRIVATE_THREADS = 1 << 36
PERM_SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    PERM_VIEW_CHANNEL
    | PERM_SEND_MESSAGES
    | PERM_READ_MESSAGE_HISTORY
    | PERM_EMBED_LINKS
    | PERM_ATTACH_FILES
    | PERM_ADD_REACTIONS
    | PERM_USE_EXTERNAL_EMOJIS
    | PERM_USE_APPLICATION_COMMANDS
    | PERM_CREATE_PUBLIC_THREADS
    | PERM_CREATE_PRIVATE_THREADS
    | PERM_SEND_MESSAGES_IN_THREADS
)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | PERM_MANAGE_MESSAGES | PERM_MANAGE_THREADS

# Channel types.
GUILD_TEXT = 0
DM = 1
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = frozenset({10, PUBLIC_THREAD, PRIVATE_THREAD})

# Message flags.
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_IS_VOICE_MESSAGE = 1 << 13

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def iso_now() -> str:
    """A timestamp in the ISO-8601 form Discord sends (with an explicit UTC offset)."""
    return datetime.now(UTC).isoformat()


class SnowflakeFactory:
    """Hands out strictly increasing snowflakes; ``for_shard`` picks one owned by a given shard."""

    def __init__(self) -> None:
        self._last_ms = 0
        self._increment = 0

    def _now_ms(self) -> int:
        return int(time.time() * 1000) - DISCORD_EPOCH_MS

    def next(self) -> int:
        ms = max(self._now_ms(), self._last_ms)
        if ms == self._last_ms:
            self._increment += 1
            if self._increment >= 4096:  # 12 bits of increment per millisecond
                ms += 1
                self._increment = 0
        else:
            self._increment = 0
        self._last_ms = ms
        return (ms << 22) | (1 << 17) | self._increment

    def for_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh id whose timestamp satisfies ``(id >> 22) % shard_count == shard_id``."""
        if not 0 <= shard_id < shard_count:
            raise ValueError(f"shard {shard_id} is not in range for {shard_count} shard(s)")
        ms = max(self._now_ms(), self._last_ms + 1)
        ms += (shard_id - ms) % shard_count
        self._last_ms = ms
        self._increment = 0
        return (ms << 22) | (1 << 17)


def shard_for(guild_id: int, shard_count: int) -> int:
    """Which shard receives a guild's events, by Discord's formula."""
    return (guild_id >> 22) % shard_count
