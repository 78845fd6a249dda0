"""How long the command line takes to answer, next to a bare Python start in the same run.

    python -m benchmarks.startup [--runs 15]

Runs each command ``--runs`` times, interleaved so a busy neighbour slows them all alike, and
prints one JSON line per command: the median and the fastest wall time, and the median of
``python -c pass`` measured in the same rounds.  Targets (issue 16): ``--help``, ``questions`` and
``score --scorer offline`` at most 300 ms median; ``check-code`` at most 400 ms there, and at
most 300 ms for the whole command since issue 13.  The first round is not counted: it builds the
validated content cache that every later start reads (and ``score``'s prepared rubric for its
question, see :mod:`bot.content.prepared`), and writes the bytecode caches
(``__pycache__``) that an installed copy has from the start (pip compiles them at install).
``PYTHONDONTWRITEBYTECODE`` is therefore dropped from the commands' environment (with it set and
no ``bot/__pycache__``, every start compiles MockLoop's modules again: about 25-60 ms more, which
is not what a user's start costs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOLUTION = "def flatten(d, parent_key='', sep='.'):\n    return {}\n"
TARGETS_MS = {"--help": 300, "questions": 300, "score": 300, "check-code": 300}


def _commands(code_file: Path) -> dict[str, list[str]]:
    me = [sys.executable, "-m", "bot"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "--help": [*me, "--help"],
        "questions": [*me, "questions", "--json"],
        "score": [*me, "score", "--question", "core.gil", "--answer",
                  "The GIL lets one thread run Python bytecode at a time, so threads help with I/O but not CPU work."],
        "check-code": [*me, "check-code", "--question", "coding.flatten-dict", "--file", str(code_file)],
    }


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        code_file = Path(tmp) / "solution.py"
        code_file.write_text(SOLUTION)
        env = {**os.environ, "MOCKLOOP_CACHE_DIR": str(Path(tmp) / "cache"), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/db.sqlite"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = _commands(code_file)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.runs + 1):
            for name, command in commands.items():
                took = _time(command, env)
                if round_:
                    times[name].append(took)
    base = statistics.median(times["python -c pass"])
    load = os.getloadavg()[0]
    for name, values in times.items():
        row = {"command": name, "median_ms": round(statistics.median(values)), "fastest_ms": round(min(values)),
               "python_pass_median_ms": round(base), "target_ms": TARGETS_MS.get(name), "load_average": round(load, 2)}
        print(json.dumps(row))


if __name__ == "__main__":
    main()
