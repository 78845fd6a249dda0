"""A voice message (or an audio file) as an answer: in a round's thread, a STAR rehearsal or a peer interview.

The bot reacts at once (🎙️) so the candidate knows it was heard, checks the size before
downloading, transcribes, shows the transcript (a few lines of it) with the delivery feedback,
and hands the text to the engine like a typed answer.  Anything that stops a recording (no
speech-to-text service, a file past the limits, a failing service, a spent budget) is one reply
saying why; the round goes on and the candidate can type.  The audio is read into memory for
the upload and never written anywhere.  What a recording answers in a round (the open question's
target, the Full transcript button) is the rounds feature's (``features.rounds.recordings``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

import discord

from bot.adapters.discord import render
from bot.adapters.discord.services import Services
from bot.engine.context import Actor
from bot.engine.speech import MAX_AUDIO_BYTES, Transcript, VoiceError
from bot.scoring.delivery import Delivery, clock, measure

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


def said(transcript: Transcript, report: Delivery) -> str:
    """The transcript, a few lines of it, then the delivery feedback."""
    flat = " ".join(transcript.text.split())
    cut = len(flat) > PREVIEW_CHARS
    shown = render.candidate_text(flat, PREVIEW_CHARS)
    head = f"**Transcript** ({clock(transcript.seconds)}, {len(flat.split())} words{', shortened' if cut else ''})"
    lines = [head, f"> {shown}", "**Delivery**", *(f"- {sentence}" for sentence in report.feedback)]
    return "\n".join(lines)[:1900]
