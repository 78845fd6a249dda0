"""The console commands: practice, history, usage and db upgrade (`questions` and `score` start light: see
``catalogue`` and ``grading``).

Each receives what it works with already built (by :mod:`bot.console_root`); here it only asks and prints.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.adapters.console import render, voice
from bot.adapters.console.exits import Exit
from bot.adapters.console.lease import Heartbeat, claim
from bot.adapters.console.ports import Leases
from bot.adapters.console.practice import ConsoleUI, PracticeRunner
from bot.adapters.console.reader import LineSource, PlainLines, PromptLines
from bot.adapters.console.star import render as render_star
from bot.adapters.console.voice import VoiceAnswers
from bot.adapters.console.waiting import Waiting
from bot.coaching.ports import StoryStore
from bot.coaching.recall import recall
from bot.content.bank import QuestionBank
from bot.engine.context import Actor
from bot.engine.errors import EngineError
from bot.engine.models import RoundKind
from bot.engine.planning import SessionRequest
from bot.engine.ports import Debriefer, Repository
from bot.engine.review import HISTORY_SESSIONS, due_for_review, progress, weak_spots
from bot.engine.session import InterviewEngine
from bot.engine.signals import signal_for
from bot.engine.speech import Transcript
from bot.sandbox.runner import SandboxRunner, describe
from bot.sandbox.service import RemoteRunner
from bot.scoring.star_models import StarAnalysis

Transcribe = Callable[[bytes, str], Awaitable[Transcript]]


def terminal() -> Console:
    """The console every command prints to: no guessing of highlights, long lines left to the terminal."""
    return Console(highlight=False, soft_wrap=True)


@dataclass
class Practice:
    """Everything a practice session in this terminal works with, built by the composition root."""

    console: Console
    ui: ConsoleUI  # the engine's notifier
    bank: QuestionBank
    repo: Repository
    engine: InterviewEngine
    leases: Leases  # one process at a time holds a session
    stories: StoryStore  # for answering with a saved story (/story ID)
    runner: SandboxRunner | RemoteRunner  # where coding answers run
    debriefer: Debriefer
    transcribe_for: Callable[[Actor], Transcribe | None]  # speech to text charged to that actor; None: not configured
    model: str | None  # the LLM's name when one is configured
    user_id: str


async def practice(kit: Practice, request: SessionRequest, resume: str | None, take_over: bool = False) -> int:
    """Run a timed mock round (or the full loop) in this terminal, saving every answer as it goes."""
    console, ui, engine, repo, leases, clock = kit.console, kit.ui, kit.engine, kit.repo, kit.leases, kit.ui.clock
    user_id, kinds = kit.user_id, request.rounds

    async def stories(prefix: str) -> tuple[str, str] | None:
        return await recall(kit.stories, user_id, prefix)

    console.print(f"[dim]Interviewer: {'LLM (' + kit.model + ')' if kit.model else 'offline'}.[/dim]")
    if RoundKind.CODING in kinds:
        probe = await kit.runner.probe()
        note = describe(probe) if probe.sandbox else f"{describe(probe)} Coding answers are graded on the rubric only."
        console.print(f"[dim]{render.escape(note)}[/dim]")
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    lines: LineSource = PromptLines(ui.status) if interactive else PlainLines()
    waiting = Waiting(console) if kit.model else None
    if waiting is not None:
        ui.before_output = waiting.interrupt
    if resume is not None:
        session_id = await repo.resumable_session(user_id) if resume == "latest" else resume
        found = await repo.load_session(session_id) if session_id else None
        if found is None or found.user_id != user_id:
            raise EngineError("There is no interrupted session of yours to resume; start one with `mockloop practice`.")
        await claim(leases, found.id, clock, console, take_over=take_over, interactive=interactive)
        console.print(f"[bold]Resuming session {found.id[:8]}[/bold] ({found.mode}, {found.level.value}).")
        console.print(render.SUBMIT_HELP)
        state = await engine.resume(found.id, pause_clock=True)
        round_ = state.current_round()
        current = round_.current() if round_ else None
        draft = current.draft if current else None
    else:
        console.print(render.SUBMIT_HELP)
        state = await engine.start(request)
        draft = None
    actor = Actor(user_id, state.id)  # the runner calls it between engine steps, so it is named here
    voice = VoiceAnswers(console, kit.transcribe_for(actor))
    practice = PracticeRunner(engine, ui, lines, state.id, draft, stories, Heartbeat(leases, state.id, clock),
                              waiting, voice)
    if interactive:
        from prompt_toolkit.patch_stdout import patch_stdout

        with patch_stdout(raw=True):
            finished = await practice.run()
    else:
        finished = await practice.run()
    await leases.release(state.id)
    if finished:
        final = await engine.state(state.id)
        render.scorecard(console, final, kit.bank)
        parts = kit.debriefer.debrief(final)
        await render.debrief(console, waiting.first(parts) if waiting is not None else parts)
        console.print(f"[dim]Saved as session {state.id[:8]}; `mockloop history` lists your sessions.[/dim]")
        return Exit.OK
    return Exit.INTERRUPTED


async def history(repo: Repository, user_id: str, load_bank: Callable[[], QuestionBank], as_json: bool,
                  limit: int) -> int:
    """Your past sessions, newest first, with their scores (the bank is loaded only to name topics)."""
    sessions = await repo.list_sessions(user_id, limit)
    tried = await repo.attempts(user_id, HISTORY_SESSIONS)
    rows = [
        {
            "session": s.id, "started": s.created_at.isoformat(), "mode": s.mode, "level": s.level.value,
            "rounds": [r.kind.value for r in s.rounds], "status": s.status.value, "score": s.score,
            "signal": signal_for(s.score).value if s.score is not None else None,
            "answers": sum(len(q.answers) for r in s.rounds for q in r.questions),
        }
        for s in sessions
    ]
    topics = progress(tried)
    due, weak = due_for_review(tried, datetime.now(UTC)), weak_spots(tried)
    if as_json:
        print(json.dumps(rows))
        return Exit.OK
    console = terminal()
    if not rows:
        console.print("No sessions yet. Start one with `mockloop practice`.")
        return Exit.OK
    table = Table("session", "started", "rounds", "level", "status", "answers", "score")
    for s, row in zip(sessions, rows, strict=True):
        score = "-" if s.score is None else f"{s.score} ({render.label(str(row['signal']))})"
        table.add_row(s.id[:8], render.when(s.created_at), ", ".join(row["rounds"]), s.level.value,  # type: ignore[arg-type]
                      s.status.value.replace("_", " "), str(row["answers"]), score)
    console.print(table)
    if topics:
        bank = load_bank()
        by_topic = Table("topic", "grades, oldest first", "key points missed (times)")
        for topic in topics:
            names = {c.id: c.name for c in bank.rubric(topic.question_id).criteria}
            missed = ", ".join(f"{names.get(c, c)} ({n})" for c, n in sorted(topic.missed.items(), key=lambda x: -x[1]))
            by_topic.add_row(bank.get(topic.question_id).title, " → ".join(map(str, topic.scores)), missed or "-")
        console.print(by_topic)
        if due:
            console.print("Back for review next time: " + ", ".join(bank.get(q).title for q in due))
        if weak:
            console.print("Weak spots (`mockloop practice --weak`): " + ", ".join(bank.get(q).title for q in weak))
    return Exit.OK


def usage(rows: list[dict[str, Any]], days: int, as_json: bool, configured: bool) -> int:
    """LLM calls and tokens per day, user and purpose over the last ``days`` days (``configured``: a model is set up)."""
    if as_json:
        print(json.dumps(rows))
        return Exit.OK
    console = terminal()
    if not rows:
        console.print(f"No LLM calls in the last {days} day(s){'' if configured else ' (no LLM is configured)'}.")
        return Exit.OK
    table = Table("day (UTC)", "user", "purpose", "calls", "prompt tokens", "completion tokens")
    for row in rows:
        note = " (partly estimated)" if row["estimated"] else ""
        table.add_row(str(row["day"]), str(row["user_id"] or "-")[:8], row["purpose"], str(row["calls"]),
                      f"{row['prompt_tokens']:,}", f"{row['completion_tokens']:,}{note}")
    console.print(table)
    total = sum(r["prompt_tokens"] + r["completion_tokens"] for r in rows)
    console.print(f"Total: {total:,} tokens.")
    return Exit.OK


def db_upgraded() -> int:
    """After the database was opened (which applies pending migrations)."""
    print("Database is up to date.")
    return Exit.OK


def spoken_star(transcript: Transcript, found: StarAnalysis, as_json: bool) -> int:
    """`mockloop star --audio-file`: the STAR analysis of a told story, with its real length and delivery."""
    delivery = voice.delivery_for(transcript, None)
    if as_json:
        out = {**found.model_dump(mode="json"), "transcript": transcript.text, "delivery": delivery.model_dump(mode="json")}
        print(json.dumps(out, ensure_ascii=True))
        return Exit.OK
    console = terminal()
    voice.show_transcript(console, transcript)
    if found.fallback_reason:
        print(f"mockloop: analysed offline: {found.fallback_reason}.", file=sys.stderr)
    sys.stdout.write(render_star(found))
    voice.show_delivery(console, delivery)
    return Exit.OK
