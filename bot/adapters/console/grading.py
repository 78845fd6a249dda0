"""`mockloop score`: grade one answer against its question's rubric.

Apart from the other console commands so an offline grade starts at once: it needs the content
and the offline scorer only.  The database, the model client and their libraries are imported
when an LLM grade is asked for and configured, and not otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.console import Console

from bot.adapters.console import render
from bot.adapters.console.exits import Exit
from bot.content import cache, prepared, topics
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.limits import MAX_ANSWER_CHARS
from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.engine.status import QuestionStatus
from bot.errors import UsageError
from bot.scoring.offline import OfflineScorer
from bot.textin import read_text

if TYPE_CHECKING:  # a typed answer has no transcript, and the speech module is only needed for a recording
    from bot.engine.speech import Transcript

Judge = Callable[[Question, Rubric, str], Awaitable[ScoreResult]]


async def score(question_id: str, answer: str | None, answer_file: str | None, scorer_name: str, as_json: bool,
                audio_file: str | None = None, *, judge: Judge | None = None,
                transcribe: Callable[[bytes, str], Awaitable[Transcript]] | None = None) -> int:
    """Score one answer (typed, or a recording transcribed) against its question's rubric and print the grade.

    ``judge`` is the model's grader when one was asked for and is configured; without it the offline
    scorer grades (and a ``--scorer llm`` result says why).  ``transcribe`` is speech to text, if set up."""
    question, rubric = _question(question_id)
    transcript = None
    if audio_file is not None:
        from bot.adapters.console.voice import transcribe_path

        transcript = await transcribe_path(audio_file, transcribe)
        text = _within_limit(transcript.text)
    else:
        text = _within_limit(answer if answer is not None else read_text(answer_file or "-", "answer"))
    if judge is not None:
        result = await judge(question, rubric, text)
    else:
        result = await offline().score(question, rubric, AnswerText([text]), frozenset())
        if scorer_name == "llm":
            result.fallback_reason = "no LLM is configured (OPENAI_API_KEY is not set)"
    if transcript is not None:
        return _spoken(question, result, transcript, as_json, _bank(question, rubric))
    return _show(question, rubric, result, as_json)


def score_offline(question_id: str, answer: str | None, answer_file: str | None, as_json: bool) -> int:
    """Grade a typed answer with the offline scorer and print the grade, as :func:`score` does without a judge.

    The offline scorer needs no event loop, so this command does not import or start one."""
    question, rubric = _question(question_id)
    text = _within_limit(answer if answer is not None else read_text(answer_file or "-", "answer"))
    result = offline().grade(question, rubric, AnswerText([text]).joined)
    return _show(question, rubric, result, as_json)


def offline() -> OfflineScorer:
    """The offline scorer with the catalogue's topics, as the bot and the practice round grade."""
    return OfflineScorer(topics.load(content_root()))


def _question(question_id: str) -> tuple[Question, Rubric]:
    found = prepared.load(content_root(), question_id)
    if found is None:
        near = cache.load(content_root()).nearest(question_id)
        hint = f" Did you mean {', '.join(near)}?" if near else " `mockloop questions` lists them."
        raise UsageError(f"unknown question id {question_id!r}.{hint}")
    return found


def _within_limit(text: str) -> str:
    if len(text) > MAX_ANSWER_CHARS:
        raise UsageError(f"the answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}.")
    return text


def _bank(question: Question, rubric: Rubric) -> QuestionBank:
    """The scorecard reads the question and rubric through a bank: this one holds the one being graded."""
    return QuestionBank({question.id: question}, {question.id: rubric})


def _show(question: Question, rubric: Rubric, result: ScoreResult, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        return Exit.OK
    console = Console(highlight=False, soft_wrap=True)
    render.question_card(console, QuestionStatus.ANSWERED, question.title, result, _bank(question, rubric), question.id,
                         late=False, hints=0)
    if result.fallback_reason:
        console.print(f"[yellow]Scored offline: {render.escape(result.fallback_reason)}.[/yellow]")
    return Exit.OK


def _spoken(question: Question, result: ScoreResult, transcript: Transcript, as_json: bool, bank: QuestionBank) -> int:
    """The grade of a recorded answer: the transcript first, then the grade, then the delivery."""
    from bot.adapters.console import voice

    delivery = voice.delivery_for(transcript, question)
    if as_json:
        found = {**result.model_dump(mode="json"), "transcript": transcript.text, "delivery": delivery.model_dump(mode="json")}
        print(json.dumps(found, ensure_ascii=False))
        return Exit.OK
    console = Console(highlight=False, soft_wrap=True)
    voice.show_transcript(console, transcript)
    render.question_card(console, QuestionStatus.ANSWERED, question.title, result, bank, question.id, late=False, hints=0)
    if result.fallback_reason:
        console.print(f"[yellow]Scored offline: {render.escape(result.fallback_reason)}.[/yellow]")
    voice.show_delivery(console, delivery)
    return Exit.OK
