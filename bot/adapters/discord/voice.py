"""A voice message (or an audio file) in a round's thread or a STAR rehearsal, as an answer.

The bot reacts at once (🎙️) so the candidate knows it was heard, checks the size before
downloading, transcribes, shows the transcript (a few lines of it) with the delivery feedback,
and hands the text to the engine like a typed answer.  Anything that stops a recording (no
speech-to-text service, a file past the limits, a failing service, a spent budget) is one reply
saying why; the round goes on and the candidate can type.  The audio is read into memory for
the upload and never written anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.adapters.discord import render
from bot.adapters.discord.forgotten import answer_gone
from bot.adapters.discord.ports import Room
from bot.adapters.discord.services import Services, services_of
from bot.adapters.discord.split import split_text
from bot.adapters.discord.views import OwnedItem
from bot.engine.context import Actor
from bot.engine.errors import SessionNotFound
from bot.engine.speech import MAX_AUDIO_BYTES, Transcript, VoiceError
from bot.scoring.delivery import Delivery, clock, measure, target_for

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
AUDIO_EXTENSIONS = (".ogg", ".oga", ".opus", ".mp3", ".m4a", ".wav", ".webm")
NO_SERVICE = ("Voice answers need a speech-to-text service, and this bot has none configured (its host can set "
              "OPENAI_API_KEY, or MOCKLOOP_STT_BASE_URL for a local whisper server).")
GOES_ON = "The round goes on: type your answer instead."
PREVIEW_CHARS = 400


def is_audio(attachment: discord.Attachment) -> bool:
    """A voice message or a file that says it is audio; what it really is, is read from its bytes later."""
    kind = (attachment.content_type or "").split(";")[0].strip().lower()
    return attachment.is_voice_message() or kind.startswith("audio/") or attachment.filename.lower().endswith(AUDIO_EXTENSIONS)


async def heard(services: Services, message: discord.Message, attachment: discord.Attachment, actor: Actor,
                target: Callable[[], Awaitable[tuple[int, int]]], view: discord.ui.View | None = None) -> Transcript | None:
    """The transcript to answer with, or None after telling the candidate why there is none.

    ``target`` gives the spoken length to aim for (the open question's, or a STAR story's)."""
    with contextlib.suppress(discord.HTTPException):  # the reaction is a courtesy
        await message.add_reaction("🎙️")
    if services.transcriber is None:
        await message.reply(f"{NO_SERVICE} {GOES_ON}", allowed_mentions=NONE)
        return None
    if attachment.size > MAX_AUDIO_BYTES:
        await message.reply(f"That recording is {attachment.size / 1024 / 1024:.1f} MB; the limit is "
                            f"{MAX_AUDIO_BYTES // 1024 // 1024} MB. {GOES_ON}", allowed_mentions=NONE)
        return None
    try:
        data = await attachment.read()
        transcript = await services.transcriber.transcribe(data, attachment.filename, actor=actor)
    except discord.HTTPException:
        await message.reply(f"I could not download that recording from Discord. {GOES_ON}", allowed_mentions=NONE)
        return None
    except VoiceError as exc:
        await message.reply(f"{exc} {GOES_ON}", allowed_mentions=NONE)
        return None
    segments = [(s.start, s.end) for s in transcript.segments]
    report = measure(transcript.text, transcript.seconds, segments or None, await target())
    shortened = len(" ".join(transcript.text.split())) > PREVIEW_CHARS
    if shortened and view is not None:
        await message.reply(said(transcript, report), allowed_mentions=NONE, view=view)
    else:
        await message.reply(said(transcript, report), allowed_mentions=NONE)
    return transcript


async def in_round(services: Services, message: discord.Message, room: Room,
                   attachment: discord.Attachment) -> str | None:
    """A recording in a round's thread: its transcript, measured against the open question's target;
    a shortened transcript gets a button that shows the whole answer."""
    state = await services.engine.state(room.session_id)
    round_ = state.current_round()
    current = round_.current() if round_ else None
    question = services.bank.get(current.question_id) if current is not None else None
    target = target_for(question.round.value, question.answer_format) if question else target_for("core")
    view = None
    if round_ is not None and current is not None:
        view = discord.ui.View(timeout=None)
        view.add_item(TranscriptButton(room.session_id, round_.position, current.position, message.author.id))

    async def fixed() -> tuple[int, int]:
        return target

    actor = Actor(await services.user_id(message.author), room.session_id,
                  str(room.guild_id) if room.guild_id is not None else None)
    transcript = await heard(services, message, attachment, actor, fixed, view)
    return transcript.text if transcript is not None else None


class TranscriptButton(OwnedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                       template=r"ml:transcript:(?P<session>[0-9a-f]{32}):(?P<round>[0-9]{1,2}):(?P<question>[0-9]{1,3}):"
                                r"(?P<user>[0-9]{1,20})"):
    """Shows the candidate, privately, the whole of their answer to that question (the thread shows a few
    lines of a long transcript).  Persistent: it reads the saved answer, so it works after a restart."""

    def __init__(self, session_id: str, round_pos: int, question_pos: int, user_id: int) -> None:
        super().__init__(discord.ui.Button(label="Full transcript", style=discord.ButtonStyle.secondary,
                                           custom_id=f"ml:transcript:{session_id}:{round_pos}:{question_pos}:{user_id}"))
        self.session_id, self.round_pos, self.question_pos, self.user_id = session_id, round_pos, question_pos, user_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> TranscriptButton:
        return cls(match["session"], int(match["round"]), int(match["question"]), int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            state = await services_of(interaction.client).engine.state(self.session_id)
        except SessionNotFound:
            await answer_gone(interaction)
            return
        try:
            answers = state.rounds[self.round_pos].questions[self.question_pos].answers
        except IndexError:
            answers = []
        text = "\n\n".join(a.text for a in answers if a.kind == "main")
        if not text:
            await interaction.response.send_message("That answer is not saved yet; try again in a moment.", ephemeral=True)
            return
        chunks = split_text(f"**Your answer, in full**\n{render.candidate_text(text, 12_000)}")
        await interaction.response.send_message(chunks[0], ephemeral=True, allowed_mentions=NONE)
        for chunk in chunks[1:]:
            await interaction.followup.send(chunk, ephemeral=True, allowed_mentions=NONE)


def said(transcript: Transcript, report: Delivery) -> str:
    """The transcript, a few lines of it, then the delivery feedback."""
    flat = " ".join(transcript.text.split())
    cut = len(flat) > PREVIEW_CHARS
    shown = render.candidate_text(flat, PREVIEW_CHARS)
    head = f"**Transcript** ({clock(transcript.seconds)}, {len(flat.split())} words{', shortened' if cut else ''})"
    lines = [head, f"> {shown}", "**Delivery**", *(f"- {sentence}" for sentence in report.feedback)]
    return "\n".join(lines)[:1900]
