"""Voice answers in the terminal, as a user runs them: `score --audio-file`, `star --audio-file`, `/audio`.

Real recordings (espeak-ng, ffmpeg), the real ``openai`` client in a real `mockloop` process, the
local server's transcription route.  Every fault ends in one sentence with no traceback; in
`practice` the round goes on and the typed answer is kept.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from tests.e2e.test_cli import env_for, rows
from tests.servers.openai_server import FakeOpenAI, running_fake_openai
from tests.voice import silence, speak

ANSWER = ("Um, so the GIL lets only one thread run Python bytecode at a time. CPU-bound work is serialised, but "
          "I/O-bound work is not, because the GIL is released while a thread waits on the network. "
          "For CPU-bound work I would use a process pool.")
SEGMENTS = [(0.0, 5.0, "Um, so the GIL lets only one thread run Python bytecode at a time."),
            (9.0, 14.0, "CPU-bound work is serialised, but I/O-bound work is not, ..."),
            (14.2, 17.0, "For CPU-bound work I would use a process pool.")]


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return speak(ANSWER.removeprefix("Um, so "), tmp_path_factory.mktemp("voice"), "ogg")


async def mockloop(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env_for(tmp_path, **env), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), 90)
    assert b"Traceback" not in err, err.decode()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def speech(server: FakeOpenAI, **extra: str) -> dict[str, str]:
    """A local whisper server for speech, no chat model: the grade is the offline scorer's."""
    return {"MOCKLOOP_STT_BASE_URL": server.base_url, "MOCKLOOP_STT_TIMEOUT": "1", "MOCKLOOP_LLM_ATTEMPTS": "2", **extra}


async def test_a_recorded_answer_gets_the_same_grade_as_its_text_plus_delivery(tmp_path: Path, recording: Path) -> None:
    async with running_fake_openai() as server:
        server.audio.transcript(ANSWER, SEGMENTS)
        code, out, _ = await mockloop(tmp_path, "score", "--question", "core.gil", "--audio-file", str(recording),
                                      "--json", **speech(server))
        assert code == 0
        spoken = json.loads(out)
        code, out, _ = await mockloop(tmp_path, "score", "--question", "core.gil", "--answer", ANSWER, "--json")
        typed = json.loads(out)
    delivery = spoken.pop("delivery")
    assert spoken.pop("transcript") == ANSWER and spoken == typed  # the same grade as the same words typed
    assert set(delivery) >= {"seconds", "words_per_minute", "fillers_per_minute", "long_pauses"}
    assert delivery["long_pauses"] == [{"at": 5.0, "seconds": 4.0}] and delivery["fillers"] == {"um": 1}
    assert 3 < delivery["seconds"] < 20 and delivery["target_seconds"] == [45, 120]
    assert server.audio.requests[0]["filename"] == "answer.ogg"  # the user's own file name is not sent
    [(purpose, seconds)] = rows(tmp_path, "select purpose, audio_seconds from llm_usage")
    assert purpose == "transcribe" and seconds == pytest.approx(delivery["seconds"], abs=0.1)


async def test_the_terminal_shows_the_transcript_then_the_grade_then_the_delivery(tmp_path: Path, recording: Path) -> None:
    async with running_fake_openai() as server:
        server.audio.transcript(ANSWER, SEGMENTS)
        code, out, _ = await mockloop(tmp_path, "score", "--question", "core.gil", "--audio-file", str(recording),
                                      **speech(server))
    assert code == 0
    transcript, grade, delivery = out.index("Transcript ("), out.index("/100"), out.index("Delivery")
    assert transcript < grade < delivery
    assert "1 long pause (4 s at 0:05)" in out and "1 filler word (“um” ×1)" in out


async def test_a_told_star_story_is_judged_on_its_real_length(tmp_path: Path) -> None:
    story = ("Last spring our checkout service started timing out during a sale. I was on call, and my task was to "
             "bring the error rate under one percent before the evening peak. I profiled the service, found a slow "
             "query and added an index. I also added a cache for product lookups. The error rate dropped from twelve "
             "percent to 0.3 percent within an hour. I learned to load test before every sale.")
    told = speak(story, tmp_path, "m4a", name="story")
    async with running_fake_openai() as server:
        server.audio.transcript(story)
        code, out, _ = await mockloop(tmp_path, "star", "--audio-file", str(told), "--json", **speech(server))
    assert code == 0
    found = json.loads(out)
    assert found["transcript"] == story and found["length"]["measured"] is True
    assert found["length"]["seconds"] == round(found["delivery"]["seconds"])
    assert found["delivery"]["target_seconds"] == [90, 120] and found["delivery"]["long_pauses"] == []


async def test_without_a_service_the_user_is_told_how_to_set_one_up(tmp_path: Path, recording: Path) -> None:
    code, out, err = await mockloop(tmp_path, "score", "--question", "core.gil", "--audio-file", str(recording))
    assert (code, out) == (1, "")
    assert err.startswith("mockloop: Voice answers need a speech-to-text service") and "MOCKLOOP_STT_BASE_URL" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(("fault", "reason"), [
    ("rate_limit", "the speech-to-text server is rate-limiting us (429)"),
    ("server_error", "the speech-to-text server answered with an error (500)"),
    ("hang", "the speech-to-text service did not answer in time"),
])
async def test_a_failing_service_is_one_sentence(tmp_path: Path, recording: Path, fault: str, reason: str) -> None:
    async with running_fake_openai() as server:
        for _ in range(2):
            server.audio.fault(fault)
        code, _, err = await mockloop(tmp_path, "score", "--question", "core.gil", "--audio-file", str(recording),
                                      **speech(server))
    assert (code, err) == (1, f"mockloop: Your recording was not transcribed: {reason}.\n")


async def test_files_past_the_limits_are_refused_as_usage_errors(tmp_path: Path) -> None:
    text = tmp_path / "answer.mp3"
    text.write_text("I would use a queue.\n" * 50)
    long = silence(303, tmp_path, "ogg", name="long")
    big = tmp_path / "big.wav"
    big.write_bytes(b"RIFF" + bytes(26 * 1024 * 1024))
    async with running_fake_openai() as server:
        results = [await mockloop(tmp_path, "score", "--question", "core.gil", "--audio-file", str(path), **speech(server))
                   for path in (text, long, big, tmp_path / "missing.ogg")]
    assert server.audio.requests == []
    assert [code for code, _, _ in results] == [2, 2, 2, 2]
    errors = [err for _, _, err in results]
    assert "not a recording I can read; send Ogg/Opus, MP3, M4A, WAV or WebM audio." in errors[0]
    assert "The recording is 5:03 long; answers are limited to 5 minutes." in errors[1]
    assert "The recording is 26.0 MB; the limit is 25 MB." in errors[2]
    assert "Cannot read the recording" in errors[3]
    assert all(err.count("\n") == 1 for err in errors)


async def practice(tmp_path: Path, script: str, **env: str) -> str:
    code, out, err = await mockloop(tmp_path, "practice", "--round", "core", "--minutes", "20", "--questions", "1",
                                    "--seed", "4", stdin=script, **env)
    assert code == 0, err
    return out


def answers(tmp_path: Path) -> list[str]:
    return [text for (text,) in rows(tmp_path, "select text from answers order by submitted_at")]


async def test_audio_in_practice_answers_and_every_fault_keeps_the_round(tmp_path: Path, recording: Path) -> None:
    async with running_fake_openai() as server:
        server.audio.transcript(ANSWER, SEGMENTS)
        out = await practice(tmp_path, f"/audio {recording}\n/end\n", **speech(server))
        assert "Transcript (" in out and "Delivery" in out and "1 long pause" in out
        assert answers(tmp_path) == [ANSWER]

        server.audio.fault("server_error")
        server.audio.fault("server_error")
        out = await practice(tmp_path, f"Generators yield lazily.\n/audio {recording}\n/audio {tmp_path}/nope.ogg\n"
                                       "and keep memory flat.\n/send\n/end\n", **speech(server))
    assert "Your recording was not transcribed: the speech-to-text server answered with an error (500)." in out
    assert "Cannot read the recording" in out and out.count("The round goes on") == 2
    assert answers(tmp_path)[-1] == "Generators yield lazily.\nand keep memory flat."  # typed lines all kept


async def test_audio_in_practice_without_a_service_says_how_and_goes_on(tmp_path: Path, recording: Path) -> None:
    out = await practice(tmp_path, f"I would use a queue.\n/audio {recording}\nwith a worker pool.\n/send\n/end\n")
    assert "Voice answers need a speech-to-text service" in out and "The round goes on" in out
    assert answers(tmp_path) == ["I would use a queue.\nwith a worker pool."]
