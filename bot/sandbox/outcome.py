"""What came back from one run, read from the result channel and the process's exit.

Everything here was produced by (or under the control of) the candidate's process, so it is
parsed defensively: a frame that is not valid JSON of the expected shape ends the parse and
every case without a valid frame counts as failed.  Nothing here decides pass or fail; that is
:mod:`bot.sandbox.results`, against the expected values that never left the bot.
"""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.values import BadFrame, decode


@dataclass
class StepRun:
    """One step inside the sandbox: loading the module, or one case."""

    ok: bool
    value: Any = None
    error_type: str = ""
    message: str = ""
    traceback: str = ""
    output: str = ""
    ms: float = 0.0
    timeout: bool = False


@dataclass
class RunOutcome:
    """The raw result of one run: per-step results plus how the process ended."""

    sandbox: str  # "bwrap", or "none" when execution was refused
    refused: str | None = None  # why nothing ran
    started: bool = False  # the harness reported its limits were in place
    load: StepRun | None = None
    cases: dict[int, StepRun] = field(default_factory=dict)
    finished: bool = False  # the harness reached its end
    timed_out: bool = False
    overflowed: bool = False  # the result channel was flooded
    bad_frame: bool = False
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    wall_ms: float = 0.0
    max_rss_kb: int = 0

    @property
    def step_ms(self) -> float:
        """Time the candidate's code ran (module load plus cases), as measured inside."""
        steps = [self.load, *self.cases.values()]
        return sum(s.ms for s in steps if s is not None)


def _step(frame: dict[str, Any]) -> StepRun:
    ms = frame.get("ms")
    output = frame.get("output")
    step = StepRun(ok=frame.get("ok") is True, ms=float(ms) if isinstance(ms, int | float) else 0.0,
                   output=output if isinstance(output, str) else "", timeout=frame.get("timeout") is True)
    if step.ok:
        step.value = decode(frame.get("value"))
    else:
        error = frame.get("error")
        if not isinstance(error, dict):
            raise BadFrame("a failed step without an error")
        step.error_type = str(error.get("type", "Error"))[:100]
        step.message = str(error.get("message", ""))[:500]
        step.traceback = str(error.get("traceback", ""))[:4000]
    return step


def read_frames(outcome: RunOutcome, data: bytes, cases: int) -> None:
    """Fill ``outcome`` from the result channel's bytes (a cut-off last line is ignored)."""
    lines = data.split(b"\n")
    for line in lines[:-1]:  # the part after the last newline is an incomplete frame
        try:
            frame = json.loads(line)
            if not isinstance(frame, dict):
                raise BadFrame("a frame is not an object")
            rss = frame.get("rss_kb")
            if isinstance(rss, int) and 0 <= rss < 1 << 40:
                outcome.max_rss_kb = max(outcome.max_rss_kb, rss)
            kind = frame.get("kind")
            if kind == "hello":
                outcome.started = True
            elif kind == "load" and outcome.load is None:
                outcome.load = _step(frame)
            elif kind == "case":
                index = frame.get("index")
                if not isinstance(index, int) or not 0 <= index < cases:
                    raise BadFrame("a case index out of range")
                if index not in outcome.cases:  # the first report of a case is the one that counts
                    outcome.cases[index] = _step(frame)
            elif kind == "done":
                outcome.finished = True
            else:
                raise BadFrame("an unknown frame")
        except (ValueError, RecursionError):  # json errors and BadFrame are ValueErrors
            outcome.bad_frame = True
            return


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def stop_reason(outcome: RunOutcome, wall_seconds: float, cpu_seconds: int) -> str | None:
    """One sentence on why the run ended before every case reported, or None when it did not."""
    if outcome.timed_out:
        return (f"The run was stopped after {wall_seconds:g} s of wall-clock time: something in it loops, "
                "sleeps or waits forever.")
    if outcome.overflowed:
        return "The run flooded the result channel and was stopped."
    if outcome.bad_frame:
        return "The run wrote something that is not a valid result; the cases after it count as failed."
    if outcome.finished:
        return None
    code = outcome.exit_code
    if not outcome.started:
        detail = outcome.stderr.strip().splitlines()[:1]
        return "The sandbox failed to start" + (f": {detail[0][:300]}" if detail else ".")
    if code is not None and code > 128:
        number = code - 128
        if number == signal.SIGXCPU:
            return f"The run used up its {cpu_seconds} s of CPU time and was stopped."
        if number == signal.SIGSEGV:
            return "The process crashed with a segmentation fault (SIGSEGV)."
        if number == signal.SIGKILL:
            return f"The process was killed (SIGKILL), for example by the {cpu_seconds} s CPU-time limit."
        return f"The process was killed by {_signal_name(number)}."
    return (f"The program exited (status {code}) before every case had run; exiting early "
            "(sys.exit, os._exit) ends the run and earns nothing.")
