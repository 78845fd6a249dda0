"""How the terminal shows questions, timers and scorecards; candidate text is always escaped."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from bot.content.bank import QuestionBank
from bot.engine.loop import ROUNDS
from bot.engine.models import ScoreResult
from bot.engine.results import verdict
from bot.engine.signals import signal_bands, signal_for
from bot.engine.status import QuestionStatus

if TYPE_CHECKING:  # named in signatures only: `mockloop score` shows one card and needs no event wording
    from bot.engine.ports import DebriefPart
    from bot.engine.state import SessionState
    from bot.engine.wording import Words

# C0/C1 controls (but tab and newline) and bidi overrides could rewrite the terminal or
# disguise text; they are shown as visible escapes instead.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

SUBMIT_HELP = (
    "Type your answer over as many lines as you like, then a line with only /send to submit it.\n"
    "Commands (alone on a line): /send  /hint  /skip  /time  /end  /help, and /audio PATH to answer with a recording.  "
    "Ctrl-C saves and quits; "
    "`mockloop practice --resume` continues later."
)


def safe(text: str) -> str:
    """Candidate text made safe for the terminal and for rich markup."""
    return escape(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def label(signal: str) -> str:
    return signal.replace("_", " ")


def styled(words: Words | None, style: str) -> str:
    """The engine's words for an event in one rich ``style`` (none for ""), safe for the terminal."""
    if words is None:
        return ""
    text = safe(words.text)
    return f"[{style}]{text}[/{style}]" if style else text


def lead(words: Words | None, style: str) -> str:
    """The words with their lead set off in ``style`` and the rest plain."""
    if words is None:
        return ""
    return f"[{style}]{safe(words.lead)}[/{style}]{safe(words.rest)}"


def aside(words: Words | None) -> str:
    """The words' note, dimmed in brackets after them (empty when there is none)."""
    return f" [dim]({safe(words.note)})[/dim]" if words is not None and words.note else ""


def question_header(console: Console, words: Words | None) -> None:
    """A question as asked: its title with the time left, then its prompt."""
    if words is None:
        return
    console.print()
    console.print(f"[bold]{safe(words.lead)}[/bold] " + aside(words))
    console.print(safe(words.rest.strip("\n")))


def scorecard(console: Console, state: SessionState, bank: QuestionBank) -> None:
    """The end-of-session report: per question the grade, evidence, misses and a model outline."""
    console.rule("[bold]Scorecard")
    for round_ in state.rounds:
        spec = ROUNDS[round_.kind]
        score = "not scored" if round_.score is None else f"{round_.score}/100, {label(signal_for(round_.score))}"
        console.print(f"\n[bold]{round_.kind.value} round[/bold] "
                      f"({round_.minutes} min; real interviews: {spec.real_length}) - {score}")
        for asked in round_.questions:
            question = bank.get(asked.question_id)
            if asked.status in (QuestionStatus.UNASKED, QuestionStatus.PENDING):
                console.print(f"  [dim]- {escape(question.title)}: not reached[/dim]")
                continue
            question_card(console, asked.status, question.title, asked.result, bank, asked.question_id,
                           late=any(a.late for a in asked.answers), hints=len(asked.hints))
    if state.score is not None:
        console.print(f"\n[bold]Overall: {state.score}/100 - {label(signal_for(state.score))}[/bold]"
                      + (" (ended early)" if state.status.value == "ended_early" else ""))
    bands = ", ".join(f"{label(s)} {lo}-{hi}" for s, lo, hi in signal_bands())
    from bot.engine.wording import graded_by  # here, not at the top: `score` prints no scorecard and starts faster

    by = graded_by(asked.result.scorer for r in state.rounds for asked in r.questions if asked.result is not None)
    console.print(f"[dim]Signals: {bands}. Graded by {by} against each question's rubric; "
                  "each credit quotes your words.[/dim]")


async def debrief(console: Console, parts: AsyncIterator[DebriefPart]) -> None:
    """The interviewer's closing words, printed as they arrive (the model streams them)."""
    console.rule("[bold]Debrief")
    reason = None
    async for part in parts:
        console.print(safe(part.text), end="", soft_wrap=True, highlight=False)
        reason = part.fallback_reason or reason
    console.print()
    if reason:
        console.print(f"[dim](written offline: the LLM was unavailable - {escape(reason)})[/dim]")


def question_card(console: Console, status: QuestionStatus, title: str, result: ScoreResult | None,
                   bank: QuestionBank, question_id: str, *, late: bool, hints: int) -> None:
    rubric = bank.rubric(question_id)
    question = bank.get(question_id)
    if result is None:
        console.print(f"  - {escape(title)}: no grade")
        return
    extras = [status.value.replace("_", " ")] + (["late answer"] if late else []) + ([f"{hints} hint(s)"] if hints else [])
    if result.fallback_reason:
        extras.append(f"LLM unavailable: {result.fallback_reason}")
    console.print(f"\n  [bold]{escape(title)}[/bold]: {result.score}/100, {verdict(result)} "
                  f"[dim]({', '.join(extras)}; scorer: {result.scorer})[/dim]")
    names = {c.id: (c.name, c.weight) for c in rubric.criteria}
    for crit in result.criteria:
        name, weight = names.get(crit.id, (crit.id, 0.0))
        mark = "[green]+[/green]" if crit.score >= 2 else ("[yellow]~[/yellow]" if crit.score == 1 else "[red]-[/red]")
        line = f"    {mark} {escape(name)} {crit.score}/{crit.max} [dim](weight {weight:.0%})[/dim]"
        console.print(line)
        if crit.evidence:
            console.print(f"      [dim]you said:[/dim] \"{safe(_short(crit.evidence))}\"")
    for flag in result.red_flags:
        console.print(f"    [red]! red flag:[/red] {escape(flag)}")
    for note in result.notes:
        console.print(f"    [dim]note: {safe(note)}[/dim]")
    console.print("    [dim]A strong answer covers:[/dim]")
    for point in question.strong_answer:
        console.print(f"      [dim]* {escape(point)}[/dim]")


def _short(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "-"
