"""Voice messages in a round's thread, through discord.py against the local Discord server and the
local OpenAI-compatible server's transcription route (the chat model stays offline)."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.discord_root import DiscordApp, build_discord
from bot.engine.clock import FakeClock
from tests.e2e.test_cli import env_for
from tests.e2e.test_discord import (
    CORE_ANSWER,
    asks,
    bounded,
    button_id,
    is_scorecard,
    next_bot_text,
    question_messages,
    settings_for,
)
from tests.servers.discord import DiscordEmulator, bot_process_env, running_client, running_discord
from tests.servers.discord.state import StoredMessage
from tests.servers.discord.users import UserRef
from tests.servers.openai_server import FakeOpenAI, running_fake_openai
from tests.voice import silence, speak

SEGMENTS = [(0.0, 6.0, CORE_ANSWER[:80]), (10.0, 20.0, CORE_ANSWER[80:])]


@pytest.fixture(scope="module")
def voice_message(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return speak(CORE_ANSWER, tmp_path_factory.mktemp("voice"), "ogg", name="voice-message").read_bytes()


@asynccontextmanager
async def bot_with_speech(tmp_path: Path, speech: bool = True) -> AsyncIterator[tuple[DiscordEmulator, FakeOpenAI, DiscordApp]]:
    async with running_fake_openai() as server, running_discord() as em:
        assert em.default_guild_id is not None
        settings = settings_for(em, tmp_path / "bot.db", em.default_guild_id)
        if speech:
            settings = settings.model_copy(update={"stt_base_url": server.base_url, "stt_timeout": 2.0})
        app = await build_discord(settings, clock=FakeClock(), guild_ready_timeout=0.1)
        try:
            async with running_client(em, app.bot, ready_timeout=15):
                yield em, server, app
        finally:
            await app.close()


async def open_round(em: DiscordEmulator) -> tuple[int, int]:
    alice = em.add_user("alice")
    assert em.default_channel_id is not None
    handle = await em.slash(alice, "mock start", {"round": "core", "level": "mid"}, channel=em.default_channel_id)
    await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
    thread = await em.wait_for_thread(em.default_channel_id)
    return alice, thread.id


async def end_round(em: DiscordEmulator, alice: UserRef, thread: int, after: StoredMessage) -> None:
    """Press End on the question on screen once the interviewer has reacted to the answer.

    The round's first question is drawn at random, and for some of them the answer covers every point
    a follow-up exists for: the interviewer then moves to the next question, whose message carries the
    buttons, instead of digging in under the first."""
    await next_bot_text(em, thread, after, lambda m: m.content.startswith("**Follow-up:**") or asks(m, 2), timeout=20)
    on_screen = question_messages(em, thread)[-1]
    await (await em.click(alice, on_screen, button_id(on_screen, "ml:end:"))).acked()


@bounded
async def test_a_voice_message_is_transcribed_shown_with_its_delivery_and_graded(tmp_path: Path, voice_message: bytes) -> None:
    async with bot_with_speech(tmp_path) as (em, server, _):
        alice, thread = await open_round(em)
        question = await next_bot_text(em, thread, None, lambda m: "Question 1" in json.dumps(m.embeds))
        server.audio.transcript(CORE_ANSWER, SEGMENTS)
        sent = await em.say(alice, thread, "", attachments=[("voice-message.ogg", voice_message)], voice_seconds=9.5)
        shown = await next_bot_text(em, thread, sent, lambda m: m.content.startswith("**Transcript**"), timeout=15)
        assert "🎙️" in sent.reactions
        assert "**Delivery**" in shown.content and "1 long pause (4 s at 0:06)" in shown.content
        assert "words a minute" in shown.content and shown.message_reference is not None
        await em.wait_for_gateway(lambda: bool(sent.reactions.get("✅")), timeout=10, what="the ✅ under the answer")
        assert server.audio.requests[0]["data"] == voice_message  # downloaded from the server's CDN route, sent whole
        [(text,)] = app_rows(tmp_path, "select text from answers")
        assert text == CORE_ANSWER
        await end_round(em, alice, thread, shown)
        card = await next_bot_text(em, thread, question, is_scorecard, timeout=20)
        assert "/100" in json.dumps(card.embeds)


@bounded
async def test_a_long_transcript_is_shortened_with_a_button_for_the_full_answer(tmp_path: Path, voice_message: bytes) -> None:
    long = " ".join([CORE_ANSWER] * 3)  # about 900 characters: the thread shows the first 400
    async with bot_with_speech(tmp_path) as (em, server, _):
        alice, thread = await open_round(em)
        await next_bot_text(em, thread, None, lambda m: "Question 1" in json.dumps(m.embeds))
        server.audio.transcript(long)
        sent = await em.say(alice, thread, "", attachments=[("voice-message.ogg", voice_message)], voice_seconds=9.5)
        shown = await next_bot_text(em, thread, sent, lambda m: m.content.startswith("**Transcript**"), timeout=15)
        assert "shortened" in shown.content and long not in shown.content
        await em.wait_for_gateway(lambda: bool(sent.reactions.get("✅")), timeout=10, what="the ✅ under the answer")
        pressed = await em.click(alice, shown, button_id(shown, "ml:transcript:"))
        full = await pressed.wait_response(lambda m: "in full" in m.content)
        assert full.ephemeral and CORE_ANSWER.split(",")[0] in full.content and len(full.content) > len(long)


def app_rows(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        return db.execute(sql).fetchall()


@bounded
async def test_without_a_service_a_voice_message_is_declined_and_the_round_goes_on(tmp_path: Path,
                                                                                  voice_message: bytes) -> None:
    async with bot_with_speech(tmp_path, speech=False) as (em, server, _):
        alice, thread = await open_round(em)
        await next_bot_text(em, thread, None, lambda m: "Question 1" in json.dumps(m.embeds))
        sent = await em.say(alice, thread, "", attachments=[("voice-message.ogg", voice_message)], voice_seconds=9.5)
        reply = await next_bot_text(em, thread, sent, lambda m: "speech-to-text service" in m.content)
        assert "The round goes on: type your answer instead." in reply.content and server.audio.requests == []
        typed = await em.say(alice, thread, CORE_ANSWER)
        await em.wait_for_gateway(lambda: bool(typed.reactions.get("✅")), timeout=10, what="the typed answer taken")


@bounded
async def test_a_failing_service_or_a_bad_file_is_one_reply_and_typed_words_are_kept(tmp_path: Path,
                                                                                     voice_message: bytes) -> None:
    async with bot_with_speech(tmp_path) as (em, server, _):
        alice, thread = await open_round(em)
        await next_bot_text(em, thread, None, lambda m: "Question 1" in json.dumps(m.embeds))
        for _ in range(3):
            server.audio.fault("server_error")
        sent = await em.say(alice, thread, "", attachments=[("voice-message.ogg", voice_message)], voice_seconds=9.5)
        reply = await next_bot_text(em, thread, sent, lambda m: "not transcribed" in m.content, timeout=15)
        assert "answered with an error (500)" in reply.content and "The round goes on" in reply.content

        fake = await em.say(alice, thread, "Lists are mutable.", attachments=[("answer.mp3", b"not audio at all" * 40)])
        reply = await next_bot_text(em, thread, fake, lambda m: "not a recording I can read" in m.content)
        await em.wait_for_gateway(lambda: bool(fake.reactions.get("✅")), timeout=10, what="the typed part taken")
        assert [t for (t,) in app_rows(tmp_path, "select text from answers")] == ["Lists are mutable."]
        assert len(server.audio.requests) == 3  # the fake file was refused before any upload


STORY = ("Last spring our checkout API timed out every evening at peak. I was on call, and my goal was p99 under "
         "300 ms before the sale. I profiled the endpoint, found an N+1 query in the discount lookup and rewrote it "
         "with a join. Afterwards p99 went from 2.4 s to 180 ms. I learned to profile before guessing.")


@bounded
async def test_a_star_story_told_by_voice_is_judged_on_its_real_length(tmp_path: Path) -> None:
    told = silence(100, tmp_path, "ogg", name="story")  # 100 s as recorded; the 50 words would read as 21 s
    async with bot_with_speech(tmp_path) as (em, server, _):
        alice = em.add_user("alice")
        assert em.default_channel_id is not None
        await (await em.slash(alice, "star practice", {"theme": "incident"}, channel=em.default_channel_id)).wait_followup()
        thread = await em.wait_for_thread(em.default_channel_id, lambda t: alice in t.thread_member_ids)
        await next_bot_text(em, thread.id, None, lambda m: "production problem" in m.content)
        server.audio.transcript(STORY)
        sent = await em.say(alice, thread.id, "", attachments=[("voice-message.ogg", told.read_bytes())], voice_seconds=100)
        shown = await next_bot_text(em, thread.id, sent, lambda m: m.content.startswith("**Transcript**"), timeout=15)
        assert "You spoke for 1:40, within the 90-120 s target." in shown.content
        await next_bot_text(em, thread.id, sent, lambda m: "scores" in m.content, timeout=15)
        [(state,)] = app_rows(tmp_path, "select state from coach_rooms")
        [attempt] = json.loads(state)["attempts"]
        assert attempt["text"] == STORY
        assert attempt["analysis"]["length"]["measured"] is True and attempt["analysis"]["length"]["seconds"] == 100
        assert attempt["analysis"]["length"]["verdict"] == "on target"


@bounded
async def test_mockloop_run_grades_a_voice_message_as_score_audio_file_grades_the_file(tmp_path: Path,
                                                                                      voice_message: bytes) -> None:
    """The real command in its own process, then the same recording through `mockloop score --audio-file`."""
    recording = tmp_path / "voice-message.ogg"
    recording.write_bytes(voice_message)
    async with running_fake_openai() as server, running_discord(point_discord_py=False) as em:
        alice = em.add_user("alice")
        assert em.default_channel_id is not None
        env = bot_process_env(em, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", MOCKLOOP_STT_BASE_URL=server.base_url)
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            await em.wait_until_connected(timeout=30)
            await em.wait_for_gateway(lambda: bool(em.synced_commands(em.default_guild_id)), timeout=30,
                                      what="the bot's commands")
            handle = await em.slash(alice, "mock start", {"round": "core", "level": "mid"}, channel=em.default_channel_id)
            await handle.wait_followup(lambda m: "round is in" in m.content, timeout=15)
            thread = await em.wait_for_thread(em.default_channel_id)
            question = await next_bot_text(em, thread.id, None, lambda m: "Question 1" in json.dumps(m.embeds), timeout=15)
            server.audio.transcript(CORE_ANSWER, SEGMENTS)
            sent = await em.say(alice, thread.id, "", attachments=[("voice-message.ogg", voice_message)], voice_seconds=9.5)
            shown = await next_bot_text(em, thread.id, sent, lambda m: m.content.startswith("**Transcript**"), timeout=20)
            assert "**Delivery**" in shown.content
            await em.wait_for_gateway(lambda: bool(sent.reactions.get("✅")), timeout=15, what="the ✅ under the answer")
            await end_round(em, alice, thread.id, shown)
            await next_bot_text(em, thread.id, question, is_scorecard, timeout=20)
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(proc.communicate(), 20)
        assert proc.returncode == 0, output.decode()
        # The first question, the one answered by voice (when the interviewer moved on, a second was asked too).
        [(question_id, graded)] = app_rows(tmp_path, "select question_id, score from asked_questions "
                                                     "where score is not null and round_pos = 0 and position = 0")

        server.audio.transcript(CORE_ANSWER, SEGMENTS)
        cli = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "score", "--question", question_id, "--audio-file", str(recording), "--json",
            cwd=tmp_path, env=env_for(tmp_path, MOCKLOOP_STT_BASE_URL=server.base_url), stdout=asyncio.subprocess.PIPE)
        out, _ = await asyncio.wait_for(cli.communicate(), 60)
    assert cli.returncode == 0 and json.loads(out)["score"] == graded  # the same grade either way
