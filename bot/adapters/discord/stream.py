"""Showing text that arrives in pieces (the model's debrief) by editing one message.

Discord rate-limits edits, and a message that changes every few milliseconds is unreadable,
so the text is shown at most about once a second, then once more when it is complete.  If
the text outgrows one message, the finished part stays and a new message continues it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import discord

from bot.engine.ports import Clock, DebriefPart

EDIT_EVERY_SECONDS = 1.0
LIMIT = 2000
NONE = discord.AllowedMentions.none()


def _cut(body: str, limit: int) -> tuple[str, str]:
    """The part of ``body`` that fills one message (broken at a space), and the rest."""
    at = body.rfind(" ", 0, limit)
    if at < limit // 2:
        at = limit
    return body[:at], body[at:].lstrip()


async def stream_edits(channel: discord.abc.Messageable, heading: str, parts: AsyncIterator[DebriefPart],
                       clock: Clock, nonce: str | None = None) -> str:
    """Show ``parts`` under ``heading`` as they arrive; returns the whole text received.

    With a ``nonce``, each new message gets it plus its number, so showing the same text again
    after a restart edits the messages already posted instead of adding new ones."""
    received = ""
    reason: str | None = None
    current = heading + "\n"  # the text of the message being written
    message: discord.Message | None = None
    shown = ""
    last_edit: datetime | None = None
    sent = 0

    async def put(body: str) -> None:
        nonlocal message, sent
        if message is None:
            if nonce is None:
                message = await channel.send(body, allowed_mentions=NONE)
            else:
                message = await channel.send(body, allowed_mentions=NONE, nonce=f"{nonce}{sent}"[:25])
            sent += 1
        else:
            await message.edit(content=body)

    async def show(final: bool) -> None:
        nonlocal current, message, shown, last_edit
        while len(current) > LIMIT:
            head, current = _cut(current, LIMIT)
            await put(head)  # this message is full: it stays as it is, the text goes on in a new one
            message, shown = None, ""
        due = last_edit is None or (clock.now() - last_edit).total_seconds() >= EDIT_EVERY_SECONDS
        if current != shown and current.strip() and (final or message is None or due):
            await put(current)
            shown, last_edit = current, clock.now()

    async for part in parts:
        received += part.text
        current += part.text
        reason = part.fallback_reason or reason
        await show(final=False)
    if reason:
        current += f"\n-# written offline: the LLM was unavailable ({reason})"
    await show(final=True)
    return received
