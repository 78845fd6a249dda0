"""How often a correct refutation is read as stating the error it rejects.

    python -m benchmarks.scoring.refutations

``blind/refute-a``, ``refute-b`` and ``refute-c`` each hold 72 refutations (two per question of the
blind set, each rejecting a different wrong claim in a different way), written in the ninth session
by three writers briefed with the prompts and the kind alone.  Part A was studied first; part B was
scored in aggregate only, then released for study; part C, written before B was studied, is the
held-out part, scored in aggregate only, by this script.  Every answer is a strong one, so any red
flag it raises is a false alarm.  Prints one JSON line per part: answers, how many raised a red flag, the mean grade and how
many graded under 60.
"""

from __future__ import annotations

import json

from benchmarks.scoring.blind import BLIND, load
from bot.bootstrap import load_bank, offline_scorer

PARTS = ("refute-a", "refute-b", "refute-c")


def main() -> None:
    bank = load_bank()
    scorer = offline_scorer(bank)
    for part in PARTS:
        grades = [scorer.grade(bank.get(a.question), bank.rubric(a.question), a.text) for a in load(BLIND / part)]
        print(json.dumps({"part": part, "answers": len(grades), "flagged": sum(bool(g.red_flags) for g in grades),
                          "mean": round(sum(g.score for g in grades) / len(grades), 1),
                          "under_60": sum(g.score < 60 for g in grades)}))


if __name__ == "__main__":
    main()
