"""STAR eval: does the offline analysis see the parts of a story a human coach would see?

    python -m benchmarks.star [--set benchmarks/star/dev] [--verbose]

Reads one TOML file per story (``text`` plus human labels: ``situation``, ``task``, ``action``,
``result`` present or not, ``result_quantified``, ``majority`` "I"/"we"/"none",
``specific_event``) and prints one JSON line:

- component_accuracy: share of story x part labels the analysis gets right (present or not);
- quantified_f1: F1 for "the result is quantified" (quantified = at least one metric found);
- i_we_accuracy: share of stories labelled "I" or "we" whose first-person ratio lands on that side;
- specific_accuracy: share of stories whose one-event-or-habit call matches the label;
- p50/p99 ms for one analysis.
A held-out set in the same format can be passed with ``--set``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path
from statistics import median

from bot.scoring.star import analyse
from bot.scoring.star_models import COMPONENTS

DEV = Path(__file__).parent / "dev"
REPEATS = 5  # each story is timed several times; the first call also pays for regex compilation


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def evaluate(folder: Path, verbose: bool = False) -> dict[str, object]:
    paths = sorted(folder.glob("*.toml"))
    right = total = 0
    tp = fp = fn = 0
    iwe_right = iwe_total = 0
    specific_right = 0
    latencies: list[float] = []
    for path in paths:
        story = tomllib.loads(path.read_text(encoding="utf-8"))
        for _ in range(REPEATS):
            start = time.perf_counter()
            result = analyse(story["text"])
            latencies.append((time.perf_counter() - start) * 1000)
        misses = []
        for part in COMPONENTS:
            got = getattr(result.components, part).present
            total += 1
            right += got == story[part]
            if got != story[part]:
                misses.append(f"{part}={got}")
        quantified = bool(result.metrics)
        tp += quantified and story["result_quantified"]
        fp += quantified and not story["result_quantified"]
        fn += not quantified and story["result_quantified"]
        if quantified != story["result_quantified"]:
            misses.append(f"quantified={quantified} {result.metrics}")
        if story["majority"] in ("I", "we"):
            iwe_total += 1
            side = None if result.first_person_ratio is None else ("I" if result.first_person_ratio >= 0.5 else "we")
            iwe_right += side == story["majority"]
            if side != story["majority"]:
                misses.append(f"majority={side}")
        specific_right += result.specific_event == story["specific_event"]
        if result.specific_event != story["specific_event"]:
            misses.append(f"specific={result.specific_event}")
        if verbose and misses:
            print(f"{path.name}: {', '.join(misses)}", file=sys.stderr)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "benchmark": "star",
        "set": folder.name,
        "stories": len(paths),
        "component_accuracy": round(right / total, 3) if total else None,
        "quantified_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "i_we_accuracy": round(iwe_right / iwe_total, 3) if iwe_total else None,
        "specific_accuracy": round(specific_right / len(paths), 3) if paths else None,
        "p50_ms": round(median(latencies), 2) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99), 2) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.star")
    parser.add_argument("--set", type=Path, default=DEV, help="folder of labelled stories")
    parser.add_argument("--verbose", action="store_true", help="list each story's misses on stderr")
    args = parser.parse_args()
    print(json.dumps(evaluate(args.set, args.verbose)))


if __name__ == "__main__":
    main()
