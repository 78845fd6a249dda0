"""Discord's typing indicator in the thread while the bot waits on a model.

A grade from a local model can take tens of seconds; "MockLoop is typing…" shows the candidate
the bot is working (the engine has stopped the question's clock meanwhile).  Without a model
replies are instant, so nothing is shown.  A failure to show the indicator never affects the
answer, which is the point of the call.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import discord


@asynccontextmanager
async def typing_while(channel: object, enabled: bool) -> AsyncIterator[None]:
    """Show the typing indicator in ``channel`` (if it is a messageable channel) while the body runs."""
    async with AsyncExitStack() as stack:
        if enabled and isinstance(channel, discord.abc.Messageable):
            with contextlib.suppress(discord.HTTPException):
                await stack.enter_async_context(channel.typing())
        yield
