"""The verdict on a coding answer: returned values compared with expected ones, outside the sandbox.

:class:`~bot.engine.models.CodeCheck` is the ``mockloop check-code --json`` object of
interfaces.md (plus a few extra fields).  Hidden cases count towards the totals but nothing else about them leaves this
module: not their inputs, not what the code returned, not their tracebacks or output, since
all of those could spell out the hidden input.  The first failing *visible* example is shown in
full.  Every string a candidate could influence is neutralised and trimmed here, once, so no
adapter can forget to.

"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any

from bot.engine.models import CodeCase, CodeCheck, CodingTask, FirstFailure
from bot.sandbox.limits import Limits
from bot.sandbox.outcome import RunOutcome, StepRun, stop_reason
from bot.sandbox.text import for_display, neutralise
from bot.sandbox.values import same, show


@lru_cache(maxsize=512)
def _expected(literal: str) -> Any:
    return ast.literal_eval(literal)


def refused(question_id: str, task: CodingTask, reason: str, sandbox: str = "none") -> CodeCheck:
    """The result when nothing was run (no sandbox, or a submission over the size limit)."""
    total = len(task.examples) + len(task.hidden)
    return CodeCheck(question=question_id, sandbox=sandbox, passed=0, failed=total, total=total, error=reason,
                     first_failure=None, time_ms=0, max_rss_kb=0, ran=False, examples_total=len(task.examples),
                     hidden_total=len(task.hidden))


def failed_run(question_id: str, task: CodingTask, reason: str, sandbox: str) -> CodeCheck:
    """The result when the code ran but what came back could not be judged: every case failed, never "not run".

    "Not run" would grade the answer on its rubric alone, so a run that broke the grading
    would skip the tests half of the grade.
    """
    return refused(question_id, task, reason, sandbox).model_copy(update={"ran": True})


def _got(step: StepRun | None, outcome: RunOutcome) -> str:
    if step is None:
        if outcome.bad_frame:
            return "(not counted: the run wrote an invalid result)"
        loaded = outcome.load is not None and outcome.load.ok
        return "(not run: the code did not load)" if not loaded else "(not run: the run ended before this example)"
    if step.ok:
        return neutralise(show(step.value))
    return neutralise((f"{step.error_type}: {step.message}" if step.message else step.error_type)[:300])


def _passes(case: CodeCase, step: StepRun | None) -> bool:
    return step is not None and step.ok and same(_expected(case.expected), step.value)


def grade(question_id: str, task: CodingTask, outcome: RunOutcome, limits: Limits) -> CodeCheck:
    """Compare every returned value with its expected literal and summarise, revealing only visible examples."""
    cases = [*task.examples, *task.hidden]
    visible = len(task.examples)
    verdicts = [_passes(case, outcome.cases.get(i)) for i, case in enumerate(cases)]
    first: FirstFailure | None = None
    traceback: str | None = None
    for i, case in enumerate(task.examples):
        if verdicts[i]:
            continue
        step = outcome.cases.get(i)
        first = FirstFailure(example=neutralise(case.call), expected=case.expected, got=_got(step, outcome),
                             label=case.label)
        if step is not None and not step.ok and step.traceback:
            traceback = for_display(step.traceback, tail=True)
        break
    error = stop_reason(outcome, limits.wall_seconds, limits.cpu_seconds)
    if outcome.load is not None and not outcome.load.ok and not outcome.bad_frame:
        load = outcome.load
        error = neutralise(f"Your code did not load: {load.error_type}: {load.message}"[:400].rstrip(": "))
        traceback = for_display(load.traceback, tail=True) if load.traceback else None
    printed = [outcome.load.output if outcome.load else ""]
    printed += [f"[example {i + 1}]\n{outcome.cases[i].output}" for i in range(visible)
                if i in outcome.cases and outcome.cases[i].output]
    printed += [outcome.stdout, outcome.stderr]
    output = for_display("\n".join(p.rstrip("\n") for p in printed if p.strip()))
    passed = sum(verdicts)
    # a run cut short, or one whose report was rejected: what it cost in real time
    elapsed = outcome.step_ms if outcome.finished and not outcome.bad_frame else outcome.wall_ms
    return CodeCheck(
        question=question_id, sandbox=outcome.sandbox, passed=passed, failed=len(cases) - passed, total=len(cases),
        error=error, first_failure=first, time_ms=round(elapsed), max_rss_kb=outcome.max_rss_kb,
        examples_passed=sum(verdicts[:visible]), examples_total=visible,
        hidden_passed=sum(verdicts[visible:]), hidden_total=len(cases) - visible, traceback=traceback, output=output,
    )
