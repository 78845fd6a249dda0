"""Answers typed in a session's thread (needs the message-content intent; the Answer button does not).

Only the candidate's messages count; everyone else's, and the bot's own, are ignored.  A ``.py``
attachment is read as a code answer, within a size limit that is said out loud when exceeded; a voice
message or audio file is transcribed and answers like typed text (see ``recordings``).  In a thread
whose round was deleted by ``/privacy forget``, the first message gets one sentence saying so.
"""

from __future__ import annotations

import contextlib
import logging

import discord
from discord.ext import commands

from bot.adapters.discord import render, voice
from bot.adapters.discord.features.privacy.forgotten import TYPED_GONE
from bot.adapters.discord.features.rounds.recordings import in_round
from bot.adapters.discord.ports import Room
from bot.adapters.discord.services import Services
from bot.adapters.discord.waiting import typing_while
from bot.coaching.recall import recall, story_id
from bot.engine.errors import EngineError, SessionNotFound
from bot.engine.limits import MAX_ANSWER_CHARS

log = logging.getLogger(__name__)
MAX_CODE_BYTES = 32 * 1024
NONE = discord.AllowedMentions.none()


class AnswersCog(commands.Cog):
    def __init__(self, services: Services, client: discord.Client) -> None:
        self.services = services
        self.client = client
        self._rooms: dict[int, Room] = {}  # thread id -> room: a candidate's many messages cost one query
        self._told: set[int] = set()  # forgotten rounds' threads already told so (once per thread is enough)

    async def _room(self, channel_id: int) -> Room | None:
        room = self._rooms.get(channel_id)
        if room is None:
            room = await self.services.rooms.by_thread(channel_id)
            if room is not None:
                if len(self._rooms) > 10_000:
                    self._rooms.clear()
                self._rooms[channel_id] = room
        return room

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, discord.Thread):
            return
        room = await self._room(message.channel.id)
        if room is None:
            await self._orphan(message, message.channel)
            return
        if message.author.id != room.discord_user_id:
            return
        try:  # a thread cached before /privacy forget: its session is gone, and must stay gone
            await self.services.engine.state(room.session_id)
        except SessionNotFound:
            await self._gone(message, room.session_id)
            return
        text = message.content
        recording = next((a for a in message.attachments if voice.is_audio(a)), None)
        if recording is not None:
            spoken = await in_round(self.services, message, room, recording)
            if spoken is None and not text.strip():
                return  # told why; the round goes on
            text = f"{text}\n\n{spoken}".strip() if spoken else text  # typed words are never dropped
        for attachment in message.attachments:
            if not attachment.filename.endswith(".py"):
                continue
            if attachment.size > MAX_CODE_BYTES:
                await message.reply(f"{attachment.filename} is {attachment.size // 1024} KB; code answers can be at most "
                                    f"{MAX_CODE_BYTES // 1024} KB. Send the relevant function only.", allowed_mentions=NONE)
                return
            code = (await attachment.read()).decode("utf-8", errors="replace")
            text = f"{text}\n\n```python\n{code}\n```".strip()
        if not text.strip():
            return
        if len(text) > MAX_ANSWER_CHARS:
            await message.reply(f"That answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}. "
                                "Shorten it and send it again.", allowed_mentions=NONE)
            return
        wanted = story_id(text)
        if wanted is not None:  # "/story <id>": answer with a story from the bank
            found = await recall(self.services.stories, await self.services.user_id(message.author), wanted)
            if found is None:
                await message.reply("No saved story of yours starts with that id; `/star stories` lists them.",
                                    allowed_mentions=NONE)
                return
            await message.reply(f"Answering with your saved story “{render.candidate_text(found[0], 200)}”.",
                                allowed_mentions=NONE)
            text = found[1]
        try:
            async with typing_while(message.channel, self.services.model):
                await self.services.engine.answer(room.session_id, text)
        except SessionNotFound:  # forgotten while this answer was on its way, maybe by another process
            await self._gone(message, room.session_id)
            return
        except EngineError as exc:
            await message.reply(str(exc), allowed_mentions=NONE)
            return
        with contextlib.suppress(discord.HTTPException):  # the answer is saved; a missing tick is cosmetic
            await message.add_reaction("✅")

    async def _orphan(self, message: discord.Message, thread: discord.Thread) -> None:
        """A thread the bot opened that neither a round nor a rehearsal owns: its data were forgotten
        (the forget closes it, but a moderator may reopen it, or closing may have failed)."""
        if thread.id in self._told or self.client.user is None or thread.owner_id != self.client.user.id:
            return
        if await self.services.coach_rooms.get(thread.id) is not None:
            self._told.add(thread.id)  # a rehearsal (the star cog answers there): never ask again
            return
        await self._gone(message)

    async def _gone(self, message: discord.Message, session_id: str | None = None) -> None:
        """One plain sentence, the first time only; never the deleted session's id."""
        self._rooms.pop(message.channel.id, None)
        if session_id is not None:
            self.services.engine.forget(session_id)  # a copy cached here while another process forgot it
        if message.channel.id in self._told:
            return
        if len(self._told) > 10_000:
            self._told.clear()
        self._told.add(message.channel.id)
        with contextlib.suppress(discord.HTTPException):  # a closed thread may refuse it; nothing is lost
            await message.reply(TYPED_GONE, allowed_mentions=NONE)
