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

With ``--hostile N``, N more members play a coding round each while the others play, and answer
its question with code through the Answer button, every other one hostile: the submission takes
over the harness's way of sending results and answers every case with the costliest frame of the
largest allowed size (``benchmarks.hostile_grading.HOSTILE_ANY``); the rest send the question's
reference solution.  The bot grades them itself, in its own process, as it would in production.
The event loop measured is the bot's: the bot's own watch (``MOCKLOOP_LOOP_WATCH_MS``, 2 ms here,
``bot/adapters/discord/loop_watch.py``) records how late its loop wakes, apart while a coding
answer is being checked, and logs a summary that this script reads from the bot's log (target:
the longest stall while checking at most 20 ms).  The emulator's own loop, here, is watched too,
for comparison only: its stalls delay what the members send, not the bot.  The JSON also has each
coding member's verdict (a hostile one must pass no case and still be run, never graded on the
rubric alone).  ``--env MOCKLOOP_LOOP_STACKS=1`` adds ``held_by``: where the bot's loop was held
(``bot/adapters/discord/loop_stacks.py``); ``bot_cpu_s`` is the bot's CPU time on its loop's thread
and on its other threads while members were active.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.engine import answer_pool
from benchmarks.hostile_grading import HOSTILE_ANY, StallWatch
from bot.adapters.discord.loop_watch import REPORT_PREFIX
from bot.bootstrap import load_bank
from tests.servers.discord import DiscordEmulator, bot_process_env, running_discord
from tests.servers.discord.state import Channel, StoredMessage, walk_components

ROOT = Path(__file__).resolve().parents[1]
CODING = [q for q in load_bank().all() if q.coding is not None]
SOLUTIONS = ROOT / "tests" / "fixtures" / "coding_solutions"
TESTS = re.compile(r"(\d+) of (\d+) passed")


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


def moved_on(message: StoredMessage, number: int, kind: str = "core") -> bool:
    """A follow-up to question ``number``, the next question, or the end of the round."""
    return (message.content.startswith("**Follow-up:**") or is_question(message, number + 1)
            or message.content.startswith(f"**{kind} round over**"))


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time (user + system) of the process's main thread, where its event loop runs, and of its other threads."""
    tick = os.sysconf("SC_CLK_TCK")
    main, others = 0.0, 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick  # utime and stime, after the name
        if task.name == str(pid):
            main += used
        else:
            others += used
    return {"loop_thread": round(main, 2), "other_threads": round(others, 2)}


def children(pid: int) -> list[int]:
    """The bot's child processes (the chart worker, the grading process and multiprocessing's resource tracker)."""
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


async def start_round(em: DiscordEmulator, user: int, round_: str) -> Channel:
    """``/mock start`` at mid level, and the private thread the round opens in."""
    channel = em.default_channel_id
    assert channel is not None
    started = await em.slash(user, "mock start", {"round": round_, "level": "mid"}, channel=channel)
    await started.wait_followup(lambda m: "round is in" in m.content, timeout=60)
    return await em.wait_for_thread(channel, lambda t: user in t.thread_member_ids, timeout=60)


async def member(em: DiscordEmulator, user: int, delay: float, args: argparse.Namespace, pool: list[str],
                 rng: random.Random, done: list[float]) -> None:
    await asyncio.sleep(delay)
    thread = await start_round(em, user, "core")
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


async def coder(em: DiscordEmulator, user: int, delay: float, hostile: bool, verdicts: list[dict[str, Any]]) -> None:
    """One member's coding round: one answer in code (hostile, or the reference solution), then End."""
    await asyncio.sleep(delay)
    thread = await start_round(em, user, "coding")
    question = await em.wait_for_bot_message(thread.id, functools.partial(is_question, number=1), timeout=60)
    asked = question.embeds[0].get("description", "")
    found = [q.id for q in CODING if q.coding is not None and f"def {q.coding.function}(" in asked]
    source = HOSTILE_ANY if hostile else (SOLUTIONS / f"coding_{found[0].split('.', 1)[1]}.py").read_text()
    opened = await em.click(user, question, button(question, "answer"))
    await opened.acked(timeout=60)
    # pasting takes a person a moment; submitting at once can reach the bot before discord.py has
    # registered the modal it just sent (it does so after Discord accepts it), which a person never hits
    await asyncio.sleep(random.uniform(1, 2))
    sent = time.perf_counter()
    submitted = await em.submit_modal(user, opened, {text_input(opened.modal or {}): f"```python\n{source}\n```"})
    await submitted.wait_followup(lambda m: m.content == "Saved.", timeout=60)
    tests = await em.wait_for_bot_message(
        thread.id, lambda m: m.content.startswith("**Tests**") or "graded on the rubric only" in m.content,
        after=question, timeout=120)
    counts = TESTS.search(tests.content)
    verdicts.append({"question": found[0] if found else None, "hostile": hostile,
                     "passed": int(counts[1]) if counts else None, "total": int(counts[2]) if counts else None,
                     "seconds": round(time.perf_counter() - sent, 2)})
    reply = await em.wait_for_bot_message(thread.id, functools.partial(moved_on, number=1, kind="coding"),
                                          after=question, timeout=60)
    if not reply.content.startswith("**coding round over**"):
        latest = reply if is_question(reply, 2) else question
        await (await em.click(user, latest, button(latest, "end"))).acked(timeout=60)
    await em.wait_for_bot_message(thread.id, lambda m: any(e.get("title") == "Scorecard" for e in m.embeds),
                                  after=question, timeout=60)


def coding_summary(verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    """How the coding answers were judged: a hostile one passing a case, or graded unrun, is a failure."""
    hostile = [v for v in verdicts if v["hostile"]]
    honest = [v for v in verdicts if not v["hostile"]]
    seconds = sorted(v["seconds"] for v in verdicts)
    return {"answers": len(verdicts), "hostile": len(hostile),
            "hostile_false_passes": sum(1 for v in hostile if v["passed"]),
            "hostile_not_run": sum(1 for v in hostile if v["passed"] is None),
            "honest_all_passed": sum(1 for v in honest if v["total"] and v["passed"] == v["total"]),
            "honest": len(honest), "answer_to_tests_p50_s": seconds[len(seconds) // 2] if seconds else None,
            "answer_to_tests_max_s": seconds[-1] if seconds else None}


def bot_loop_lag(log_text: str) -> dict[str, Any]:
    """The bot's own event-loop reports (``loop_watch.py``), merged: longest stall and counts over thresholds.

    Each report covers its window; the merged p99 is the largest window's p99 (an upper bound)."""
    reports = [json.loads(line.split(REPORT_PREFIX, 1)[1]) for line in log_text.splitlines() if REPORT_PREFIX in line]

    def merged(kind: str) -> dict[str, Any]:
        parts = [r[kind] for r in reports if kind in r and r[kind]["samples"]]
        over: dict[str, int] = {}
        for part in parts:
            for limit, count in part["over_ms"].items():
                over[limit] = over.get(limit, 0) + count
        return {"samples": sum(p["samples"] for p in parts),
                "max_ms": max((p["max_ms"] for p in parts), default=None),
                "p99_ms": max((p["p99_ms"] for p in parts), default=None), "over_ms": over,
                "over_20ms_own_work": sum(p["own_work"] for p in parts),
                "over_20ms_other_threads": sum(p.get("other_threads", 0) for p in parts),
                "over_20ms_waiting": sum(p["waiting"] for p in parts)}

    summary = {"reports": len(reports), "period_ms": reports[0]["period_ms"] if reports else None,
               "while_checking_code": merged("while_checking_code"), "otherwise": merged("otherwise"),
               "while_decoding_results": merged("while_decoding_results"), "target_ms": 20.0}
    held = [r["held_by"] for r in reports if "held_by" in r]
    if held:  # MOCKLOOP_LOOP_STACKS=1: where the loop's thread was during stalls, summed over the reports
        totals: dict[str, Counter[str]] = {kind: Counter() for kind in ("leaf", "ours", "task")}
        for part in held:
            for kind, counts in totals.items():
                counts.update(dict(part[kind]))
        summary["held_by"] = {"samples": sum(h["samples"] for h in held), "interval_ms": held[0]["interval_ms"],
                              **{kind: counts.most_common(8) for kind, counts in totals.items()},
                              "gc_pauses": [h["gc_pauses"] for h in held], "thread_cpu_s": held[-1]["thread_cpu_s"],
                              "heap": held[-1].get("heap")}
    return summary


async def main(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(7)
    pool = answer_pool()
    with tempfile.TemporaryDirectory() as tmp:
        async with running_discord(point_discord_py=False) as em:
            users = [em.add_user(f"member{i}") for i in range(args.users)]
            assert em.default_guild_id is not None
            coders = [em.add_user(f"coder{i}") for i in range(args.hostile)]
            env = bot_process_env(em, f"sqlite+aiosqlite:///{tmp}/bot.db", MOCKLOOP_LOOP_WATCH_MS=str(args.watch_ms),
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
                    verdicts: list[dict[str, Any]] = []
                    began = time.perf_counter()
                    cpu_before = cpu_seconds(bot.pid)
                    watch = StallWatch()  # the emulator's loop (this process), for comparison only
                    watcher = asyncio.ensure_future(watch.run())
                    try:
                        results = await asyncio.wait_for(asyncio.gather(
                            *(member(em, user, rng.uniform(0, args.ramp), args, pool, random.Random(user), done)
                              for user in users),
                            *(coder(em, user, rng.uniform(0, args.ramp), i % 2 == 0 and not args.honest_only, verdicts)
                              for i, user in enumerate(coders)), return_exceptions=True), args.limit)
                    finally:
                        watcher.cancel()
                    finished = max(done) if done else time.perf_counter()
                    while time.perf_counter() - finished < 60:  # the last charts may still be on their way
                        if all(m.attachments for m in scorecards(em)):
                            break
                        await asyncio.sleep(0.2)
                    charts_after = time.perf_counter() - finished
                    cpu_after = cpu_seconds(bot.pid)
                    rss = rss_mb(bot.pid)
                    helpers = [rss_mb(child) or 0.0 for child in children(bot.pid)]
                finally:
                    bot.terminate()
                    await asyncio.wait_for(bot.wait(), 30)
                failures = [r for r in results if isinstance(r, BaseException)]
                log_text = Path(tmp, "bot.log").read_text(errors="replace")
                if args.keep_log:
                    Path(args.keep_log).write_text(log_text)
                if failures or em.missed_interactions:  # show why, on stderr; the JSON line stays on stdout
                    print(log_text[-args.show_log:], file=sys.stderr)
                    for handle in em.missed_interactions:
                        print(f"not acknowledged in time: {handle!r}, refused callbacks: {handle.rejected}", file=sys.stderr)
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
                "helper_processes": len(helpers), "helper_processes_rss_mb": round(sum(helpers), 1),
                "bot_cpu_s": {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_after},
                "coding": coding_summary(verdicts) if args.hostile else None,
                "bot_loop_lag": bot_loop_lag(log_text),  # the bot's own loop, measured inside the bot
                "emulator_loop_stall": watch.summary()["otherwise"],  # this process's loop, not the bot's
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
    parser.add_argument("--hostile", type=int, default=0, help="members who answer a coding round (half hostile)")
    parser.add_argument("--keep-log", help="copy the bot's log to this file")
    parser.add_argument("--honest-only", action="store_true", help="the coding members all send reference solutions")
    parser.add_argument("--watch-ms", type=float, default=2.0, help="how often the bot's loop watch wakes")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))


if __name__ == "__main__":
    cli()
