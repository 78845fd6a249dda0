"""``mockloop check-code``: run a coding answer against its question's examples and hidden cases."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from bot.adapters.console.exits import Exit
from bot.engine.code_report import code_report
from bot.textin import read_text

if TYPE_CHECKING:  # a type only: the ports module (every port and its data classes) is not needed to run
    from bot.engine.ports import CodeRunner


def read_source(path: str) -> str:
    """The submission from a file, or from standard input for ``-``; a bad path is a usage error."""
    return read_text(path, "code")


async def check_code(question_id: str, source: str, *, as_json: bool, out: TextIO, err: TextIO,
                     runner: CodeRunner) -> int:
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
            return Exit.USAGE
        question = bank.get(question_id)
        if question.coding is None:
            coding = [q.id for q in bank.all() if q.coding is not None]
            err.write(f"mockloop: {question_id} is not a coding question; coding questions are {', '.join(coding)}.\n")
            return Exit.USAGE
    task = question.coding
    result = await runner.check(question_id, task, source)
    if as_json:
        out.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=True) + "\n")
    else:
        out.write(code_report(result))
    if not result.ran:
        err.write(f"mockloop: {result.error}\n")
        return Exit.FAILURE
    return Exit.OK
