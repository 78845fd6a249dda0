"""Context managers for tests: a running emulator, and a discord.py client connected to it.

Tests import these directly (the repo's conftest.py is deliberately untouched).
``running_discord`` starts the emulator with a default guild ("Emulated Guild", text
channel "general", the bot as a member), points discord.py at it, and undoes both on
exit. ``running_client`` starts any ``discord.Client`` subclass against it, waits for
``on_ready``, and always closes it, so a failing test cannot leak a gateway task.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import discord

from .server import DiscordEmulator

ClientT = TypeVar("ClientT", bound=discord.Client)


@asynccontextmanager
async def running_discord(
    *, default_guild: bool = True, point_discord_py: bool = True, **options: Any
) -> AsyncIterator[DiscordEmulator]:
    """A started :class:`DiscordEmulator` (options go to its constructor), stopped on exit."""
    emulator = DiscordEmulator(**options)
    await emulator.start()
    restore = emulator.point_discord_py_here() if point_discord_py else None
    try:
        if default_guild:
            emulator.add_guild()
        yield emulator
    finally:
        if restore is not None:
            restore()
        await emulator.stop()


@asynccontextmanager
async def running_client(emulator: DiscordEmulator, client: ClientT, *, ready_timeout: float = 10.0) -> AsyncIterator[ClientT]:
    """Run ``client.start(token)`` in a task until the block exits; yields once the client is ready."""
    task = asyncio.create_task(client.start(emulator.token), name="discord-client-under-test")
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ready_timeout
        while not client.is_ready():
            if task.done():
                task.result()  # surfaces LoginFailure, ConnectionClosed, ...
                raise RuntimeError("discord client stopped before becoming ready")
            if loop.time() > deadline:
                raise TimeoutError(f"discord client not ready within {ready_timeout}s")
            await asyncio.sleep(0.01)
        yield client
    finally:
        await asyncio.wait_for(client.close(), 10)
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


def bounded(seconds: float) -> Callable[[Callable[..., Awaitable[None]]], Callable[..., Awaitable[None]]]:
    """Fail an async test that runs longer than ``seconds`` instead of hanging the suite."""

    def decorate(test: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        @functools.wraps(test)
        async def wrapper(*args: Any, **kwargs: Any) -> None:
            async with asyncio.timeout(seconds):
                await test(*args, **kwargs)

        return wrapper

    return decorate


def bot_process_env(emulator: DiscordEmulator, database_url: str, **extra: str) -> dict[str, str]:
    """The environment for a ``mockloop run`` process pointed at this emulator (through the two
    documented URL settings), with none of this machine's Discord, LLM or database settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "DISCORD", "DATABASE"))}
    env.update({"DATABASE_URL": database_url, "DISCORD_TOKEN": emulator.token, "DISCORD_API_BASE": emulator.api_base,
                "DISCORD_GATEWAY_URL": emulator.ws_url, "PYTHONPATH": str(Path(__file__).resolve().parents[3])})
    if emulator.default_guild_id is not None:
        env["DISCORD_DEV_GUILD_ID"] = str(emulator.default_guild_id)
    env.update(extra)
    return env
