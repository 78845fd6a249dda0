"""What came back from one run, read from the result channel and the process's exit.

Everything here was produced by (or under the control of) the candidate's process, so it is
parsed defensively and in time proportional to its bytes: a line longer than the harness ever
writes is refused unread, and every field must have exactly the type the harness gives it.
Frames carry no time or memory figures at all: a forged ``"ms": 1e999`` once crashed grading,
and a figure the candidate's process reports is one it can choose, so the bot measures both
itself (``StepRun.ms``, ``StepRun.peak_kb``, ``RunOutcome.max_rss_kb``).  A frame that breaks
any rule, or arrives out of turn, ends the parse and the whole run counts as failed, since only
tampering with the channel produces one; a cut-off last line (a run killed mid-write) is just
ignored.
Nothing here decides pass or fail; that is :mod:`bot.sandbox.results`, against the expected
values that never left the bot.
"""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.harness import MAX_FRAME_BYTES, encoded_bytes
from bot.sandbox.upstream import Served
from bot.sandbox.values import BadFrame, Value, decode

MAX_OUTPUT_CHARS = 16_000  # twice the harness's default per step; the bot shows 2,000 at most
_STEP_FIELDS = ("kind", "ok", "output")


@dataclass
class StepRun:
    """One step inside the sandbox: loading the module, or one case."""

    ok: bool
    value: Value | None = None
    error_type: str = ""
    message: str = ""
    traceback: str = ""
    output: str = ""
    ms: float = 0.0  # wall-clock time from the bot sending the case to its frame arriving, measured by the bot
    peak_kb: int | None = None  # how far the process's peak resident size rose during the case (None: not measured)
    served: Served | None = None  # what the bot's own upstream saw, for a case whose sources it serves
    judged: tuple[bool, str] | None = None  # (equals the expected value, how it is shown), once judged on arrival
    oversized: int = 0  # the returned value's size in bytes when it was too large to equal the expected one (not decoded)
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
    bad_frame: str | None = None  # why the result channel was rejected; then no case counts
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    wall_ms: float = 0.0
    max_rss_kb: int = 0  # the run's peak resident memory, read from the kernel by the bot
    hidden_from: int | None = None  # index of the first hidden case: output from then on is never shown

    @property
    def step_ms(self) -> float:
        """Time the candidate's code ran (module load plus cases), as measured by the bot."""
        steps = [self.load, *self.cases.values()]
        return sum(s.ms for s in steps if s is not None)


def _no_constant(name: str) -> Any:
    raise BadFrame(f"{name} in a frame")  # the harness writes JSON with allow_nan=False


_JSON = json.JSONDecoder(parse_constant=_no_constant)
def _fields(frame: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    missing = [name for name in required if name not in frame]
    if missing:
        raise BadFrame(f"a {frame['kind']} frame without {missing[0]!r}")
    if len(frame) > len(required) + sum(name in frame for name in optional):
        raise BadFrame(f"a {frame['kind']} frame with a field the harness never writes")


def _step(frame: dict[str, Any], value_bytes: int | None = None) -> StepRun:
    ok = frame.get("ok")
    if type(ok) is not bool:
        raise BadFrame("a step whose 'ok' is not true or false")
    extra = ("index",) if frame["kind"] == "case" else ()
    _fields(frame, (*_STEP_FIELDS, *extra, "value" if ok else "error"), () if ok else ("timeout",))
    output, timeout = frame["output"], frame.get("timeout", False)
    if type(output) is not str or type(timeout) is not bool:
        raise BadFrame("a step's output is not text, or its timeout not true or false")
    step = StepRun(ok=ok, output=output[:MAX_OUTPUT_CHARS], timeout=timeout)
    if ok:
        try:
            size = encoded_bytes(frame["value"]) if value_bytes is not None else 0
        except RecursionError as exc:  # nested past what the harness ever writes
            raise BadFrame("a value nested too deeply") from exc
        if value_bytes is not None and size > value_bytes:
            step.oversized = size  # it cannot equal the expected value, so it is never decoded: a forged frame's CPU saved
            return step
        step.value = decode(frame["value"])
        return step
    error = frame["error"]
    if (type(error) is not dict or len(error) != 3
            or any(type(error.get(name)) is not str for name in ("type", "message", "traceback"))):
        raise BadFrame("a failed step's error is not a type, a message and a traceback")
    step.error_type = error["type"][:100] or "Error"
    step.message = error["message"][:500]
    step.traceback = error["traceback"][:4000]
    return step


@dataclass(frozen=True)
class Frame:
    """One parsed frame: its kind, the case it reports (for ``case``), and the step (``load``, ``case``)."""

    kind: str
    index: int | None = None
    step: StepRun | None = None


def parse_frame(line: bytes, cases: int, value_bytes: int | None = None) -> Frame:
    """One line of the result channel as a :class:`Frame`; :class:`BadFrame` for anything the harness never writes.

    Time grows with ``len(line)`` only; the runner calls this off the event loop for long lines.  A returned
    value larger than ``value_bytes`` once encoded is left undecoded (``StepRun.oversized``).
    """
    if len(line) > MAX_FRAME_BYTES:
        raise BadFrame(f"a frame longer than {MAX_FRAME_BYTES:,} bytes")
    try:
        frame = _JSON.decode(line.decode("ascii"))  # the harness writes ASCII only
    except BadFrame:
        raise
    except (ValueError, RecursionError) as exc:  # not JSON, not ASCII, nested too deeply for the parser
        raise BadFrame("a frame that is not valid JSON") from exc
    if type(frame) is not dict or frame.get("kind") not in ("hello", "load", "case", "done"):
        raise BadFrame("a frame that is not one of hello, load, case or done")
    kind = frame["kind"]
    if kind in ("hello", "done"):
        _fields(frame, ("kind",))
        return Frame(kind)
    step = _step(frame, value_bytes if kind == "case" else None)
    if kind == "load":
        return Frame(kind, None, step)
    index = frame["index"]
    if type(index) is not int or not 0 <= index < cases:  # type(): True is an int to isinstance
        raise BadFrame(f"a frame's 'index' is not a whole number from 0 to {cases - 1:,}")
    return Frame(kind, index, step)


def expect(outcome: RunOutcome, frame: Frame, wanted: str, index: int | None = None) -> None:
    """Record ``frame`` if it is the one the protocol expects now; :class:`BadFrame` if it is out of turn."""
    if frame.kind != wanted or (index is not None and frame.index != index):
        shown = f"{frame.kind} {frame.index + 1}" if frame.index is not None else frame.kind
        raise BadFrame(f"a {shown} frame out of turn")
    if frame.kind == "hello":
        outcome.started = True
    elif frame.kind == "done":
        outcome.finished = True
    elif frame.kind == "load":
        outcome.load = frame.step
    elif frame.step is not None and index is not None:
        outcome.cases[index] = frame.step


def reject(outcome: RunOutcome, reason: str) -> None:
    """A tampered channel: nothing the run reported counts."""
    outcome.bad_frame = reason
    outcome.cases.clear()


def read_frames(outcome: RunOutcome, data: bytes, cases: int) -> None:
    """Fill ``outcome`` from a whole channel's bytes, in protocol order (a cut-off last line is ignored).

    The runner reads frames one at a time as they arrive; this is the same rule for bytes at rest.
    """
    order = ["hello", "load", *(["case"] * cases), "done"]
    index = 0
    for position, line in enumerate(data.split(b"\n")[:-1]):
        try:
            if position >= len(order):
                raise BadFrame("a frame after the run's end")
            wanted = order[position]
            frame = parse_frame(line, cases)
            expect(outcome, frame, wanted, index if wanted == "case" else None)
            if wanted == "case":
                index += 1
            elif wanted == "load" and frame.step is not None and not frame.step.ok:
                order = ["hello", "load", "done"]  # a module that did not load runs no case
        except BadFrame as exc:
            reject(outcome, str(exc))
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
        return (f"The run wrote something that is not a valid result ({outcome.bad_frame}), so no case counts "
                "as passed.")
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
