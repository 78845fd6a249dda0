"""The console commands: practice, history, usage and db upgrade (`questions` and `score` start light: see
``catalogue`` and ``grading``)."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.table import Table

from bot.adapters.console import render, voice
from bot.adapters.console.lease import Heartbeat, claim
from bot.adapters.console.practice import ConsoleUI, PracticeRunner
from bot.adapters.console.reader import LineSource, PlainLines, PromptLines
from bot.adapters.console.voice import VoiceAnswers
from bot.adapters.console.waiting import Waiting
from bot.bootstrap import (
    build_debriefer,
    build_engine,
    build_llm,
    build_runner,
    build_star_analyser,
    build_transcriber,
    load_bank,
    open_repository,
)
from bot.coaching.recall import recall
from bot.config import Settings
from bot.engine.clock import SystemClock
from bot.engine.context import Actor, current_actor
from bot.engine.errors import EngineError
from bot.engine.models import Level, RoundKind, Track
from bot.engine.planning import SessionRequest
from bot.engine.review import HISTORY_SESSIONS, due_for_review, progress, weak_spots
from bot.engine.signals import signal_for
from bot.sandbox.runner import describe
from bot.scoring.star import analyse as analyse_story
from bot.scoring.star_models import StarAnalysis
from bot.storage.leases import Holder, LeaseFence, SqlLeases
from bot.storage.stories import SqlStories
from bot.storage.usage import SqlUsageStore


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def local_user(settings: Settings) -> tuple[str, str]:
    name = settings.local_user or getpass.getuser() or "me"
    return f"local:{name}", name


async def practice(settings: Settings, kinds: tuple[RoundKind, ...], level: Level, track: Track,
                   minutes: int | None, questions: int | None, seed: int | None, resume: str | None,
                   weak: bool = False, take_over: bool = False) -> int:
    """Run a timed mock round (or the full loop) in this terminal, saving every answer as it goes."""
    bank = load_bank(warm=False)
    repo = await open_repository(settings)
    console = _console()
    llm = None
    transcriber = None
    try:
        external, name = local_user(settings)
        user_id = await repo.ensure_user(external, name)
        clock = SystemClock()
        ui = ConsoleUI(console, clock)
        llm = build_llm(settings, clock, SqlUsageStore(repo.database))
        runner = build_runner(settings)
        story_store = SqlStories(repo.database)

        async def stories(prefix: str) -> tuple[str, str] | None:
            return await recall(story_store, user_id, prefix)

        leases = SqlLeases(repo.database, Holder.this_process())
        repo.fence = LeaseFence(leases.me, clock)  # one process at a time writes a session
        engine = build_engine(bank, repo, ui, clock, llm, runner)
        transcriber = build_transcriber(settings, clock, SqlUsageStore(repo.database))
        console.print(f"[dim]Interviewer: {'LLM (' + settings.model + ')' if llm else 'offline'}.[/dim]")
        if RoundKind.CODING in kinds:
            probe = await runner.probe()
            note = describe(probe) if probe.sandbox else f"{describe(probe)} Coding answers are graded on the rubric only."
            console.print(f"[dim]{render.escape(note)}[/dim]")
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        lines: LineSource = PromptLines(ui.status) if interactive else PlainLines()
        waiting = Waiting(console) if llm is not None else None
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
            state = await engine.start(SessionRequest(user_id, kinds, level, track, minutes, questions, seed, weak=weak))
            draft = None
        actor = Actor(user_id, state.id)  # the runner calls it between engine steps, so it is named here
        voice = VoiceAnswers(console, None if transcriber is None else
                             lambda data, name: transcriber.transcribe(data, name, actor=actor))
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
            render.scorecard(console, final, bank)
            parts = build_debriefer(bank, llm).debrief(final)
            await render.debrief(console, waiting.first(parts) if waiting is not None else parts)
            console.print(f"[dim]Saved as session {state.id[:8]}; `mockloop history` lists your sessions.[/dim]")
            return 0
        return 130
    finally:
        if llm is not None:
            await llm.close()
        if transcriber is not None:
            await transcriber.close()
        await repo.close()


async def history(settings: Settings, as_json: bool, limit: int) -> int:
    """Your past sessions, newest first, with their scores."""
    repo = await open_repository(settings)
    try:
        external, name = local_user(settings)
        user_id = await repo.ensure_user(external, name)
        sessions = await repo.list_sessions(user_id, limit)
        tried = await repo.attempts(user_id, HISTORY_SESSIONS)
    finally:
        await repo.close()
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
        return 0
    console = _console()
    if not rows:
        console.print("No sessions yet. Start one with `mockloop practice`.")
        return 0
    table = Table("session", "started", "rounds", "level", "status", "answers", "score")
    for s, row in zip(sessions, rows, strict=True):
        score = "-" if s.score is None else f"{s.score} ({render.label(str(row['signal']))})"
        table.add_row(s.id[:8], render.when(s.created_at), ", ".join(row["rounds"]), s.level.value,  # type: ignore[arg-type]
                      s.status.value.replace("_", " "), str(row["answers"]), score)
    console.print(table)
    if topics:
        bank = load_bank(warm=False)
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
    return 0


async def usage(settings: Settings, days: int, as_json: bool) -> int:
    """LLM calls and tokens per day, user and purpose over the last ``days`` days."""
    repo = await open_repository(settings)
    try:
        since = datetime.now(UTC) - timedelta(days=days)
        rows = await SqlUsageStore(repo.database).report(since)
    finally:
        await repo.close()
    if as_json:
        print(json.dumps(rows))
        return 0
    console = _console()
    if not rows:
        console.print(f"No LLM calls in the last {days} day(s){'' if settings.openai_api_key else ' (no LLM is configured)'}.")
        return 0
    table = Table("day (UTC)", "user", "purpose", "calls", "prompt tokens", "completion tokens")
    for row in rows:
        note = " (partly estimated)" if row["estimated"] else ""
        table.add_row(str(row["day"]), str(row["user_id"] or "-")[:8], row["purpose"], str(row["calls"]),
                      f"{row['prompt_tokens']:,}", f"{row['completion_tokens']:,}{note}")
    console.print(table)
    total = sum(r["prompt_tokens"] + r["completion_tokens"] for r in rows)
    console.print(f"Total: {total:,} tokens.")
    return 0


async def db_upgrade(settings: Settings) -> int:
    """Apply pending migrations to DATABASE_URL."""
    repo = await open_repository(settings)
    await repo.close()
    print("Database is up to date.")
    return 0


async def star_analysis(settings: Settings, text: str, scorer_name: str, spoken_seconds: float | None = None) -> StarAnalysis:
    """The STAR analysis by the LLM when asked for and configured, else offline (saying why if asked);
    ``spoken_seconds`` is the recording's length when the story was told aloud."""
    if scorer_name == "offline":
        return analyse_story(text, spoken_seconds)
    if settings.openai_api_key is None:
        found = analyse_story(text, spoken_seconds)
        if scorer_name == "llm":
            found = found.model_copy(update={"fallback_reason": "no LLM is configured (OPENAI_API_KEY is not set)"})
        return found
    repo = await open_repository(settings)
    client = None
    try:
        current_actor.set(Actor(await repo.ensure_user(*local_user(settings))))
        client = build_llm(settings, usage=SqlUsageStore(repo.database))
        analyser = build_star_analyser(client)
        assert analyser is not None
        return await analyser.analyse(text, spoken_seconds)
    finally:
        if client is not None:
            await client.close()
        await repo.close()


async def spoken_star(settings: Settings, path: str, scorer: str, as_json: bool) -> int:
    """`mockloop star --audio-file`: the STAR analysis of a told story, with its real length and delivery."""
    from bot.star_command import render as render_star

    transcript = await voice.transcribe_path(settings, path, local_user(settings))
    found = await star_analysis(settings, transcript.text, scorer, transcript.seconds)
    delivery = voice.delivery_for(transcript, None)
    if as_json:
        out = {**found.model_dump(mode="json"), "transcript": transcript.text, "delivery": delivery.model_dump(mode="json")}
        print(json.dumps(out, ensure_ascii=True))
        return 0
    console = _console()
    voice.show_transcript(console, transcript)
    if found.fallback_reason:
        print(f"mockloop: analysed offline: {found.fallback_reason}.", file=sys.stderr)
    sys.stdout.write(render_star(found))
    voice.show_delivery(console, delivery)
    return 0
