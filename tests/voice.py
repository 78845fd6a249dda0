"""Real recordings for the voice-answer tests: speech from espeak-ng, encoded by ffmpeg.

Both are Debian packages that ``.ci/run`` installs; without them these tests fail with a
sentence saying so rather than skip, since voice answers would then go untested.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CODECS = {"wav": ["-c:a", "pcm_s16le"], "ogg": ["-c:a", "libopus"], "mp3": ["-c:a", "libmp3lame"],
          "m4a": ["-c:a", "aac"], "webm": ["-c:a", "libopus"]}


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed to make test recordings (apt-get install {name}; .ci/run does this)"
    return found


def speak(text: str, folder: Path, kind: str = "ogg", *, name: str = "answer", live: bool = False) -> Path:
    """``text`` spoken by espeak-ng into ``folder/name.kind``; ``live`` writes WebM as a browser
    recorder does, without a duration in its header."""
    wav = folder / f"{name}.source.wav"
    subprocess.run([_tool("espeak-ng"), "-s", "160", "-w", str(wav), text], check=True, capture_output=True)
    return encode(wav, folder / f"{name}.{kind}", kind, live=live)


def silence(seconds: float, folder: Path, kind: str = "ogg", *, rate: int = 16000, channels: int = 1,
            name: str = "silence") -> Path:
    """``seconds`` of silence (long recordings without speaking for minutes)."""
    out = folder / f"{name}.{kind}"
    layout = "mono" if channels == 1 else "stereo"
    subprocess.run([_tool("ffmpeg"), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"anullsrc=r={rate}:cl={layout}", "-t", str(seconds), *CODECS[kind], str(out)],
                   check=True, capture_output=True)
    return out


def encode(source: Path, out: Path, kind: str, *, live: bool = False) -> Path:
    if kind == "wav" and source.suffix == ".wav":
        shutil.copyfile(source, out)
        return out
    extra = ["-live", "1", "-f", "webm"] if live else []
    subprocess.run([_tool("ffmpeg"), "-loglevel", "error", "-y", "-i", str(source), *CODECS[kind], *extra, str(out)],
                   check=True, capture_output=True)
    return out
