"""The speech-to-text client with the real ``openai`` client against the local server's transcription route.

Every fault ends in one sentence (a ``VoiceError``), and a file refused for its size, length or
type is never uploaded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.engine.clock import FakeClock
from bot.engine.context import Actor
from bot.engine.speech import AudioRejected, TranscriptionUnavailable
from bot.llm.breaker import CircuitBreaker
from bot.llm.retry import RetryPolicy
from bot.llm.transcriber import SpeechClient
from bot.llm.usage import AudioMeter, UsageRecord
from tests.servers.openai_server import FakeOpenAI, running_fake_openai
from tests.voice import silence, speak

SAID = "Um, threads help I/O-bound work, like, because the GIL is released while a thread waits."
SEGMENTS = [(0.0, 2.0, "Um, threads help I/O-bound work,"), (5.5, 9.0, "like, because the GIL is released while a thread waits.")]


class MemoryAudio:
    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    async def add(self, record: UsageRecord) -> None:
        self.records.append(record)

    async def audio_seconds_since(self, since: datetime, *, user_id: str | None = None,
                                  guild_id: str | None = None) -> float:
        return sum(r.audio_seconds for r in self.records if r.at >= since and user_id in (None, r.user_id)
                   and guild_id in (None, r.guild_id))


async def no_wait(seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return speak(SAID.replace("Um, ", ""), tmp_path_factory.mktemp("voice"), "ogg").read_bytes()


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAI]:
    async with running_fake_openai() as running:
        yield running


def client(server: FakeOpenAI, *, timeout: float = 5.0, meter: AudioMeter | None = None,
           breaker: CircuitBreaker | None = None, base_url: str | None = None) -> SpeechClient:
    return SpeechClient(api_key="sk-test", base_url=base_url or server.base_url, model="whisper-1",
                        breaker=breaker or CircuitBreaker(FakeClock()), retry=RetryPolicy(attempts=2), timeout=timeout,
                        sleep=no_wait, meter=meter)


async def test_a_recording_comes_back_as_text_with_timed_segments(server: FakeOpenAI, recording: bytes) -> None:
    server.audio.transcript(SAID, SEGMENTS)
    speech = client(server)
    try:
        heard = await speech.transcribe(recording, "/home/me/secret-name.ogg")
    finally:
        await speech.close()
    assert heard.text == SAID and heard.model == "whisper-1"
    assert [(s.start, s.end) for s in heard.segments] == [(0.0, 2.0), (5.5, 9.0)]
    assert 3 < heard.seconds < 10  # the container's length, read before the upload
    [sent] = server.audio.requests
    assert sent["data"] == recording and sent["filename"] == "answer.ogg" and sent["content_type"] == "audio/ogg"
    assert (sent["model"], sent["response_format"], sent["timestamp_granularities[]"]) == ("whisper-1", "verbose_json",
                                                                                           ["segment"])
    assert "Umm" in sent["prompt"]  # a prompt with fillers keeps Whisper from tidying them away


async def test_a_local_whisper_servers_shape_is_read_too(server: FakeOpenAI, recording: bytes) -> None:
    server.audio.local = True
    server.audio.transcript(SAID, SEGMENTS)
    speech = client(server)
    try:
        heard = await speech.transcribe(recording, "a.ogg")
    finally:
        await speech.close()
    assert heard.text == SAID and len(heard.segments) == 2


async def test_a_server_that_refuses_verbose_json_is_asked_for_text_once(server: FakeOpenAI, recording: bytes) -> None:
    server.audio.verbose = False
    server.audio.transcript(SAID)
    server.audio.transcript("Second answer.")
    speech = client(server)
    try:
        first = await speech.transcribe(recording, "a.ogg")
        second = await speech.transcribe(recording, "a.ogg")
    finally:
        await speech.close()
    assert (first.text, first.segments, second.text) == (SAID, (), "Second answer.")
    assert [r["response_format"] for r in server.audio.requests] == ["verbose_json", "text", "text"]


@pytest.mark.parametrize(("fault", "options", "reason"), [
    ("rate_limit", {}, "the speech-to-text server is rate-limiting us (429)"),
    ("server_error", {}, "the speech-to-text server answered with an error (500)"),
])
async def test_429_and_500_are_retried_then_told(server: FakeOpenAI, recording: bytes, fault: str, options: dict,
                                                  reason: str) -> None:
    server.audio.fault(fault, **options)
    server.audio.transcript(SAID)
    speech = client(server)
    try:
        assert (await speech.transcribe(recording, "a.ogg")).text == SAID  # one failure, then the retry works
        server.audio.fault(fault, **options)
        server.audio.fault(fault, **options)
        with pytest.raises(TranscriptionUnavailable) as failed:
            await speech.transcribe(recording, "a.ogg")
    finally:
        await speech.close()
    assert str(failed.value) == f"Your recording was not transcribed: {reason}."
    assert "sk-test" not in str(failed.value)


async def test_a_timeout_is_told_and_not_sent_again(server: FakeOpenAI, recording: bytes) -> None:
    server.audio.fault("hang", seconds=5)
    speech = client(server, timeout=0.5)
    try:
        with pytest.raises(TranscriptionUnavailable, match="the speech-to-text service did not answer in time"):
            await speech.transcribe(recording, "a.ogg")
    finally:
        await speech.close()
    assert len(server.audio.requests) == 1


async def test_repeated_failures_pause_transcription_without_touching_chat(server: FakeOpenAI, recording: bytes) -> None:
    breaker = CircuitBreaker(FakeClock(), failures=2)
    speech = client(server, breaker=breaker)
    try:
        for _ in range(4):
            server.audio.fault("server_error")
        for _ in range(2):
            with pytest.raises(TranscriptionUnavailable):
                await speech.transcribe(recording, "a.ogg")
        with pytest.raises(TranscriptionUnavailable, match="speech-to-text service is paused after repeated failures"):
            await speech.transcribe(recording, "a.ogg")
    finally:
        await speech.close()
    assert breaker.open_for("transcribe") and not breaker.open_for("grade")
    assert len(server.audio.requests) == 4  # the paused call sent nothing


async def test_a_server_without_the_route_is_named(server: FakeOpenAI, recording: bytes) -> None:
    speech = client(server, base_url=server.base_url.removesuffix("/v1") + "/elsewhere")
    try:
        with pytest.raises(TranscriptionUnavailable, match="no /v1/audio/transcriptions endpoint"):
            await speech.transcribe(recording, "a.ogg")
    finally:
        await speech.close()


async def test_files_past_the_limits_are_never_uploaded(server: FakeOpenAI, tmp_path: Path) -> None:
    speech = client(server)
    try:
        with pytest.raises(AudioRejected, match="limited to 5 minutes"):
            await speech.transcribe(silence(320, tmp_path, "ogg").read_bytes(), "long.ogg")
        with pytest.raises(AudioRejected, match="not a recording"):
            await speech.transcribe(b"just some text\n" * 100, "notes.mp3")
        with pytest.raises(AudioRejected, match="limit is 25 MB"):
            await speech.transcribe(b"OggS" + bytes(26 * 1024 * 1024), "huge.ogg")
    finally:
        await speech.close()
    assert server.audio.requests == []


async def test_the_daily_voice_budget_is_counted_and_enforced(server: FakeOpenAI, recording: bytes) -> None:
    store, clock = MemoryAudio(), FakeClock()
    meter = AudioMeter(store, clock, per_user=10, per_guild=None)
    speech = client(server, meter=meter)
    me = Actor("user-1", "session-1")
    try:
        first = await speech.transcribe(recording, "a.ogg", actor=me)
        [record] = store.records
        assert (record.purpose, record.user_id, record.audio_seconds) == ("transcribe", "user-1", round(first.seconds, 2))
        with pytest.raises(TranscriptionUnavailable, match="daily voice budget of 10 seconds is nearly used up"):
            await speech.transcribe(recording, "a.ogg", actor=me)
        assert len(server.audio.requests) == 1  # refused before the upload
        await speech.transcribe(recording, "a.ogg", actor=Actor("user-2"))  # someone else's budget is their own
        clock.advance(hours=24)
        await speech.transcribe(recording, "a.ogg", actor=me)  # a new UTC day
    finally:
        await speech.close()
