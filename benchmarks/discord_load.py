"""Discord load: many members running rounds at once against the real bot process.

    python -m benchmarks.discord_load [--users 200] [--ramp 10] [--think 1.0] [--answers 3]

The bot runs as ``mockloop run`` in its own process (offline interviewer and scorer, SQLite),
pointed at the local Discord server from ``tests/servers/discord``, which runs here and plays
every member.  Each member starts a core round with ``/mock start`` (starts spread over
``--ramp`` seconds), then for ``--answers`` questions presses Answer, submits the modal with a
realistic answer from the scoring dev set (after two to four ``--think`` periods of typing), and
presses Skip to move on; then End.  Other think times are exponential around ``--think`` seconds.

Reported: acknowledgement latency (INTERACTION_CREATE sent to the callback received, measured by
the emulator), missed 3-second deadlines, messages the bot created or edited per second while
members were active, the bot process's resident memory when idle and at its peak, and the peak of
its child processes (the chart worker) separately.  Prints one JSON line.

With ``--hostile N``, this process (whose event loop also serves the Discord emulator to every
member) grades N coding submissions while the members play, every other one hostile: it takes
over the result channel and answers each case with the costliest frame of the largest allowed
size (``benchmarks.hostile_grading``).  The JSON then has ``hostile``: the gradings, any false
pass, and the longest event-loop stall while a grading was in flight (target: 20 ms) next to the
longest otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.engine import answer_pool
from benchmarks.hostile_grading import StallWatch, grade_hostile
from tests.servers.discord import DiscordEmulator, bot_process_env, running_discord
from tests.servers.discord.state import StoredMessage, walk_components

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def rss_mb(pid: int, field: str = "VmHWM") -> float | None:
    """The process's high-water (VmHWM) or current (VmRSS) resident set, from /proc while it is alive."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def scorecards(em: DiscordEmulator) -> list[StoredMessage]:
    return [m for m in em.bot_messages() if any(e.get("title") == "Scorecard" for e in m.embeds)]


def moved_on(message: StoredMessage, number: int) -> bool:
    """A follow-up to question ``number``, the next question, or the end of the round."""
    return (message.content.startswith("**Follow-up:**") or is_question(message, number + 1)
            or message.content.startswith("**core round over**"))


def children(pid: int) -> list[int]:
    """The bot's child processes (the chart worker and multiprocessing's resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.extend(int(x) for x in task.read_text().split())
    return found


def button(message: StoredMessage, action: str) -> str:
    found = [i for i in message.custom_ids() if i.startswith(f"ml:{action}:")]
    if not found:
        raise LookupError(f"no {action} button on {message.embeds[0].get('title') if message.embeds else message.content!r}"
                          f" (edited {message.version} times)")
    return found[0]


def text_input(modal: dict[str, Any]) -> str:
    return next(c["custom_id"] for c in walk_components(modal.get("components", [])) if c.get("type") == 4)


def is_question(message: StoredMessage, number: int) -> bool:
    return bool(message.embeds) and message.embeds[0].get("title", "").startswith(f"Question {number} of")


async def member(em: DiscordEmulator, user: int, delay: float, args: argparse.Namespace, pool: list[str],
                 rng: random.Random, done: list[float]) -> None:
    await asyncio.sleep(delay)
    channel = em.default_channel_id
    assert channel is not None
    started = await em.slash(user, "mock start", {"round": "core", "level": "mid"}, channel=channel)
    await started.wait_followup(lambda m: "round is in" in m.content, timeout=60)
    thread = await em.wait_for_thread(channel, lambda t: user in t.thread_member_ids, timeout=60)
    question: StoredMessage | None = None
    for number in range(1, args.answers + 1):
        question = await em.wait_for_bot_message(thread.id, functools.partial(is_question, number=number), timeout=60)
        await asyncio.sleep(rng.expovariate(1 / args.think))
        opened = await em.click(user, question, button(question, "answer"))
        await opened.acked(timeout=60)
        await asyncio.sleep(rng.uniform(2, 4) * args.think)  # typing the answer
        submitted = await em.submit_modal(user, opened, {text_input(opened.modal or {}): rng.choice(pool)[:4000]})
        await submitted.wait_followup(lambda m: m.content == "Saved.", timeout=60)
        # The interviewer either digs in with a follow-up (then this member skips it) or moves on.
        reply = await em.wait_for_bot_message(thread.id, functools.partial(moved_on, number=number), after=question,
                                              timeout=60)
        await asyncio.sleep(rng.expovariate(1 / args.think))
        if number == args.answers:
            if not reply.content.startswith("**core round over**"):
                latest = reply if is_question(reply, number + 1) else question
                await (await em.click(user, latest, button(latest, "end"))).acked(timeout=60)
        elif reply.content.startswith("**Follow-up:**"):
            await (await em.click(user, question, button(question, "skip"))).acked(timeout=60)
    await em.wait_for_bot_message(thread.id, lambda m: any(e.get("title") == "Scorecard" for e in m.embeds),
                                  after=question, timeout=60)
    done.append(time.perf_counter())


async def main(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(7)
    pool = answer_pool()
    with tempfile.TemporaryDirectory() as tmp:
        async with running_discord(point_discord_py=False) as em:
            users = [em.add_user(f"member{i}") for i in range(args.users)]
            assert em.default_guild_id is not None
            env = bot_process_env(em, f"sqlite+aiosqlite:///{tmp}/bot.db",
                                  **dict(item.split("=", 1) for item in args.env))
            with open(Path(tmp) / "bot.log", "wb") as log:
                bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp, env=env,
                                                           stdout=log, stderr=log)
                try:
                    await em.wait_for_gateway(lambda: bool(em.synced_commands(em.default_guild_id)), timeout=60,
                                              what="the bot to sync its commands")
                    await em.wait_until_connected(timeout=30)
                    idle_rss = rss_mb(bot.pid, "VmRSS")
                    first_request = len(em.requests)
                    done: list[float] = []
                    began = time.perf_counter()
                    watch = StallWatch()
                    watcher = asyncio.ensure_future(watch.run())
                    graded = grade_hostile(args.hostile, 2, watch, spread=args.ramp) if args.hostile else None
                    try:
                        results, hostile = await asyncio.wait_for(asyncio.gather(asyncio.gather(
                            *(member(em, user, rng.uniform(0, args.ramp), args, pool, random.Random(user), done)
                              for user in users), return_exceptions=True), graded or asyncio.sleep(0)), args.limit)
                    finally:
                        watcher.cancel()
                    finished = max(done) if done else time.perf_counter()
                    while time.perf_counter() - finished < 60:  # the last charts may still be on their way
                        if all(m.attachments for m in scorecards(em)):
                            break
                        await asyncio.sleep(0.2)
                    charts_after = time.perf_counter() - finished
                    rss = rss_mb(bot.pid)
                    helpers = [rss_mb(child) or 0.0 for child in children(bot.pid)]
                finally:
                    bot.terminate()
                    await asyncio.wait_for(bot.wait(), 30)
                failures = [r for r in results if isinstance(r, BaseException)]
                if failures or em.missed_interactions:  # show why, on stderr; the JSON line stays on stdout
                    print(Path(tmp, "bot.log").read_text(errors="replace")[-args.show_log:], file=sys.stderr)
            window = [r for r in em.requests[first_request:]
                      if r.method in ("POST", "PATCH") and "/messages" in r.path and began <= r.at <= finished]
            acks = em.ack_latencies
            cards = scorecards(em)
            return {
                "benchmark": "discord_load", "users": args.users, "answers_each": args.answers,
                "think_s": args.think, "ramp_s": args.ramp,
                "completed": len(done), "failed": len(failures),
                "first_failure": repr(failures[0])[:200] if failures else None,
                "interactions": len(acks), "missed_deadlines": len(em.missed_interactions),
                "ack_p50_ms": round(statistics.median(acks) * 1000, 2) if acks else None,
                "ack_p99_ms": round(percentile(acks, 0.99) * 1000, 2) if acks else None,
                "ack_max_ms": round(max(acks) * 1000, 2) if acks else None,
                "scorecards": len(cards), "scorecards_with_chart": sum(1 for m in cards if m.attachments),
                "last_chart_after_s": round(charts_after, 1),
                "bot_messages_per_s": round(len(window) / (finished - began), 1),
                "seconds": round(finished - began, 1),
                "bot_idle_rss_mb": round(idle_rss, 1) if idle_rss else None,
                "bot_peak_rss_mb": round(rss, 1) if rss else None,
                "chart_worker_peak_rss_mb": round(sum(helpers), 1),
                "hostile": {**hostile} if args.hostile else None,
                "loop_stall": watch.summary(),  # this process's loop: the Discord emulator's, and the gradings' if any
                "python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            }


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the members start")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a member's actions")
    parser.add_argument("--answers", type=int, default=3, help="questions each member answers")
    parser.add_argument("--limit", type=float, default=600.0, help="give up after this many seconds")
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the bot process (experiments)")
    parser.add_argument("--show-log", type=int, default=4000, help="characters of the bot's log shown on failures")
    parser.add_argument("--hostile", type=int, default=0, help="coding submissions graded here meanwhile (half hostile)")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))


if __name__ == "__main__":
    cli()
