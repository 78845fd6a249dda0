"""Fit reach's weights (:mod:`bot.scoring.concision`) on the blind dev parts, and say how well they carry over.

    python -m benchmarks.scoring.fit_reach

A pairwise logistic model: for every two answers to the same question with different grades,
both earning reach, the model learns how the levels' score, the number of topic terms and the
log of the length decide which answer is better.  Its weights, put on the scale of grade points,
are reach's ``term_weight`` and ``length_weight``; the centre is the median reach value of the
dev answers.  Only dev parts are read (folders named ``dev*``); held-out parts never are.

Prints one JSON line per dev part with that part's figures when the weights are fit on the
*other* parts (the honest estimate of what the fit does on answers it has not seen), the same
figures with the levels alone, then one line with the weights fit on every dev part: the values
to copy into ``FITTED``.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from benchmarks.scoring.blind import BLIND, Answer, figures, load
from bot.bootstrap import load_bank
from bot.scoring.concision import TOP_SPREAD, Fit, Reach, blend, length_term
from bot.scoring.offline import OfflineScorer

# Half the width of the band of reach values between earning none of the share and all of it,
# in grade points; chosen by the left-out-part figures (5 to 40 gave pairwise within 0.01; 10 kept the most
# short strong answers at or above the incomplete one).
SPREAD = 10.0
STEPS, RATE, L2 = 3000, 0.5, 1.0


@dataclass(frozen=True)
class Row:
    part: str
    answer: Answer
    levels_score: int
    reach: Reach | None
    capped: bool


def rows() -> list[Row]:
    bank, scorer = load_bank(), OfflineScorer()
    out: list[Row] = []
    for folder in sorted(p for p in BLIND.iterdir() if p.is_dir() and p.name.startswith("dev")):
        for a in load(folder):
            found = scorer.assess(bank.get(a.question), bank.rubric(a.question), a.text)
            out.append(Row(folder.name, a, found.levels_score, found.reach, bool(found.result.red_flags)))
    return out


def _features(row: Row) -> np.ndarray:
    assert row.reach is not None
    return np.array([row.levels_score / 100, row.reach.terms * row.reach.scale / 20, length_term(row.reach.words)])


def fit(train: list[Row]) -> Fit:
    by_question: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in train:
        if r.reach is not None and r.answer.grade is not None:
            by_question[(r.part, r.answer.question)].append(r)
    diffs = []
    for group in by_question.values():
        for a, b in combinations(group, 2):
            assert a.answer.grade is not None and b.answer.grade is not None
            if a.answer.grade != b.answer.grade:
                sign = 1.0 if a.answer.grade > b.answer.grade else -1.0
                diffs.append(sign * (_features(a) - _features(b)))
    x = np.vstack([np.array(diffs), -np.array(diffs)])
    y = np.r_[np.ones(len(diffs)), np.zeros(len(diffs))]
    w = np.zeros(x.shape[1])
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-x @ w))
        w -= RATE * (x.T @ (p - y) / len(y) + L2 * w / len(y))
    term_weight = float(w[1] / 20 / w[0] * 100)
    length_weight = float(-w[2] / w[0] * 100)
    values = [term_weight * r.reach.terms - length_weight * length_term(r.reach.words) for r in train if r.reach is not None]
    return Fit(round(term_weight, 3), round(length_weight, 3), round(statistics.median(values), 3), SPREAD, TOP_SPREAD)


def scored(part: list[Row], weights: Fit | None) -> list[tuple[Answer, float]]:
    """The part's grades with reach at ``weights``, or with the levels alone (``None``)."""
    if weights is None:
        return [(r.answer, float(r.levels_score)) for r in part]
    return [(r.answer, float(blend(r.levels_score, r.reach, r.capped, weights))) for r in part]


def main() -> None:
    every = rows()
    keep = ("pairwise", "fluent_wrong_below_incomplete", "short_strong_at_least_incomplete",
            "plain_strong_at_least_incomplete", "attacks_not_above_incomplete")
    for name in sorted({r.part for r in every}):
        part = [r for r in every if r.part == name]
        left_out = fit([r for r in every if r.part != name])
        with_reach, levels = figures(scored(part, left_out)), figures(scored(part, None))
        print(json.dumps({"part": name, "fit_on_other_parts": {k: with_reach[k] for k in keep},
                          "levels_alone": {k: levels[k] for k in keep}}))
    final = fit(every)
    print(json.dumps({"fitted_on": sorted({r.part for r in every}), "term_weight": final.term_weight,
                      "length_weight": final.length_weight, "centre": final.centre, "spread": final.spread}))


if __name__ == "__main__":
    main()
