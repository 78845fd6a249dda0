"""The verdict on a coding answer: returned values compared with expected ones, outside the sandbox.

:class:`~bot.engine.models.CodeCheck` is the ``mockloop check-code --json`` object of
interfaces.md (plus a few extra fields).  Hidden cases count towards the totals but nothing else about them leaves this
module but their label and verdict: not their inputs, not what the code returned, not their
tracebacks or output, since all of those could spell out the hidden input.  A case's time and
memory bounds are checked here too, against what the bot measured (``exchange.py``).  The
first failing *visible* example is shown in full.  Every string a candidate could influence
is neutralised and trimmed here, once, so no adapter can forget to.

"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any

from bot.engine.models import CodeCase, CodeCheck, CodingTask, FirstFailure, HiddenCase
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


def _got(case: CodeCase, step: StepRun | None, outcome: RunOutcome) -> str:
    if step is None:
        if outcome.bad_frame:
            return "(not counted: the run wrote an invalid result)"
        loaded = outcome.load is not None and outcome.load.ok
        return "(not run: the code did not load)" if not loaded else "(not run: the run ended before this example)"
    if step.ok:
        shown = neutralise(step.judged[1] if step.judged is not None else show(step.value))
        return f"{shown}, but it {broken}" if (broken := _bound(case, step)) else shown
    return neutralise((f"{step.error_type}: {step.message}" if step.message else step.error_type)[:300])


def _passes(case: CodeCase, step: StepRun | None) -> bool:
    if step is None or not step.ok:
        return False
    matched = step.judged[0] if step.judged is not None else same(_expected(case.expected), step.value)
    return matched and _bound(case, step) is None


def _bound(case: CodeCase, step: StepRun) -> str | None:
    """Which time or memory bound of ``case`` the step broke, measured by the bot, or None."""
    if case.max_ms is not None and step.ms >= case.max_ms:
        return f"took {step.ms:,.0f} ms; it must take less than {case.max_ms:,} ms"
    if case.min_ms is not None and step.ms < case.min_ms:
        return f"took {step.ms:,.0f} ms; it must take at least {case.min_ms:,} ms"
    if case.max_memory_kb is not None:
        if step.peak_kb is None:
            return "its memory could not be measured, so the memory bound does not count as met"
        if step.peak_kb > case.max_memory_kb:
            return f"memory rose by {step.peak_kb:,} KB; the limit is {case.max_memory_kb:,} KB"
    return _served(case, step) if case.upstream is not None else None


def _served(case: CodeCase, step: StepRun) -> str | None:
    """Whether the calls the bot's upstream saw keep the case's limit and got the answers the value claims."""
    served = step.served
    if served is None:
        return "its sources were not served, so the case cannot be judged"
    if served.refused:
        return f"sent {served.refused}"
    if case.max_in_flight is not None and served.max_in_flight > case.max_in_flight:
        return f"had {served.max_in_flight} calls to fetch_one in flight at once; the limit is {case.max_in_flight}"
    if case.answered is not None and sorted(served.answered) != sorted(case.answered):
        got = ", ".join(sorted(set(served.answered))) or "none"
        return f"was answered by {got}; it should have been answered by {', '.join(sorted(case.answered)) or 'none'}"
    return None


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
        first = FirstFailure(example=neutralise(case.call), expected=case.expected, got=_got(case, step, outcome),
                             label=case.label)
        if step is not None and not step.ok and step.traceback:
            traceback = for_display(step.traceback, tail=True)
        break
    error = stop_reason(outcome, limits.wall_seconds, limits.cpu_seconds)
    if outcome.load is not None and not outcome.load.ok and not outcome.bad_frame:
        load = outcome.load
        error = neutralise(f"Your code did not load: {load.error_type}: {load.message}"[:400].rstrip(": "))
        traceback = for_display(load.traceback, tail=True) if load.traceback else None
    # only what was printed before the first hidden case was sent: never a hidden input
    printed = [outcome.load.output if outcome.load else ""]
    printed += [f"[example {i + 1}]\n{outcome.cases[i].output}" for i in range(visible)
                if i in outcome.cases and outcome.cases[i].output]
    printed += [outcome.stdout, outcome.stderr]  # the runner keeps these only up to the first hidden case
    output = for_display("\n".join(p.rstrip("\n") for p in printed if p.strip()))
    passed = sum(verdicts)
    # a run cut short, or one whose report was rejected: what it cost in real time
    elapsed = outcome.step_ms if outcome.finished and not outcome.bad_frame else outcome.wall_ms
    return CodeCheck(
        question=question_id, sandbox=outcome.sandbox, passed=passed, failed=len(cases) - passed, total=len(cases),
        error=error, first_failure=first, time_ms=round(elapsed), max_rss_kb=outcome.max_rss_kb,
        examples_passed=sum(verdicts[:visible]), examples_total=visible,
        hidden_passed=sum(verdicts[visible:]), hidden_total=len(cases) - visible, traceback=traceback, output=output,
        hidden=[HiddenCase(label=case.label or f"hidden case {i + 1}", passed=verdicts[visible + i])
                for i, case in enumerate(task.hidden)],
    )
