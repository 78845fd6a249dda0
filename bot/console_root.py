"""Composition root for the terminal commands: builds what each one needs and hands it to the console adapter.

The console adapter (``bot.adapters.console``) asks and prints; it never picks a concrete class.
This module is the terminal's counterpart of :mod:`bot.discord_root`: it opens the database,
builds the model client, the engine and the sandbox through :mod:`bot.bootstrap`, and closes
them again.  Every import is inside the command that needs it, so ``score`` with the offline
scorer and ``check-code`` never load SQLAlchemy or the model client.
"""

from __future__ import annotations

import getpass
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.engine.models import Level, Question, RoundKind, Rubric, ScoreResult, Track

if TYPE_CHECKING:  # the settings module loads pydantic-settings, which check-code never needs
    from bot.coaching.models import Theme
    from bot.config import Settings
    from bot.engine.speech import Transcript
    from bot.scoring.star_models import StarAnalysis
    from bot.storage.repository import SqlRepository

Transcribe = Callable[[bytes, str], Awaitable["Transcript"]]


def local_user(settings: Settings) -> tuple[str, str]:
    """The terminal's user: external id and display name (``MOCKLOOP_USER``, else the login name)."""
    name = settings.local_user or getpass.getuser() or "me"
    return f"local:{name}", name


async def practice(settings: Settings, kinds: tuple[RoundKind, ...], level: Level, track: Track,
                   minutes: int | None, questions: int | None, seed: int | None, resume: str | None,
                   weak: bool = False, take_over: bool = False) -> int:
    """``mockloop practice``: the engine with this terminal as its notifier, the session held by this process."""
    from bot.adapters.console import commands, grading
    from bot.adapters.console.practice import ConsoleUI
    from bot.bootstrap import build_debriefer, build_engine, build_llm, build_runner, build_transcriber, load_bank
    from bot.engine.clock import SystemClock
    from bot.engine.context import Actor
    from bot.engine.planning import SessionRequest
    from bot.storage.leases import Holder, LeaseFence, SqlLeases
    from bot.storage.stories import SqlStories
    from bot.storage.usage import SqlUsageStore

    bank = load_bank(warm=False)
    repo = await _repository(settings)
    llm = transcriber = None
    try:
        user_id = await repo.ensure_user(*local_user(settings))
        clock = SystemClock()
        console = commands.terminal()
        ui = ConsoleUI(console, clock)
        usage = SqlUsageStore(repo.database)
        llm = build_llm(settings, clock, usage)
        runner = build_runner(settings)
        leases = SqlLeases(repo.database, Holder.this_process())
        repo.fence = LeaseFence(leases.me, clock)  # one process at a time writes a session
        # the catalogue's topics as `mockloop score` reads them: prepared once, not rebuilt on every start
        engine = build_engine(bank, repo, ui, clock, llm, runner, offline=grading.offline())
        transcriber = build_transcriber(settings, clock, usage)
        speech = transcriber

        def transcribe_for(actor: Actor) -> Transcribe | None:
            return None if speech is None else lambda data, name: speech.transcribe(data, name, actor=actor)

        kit = commands.Practice(console=console, ui=ui, bank=bank, repo=repo, engine=engine, leases=leases,
                                stories=SqlStories(repo.database), runner=runner,
                                debriefer=build_debriefer(bank, llm), transcribe_for=transcribe_for,
                                model=settings.model if llm is not None else None, user_id=user_id)
        request = SessionRequest(user_id, kinds, level, track, minutes, questions, seed, weak=weak)
        return await commands.practice(kit, request, resume, take_over)
    finally:
        if llm is not None:
            await llm.close()
        if transcriber is not None:
            await transcriber.close()
        await repo.close()


async def history(settings: Settings, as_json: bool, limit: int) -> int:
    """``mockloop history``: the local user's sessions and progress."""
    from bot.adapters.console import commands
    from bot.bootstrap import load_bank

    repo = await _repository(settings)
    try:
        user_id = await repo.ensure_user(*local_user(settings))
        return await commands.history(repo, user_id, lambda: load_bank(warm=False), as_json, limit)
    finally:
        await repo.close()


async def usage(settings: Settings, days: int, as_json: bool) -> int:
    """``mockloop usage``: the model calls counted in the database over the last ``days`` days."""
    from bot.adapters.console import commands
    from bot.storage.usage import SqlUsageStore

    repo = await _repository(settings)
    try:
        rows = await SqlUsageStore(repo.database).report(datetime.now(UTC) - timedelta(days=days))
    finally:
        await repo.close()
    return commands.usage(rows, days, as_json, configured=settings.openai_api_key is not None)


async def db_upgrade(settings: Settings) -> int:
    """``mockloop db upgrade``: opening the database applies its pending migrations."""
    from bot.adapters.console import commands

    repo = await _repository(settings)
    await repo.close()
    return commands.db_upgraded()


async def score(settings: Settings, question_id: str, answer: str | None, answer_file: str | None,
                scorer: str, as_json: bool, audio_file: str | None = None) -> int:
    """``mockloop score``: the LLM judge only when asked for and configured, else the offline scorer alone."""
    from bot.adapters.console import grading

    judge = _judge(settings) if scorer != "offline" and settings.openai_api_key is not None else None
    return await grading.score(question_id, answer, answer_file, scorer, as_json, audio_file,
                               judge=judge, transcribe=transcriber_for(settings))


def score_offline(question_id: str, answer: str | None, answer_file: str | None, as_json: bool) -> int:
    """``mockloop score --scorer offline`` for a typed answer: no settings (nothing here depends on one), no event loop."""
    from bot.adapters.console import grading

    return grading.score_offline(question_id, answer, answer_file, as_json)


def _judge(settings: Settings) -> Callable[[Question, Rubric, str], Awaitable[ScoreResult]]:
    async def grade(question: Question, rubric: Rubric, text: str) -> ScoreResult:
        """The LLM judge's grade (offline when it cannot grade), charged to the local user."""
        from bot.adapters.console import grading
        from bot.bootstrap import build_judge, build_llm
        from bot.engine.context import Actor, current_actor
        from bot.engine.ports import AnswerText
        from bot.storage.grades import SqlGradeCache
        from bot.storage.usage import SqlUsageStore

        repo = await _repository(settings)
        client = None
        try:
            current_actor.set(Actor(await repo.ensure_user(*local_user(settings))))
            client = build_llm(settings, usage=SqlUsageStore(repo.database))
            offline = grading.offline()
            found = build_judge(client, SqlGradeCache(repo.database), offline) if client is not None else offline
            return await found.score(question, rubric, AnswerText([text]), frozenset())
        finally:
            if client is not None:
                await client.close()
            await repo.close()

    return grade


def transcriber_for(settings: Settings) -> Transcribe | None:
    """Speech to text for a recording given on the command line, charged to the local user's voice budget;
    ``None`` when no service is configured (the adapter then says how to set one up)."""
    if not settings.speech_configured:
        return None

    async def transcribe(data: bytes, name: str) -> Transcript:
        from bot.bootstrap import build_transcriber
        from bot.engine.context import Actor
        from bot.storage.usage import SqlUsageStore

        repo = await _repository(settings)
        try:
            actor = Actor(await repo.ensure_user(*local_user(settings)))
            transcriber = build_transcriber(settings, usage=SqlUsageStore(repo.database))
            assert transcriber is not None  # speech_configured said so
            try:
                return await transcriber.transcribe(data, name, actor=actor)
            finally:
                await transcriber.close()
        finally:
            await repo.close()

    return transcribe


async def star_analysis(settings: Settings, text: str, scorer: str, spoken_seconds: float | None = None) -> StarAnalysis:
    """The STAR analysis by the LLM when asked for and configured, else offline (saying why if asked);
    ``spoken_seconds`` is the recording's length when the story was told aloud."""
    from bot.scoring.star import analyse

    if scorer == "offline":
        return analyse(text, spoken_seconds)
    if settings.openai_api_key is None:
        found = analyse(text, spoken_seconds)
        if scorer == "llm":
            found = found.model_copy(update={"fallback_reason": "no LLM is configured (OPENAI_API_KEY is not set)"})
        return found
    from bot.bootstrap import build_llm, build_star_analyser
    from bot.engine.context import Actor, current_actor
    from bot.storage.usage import SqlUsageStore

    repo = await _repository(settings)
    client = None
    try:
        current_actor.set(Actor(await repo.ensure_user(*local_user(settings))))
        client = build_llm(settings, usage=SqlUsageStore(repo.database))
        analyser = build_star_analyser(client)
        assert analyser is not None  # a key is configured, so there is a client
        return await analyser.analyse(text, spoken_seconds)
    finally:
        if client is not None:
            await client.close()
        await repo.close()


async def spoken_star(settings: Settings, path: str, scorer: str, as_json: bool) -> int:
    """``mockloop star --audio-file``: the STAR analysis of a told story, with its real length and delivery."""
    from bot.adapters.console import commands, voice

    transcript = await voice.transcribe_path(path, transcriber_for(settings))
    found = await star_analysis(settings, transcript.text, scorer, transcript.seconds)
    return commands.spoken_star(transcript, found, as_json)


async def star_coach(settings: Settings, theme: Theme, topic: str | None) -> int:
    """``mockloop star --coach``: the rehearsal loop, with the model's STAR ratings when one is configured."""
    from bot.adapters.console import star_coach as coach
    from bot.bootstrap import build_llm, build_star_analyser
    from bot.engine.context import Actor, current_actor
    from bot.storage.stories import SqlStories
    from bot.storage.usage import SqlUsageStore

    repo = await _repository(settings)
    llm = None
    try:
        user_id = await repo.ensure_user(*local_user(settings))
        current_actor.set(Actor(user_id))
        llm = build_llm(settings, usage=SqlUsageStore(repo.database))
        return await coach.coach(user_id, build_star_analyser(llm), SqlStories(repo.database), theme, topic)
    finally:
        if llm is not None:
            await llm.close()
        await repo.close()


async def star_stories(settings: Settings) -> int:
    """``mockloop star --stories``: the local user's story bank."""
    from bot.adapters.console import star_coach as coach
    from bot.storage.stories import SqlStories

    repo = await _repository(settings)
    try:
        user_id = await repo.ensure_user(*local_user(settings))
        return await coach.stories(user_id, SqlStories(repo.database))
    finally:
        await repo.close()


async def check_code(question_id: str, source: str, as_json: bool) -> int:
    """``mockloop check-code``: the sandbox in this process, with the one-process bound and no cgroup
    (a developer's command, not the bot's runner)."""
    import sys

    from bot.adapters.console.check_code import check_code as check
    from bot.sandbox.limits import Limits
    from bot.sandbox.runner import SandboxRunner

    runner = SandboxRunner(Limits())
    try:
        return await check(question_id, source, as_json=as_json, out=sys.stdout, err=sys.stderr, runner=runner)
    finally:
        runner.close()


async def runner_service(settings: Settings, socket_path: Path) -> int:
    """``mockloop runner``: the sandbox, in the host's delegated cgroup when there is one, served on a socket."""
    from bot.adapters.console.runner import run_service
    from bot.content import cache
    from bot.content.paths import content_root
    from bot.sandbox.runner import SandboxRunner, watch_children_without_threads

    watch_children_without_threads()  # no thread per sandbox run (Python 3.11's default child watcher)
    runner = SandboxRunner(cgroup=Path(settings.sandbox_cgroup) if settings.sandbox_cgroup else None)
    try:
        return await run_service(socket_path, runner, cache.load(content_root()))
    finally:
        runner.close()


async def _repository(settings: Settings) -> SqlRepository:
    from bot.bootstrap import open_repository

    return await open_repository(settings)
