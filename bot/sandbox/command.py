"""``mockloop check-code``: run a coding answer against its question's examples and hidden cases."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from pathlib import Path
from typing import TextIO

from bot.engine.models import CodeCheck
from bot.sandbox.limits import Limits
from bot.sandbox.runner import SandboxRunner
from bot.textin import read_text

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def read_source(path: str) -> str:
    """The submission from a file, or from standard input for ``-``; a bad path is a usage error."""
    return read_text(path, "code")


async def check_code(question_id: str, source: str, *, as_json: bool, out: TextIO, err: TextIO,
                     runner: SandboxRunner | None = None) -> int:
    """Run a coding answer in the sandbox against that question's examples and hidden tests.

    Exit code 0 when the code was run and graded (whatever the score), 2 for an unknown or
    non-coding question id, 1 when nothing could be run (no working sandbox here, or the
    submission is too long); the reason is one sentence on stderr.
    """
    from bot.content import cache  # imported here so `mockloop --help` stays light
    from bot.content.paths import content_root

    root = content_root()
    question = cache.question(root, question_id)  # the one question needed, when the cache has it
    if question is None or question.coding is None:  # then the whole bank: for the reason, or to build the cache
        bank = cache.load(root)
        if question_id not in bank:
            near = bank.nearest(question_id)
            hint = f" Did you mean {', '.join(near)}?" if near else " `mockloop questions --round coding` lists them."
            err.write(f"mockloop: unknown question id {question_id!r}.{hint}\n")
            return EXIT_USAGE
        question = bank.get(question_id)
        if question.coding is None:
            coding = [q.id for q in bank.all() if q.coding is not None]
            err.write(f"mockloop: {question_id} is not a coding question; coding questions are {', '.join(coding)}.\n")
            return EXIT_USAGE
    task = question.coding
    own = runner or SandboxRunner(Limits())  # a developer's command: the one-process bound, no cgroup
    try:
        result = await own.check(question_id, task, source)
    finally:
        if runner is None:
            own.close()
    if as_json:
        out.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=True) + "\n")
    else:
        out.write(render(result))
    if not result.ran:
        err.write(f"mockloop: {result.error}\n")
        return EXIT_FAILURE
    return EXIT_OK


def render(result: CodeCheck) -> str:
    """The human-readable report; every candidate-controlled string in ``result`` is already neutralised."""
    lines = [f"{result.question}: {result.passed} of {result.total} passed "
             f"(examples {result.examples_passed}/{result.examples_total}, "
             f"hidden {result.hidden_passed}/{result.hidden_total}) in the {result.sandbox} sandbox."]
    if not result.ran:
        return ""  # nothing ran; the reason goes to stderr
    if result.error:
        lines.append(result.error)
    failure = result.first_failure
    if failure is not None:
        title = f" ({failure.label})" if failure.label else ""
        lines += [f"First failing example{title}:", f"  call:     {failure.example}",
                  f"  expected: {failure.expected}", f"  got:      {failure.got}"]
    elif result.hidden_passed < result.hidden_total and result.error is None:
        lines.append("Every example passes, but some hidden cases fail; their inputs are not shown. "
                     "Think about edge cases the statement mentions.")
    failing = [case.label for case in result.hidden if not case.passed]
    if failing and result.examples_passed == result.examples_total:  # labels only: never a hidden input
        lines.append("Hidden cases that fail: " + "; ".join(failing[:10]) + ("; ..." if len(failing) > 10 else "") + ".")
    if result.traceback:
        lines += ["Traceback (most recent call last, your code only):", _indent(result.traceback)]
    if result.output:
        lines += ["Your code printed:", _indent(result.output)]
    lines.append(f"Time {result.time_ms:,} ms, peak memory {result.max_rss_kb:,} KB.")
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


async def run_service(socket_path: Path, cgroup: Path | None = None) -> int:
    """``mockloop runner``: serve checks until SIGTERM or Ctrl-C."""
    from bot.content import cache
    from bot.content.paths import content_root
    from bot.sandbox.runner import describe, watch_children_without_threads
    from bot.sandbox.service import serve

    watch_children_without_threads()
    runner = SandboxRunner(cgroup=cgroup)
    probe = await runner.probe()
    logging.getLogger(__name__).info("%s", describe(probe))
    task = asyncio.ensure_future(serve(socket_path, runner, cache.load(content_root())))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task
    runner.close()
    return 0
