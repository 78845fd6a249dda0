"""Blind code answers graded as the product grades them: half the tests passed, half the rubric.

    python -m benchmarks.scoring.with_tests heldout24 [heldout23 dev16 ...]

The rubric figures of :mod:`benchmarks.scoring.blind` leave the tests out, because the writers of
the early parts never saw the task statement and signature, so their code rarely fitted the graded
function.  From ``heldout5`` (now ``dev5``) on, coding writers were given the statement the product shows, so
their code answers can be run.  Each ``code-right`` and ``code-wrong`` answer's code, found as the product
finds it (fenced blocks, or definitions pasted unfenced among the prose), goes through the sandbox
(bubblewrap is needed); the line printed per kind is an aggregate: how many answers passed every
test, and the mean rubric and product grades.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import defaultdict

from benchmarks.scoring.blind import BLIND, load
from bot.bootstrap import load_bank, offline_scorer
from bot.engine.ports import AnswerText
from bot.engine.signals import with_tests
from bot.sandbox.runner import SandboxRunner
from bot.scoring.code import latest_code

KINDS = ("code-right", "code-wrong")


async def evaluate(part: str) -> dict[str, object]:
    bank = load_bank()
    scorer, runner = offline_scorer(bank), SandboxRunner()
    found: dict[str, list[tuple[bool, int, int]]] = defaultdict(list)
    try:
        for answer in load(BLIND / part):
            question = bank.get(answer.question)
            if answer.kind not in KINDS or question.coding is None:
                continue
            # The code the product would run: fenced blocks, or definitions pasted unfenced among the prose.
            check = await runner.check(question.id, question.coding, latest_code(AnswerText([answer.text])) or "")
            passed = check.examples_passed + check.hidden_passed
            total = check.examples_total + check.hidden_total
            rubric = scorer.grade(question, bank.rubric(question.id), answer.text).score
            found[answer.kind].append((passed == total > 0, rubric, with_tests(rubric, passed, total)))
    finally:
        runner.close()
    return {"set": part, **{kind: {"answers": len(rows), "all_tests_passed": sum(r[0] for r in rows),
                                   "mean_rubric": round(sum(r[1] for r in rows) / len(rows), 1),
                                   "mean_grade": round(sum(r[2] for r in rows) / len(rows), 1)}
                            for kind, rows in sorted(found.items())}}


def main() -> None:
    for part in sys.argv[1:] or ["heldout24"]:
        print(json.dumps(asyncio.run(evaluate(part))))


if __name__ == "__main__":
    main()
