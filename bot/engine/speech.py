"""The speech-to-text port: what an adapter needs to turn a recorded answer into text.

A recording is an answer like a typed one once it is text; the engine never sees audio.  The
adapters (terminal, Discord) hold a :class:`Transcriber` and say what went wrong in the one
sentence a :class:`VoiceError` carries, so a refused or failed recording never costs the
candidate their round: they are told why and can answer by text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.engine.context import Actor
from bot.engine.errors import EngineError

# The speech API's limit per file, and ours per answer (a longer one is a monologue and costs minutes of
# someone's transcription budget).  Adapters check the size before downloading; ``bot.audio`` checks both.
MAX_AUDIO_BYTES = 25 * 1024 * 1024
MAX_AUDIO_SECONDS = 300


class VoiceError(EngineError):
    """A recording could not become an answer; the message is one sentence saying why."""


class AudioRejected(VoiceError):
    """The file itself is refused (too large, too long, not audio): nothing was uploaded."""


class TranscriptionUnavailable(VoiceError):
    """The speech-to-text service could not be used (not configured, failing, budget spent)."""


@dataclass(frozen=True)
class Segment:
    """A stretch of speech with its place in the recording, in seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """What was said, how long the recording is (read from its container) and, when the service
    returns them, the timed segments (they show long pauses)."""

    text: str
    seconds: float
    segments: tuple[Segment, ...] = ()
    model: str = ""


class Transcriber(Protocol):
    """Speech to text behind limits, retries, a breaker and budgets."""

    async def transcribe(self, data: bytes, name: str, *, actor: Actor | None = None) -> Transcript:
        """The transcript of one recording (``name`` only labels the upload; the type is read from
        ``data``).  Raises :class:`AudioRejected` before any upload for a file past the limits, and
        :class:`TranscriptionUnavailable` when the service cannot be used."""
        ...

    async def close(self) -> None: ...
