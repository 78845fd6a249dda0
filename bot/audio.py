"""What a recording is and how long it lasts, read from its bytes before anything is uploaded.

The type is told by the file's first bytes, never by its name: a voice message renamed ``.txt``
is still audio, and a text file renamed ``.mp3`` is not.  The duration is read from the container
by libraries made for it rather than by hand: ``mutagen`` reads Ogg (Opus, Vorbis), MP3, MP4/M4A
and WAV; it does not read Matroska, so WebM goes through ``ebmlite``'s Matroska schema.  A browser
recording (``MediaRecorder``) usually leaves WebM's ``Duration`` out, so then the last block's
timestamp gives the length.

The limits are the speech API's (25 MB a file) and ours (five minutes: a longer answer is a
monologue, and it would cost minutes of someone's transcription budget).  This module is imported
only where a speech-to-text service is configured, so its libraries cost nothing elsewhere.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ebmlite
import mutagen
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from bot.engine.speech import MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, AudioRejected
from bot.scoring.delivery import clock

MAX_BYTES = MAX_AUDIO_BYTES
MAX_SECONDS = MAX_AUDIO_SECONDS
ACCEPTED = "Ogg/Opus, MP3, M4A, WAV or WebM"


@dataclass(frozen=True)
class Clip:
    """A recording that passed the limits: its kind (also the extension sent with the upload)."""

    kind: str  # "ogg", "mp3", "m4a", "wav" or "webm"
    mime: str
    seconds: float
    size: int


MIMES = {"ogg": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4", "wav": "audio/wav", "webm": "audio/webm"}


def sniff(head: bytes) -> str | None:
    """The kind of recording these first bytes start, or None when they are not one we take."""
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def too_large(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused before it is even read, or None."""
    if size > MAX_BYTES:
        return (f"The recording is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
                "Record a shorter answer or save it in a compressed format such as Ogg/Opus or MP3.")
    return None


def inspect(data: bytes) -> Clip:
    """The recording's kind and duration, or :class:`AudioRejected` saying which limit it breaks."""
    refusal = too_large(len(data))
    if refusal:
        raise AudioRejected(refusal)
    kind = sniff(data[:16])
    if kind is None:
        raise AudioRejected(f"That file is not a recording I can read; send {ACCEPTED} audio.")
    seconds = _duration(kind, data)
    if seconds is None or seconds <= 0:
        raise AudioRejected(f"That file starts like {kind.upper()} audio but its length cannot be read; "
                            f"it may be damaged. Send {ACCEPTED} audio.")
    if seconds > MAX_SECONDS:
        raise AudioRejected(f"The recording is {clock(seconds)} long; answers are limited to {MAX_SECONDS // 60} minutes. "
                            "Keep to the main points and record it again.")
    return Clip(kind, MIMES[kind], seconds, len(data))


def _duration(kind: str, data: bytes) -> float | None:
    if kind == "webm":
        return _matroska_seconds(data)
    readers: dict[str, tuple[Callable[[Any], Any], ...]] = {
        "ogg": (OggOpus, OggVorbis), "mp3": (MP3,), "m4a": (MP4,), "wav": (WAVE,)}
    for reader in readers[kind]:
        try:
            length = reader(io.BytesIO(data)).info.length
        except (mutagen.MutagenError, ValueError, EOFError, OSError):
            continue  # an Ogg file that is not Opus is tried as Vorbis; a damaged one fails every reader
        return float(length) if length else None
    return None


def _matroska_seconds(data: bytes) -> float | None:
    """WebM's length: the ``Duration`` in its segment info, else the last block's timestamp."""
    try:
        document = _matroska().loads(data)
        for segment in document:
            if segment.name == "Segment":
                return _segment_seconds(segment)
    except (ValueError, KeyError, IndexError, TypeError, OSError, EOFError):
        return None  # ebmlite raises plain errors on a damaged file
    return None


@functools.cache
def _matroska() -> Any:
    """ebmlite's Matroska schema, parsed from its XML once per process."""
    return ebmlite.loadSchema("matroska.xml")


def _segment_seconds(segment: Any) -> float | None:
    scale = 1_000_000  # nanoseconds per timestamp unit, Matroska's default
    duration: float | None = None
    last = 0
    for element in segment:
        if element.name == "Info":
            for field in element:
                if field.name == "TimecodeScale":
                    scale = int(field.value)
                elif field.name == "Duration":
                    duration = float(field.value)
        elif element.name == "Cluster":
            if duration is not None:
                break  # the header said it; no need to read the audio
            last = max(last, _cluster_end(element))
    units = duration if duration is not None else last
    return units * scale / 1e9 if units else None


def _cluster_end(cluster: Any) -> int:
    """The timestamp of the cluster's last block: the cluster's own plus the block's signed offset."""
    base, end = 0, 0
    for element in cluster:
        if element.name == "Timecode":
            base = int(element.value)
        elif element.name == "SimpleBlock":
            end = max(end, base + _block_offset(bytes(element.value)))
        elif element.name == "BlockGroup":
            for inner in element:
                if inner.name == "Block":
                    end = max(end, base + _block_offset(bytes(inner.value)))
    return end


def _block_offset(block: bytes) -> int:
    """A block starts with its track number (an EBML variable-length integer), then a signed 16-bit offset."""
    if not block:
        return 0
    width = 9 - block[0].bit_length()  # the leading byte's first set bit says how many bytes the number takes
    return int.from_bytes(block[width:width + 2], "big", signed=True)
