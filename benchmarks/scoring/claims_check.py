"""Checks every red flag's claims against text that states the truth and must not trigger them.

    python -m benchmarks.scoring.claims_check [--rubric ID]

A claim is too loose when it fires on the question's own model answer or on the flag's
correction; each such false alarm is printed.
"""

from __future__ import annotations

import argparse

from bot.bootstrap import load_bank
from bot.engine.models import Rubric
from bot.scoring.offline import OfflineScorer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rubric", default=None, help="one question id; default all")
    args = parser.parse_args()
    bank = load_bank()
    scorer = OfflineScorer()
    alarms = flags = 0
    for question in bank.all():
        if args.rubric and question.id != args.rubric:
            continue
        rubric = bank.rubric(question.id)
        for flag in rubric.red_flags:
            if not flag.claims:
                continue
            flags += 1
            only = Rubric.model_validate({**rubric.model_dump(), "red_flags": [
                {**flag.model_dump(), "phrases": ["zzzz qqqq xxxx"]}]})  # the claims alone
            for truth in [*question.strong_answer, flag.correction]:
                if scorer.grade(question, only, truth).red_flags:
                    alarms += 1
                    print(f"FALSE ALARM {question.id}/{flag.id}: {truth[:100]!r}")
    print(f"{flags} flags with claims, {alarms} false alarms")


if __name__ == "__main__":
    main()
