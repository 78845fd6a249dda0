"""Grading a coding answer: its tests, run in the sandbox, together with the rubric.

The rubric scorer (offline or the LLM judge) grades how the candidate worked and explained;
the sandbox says whether the code does what the task asks.  :func:`bot.engine.signals.with_tests`
combines the two.  When nothing can run (no sandbox here, or execution switched off for the
server) the answer is graded on the rubric alone and the result says why — never by running
code unisolated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText, CodeRunner, Scorer
from bot.engine.signals import FAILING_CEILING, signal_for, with_tests
from bot.engine.wording import rubric_only, tests_share
from bot.sandbox.results import refused
from bot.scoring.fences import code_blocks, parses, python_blocks


def latest_code(parts: AnswerText) -> str | None:
    """The most recent submission that is code: a fenced block, an answer that parses as Python, or the
    definitions pasted unfenced among its prose (:func:`bot.scoring.fences.code_blocks`)."""
    for part in reversed(list(parts.parts)):
        fenced = python_blocks(part)
        if fenced:
            return "\n\n".join(b.code.strip("\n") for b in fenced)
        found = code_blocks(part)
        if not found or not all(parses(b.code) for b in found):
            continue  # unfenced code that does not parse is not taken for a submission
        if found[0].code == part:
            return part  # the whole submission is code
        return "\n\n".join(b.code.strip("\n") for b in found)
    return None


class CodeAwareScorer:
    """Adds the sandbox's verdict to coding answers; every other answer goes straight through."""

    def __init__(self, rubric: Scorer, runner: CodeRunner,
                 allowed: Callable[[], Awaitable[str | None]] | None = None) -> None:
        self.name = rubric.name
        self.instant = rubric.instant  # the engine itself commits code answers before grading them
        self.rubric = rubric
        self.runner = runner
        self.allowed = allowed  # returns why execution is off here (a server's setting), or None

    async def score(self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]) -> ScoreResult:
        result = await self.rubric.score(question, rubric, answer, hinted)
        if question.coding is None:
            return result
        code = latest_code(answer)
        if code is None:
            return result.model_copy(update={"notes": [*result.notes, "no code found to run: send it in a ``` block"]})
        refusal = await self.allowed() if self.allowed is not None else None
        if refusal is not None:
            check = refused(question.id, question.coding, f"Code was not run: {refusal}.")
        else:
            check = await self.runner.check(question.id, question.coding, code)
        if not check.ran:
            note = rubric_only(check.error)
            return result.model_copy(update={"tests": check, "notes": [*result.notes, note]})
        score = with_tests(result.score, check.passed, check.total)
        note = f"tests: {check.passed} of {check.total} passed; the score is {tests_share()} ({result.score})"
        if check.passed < check.total:
            note += f", at most {FAILING_CEILING} while a test fails"
        return result.model_copy(update={"score": score, "signal": signal_for(score), "tests": check,
                                         "notes": [*result.notes, note]})
