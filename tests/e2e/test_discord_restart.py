"""kill -9 mid-round with a schedule pending: the next process closes what ran out while it was down,
says so, and fires the due schedule exactly once.  Real processes, the real clock (about 70 s)."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

from tests.e2e.test_discord import next_bot_text
from tests.servers.discord import DiscordEmulator, bot_process_env, running_discord


def children(pid: int) -> list[int]:
    return [int(x) for task in Path(f"/proc/{pid}/task").glob("*/children") for x in task.read_text().split()]


async def start_bot(em: DiscordEmulator, database: Path, log: Path) -> asyncio.subprocess.Process:
    assert em.default_guild_id is not None
    env = bot_process_env(em, f"sqlite+aiosqlite:///{database}")
    with open(log, "ab") as out:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=database.parent, env=env,
                                                    stdout=out, stderr=out)


async def test_after_kill_9_the_round_closes_with_a_note_and_the_schedule_fires_once(tmp_path: Path) -> None:
    database, log = tmp_path / "bot.db", tmp_path / "bot.log"
    async with asyncio.timeout(180), running_discord(point_discord_py=False) as em:
        alice = em.add_user("alice")
        channel = em.default_channel_id
        assert channel is not None
        first = await start_bot(em, database, log)
        second: asyncio.subprocess.Process | None = None
        try:
            await em.wait_for_gateway(lambda: em.identify_count >= 1 and em.gateway.sessions.get(0) is not None
                                      and em.gateway.sessions[0].connection is not None, timeout=30, what="login")
            began = time.monotonic()
            handle = await em.slash(alice, "mock start", {"round": "screen", "level": "mid", "minutes": 1},
                                    channel=channel)
            await handle.wait_followup(lambda m: "round is in" in m.content, timeout=15)
            thread = await em.wait_for_thread(channel)
            await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"), timeout=15)
            options = {"when": "in 1m", "round": "core", "timezone": "UTC", "remind": 0}
            await (await em.slash(alice, "mock schedule", options, channel=channel)).wait_followup(timeout=15)

            helpers = children(first.pid)
            assert helpers  # the chart worker
            first.send_signal(signal.SIGKILL)
            await first.wait()
            await asyncio.sleep(max(0.0, 64 - (time.monotonic() - began)))  # the round and the schedule come due

            second = await start_bot(em, database, log)
            over = await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("**screen round over**"),
                                       timeout=30)
            assert "time is up" in over.content
            dm = em.dm_channel_id(alice)
            await next_bot_text(em, dm, None, lambda m: "It's time" in m.content, timeout=30)
            await asyncio.sleep(3)
            assert sum("It's time" in m.content for m in em.bot_messages(dm)) == 1
            assert not [pid for pid in helpers if Path(f"/proc/{pid}").exists()]  # no orphan outlives the bot
        finally:
            for proc in (first, second):
                if proc is not None and proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        assert "emulated-bot-token" not in log.read_text()
