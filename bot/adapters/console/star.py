"""``mockloop star``: analyse one behavioral story offline and print the STAR report or its JSON.

Kept apart from the analysis so that ``bot.scoring.star`` stays pure (text in, model out) and
the Discord adapter can render the same model its own way.
"""

from __future__ import annotations

import json
import textwrap
from typing import TextIO

from bot.adapters.console.exits import Exit
from bot.scoring.star import analyse
from bot.scoring.star_models import COMPONENTS, StarAnalysis
from bot.textin import read_text

_WIDTH = 100


def read_story(answer: str | None, answer_file: str | None) -> str:
    """The story from ``--answer``, a file, or standard input for ``-``; a bad path is a usage error."""
    if answer is not None:
        return answer
    return read_text(answer_file or "-", "story")


def star(text: str, *, as_json: bool, out: TextIO, analysis: StarAnalysis | None = None) -> int:
    """Analyse a behavioral story: which STAR parts are there, I or we, numbers, length, one event, lesson.

    Exit code 0 whenever the story was analysed, scored or not: a story too short (or empty, not
    English, a list of terms) to score fairly is a result, not a failure. Its ``status`` and
    null ``score`` are in the JSON, and the report says "not scored" with the reason first.
    """
    result = analysis or analyse(text)
    if as_json:
        out.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=True) + "\n")
    else:
        out.write(render(result))
    return Exit.OK


def _quote(text: str | None) -> str:
    return f"“{text}”" if text else ""


def render(a: StarAnalysis) -> str:
    """The readable report: parts with excerpts, then the measures, then the coaching."""
    if a.status in ("empty", "not_english", "no_sentences"):
        return "STAR analysis: not scored\n\n" + _wrap_list(a.feedback)
    score = f"{a.score}/100" if a.score is not None else "not scored (too short)"
    lines = [f"STAR analysis: {score}", ""]
    for name in COMPONENTS:
        part = getattr(a.components, name)
        state = f"present {part.score}/3" if part.present else "missing"
        lines.append(f"  {name.capitalize():<10} {state:<12} {_clip(_quote(part.excerpt))}")
    split = a.time_split
    lines += ["", "Time split   " + " · ".join(f"{k} {getattr(split, k):.0%}" for k in (*COMPONENTS, "other"))]
    if a.first_person_ratio is None:
        lines.append("I / we       no actions found")
    else:
        lines.append(f"I / we       {a.first_person_ratio:.0%} of the actions told as “I”")
    lines.append("Quantified   " + ("; ".join(a.metrics) if a.metrics else "no numbers in the result"))
    if a.vague_results:
        lines.append("Vague        " + "; ".join(_clip(_quote(v)) for v in a.vague_results))
    n = a.length
    cut = f", first {n.analysed_words} analysed" if n.truncated else ""
    spoken = "as recorded," if n.measured else "spoken at"
    lines.append(f"Length       {n.words} words{cut}, {'' if n.measured else 'about '}{n.seconds} s {spoken} "
                 f"{n.words_per_minute} words a minute (target {n.target_seconds[0]}-{n.target_seconds[1]} s): {n.verdict}")
    if a.specific_event:
        lines.append("Event        one specific event")
    else:
        lines.append("Event        a generalisation " + (_clip(_quote(a.generalisations[0])) if a.generalisations else ""))
    lines.append("Lesson       " + (_clip(_quote(a.lesson)) if a.lesson else "none drawn"))
    return "\n".join(lines) + "\n\nFeedback\n" + _wrap_list(a.feedback)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 2].rstrip() + "…”"


def _wrap_list(items: list[str]) -> str:
    out = []
    for i, item in enumerate(items, 1):
        out.append(textwrap.fill(item, _WIDTH, initial_indent=f"  {i}. ", subsequent_indent="     "))
    return "\n".join(out) + "\n"
