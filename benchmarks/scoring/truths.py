"""How often a correct statement is told it states a misconception: the red flags' precision on blind text.

    python -m benchmarks.scoring.truths            # every part, aggregate
    python -m benchmarks.scoring.truths --show truths-a   # a study part: each flagged statement

``blind/truths-a`` and ``blind/truths-b`` each hold 360 correct statements (ten per question of the blind
set), written in the fifteenth session by two writers who never saw a rubric, briefed with the prompts and
a mix to write: three that name a wrong belief or approach and reject it, two stated with a negation, two
terse notes and three plain explanations with a reason.  Each is graded alone, as an answer to its
question; any misconception flag it raises is a false alarm, which tells a candidate that a correct
sentence is a mistake.  ``truths-a`` is for study; ``truths-b`` is read in aggregate only.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

from benchmarks.scoring.blind import BLIND
from bot.bootstrap import load_bank, offline_scorer
from bot.scoring.guards import INJECTION_FLAG

PARTS = ("truths-a", "truths-b")


def statements(folder: Path) -> list[tuple[str, str]]:
    """(question id, statement) for every statement of one part."""
    out: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out.extend((data["question"], s["text"]) for s in data["statements"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", choices=["truths-a"], help="print each flagged statement of this study part")
    args = parser.parse_args()
    bank = load_bank()
    scorer = offline_scorer(bank)
    for part in PARTS:
        folder = BLIND / part
        if not folder.is_dir():
            continue
        items = statements(folder)
        flagged = 0
        for question, text in items:
            flags = [f for f in scorer.grade(bank.get(question), bank.rubric(question), text).red_flags
                     if f != INJECTION_FLAG]
            flagged += bool(flags)
            if flags and args.show == part:
                print(f"{question}: {flags} <- {text!r}")
        print(json.dumps({"part": part, "statements": len(items), "flagged": flagged,
                          "rate": round(flagged / len(items), 3) if items else None}))


if __name__ == "__main__":
    main()
