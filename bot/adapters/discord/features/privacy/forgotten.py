"""What is left on Discord after ``/privacy forget``: threads and buttons whose rows are gone.

The database forgets at once; the messages the bot posted stay on Discord.  So every control of a
deleted round or rehearsal still answers, with one polite private sentence, and takes its stale
buttons away; and the forget itself closes the member's threads (buttons removed, archived and
locked) so nobody keeps typing into a round that no longer exists.  Discord refusing any of this
(thread deleted, permission missing) is logged and skipped: the data are already gone, which is
what the member asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import discord

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
ROUND_GONE = "This round was deleted at the member's request, so its buttons no longer do anything."
REHEARSAL_GONE = "This rehearsal was deleted at the member's request, so its buttons no longer do anything."
TYPED_GONE = ("What ran in this thread was deleted at the member's request, so nothing typed here is saved. "
              "`/mock start` opens a new round.")  # said in round and rehearsal threads alike
CLOSING_NOTE = "-# Deleted at the member's request: MockLoop no longer stores anything of this thread."
HISTORY_LIMIT = 200  # a long loop posts about a hundred messages; buttons sit on the last few
THREAD_SECONDS = 30.0  # per thread, so a slow or rate-limited Discord cannot hold the reply for long


async def answer_gone(interaction: discord.Interaction[Any], text: str = ROUND_GONE) -> None:
    """Acknowledge a press (or a form) of something deleted: one private sentence, and the buttons go.

    Answered by editing the pressed message when possible, which needs no permission in the thread."""
    message = interaction.message
    if not interaction.response.is_done() and message is not None and not message.flags.ephemeral:
        await interaction.response.edit_message(view=None)
        await interaction.followup.send(text, ephemeral=True)
        return
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)
    if message is not None:
        try:
            await message.edit(view=None)
        except discord.HTTPException as exc:
            log.info("could not remove the buttons of a deleted round (%s)", exc.status)


@dataclass(frozen=True)
class Place:
    """A thread of a forgotten member, and messages known (from the deleted rows) to carry buttons."""

    thread_id: int
    messages: frozenset[int] = field(default_factory=frozenset)


async def close_threads(client: discord.Client, places: Iterable[Place]) -> int:
    """Remove the buttons in each thread and archive and lock it; returns how many were closed."""
    closed = 0
    for place in places:
        try:
            async with asyncio.timeout(THREAD_SECONDS):
                closed += await _close(client, place)
        except TimeoutError:
            log.warning("closing a forgotten member's thread took over %.0f s; left open", THREAD_SECONDS)
    return closed


async def _close(client: discord.Client, place: Place) -> int:
    try:
        thread = client.get_channel(place.thread_id) or await client.fetch_channel(place.thread_id)
    except discord.HTTPException as exc:  # deleted by a moderator, or out of reach: nothing to close
        log.info("a forgotten member's thread could not be reached (%s)", exc.status)
        return 0
    if not isinstance(thread, discord.Thread):
        return 0
    try:
        if thread.archived:  # an archived thread's messages cannot be edited until it is reopened
            thread = await thread.edit(archived=False)
        for message_id in await _with_buttons(client, thread, place.messages):
            with contextlib.suppress(discord.NotFound):  # deleted meanwhile: its buttons went with it
                await thread.get_partial_message(message_id).edit(view=None)
        await thread.send(CLOSING_NOTE, allowed_mentions=NONE)
    except discord.HTTPException as exc:
        log.warning("could not remove the buttons from a forgotten member's thread (%s); closing it anyway", exc.status)
    try:
        await thread.edit(archived=True, locked=True)
    except discord.Forbidden:  # locking needs Manage Threads; archiving one's own thread does not
        try:
            await thread.edit(archived=True)
        except discord.HTTPException as exc:
            log.warning("could not close a forgotten member's thread (%s)", exc.status)
            return 0
    except discord.HTTPException as exc:
        log.warning("could not close a forgotten member's thread (%s)", exc.status)
        return 0
    return 1


async def _with_buttons(client: discord.Client, thread: discord.Thread, known: frozenset[int]) -> set[int]:
    """The bot's messages in the thread that still show components: the known ones, and whatever the
    thread's recent history shows (voice transcripts and rehearsal replies are not stored)."""
    found = set(known)
    me = client.user.id if client.user is not None else None
    try:
        async for message in thread.history(limit=HISTORY_LIMIT):
            if message.author.id == me and message.components:
                found.add(message.id)
    except discord.HTTPException as exc:  # no Read Message History: the known ones still go
        log.info("could not read a forgotten member's thread (%s)", exc.status)
    return found
