"""Answering with a recording in the terminal: `score --audio-file`, `star --audio-file`, `/audio PATH`.

The recording becomes text (shown shortened, so the candidate sees what was understood) and is
graded like a typed answer; the delivery (length, pace, fillers, pauses) is reported next to the
grade.  A refused or failed recording is one sentence: in `practice` the round goes on and what
was typed so far stays in the answer.  The speech client and its libraries are imported only
when a recording is given, so the text-only commands start as fast as before.
"""

from __future__ import annotations

import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.console import Console

from bot.adapters.console import render
from bot.engine.models import Question
from bot.engine.speech import MAX_AUDIO_BYTES, AudioRejected, Transcript, TranscriptionUnavailable, VoiceError
from bot.errors import UsageError
from bot.scoring.delivery import Delivery, clock, measure, target_for

NO_SERVICE = ("Voice answers need a speech-to-text service, and none is configured: set OPENAI_API_KEY to use "
              "OpenAI's whisper-1, or MOCKLOOP_STT_BASE_URL to a local whisper server that speaks the same API "
              "(e.g. http://127.0.0.1:8000/v1); the README's “Voice answers” section shows both.")
PREVIEW_CHARS = 320


def read_recording(path: str) -> bytes:
    """The file's bytes, refusing one over the size limit before reading it."""
    file = Path(path).expanduser()
    try:
        size = file.stat().st_size
        if size > MAX_AUDIO_BYTES:
            from bot.audio import too_large

            raise AudioRejected(too_large(size) or "The recording is too large.")
        return file.read_bytes()
    except OSError as exc:
        raise AudioRejected(f"Cannot read the recording {path}: {exc.strerror or 'not a readable file'}.") from None


async def transcribe_path(path: str, transcribe: Callable[[bytes, str], Awaitable[Transcript]] | None) -> Transcript:
    """The transcript of the file at ``path`` by ``transcribe`` (None: no service is configured).

    For the commands: a file refused for what it is (unreadable, too large or long, not audio) is a
    usage error (exit 2), like a bad ``--answer-file``; a service that fails is exit 1."""
    if transcribe is None:
        raise TranscriptionUnavailable(NO_SERVICE)
    try:
        return await transcribe(read_recording(path), path)
    except AudioRejected as exc:
        raise UsageError(str(exc)) from None


def delivery_for(transcript: Transcript, question: Question | None) -> Delivery:
    """The delivery report, against the target for ``question``'s kind (a story's when None)."""
    target = target_for(question.round.value, question.answer_format) if question else target_for("behavioral")
    segments = [(s.start, s.end) for s in transcript.segments]
    return measure(transcript.text, transcript.seconds, segments or None, target)


def show_transcript(console: Console, transcript: Transcript) -> None:
    flat = " ".join(transcript.text.split())
    short = flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"
    console.print(f"[bold]Transcript[/bold] [dim]({clock(transcript.seconds)}, "
                  f"{len(flat.split())} words{', shortened' if short != flat else ''})[/dim]")
    for line in textwrap.wrap(short, 96):
        console.print(f"  [italic]{render.safe(line)}[/italic]")


def show_delivery(console: Console, delivery: Delivery) -> None:
    console.print("[bold]Delivery[/bold]")
    for sentence in delivery.feedback:
        console.print(f"  - {render.escape(sentence)}")


class VoiceAnswers:
    """`/audio PATH` inside `practice`: the transcript to submit, or None after saying why not."""

    def __init__(self, console: Console, transcribe: Callable[[bytes, str], Awaitable[Transcript]] | None) -> None:
        self.console = console
        self.transcribe = transcribe  # None when no speech-to-text service is configured

    async def answer(self, path: str, question: Question | None) -> str | None:
        goes_on = " The round goes on: type your answer (anything typed so far is kept), or try /audio again."
        if self.transcribe is None:
            self.console.print(f"[yellow]{render.escape(NO_SERVICE)}[/yellow]{goes_on}")
            return None
        if not path:
            self.console.print("Give the recording's path after /audio, e.g. /audio ~/answer.ogg")
            return None
        try:
            transcript = await self.transcribe(read_recording(path), path)
        except VoiceError as exc:
            self.console.print(f"[red]{render.escape(str(exc))}[/red]{goes_on}")
            return None
        show_transcript(self.console, transcript)
        show_delivery(self.console, delivery_for(transcript, question))
        return transcript.text

