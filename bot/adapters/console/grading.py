"""`mockloop score`: grade one answer against its question's rubric.

Apart from the other console commands so an offline grade starts at once: it needs the content
and the offline scorer only.  The database, the model client and their libraries are imported
when an LLM grade is asked for and configured, and not otherwise.
"""

from __future__ import annotations

import json

from rich.console import Console

from bot.adapters.console import render
from bot.config import Settings
from bot.content import cache
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.limits import MAX_ANSWER_CHARS
from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.engine.speech import Transcript
from bot.engine.state import QuestionStatus
from bot.errors import UsageError
from bot.scoring.offline import OfflineScorer
from bot.textin import read_text


async def score(settings: Settings, question_id: str, answer: str | None, answer_file: str | None,
                scorer_name: str, as_json: bool, audio_file: str | None = None) -> int:
    """Score one answer (typed, or a recording transcribed) against its question's rubric and print the grade."""
    bank = cache.load(content_root())
    if question_id not in bank:
        near = bank.nearest(question_id)
        hint = f" Did you mean {', '.join(near)}?" if near else " `mockloop questions` lists them."
        raise UsageError(f"unknown question id {question_id!r}.{hint}")
    transcript = None
    if audio_file is not None:
        from bot.adapters.console.commands import local_user
        from bot.adapters.console.voice import transcribe_path

        transcript = await transcribe_path(settings, audio_file, local_user(settings))
        text = transcript.text
    else:
        text = answer if answer is not None else read_text(answer_file or "-", "answer")
    if len(text) > MAX_ANSWER_CHARS:
        raise UsageError(f"the answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}.")
    question = bank.get(question_id)
    if scorer_name != "offline" and settings.openai_api_key is not None:
        result = await _with_model(settings, question, bank.rubric(question_id), text)
    else:
        result = await OfflineScorer().score(question, bank.rubric(question_id), AnswerText([text]), frozenset())
        if scorer_name == "llm":
            result.fallback_reason = "no LLM is configured (OPENAI_API_KEY is not set)"
    if transcript is not None:
        return _spoken(question, result, transcript, as_json, bank)
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        return 0
    console = Console(highlight=False, soft_wrap=True)
    render.question_card(console, QuestionStatus.ANSWERED, question.title, result, bank, question_id, late=False, hints=0)
    if result.fallback_reason:
        console.print(f"[yellow]Scored offline: {render.escape(result.fallback_reason)}.[/yellow]")
    return 0


async def _with_model(settings: Settings, question: Question, rubric: Rubric, text: str) -> ScoreResult:
    """The LLM judge's grade (offline when it cannot grade), charged to the local user."""
    from bot.adapters.console.commands import local_user
    from bot.bootstrap import build_judge, build_llm, open_repository
    from bot.engine.context import Actor, current_actor
    from bot.storage.grades import SqlGradeCache
    from bot.storage.usage import SqlUsageStore

    repo = await open_repository(settings)
    client = None
    try:
        external, name = local_user(settings)
        current_actor.set(Actor(await repo.ensure_user(external, name)))
        client = build_llm(settings, usage=SqlUsageStore(repo.database))
        scorer = build_judge(client, SqlGradeCache(repo.database)) if client is not None else OfflineScorer()
        return await scorer.score(question, rubric, AnswerText([text]), frozenset())
    finally:
        if client is not None:
            await client.close()
        await repo.close()


def _spoken(question: Question, result: ScoreResult, transcript: Transcript, as_json: bool, bank: QuestionBank) -> int:
    """The grade of a recorded answer: the transcript first, then the grade, then the delivery."""
    from bot.adapters.console import voice

    delivery = voice.delivery_for(transcript, question)
    if as_json:
        found = {**result.model_dump(mode="json"), "transcript": transcript.text, "delivery": delivery.model_dump(mode="json")}
        print(json.dumps(found, ensure_ascii=False))
        return 0
    console = Console(highlight=False, soft_wrap=True)
    voice.show_transcript(console, transcript)
    render.question_card(console, QuestionStatus.ANSWERED, question.title, result, bank, question.id, late=False, hints=0)
    if result.fallback_reason:
        console.print(f"[yellow]Scored offline: {render.escape(result.fallback_reason)}.[/yellow]")
    voice.show_delivery(console, delivery)
    return 0
