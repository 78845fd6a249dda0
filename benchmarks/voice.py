"""Voice answers on Discord: the bot's own time from a voice message to the transcription request.

    python -m benchmarks.voice [--messages 40] [--seconds 120]

The bot is built in this process by the composition root (``build_discord``, as ``mockloop run``
does), with discord.py connected to the local Discord server from ``tests/servers/discord`` and
speech-to-text pointed at the local OpenAI-compatible server.  A member opens a core round and
sends ``--messages`` voice messages of a real ``--seconds`` recording (espeak-ng speech encoded
to Ogg/Opus at 32 kb/s, as Discord records them).  Measured per message: from the moment the
emulator dispatches MESSAGE_CREATE to the moment the whole upload has reached the transcription
server (the first message apart: it opens the connection to the speech server and warms caches).
In between is all of the bot's own work: the gateway event, finding the round, the 🎙️
reaction (a REST call), downloading the file from the server's CDN route, reading its type and
length, the voice-budget query (SQLite), and the multipart upload.  Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bot.discord_root import build_discord
from bot.engine.clock import FakeClock
from tests.e2e.test_discord import settings_for
from tests.servers.discord import running_client, running_discord
from tests.servers.openai_server import running_fake_openai
from tests.voice import speak

WORDS = ("A generator produces its values lazily, one at a time, so memory stays flat however long the input is. "
         "I would reach for one when reading a large log file line by line. ")


def recording(folder: Path, seconds: float) -> bytes:
    """About ``seconds`` of real speech as a Discord voice message: Ogg/Opus, mono, 32 kb/s."""
    wav = speak(WORDS * 12, folder, "wav", name="long")
    out = folder / "voice-message.ogg"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", str(wav), "-t", str(seconds),
                    "-ac", "1", "-c:a", "libopus", "-b:a", "32k", str(out)], check=True)
    return out.read_bytes()


async def run(messages: int, seconds: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = recording(folder, seconds)
        async with running_fake_openai() as server, running_discord() as em:
            assert em.default_guild_id is not None and em.default_channel_id is not None
            settings = settings_for(em, folder / "bot.db", em.default_guild_id).model_copy(
                update={"stt_base_url": server.base_url, "daily_audio_seconds_per_user": None})
            app = await build_discord(settings, clock=FakeClock(), guild_ready_timeout=0.1)
            try:
                async with running_client(em, app.bot, ready_timeout=15):
                    alice = em.add_user("alice")
                    handle = await em.slash(alice, "mock start", {"round": "core", "level": "mid", "minutes": 45},
                                            channel=em.default_channel_id)
                    await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
                    thread = await em.wait_for_thread(em.default_channel_id)
                    await asyncio.sleep(0.5)
                    overheads = []
                    for i in range(messages):
                        server.audio.transcript(f"Answer number {i}: a generator yields values lazily.")
                        sent_at = time.perf_counter()
                        await em.say(alice, thread.id, "", attachments=[("voice-message.ogg", data)], voice_seconds=seconds)
                        while len(server.audio.requests) <= i:
                            await asyncio.sleep(0.001)
                        overheads.append((server.audio.requests[i]["received_at"] - sent_at) * 1000)
                        await asyncio.sleep(0.3)  # let the bot grade and reply before the next message
            finally:
                await app.close()
    first, rest = overheads[0], overheads[1:]  # the first pays for cold caches and the first connection
    ordered = sorted(rest)
    return {"benchmark": "voice", "messages": messages, "recording_seconds": seconds, "recording_bytes": len(data),
            "first_ms": round(first, 1), "after_first_ms": {"p50": round(statistics.median(ordered), 1),
                            "p99": round(ordered[min(len(ordered) - 1, round(0.99 * len(ordered)))], 1),
                            "max": round(ordered[-1], 1)},
            "python": platform.python_version(), "machine": platform.machine()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=101, help="the first is reported apart (a cold start)")
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.messages, args.seconds))))


if __name__ == "__main__":
    main()
