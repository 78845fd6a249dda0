"""The blind-set report: how the offline scorer grades answers written without the rubrics.

Each file of ``blind/dev`` and ``blind/heldout`` holds one question's answers, written from the
question's prompt alone by writers who never saw a rubric (one writer per part and question
group), each with a ``kind`` (see ``KINDS``) and, except for attacks, the writer's grade 0-3.
The dev part is for tuning; the held-out part is scored only in aggregate, by this report.
``blind/dev2`` (440 answers over the same 36 questions, by three further writers briefed with the
prompts only) was scored once before anyone read it (pairwise 0.869, distinct words 0.780), then
studied like the first dev part.  ``blind/heldout2`` (440 answers over the same 36 questions, three
more writers, prompts only) is a second held-out part, written in the fourth session and, like the
first, read in aggregate only: two parts of 36 questions each make a per-kind figure less of a
coin toss than one.  Its writers' reports named the errors planted in their fluent-but-wrong
answers, so once misconception content is written after reading them it cannot measure that
kind fairly; the held-out part "heldout3" (440 answers, three more writers, prompts only, who were
asked to report counts alone) was written in the fifth session before any misconception content
changed, and scored there unseen, in aggregate only (pairwise 0.861 → 0.877 over the session,
fluent-but-wrong below the incomplete answer in 26/36 questions).  It was then released for study
in the sixth session as ``blind/dev3``: its figures at release are that part's starting line.
``blind/dev4`` (440 answers over the same 36 questions, three new writers briefed with the
prompts only, counts reported alone) was the held-out part heldout4, written at the start of the
sixth session and scored there and at the start of the seventh in aggregate only; its figures at
release (pairwise 0.835, fluent-wrong below incomplete 27/36, short strong 10/36, plain strong
21/36) are its starting line.  Coding questions there, as in every part, were written from the
prompt without the task statement the product shows, so the writers' code does not always match
the graded function's signature: the figures are the rubric scorer's, not the sandbox's.
``blind/dev5`` (440 answers, three new writers briefed with the prompts and, for coding
questions, the task statement and signature the product shows; counts reported alone) was the
held-out part heldout5, written at the start of the seventh session and read in aggregate only
until the eighth released it for study; its figures at release (pairwise 0.876, fluent-wrong below
incomplete 20/36, short strong 13/36, plain strong 21/36) are its starting line.
``blind/heldout6`` (three new writers, briefed the same way, written at the start of the eighth
session before any of that session's changes) is a held-out part read in aggregate only.
``blind/heldout7`` (three more new writers, briefed the same way, written at the start of the tenth
session) is a held-out part read in aggregate only.  ``blind/heldout8`` (three more new writers,
briefed the same way, written in the eleventh session after its scorer changes and before any further
one) is a held-out part read in aggregate only.  ``blind/heldout9`` (three more new writers, briefed the
same way, written at the start of the twelfth session before any of its scorer changes) is a held-out part
read in aggregate only.  ``blind/dev6`` (three more new writers, briefed the same way, written in the
thirteenth session and scored first with the code that session started from) was the held-out part
heldout10, read in aggregate only until the fifteenth session released it for study, once heldout11 was
written; its figures at release (pairwise 0.858, fluent-wrong below incomplete 24/36, short strong 19/36,
plain strong 21/36) are its starting line.  ``blind/dev7`` (three more new writers, briefed the same way) was
the held-out part heldout11, written at the start of the fifteenth session and read in aggregate only until the
sixteenth released it for study; its figures at release (pairwise 0.872, fluent-wrong below incomplete 25/36,
short strong 16/36, plain strong 17/36) are its starting line.  ``blind/dev8`` (three more new writers, briefed the
same way) was the held-out part heldout12, written at the start of the sixteenth session and read in aggregate only
until the seventeenth released it for study, once heldout13 was written; its figures at release (pairwise 0.892,
fluent-wrong below incomplete 26/36, short strong 26/36, plain strong 25/36) are its starting line.
``blind/dev9`` (three more new writers, briefed the same way) was the held-out part heldout13, written at the start
of the seventeenth session and read in aggregate only until the eighteenth released it for study, once heldout14 was
written; its figures at release (pairwise 0.870, fluent-wrong below incomplete 24/36, short strong 21/36, plain
strong 25/36) are its starting line.  ``blind/dev10`` (three more new writers, briefed the same way) was the
held-out part heldout14, written at the start of the eighteenth session and read in aggregate only until later that
session, once heldout15 was written; its figures at release (pairwise 0.851, fluent-wrong below incomplete 22/36,
short strong 20/36, plain strong 24/36) are its starting line.  ``blind/dev11`` (three more new writers, briefed the
same way) was the held-out part heldout15, written in the eighteenth session after its first round of changes and
read in aggregate only until the nineteenth released it for study, once heldout16 was written; its figures at release
(pairwise 0.890, fluent-wrong below incomplete 25/36, short strong 23/36, plain strong 30/36) are its starting line.
``blind/dev12`` (three more new writers, briefed the same way) was the held-out part heldout16, written at the start
of the nineteenth session, scored first with the code that session started from (3036969) and read in aggregate only
until later that session, once heldout17 was written; its figures at release (pairwise 0.905, fluent-wrong below
incomplete 27/36, short strong 20/36, plain strong 21/36) are its starting line.  ``blind/dev13`` (three more new
writers, briefed the same way) was the held-out part heldout17, written in the nineteenth session after its first round
of changes, scored first with that code (40ecdb8) and read in aggregate only until the third round, once heldout18 was
written; its figures at release (pairwise 0.912, fluent-wrong below incomplete 30/36, short strong 20/36, plain strong
25/36) are its starting line.  ``blind/dev14`` (three more new writers, briefed the same way) was the held-out part
heldout18, written in the nineteenth session after its second round, scored first with that code (6a912d8) and read in
aggregate only until the twentieth session released it, once heldout19 was written; its figures at release (pairwise
0.894, fluent-wrong below incomplete 28/36, short strong 15/36, plain strong 22/36) are its starting line.
``blind/dev15`` (three more new writers, briefed the same way) was the held-out part heldout19, written at the start of
the twentieth session, scored first with the code that session started from (f3d5152) and read in aggregate only
until that session's second round released it, once heldout20 was written; its figures at release (pairwise 0.868,
fluent-wrong below incomplete 22/36, short strong 16/36, plain strong 26/36) are its starting line.
``blind/dev16`` (three more new writers, briefed the same way) was the held-out part heldout20, written in the twentieth
session after its first round, scored first with the session's start code (f3d5152) and that round's end (641b85a),
and read in aggregate only until the session's third round released it, once heldout21 was written; its figures at
release (pairwise 0.858, fluent-wrong below incomplete 25/36, short strong 14/36, plain strong 23/36) are its starting
line.  ``blind/heldout21`` (three more new writers, briefed the same way, written in the twentieth session after its
second round and scored first with the session's start code, f3d5152, and that round's end, 3b356d9) is a held-out
part: aggregate only.  ``blind/heldout22`` (three more new writers, briefed the same way, written at the start of the
twenty-first session and scored first with the code that session started from, 49ab568) is a held-out part: aggregate
only.  ``blind/heldout23`` (three more new writers, briefed the same way, written in the twenty-first session after its
first changes and scored first with that session's start code, 49ab568, and then with the code of that moment,
8c7ba17) is a held-out part: aggregate only.  ``blind/heldout24`` (three more new writers, briefed the same way,
written after that session's last scorer change and scored once with its start code and once with its end code,
0d02673) is the freshest held-out part: aggregate only.
From heldout5 on, code answers run, so :mod:`benchmarks.scoring.with_tests` grades them as the product does.
``blind/relabel`` holds a second reader's grades of one part (:mod:`benchmarks.scoring.agreement`).

Figures, for the scorer and for a count of distinct words (the baseline any grader must beat):
- pairwise: within each question, the share of pairs with different grades that are ordered
  the same way (a tie counts as wrong);
- the issue's checks against each question's good-but-incomplete answer (``graded`` 2):
  fluent-but-wrong below it, short and plain-words strong answers at least as high, stuffing
  and injection never above it;
- the mean score per kind, p50 and p99 grading time (each answer's fastest of ``REPEATS``), and
  how many gradings differed from the answer's first (the same answer must always get the same grade).
"""

from __future__ import annotations

import re
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from bot.bootstrap import load_bank, offline_scorer

BLIND = Path(__file__).parent / "blind"
KINDS = ("graded", "short-strong", "plain-strong", "fluent-wrong", "refutation", "long-vague", "off-topic",
         "code-right", "code-wrong", "stuffing", "injection")
ATTACKS = frozenset({"stuffing", "injection"})
_WORD = re.compile(r"[^\W_]+")
# Each answer is graded this many times and its fastest time kept: on a shared 2-core machine the
# other runs measure the neighbours, not the scorer.  Every repeat must give the same grade.
REPEATS = 3


@dataclass(frozen=True)
class Answer:
    question: str
    kind: str
    grade: int | None
    text: str


def load(folder: Path) -> list[Answer]:
    out: list[Answer] = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for a in data.get("answers", []):
            if a["kind"] not in KINDS:
                raise ValueError(f"{path.name}: unknown kind {a['kind']!r}")
            out.append(Answer(data["question"], a["kind"], a.get("grade"), a["text"]))
    return out


def distinct_words(answer: Answer) -> int:
    """The baseline: how many different words the answer uses."""
    return len({w.casefold() for w in _WORD.findall(answer.text)})


def pairwise(items: list[tuple[Answer, float]]) -> float | None:
    by_question: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for a, s in items:
        if a.grade is not None:
            by_question[a.question].append((a.grade, s))
    right = total = 0
    for pairs in by_question.values():
        for (g1, s1), (g2, s2) in combinations(pairs, 2):
            if g1 != g2:
                total += 1
                right += (s1 - s2) * (g1 - g2) > 0
    return round(right / total, 3) if total else None


def _against_incomplete(items: list[tuple[Answer, float]], kinds: frozenset[str],
                        holds: Callable[[float, float], bool]) -> tuple[int, int]:
    """Over questions with a ``graded`` 2 answer: how many of ``kinds``' answers relate to it as ``holds`` says."""
    reference: dict[str, float] = {}
    for a, s in items:
        if a.kind == "graded" and a.grade == 2:
            reference.setdefault(a.question, s)
    good = total = 0
    for a, s in items:
        if a.kind in kinds and a.question in reference:
            total += 1
            good += holds(s, reference[a.question])
    return good, total


def _share(pair: tuple[int, int]) -> str:
    good, total = pair
    return f"{good}/{total}" + (f" ({good / total:.2f})" if total else "")


def figures(items: list[tuple[Answer, float]]) -> dict[str, object]:
    kinds: dict[str, list[float]] = defaultdict(list)
    for a, s in items:
        kinds[a.kind].append(s)
    return {
        "pairwise": pairwise(items),
        "fluent_wrong_below_incomplete": _share(_against_incomplete(items, frozenset({"fluent-wrong"}), lambda s, r: s < r)),
        "short_strong_at_least_incomplete": _share(_against_incomplete(items, frozenset({"short-strong"}), lambda s, r: s >= r)),
        "plain_strong_at_least_incomplete": _share(_against_incomplete(items, frozenset({"plain-strong"}), lambda s, r: s >= r)),
        "attacks_not_above_incomplete": _share(_against_incomplete(items, ATTACKS, lambda s, r: s <= r)),
        "mean_by_kind": {k: round(sum(v) / len(v), 1) for k, v in sorted(kinds.items())},
    }


def evaluate(folder: Path) -> dict[str, object]:
    bank = load_bank()
    scorer = offline_scorer(bank)
    answers = load(folder)
    scored: list[tuple[Answer, float]] = []
    latencies: list[float] = []
    unstable = 0
    for a in answers:
        question, rubric = bank.get(a.question), bank.rubric(a.question)
        times, results = [], []
        for _ in range(REPEATS):
            start = time.perf_counter()
            results.append(scorer.grade(question, rubric, a.text))
            times.append(time.perf_counter() - start)
        latencies.append(min(times))
        unstable += sum(r != results[0] for r in results[1:])
        result = results[0]
        scored.append((a, float(result.score)))
    latencies.sort()
    scorer_figures = figures(scored)
    baseline_figures = figures([(a, float(distinct_words(a))) for a in answers])
    return {
        "set": folder.name, "questions": len({a.question for a in answers}), "answers": len(answers),
        "scorer": scorer_figures,
        "baseline_distinct_words": {k: baseline_figures[k] for k in ("pairwise", "fluent_wrong_below_incomplete",
                                                                     "plain_strong_at_least_incomplete")},
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 3) if latencies else None,
        "regraded_differently": unstable,
    }
