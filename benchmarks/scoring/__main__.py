"""Scorer eval: does the offline scorer order answers the way a fair interviewer would?

    python -m benchmarks.scoring                       # the blind set: dev and held-out side by side
    python -m benchmarks.scoring --set benchmarks/scoring/dev [--verbose]   # the older, tuned dev set

The blind set (``blind/dev`` to ``blind/dev16`` and the held-out parts ``blind/heldout``,
``blind/heldout2``, ``blind/heldout6`` to ``blind/heldout9`` and ``blind/heldout21`` to ``blind/heldout24``, see
:mod:`benchmarks.scoring.blind`) is the honest figure: answers written from the prompts alone.
``blind/dev4`` to ``blind/dev16`` were the held-out parts heldout4, heldout5, heldout10 to heldout20, each scored
in aggregate only until it was released for study; their figures at release are their starting lines.  The older
set below was written while the rubrics were tuned, so its figures only guard against regressions.

Reads one TOML file per question (``question``, ``[[answers]]`` with ``grade`` 0-3 and
``text``, ``[[adversarial]]`` with ``kind`` and ``text``) and prints one JSON line:

- pairwise: within each question, the share of answer pairs with different grades that the
  scorer orders the same way (a tie is not an ordering, so it counts as wrong);
- spearman: rank correlation of grade and score over all graded answers;
- adversarial: the share of attacks handled (rules per kind in ``RULES``);
- p50/p99 latency of one grade.
A held-out set in the same format can be passed with ``--set``.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from benchmarks.scoring.blind import BLIND
from benchmarks.scoring.blind import evaluate as blind_evaluate
from bot.bootstrap import load_bank, offline_scorer
from bot.engine.models import ScoreResult
from bot.scoring.guards import INJECTION_FLAG

DEV = Path(__file__).parent / "dev"


@dataclass(frozen=True)
class Case:
    question: str
    text: str
    grade: int | None
    kind: str  # "graded" or an adversarial kind


def load(folder: Path) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for a in data.get("answers", []):
            cases.append(Case(data["question"], a["text"], a["grade"], "graded"))
        for a in data.get("adversarial", []):
            cases.append(Case(data["question"], a["text"], a.get("grade"), a["kind"]))
    return cases


def rank(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = rank(xs), rank(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else 0.0


# What "handled" means for each attack, given its result and the question's graded scores.
Grades = dict[int, list[int]]


def _below_solid(r: ScoreResult, g: Grades) -> bool:
    """Scores below every answer graded 2 or 3 for the same question."""
    return r.score < min([*g.get(2, []), *g.get(3, []), 101])


def _stuffing(r: ScoreResult, g: Grades) -> bool:
    # below every solid answer, and no higher than the best weak one (or 15 if that is lower)
    return _below_solid(r, g) and r.score <= max([*g.get(1, []), 15])


RULES: dict[str, Callable[[ScoreResult, Grades], bool]] = {
    "keyword-stuffing": _stuffing,
    "prompt-injection": lambda r, g: INJECTION_FLAG in r.red_flags and r.score <= 30,
    "negated-misconception": lambda r, g: not [f for f in r.red_flags if f != INJECTION_FLAG],
    "plain-misconception": lambda r, g: r.score < min([*g.get(2, []), 101]),
    "long-off-topic": lambda r, g: r.score <= 20,
    "question-pasted": lambda r, g: r.score <= 10,
    "empty": lambda r, g: r.score == 0,
}


def evaluate(folder: Path, verbose: bool = False) -> dict[str, object]:
    bank = load_bank()
    scorer = offline_scorer(bank)
    cases = load(folder)
    results: list[tuple[Case, ScoreResult]] = []
    latencies: list[float] = []
    for case in cases:
        question = bank.get(case.question)
        rubric = bank.rubric(case.question)
        start = time.perf_counter()
        result = scorer.grade(question, rubric, case.text)
        latencies.append(time.perf_counter() - start)
        results.append((case, result))

    graded = [(c, r) for c, r in results if c.grade is not None]
    by_question: dict[str, list[tuple[int, int]]] = {}
    for c, r in graded:
        assert c.grade is not None
        by_question.setdefault(c.question, []).append((c.grade, r.score))
    right = total = 0
    per_question: dict[str, float] = {}
    for qid, pairs in by_question.items():
        q_right = q_total = 0
        for (g1, s1), (g2, s2) in combinations(pairs, 2):
            if g1 == g2:
                continue
            q_total += 1
            q_right += (s1 - s2) * (g1 - g2) > 0
        right, total = right + q_right, total + q_total
        per_question[qid] = round(q_right / q_total, 3) if q_total else 1.0

    grades_by_question: dict[str, Grades] = {}
    for c, r in results:
        if c.kind == "graded" and c.grade is not None:
            grades_by_question.setdefault(c.question, {}).setdefault(c.grade, []).append(r.score)
    attacks = [(c, r) for c, r in results if c.kind != "graded"]
    failures = []
    passed = 0
    for c, r in attacks:
        ok = RULES[c.kind](r, grades_by_question.get(c.question, {}))
        passed += ok
        if not ok:
            failures.append({"question": c.question, "kind": c.kind, "score": r.score, "red_flags": r.red_flags,
                             "text": " ".join(c.text.split())[:90]})
    latencies.sort()
    report: dict[str, object] = {
        "set": str(folder), "questions": len(by_question), "graded_answers": len(graded),
        "pairwise": round(right / total, 3) if total else None,
        "spearman": round(spearman([float(c.grade or 0) for c, _ in graded], [float(r.score) for _, r in graded]), 3),
        "adversarial_passed": f"{passed}/{len(attacks)}",
        "adversarial_rate": round(passed / len(attacks), 3) if attacks else None,
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 3),
    }
    if verbose:
        report["per_question_pairwise"] = per_question
        report["adversarial_failures"] = failures
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=None, help="a folder of labelled TOML files in the older format")
    parser.add_argument("--verbose", action="store_true", help="also per-question figures and failed attacks")
    args = parser.parse_args()
    if args.set is None:
        for part in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11", "dev12",
                     "dev13", "dev14", "dev15", "dev16", "heldout", "heldout2", "heldout6", "heldout7", "heldout8",
                     "heldout9", "heldout21", "heldout22", "heldout23", "heldout24"):
            if (BLIND / part).is_dir():
                print(json.dumps(blind_evaluate(BLIND / part)))
        print(json.dumps(evaluate(DEV)))
    else:
        print(json.dumps(evaluate(args.set, args.verbose)))
