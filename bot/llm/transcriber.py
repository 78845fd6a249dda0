"""Speech to text through an OpenAI-compatible ``POST /v1/audio/transcriptions``.

OpenAI's ``whisper-1`` and the local servers that copy its API (faster-whisper based servers,
whisper.cpp's server) all take the same multipart upload, so one client serves them all.  It asks
for ``verbose_json``, whose timed segments show the long pauses; a server or model that refuses it
(OpenAI's ``gpt-4o-transcribe`` takes only ``json`` and ``text``) is asked again for plain ``text``,
and that is remembered for the rest of the process.

The same guard as chat calls applies (retries, a breaker for the purpose ``transcribe``, reasons
a user can read), after our own checks: the file's type, size and length are read from its bytes
first (:mod:`bot.audio`), and the daily voice budget is checked against the length, so a file
past a limit is refused without uploading anything.  The upload is named ``answer.<kind>`` (the
API tells the format by the extension): the user's own file name never leaves the machine.

Whisper tends to drop disfluencies; a prompt written with fillers in it keeps them (OpenAI's
speech-to-text guide suggests exactly this), so the delivery feedback can count them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import openai
from openai import AsyncOpenAI

from bot.audio import inspect
from bot.engine.context import Actor, current_actor
from bot.engine.speech import Segment, Transcript, TranscriptionUnavailable
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import refuses_format
from bot.llm.guard import Guard
from bot.llm.model import LLMUnavailable
from bot.llm.reasons import SPEECH
from bot.llm.retry import RetryPolicy
from bot.llm.usage import AudioMeter

PURPOSE = "transcribe"
FILLER_PROMPT = "Umm, let me think like, hmm... Okay, so, uh, here's what I'm, like, thinking, you know."


class _Plain(Exception):
    """The server refused ``verbose_json``: ask again for plain text (not a failure of the server)."""


class SpeechClient:
    """The OpenAI-compatible implementation of :class:`bot.engine.speech.Transcriber`."""

    def __init__(self, *, api_key: str, base_url: str | None, model: str, breaker: CircuitBreaker,
                 retry: RetryPolicy | None = None, timeout: float = 120.0, connect_timeout: float = 3.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, meter: AudioMeter | None = None) -> None:
        self.model = model
        self.meter = meter
        self.verbose = True  # until the server refuses verbose_json
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0,
                                   timeout=openai.Timeout(timeout, connect=connect_timeout))
        self._guard = Guard(breaker, retry or RetryPolicy(), sleep, subject=SPEECH)

    async def close(self) -> None:
        await self._client.close()

    async def transcribe(self, data: bytes, name: str, *, actor: Actor | None = None) -> Transcript:
        """The transcript of ``data``; ``name`` is for log lines only, never sent."""
        clip = inspect(data)  # AudioRejected here: nothing uploaded
        actor = actor or current_actor.get()
        if self.meter is not None:
            refusal = await self.meter.refusal(clip.seconds, actor)
            if refusal is not None:
                raise TranscriptionUnavailable(_sentence(refusal))
        upload = (f"answer.{clip.kind}", data, clip.mime)
        try:
            reply = await self._guard(lambda: self._create(upload), PURPOSE)
        except LLMUnavailable as exc:
            raise TranscriptionUnavailable(_sentence(_reason(exc))) from exc
        text, segments = _read(reply)
        if self.meter is not None:
            await self.meter.record(clip.seconds, self.model, actor)
        if not text.strip():
            raise TranscriptionUnavailable("No words were heard in that recording; check the microphone and record it again.")
        return Transcript(text.strip(), clip.seconds, segments, self.model)

    async def _create(self, upload: tuple[str, bytes, str]) -> Any:
        if self.verbose:
            try:
                return await self._client.audio.transcriptions.create(
                    model=self.model, file=upload, response_format="verbose_json", timestamp_granularities=["segment"],
                    prompt=FILLER_PROMPT)
            except openai.APIStatusError as exc:
                if not refuses_format(exc):
                    raise
                self.verbose = False  # then straight on to plain text: the server is fine
        return await self._client.audio.transcriptions.create(
            model=self.model, file=upload, response_format="text", prompt=FILLER_PROMPT)


def _read(reply: Any) -> tuple[str, tuple[Segment, ...]]:
    """Text and segments from a ``verbose_json`` object or a plain-text reply.

    Read leniently: local servers fill in fewer fields than OpenAI (whisper.cpp leaves out
    ``seek`` and ``temperature``), and a segment without times cannot show a pause anyway."""
    if isinstance(reply, str):
        return reply, ()
    segments = []
    for raw in getattr(reply, "segments", None) or ():
        start, end = getattr(raw, "start", None), getattr(raw, "end", None)
        if isinstance(start, (int, float)) and isinstance(end, (int, float)) and end >= start:
            segments.append(Segment(float(start), float(end), str(getattr(raw, "text", "") or "").strip()))
    return str(getattr(reply, "text", "") or ""), tuple(segments)


def _reason(exc: LLMUnavailable) -> str:
    if isinstance(exc.__cause__, openai.NotFoundError):
        return ("the speech-to-text server has no /v1/audio/transcriptions endpoint (404); point "
                "MOCKLOOP_STT_BASE_URL at one that has, such as OpenAI or a local whisper server")
    return str(exc)


def _sentence(reason: str) -> str:
    """A reason as the one sentence a candidate reads (each adapter says what happens next)."""
    return f"Your recording was not transcribed: {reason}."
