"""Decoding what a run sends back: the worst frames a submission can write, at the largest size allowed.

    python -m benchmarks.sandbox_decode [--repeat 7]

A submission controls every byte of the result channel (it can write forged frames to the
pipe itself), so decoding must cost time in proportion to the bytes, whatever they are.  Each
frame below is one line of exactly the largest size the bot reads (``MAX_FRAME_BYTES``), built
to be as expensive as possible for one part of the decoder: integers that all share one hash
(the attack that once took minutes), long integers, floats, many tiny nodes, sets whose items
share long prefixes (costly to sort), text full of escapes, and JSON that is valid but not a
frame.  For each it measures ``parse_frame`` (parse, validate, decode: median and best of
``--repeat`` runs, since a busy machine shows in the median) and ``grade`` (compare with the
expected value and render the first failing example), and finally a whole result channel
(``Limits.result_bytes``) filled with the costliest frame that is accepted, frame by frame as
the runner reads it.

Target: the worst frame decodes in at most 50 ms.  Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

from bot.engine.models import CodeCase, CodingTask
from bot.sandbox.harness import MAX_FRAME_BYTES, MAX_NODES
from bot.sandbox.limits import Limits
from bot.sandbox.outcome import RunOutcome, parse_frame
from bot.sandbox.results import grade
from bot.sandbox.values import BadFrame

SAME_HASH = 2**61 - 1  # every multiple of it hashes to 0
TARGET_MS = 50.0
TASK = CodingTask(function="f", signature="def f():", statement="Return the set the benchmark expects.",
                  examples=[CodeCase(call="f()", expected="{1, 2}")], hidden=[CodeCase(call="f()", expected="{1, 2}")])


def frame(value: dict, output: str = "") -> bytes:
    """One case frame as the harness writes it, padded with output to exactly MAX_FRAME_BYTES."""
    base = {"kind": "case", "index": 0, "ok": True, "value": value, "output": output}
    line = json.dumps(base, separators=(",", ":")).encode()
    room = MAX_FRAME_BYTES - len(line)
    if room < 0:
        raise ValueError(f"a benchmark frame is {-room} bytes over the limit")
    return json.dumps({**base, "output": output + "x" * room}, separators=(",", ":")).encode()


def filled(kind: str, node: Callable[[int], Any], per_node: int, nodes: int = MAX_NODES - 1) -> bytes:
    """A container of as many nodes as fit in one frame (and within the node limit)."""
    count = min(nodes, MAX_FRAME_BYTES // per_node)
    while True:
        try:
            return frame({"t": kind, "v": [node(i) for i in range(count)]})
        except ValueError:
            count -= 1


PREFIX = [{"t": "int", "v": "7"}] * 150


def cases() -> dict[str, bytes]:
    same_hash = [{"t": "int", "v": str(SAME_HASH * (i + 1))} for i in range(MAX_NODES)]
    return {
        "same_hash_int_set": filled("set", same_hash.__getitem__, 40),
        "same_hash_dict_keys": filled("dict", lambda i: [same_hash[i], {"t": "none"}], 52, (MAX_NODES - 1) // 2),
        "longest_ints": filled("list", lambda i: {"t": "int", "v": "9" * 4000}, 4020),
        "floats": filled("list", lambda i: {"t": "float", "v": "1.7976931348623157e+308"}, 46),
        "tiny_nodes": filled("list", lambda i: {"t": "none"}, 13),
        # tuples sharing a long prefix, in reverse order: each comparison in the sort walks the prefix
        "prefix_sorted_set": filled("set", lambda i: {"t": "tuple", "v": [*PREFIX, {"t": "int", "v": str(-i)}]},
                                    3700, (MAX_NODES - 1) // (len(PREFIX) + 2)),
        "escaped_text": frame({"t": "str", "v": "\x00" * 20_000}, output="\x01" * ((MAX_FRAME_BYTES - 130_000) // 6)),
        "not_a_frame": b"[" + b",".join([b"[]"] * ((MAX_FRAME_BYTES - 2) // 3)) + b"]",
    }


def decode(data: bytes) -> tuple[RunOutcome, str | None]:
    """One frame read as the runner reads the case in flight: parsed, validated, decoded."""
    outcome = RunOutcome(sandbox="bwrap", finished=True)
    try:
        found = parse_frame(data, 2)
    except BadFrame as exc:
        return outcome, str(exc)
    if found.step is not None:
        outcome.cases[0] = found.step
    return outcome, None


def measure(data: bytes, repeat: int) -> dict[str, float | str | None]:
    decode_ms, grade_ms = [], []
    rejected: str | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        outcome, rejected = decode(data)
        decode_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        check = grade("benchmark", TASK, outcome, Limits())
        grade_ms.append((time.perf_counter() - started) * 1000)
    if check.passed:
        raise SystemExit("a benchmark frame passed the example")
    return {"bytes": len(data), "decode_ms": round(statistics.median(decode_ms), 2), "best_ms": round(min(decode_ms), 2),
            "grade_ms": round(statistics.median(grade_ms), 2), "rejected": rejected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    frames = cases()
    results = {name: measure(data, args.repeat) for name, data in frames.items()}
    worst = max(results, key=lambda name: float(results[name]["decode_ms"] or 0))
    heaviest = max((n for n in results if not results[n]["rejected"]), key=lambda n: float(results[n]["decode_ms"] or 0))
    channel = Limits().result_bytes
    count = channel // (MAX_FRAME_BYTES + 1)
    full = (frames[heaviest] + b"\n") * count
    started = time.perf_counter()
    for line in full.split(b"\n")[:-1]:
        decode(line)
    full_ms = (time.perf_counter() - started) * 1000
    worst_ms = float(results[worst]["decode_ms"] or 0)
    print(json.dumps({
        "benchmark": "sandbox_decode", "frame_bytes": MAX_FRAME_BYTES, "cases": results, "worst": worst,
        "worst_decode_ms": worst_ms, "worst_grade_ms": max(float(r["grade_ms"] or 0) for r in results.values()),
        "target_ms": TARGET_MS, "within_target": worst_ms <= TARGET_MS,
        "full_channel": {"frame": heaviest, "bytes": len(full), "frames": count, "decode_ms": round(full_ms, 1)},
        "python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }))


if __name__ == "__main__":
    main()
