"""A Discord API emulator (REST v10 + Gateway v10) for driving the real discord.py client in tests.

See ``server.py`` for the emulator, ``users.py`` for the simulated-user API and
``fixtures.py`` for the context managers tests use.
"""

from __future__ import annotations

from .fixtures import bot_process_env, bounded, running_client, running_discord
from .interactions import Callback, InteractionHandle
from .ratelimit import RateLimitRule
from .server import DiscordEmulator
from .state import Attachment, Channel, StoredMessage, User
from .validation import ApiError

__all__ = [
    "ApiError",
    "Attachment",
    "Callback",
    "Channel",
    "DiscordEmulator",
    "InteractionHandle",
    "RateLimitRule",
    "StoredMessage",
    "User",
    "bot_process_env",
    "bounded",
    "running_client",
    "running_discord",
]
