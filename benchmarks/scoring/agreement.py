"""How far a second careful reader agrees with the writers: the ceiling the scorer's figures sit under.

    python -m benchmarks.scoring.agreement [--part dev3]

A relabeller who saw neither the rubrics, the writers' grades nor the kinds, only each question's
prompt and its answers in shuffled order (stuffing and injection left out), graded every answer
0-3 and gave it a 0-100 score that orders the answers within a question.  ``blind/relabel/<part>.tsv``
holds those grades (``question``, ``answer``: the answer's position in the part's file, counted
from 0, ``grade``, ``score``).  This report scores the relabeller's scores with the same figures
as the scorer (:func:`benchmarks.scoring.blind.figures`), against the writers' grades, so both can
be read side by side: where the scorer falls short of the relabeller the gap is the scorer's;
where the relabeller also falls short, the target asks more than two careful readers agree on.
"""

from __future__ import annotations

import argparse
import csv
import json
import tomllib

from benchmarks.scoring.blind import BLIND, KINDS, Answer, figures

RELABEL = BLIND / "relabel"


def relabelled(part: str) -> list[tuple[Answer, int, float]]:
    """Each relabelled answer of ``part`` with the relabeller's grade and score."""
    answers: dict[tuple[str, int], Answer] = {}
    for path in sorted((BLIND / part).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for index, a in enumerate(data.get("answers", [])):
            assert a["kind"] in KINDS, f"{path.name}: unknown kind {a['kind']!r}"
            answers[(data["question"], index)] = Answer(data["question"], a["kind"], a.get("grade"), a["text"])
    out = []
    with (RELABEL / f"{part}.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            out.append((answers[(row["question"], int(row["answer"]))], int(row["grade"]), float(row["score"])))
    return out


def report(part: str) -> dict[str, object]:
    rows = relabelled(part)
    graded = [(a, g) for a, g, _ in rows if a.grade is not None]
    return {"set": part, "relabelled": len(rows), "questions": len({a.question for a, _, _ in rows}),
            "relabeller_scores": figures([(a, s) for a, _, s in rows]),
            "same_grade_as_writer": f"{sum(a.grade == g for a, g in graded)}/{len(graded)}"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", default="dev3")
    print(json.dumps(report(parser.parse_args().part)))
