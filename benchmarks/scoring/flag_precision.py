"""Which answers of the blind dev parts each red flag fires on, by kind: a precision check for new flags.

    python -m benchmarks.scoring.flag_precision [--rubric ID] [--only FLAG_ID ...]

A red flag must fire on answers that state its misconception and on nothing else.  For each
flag of the rubric(s) this prints how many answers of each kind of the blind *dev* parts assert it
(refutations, negations and quotes do not count, as in grading).  Any firing on a strong answer
(``graded`` 3, ``short-strong``, ``plain-strong``, ``refutation``, ``code-right``) or on a ``graded`` 2
one is a false alarm, printed with the sentence it fired on.  Held-out parts are never read.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from benchmarks.scoring.blind import BLIND, load
from bot.bootstrap import load_bank
from bot.scoring.matcher import compile_rubric
from bot.scoring.reading import read

TRUE_ANSWERS = frozenset({"short-strong", "plain-strong", "refutation", "code-right"})


def _label(kind: str, grade: int | None) -> str:
    return f"graded{grade}" if kind == "graded" else kind


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rubric", default=None, help="one question id; default every question of the blind set")
    parser.add_argument("--only", nargs="*", default=None, help="flag ids to report; default all")
    args = parser.parse_args()
    bank = load_bank()
    fired: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    alarms: list[str] = []
    for folder in sorted(p for p in BLIND.iterdir() if p.is_dir() and p.name.startswith("dev")):
        for answer in load(folder):
            if args.rubric and answer.question != args.rubric:
                continue
            question = bank.get(answer.question)
            compiled = compile_rubric(bank.rubric(answer.question))
            reading = read(question, compiled, answer.text)
            for flag_id, starts in reading.asserting.items():
                if not starts or (args.only and flag_id not in args.only):
                    continue
                label = _label(answer.kind, answer.grade)
                fired[(answer.question, flag_id)][label] += 1
                if answer.kind in TRUE_ANSWERS or (answer.kind == "graded" and (answer.grade or 0) >= 2):
                    start = min(starts)
                    alarms.append(f"FALSE ALARM {answer.question}/{flag_id} on {folder.name} {label}: "
                                  f"{answer.text[start:start + 160]!r}")
    for (question_id, flag_id), kinds in sorted(fired.items()):
        print(f"{question_id}/{flag_id}: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for line in alarms:
        print(line)
    print(f"{len(fired)} flags fired; {len(alarms)} false alarms on graded 2-3 and strong answers")


if __name__ == "__main__":
    main()
