"""A recording's type, length and limits, read from real files before anything is uploaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.audio import MAX_BYTES, MAX_SECONDS, inspect
from bot.engine.speech import AudioRejected
from tests.voice import silence, speak

SENTENCE = "Threads help input and output bound work because the lock is released while a thread waits."


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("recordings")


@pytest.fixture(scope="module")
def spoken(folder: Path) -> dict[str, Path]:
    files = {kind: speak(SENTENCE, folder, kind) for kind in ("wav", "ogg", "mp3", "m4a", "webm")}
    files["live-webm"] = speak(SENTENCE, folder, "webm", name="live", live=True)
    return files


@pytest.mark.parametrize("kind", ["wav", "ogg", "mp3", "m4a", "webm", "live-webm"])
def test_every_accepted_format_gives_its_real_length(spoken: dict[str, Path], kind: str) -> None:
    reference = inspect(spoken["wav"].read_bytes()).seconds  # the PCM source: its length is exact
    clip = inspect(spoken[kind].read_bytes())
    assert clip.kind == kind.removeprefix("live-")
    assert 3 < reference < 10
    # encoders pad a frame or two (and a header-less WebM ends at its last block's start)
    assert clip.seconds == pytest.approx(reference, abs=0.15)


def test_the_type_is_read_from_the_bytes_not_the_name(spoken: dict[str, Path], folder: Path) -> None:
    renamed = folder / "voice.txt"
    renamed.write_bytes(spoken["ogg"].read_bytes())
    assert inspect(renamed.read_bytes()).kind == "ogg"
    with pytest.raises(AudioRejected, match="not a recording I can read"):
        inspect(b"This is a text file pretending to be an mp3 by its name.\n" * 20)


def test_a_damaged_recording_is_refused_with_a_reason(spoken: dict[str, Path]) -> None:
    with pytest.raises(AudioRejected, match="length cannot be read"):
        inspect(spoken["ogg"].read_bytes()[:300])


def test_longer_than_five_minutes_is_refused_with_its_length(folder: Path) -> None:
    long = silence(MAX_SECONDS + 12, folder, "ogg", name="long")
    with pytest.raises(AudioRejected) as refused:
        inspect(long.read_bytes())
    assert "5:12 long" in str(refused.value) and "limited to 5 minutes" in str(refused.value)
    assert inspect(silence(MAX_SECONDS - 5, folder, "ogg", name="under").read_bytes()).seconds < MAX_SECONDS


def test_larger_than_25_mb_is_refused_before_it_is_read(folder: Path) -> None:
    big = silence(140, folder, "wav", rate=48000, channels=2, name="big")  # 140 s of CD-quality PCM: about 27 MB
    data = big.read_bytes()
    assert len(data) > MAX_BYTES
    with pytest.raises(AudioRejected, match="the limit is 25 MB"):
        inspect(data)
