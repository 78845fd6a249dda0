"""Runs INSIDE the sandbox: loads the candidate's module, then runs each case the bot sends it.

This file is copied into the sandbox as data and run by a bare interpreter (``-I -S``), so
it imports nothing from ``bot`` and only the standard library.  Everything in this process is
within the candidate's reach (their code runs here and can patch any module, walk any frame,
write to any descriptor), so nothing that decides a verdict happens here:

* it never sees an expected value: it reports what each call *returned*, as plain data, and
  the bot compares that with the expected literal outside;
* it never measures anything the verdict depends on: the bot times each case and reads the
  process's memory from the kernel, outside;
* it never holds a case before that case runs: the bot sends one case at a time on stdin,
  after the previous one reported, so while the module loads (and during the visible
  examples) no hidden input exists in this process for the candidate's code to find.

Protocol: one JSON line on stdin (the source and the limits), then one JSON line per case,
each sent after the previous frame arrived; end of input means there are no more cases.
Newline-delimited JSON frames go to the file descriptor the job names (never stdout, which
belongs to the candidate): ``hello`` (limits applied), ``load`` (module executed or not), one
``case`` per case, ``done``.  Two more pipes carry the requests of ``served_fetch_one`` to the
bot and its answers back (``Upstream``).  Returned values travel as a tagged, bounded, repr-free encoding
(see ``encode``), and no frame is longer than ``MAX_FRAME_BYTES``: the bot refuses a longer
one, and the whole run with it.
"""

from __future__ import annotations

import builtins
import collections
import io
import json
import linecache
import os
import resource
import signal
import sys
import traceback
import types
from typing import Any

MAX_NODES = 10_000  # values bigger than this are reported as too big rather than sent
MAX_DEPTH = 60
MAX_TEXT = 20_000  # characters (or bytes) kept of any one string
MAX_INT_DIGITS = 4_000
# The bot refuses a longer frame unread, so its decoding time stays bounded (bot/sandbox/values.py);
# a value is kept to half of that, which leaves room for the output and an error's text.
MAX_FRAME_BYTES = 256 * 1024
MAX_VALUE_BYTES = 128 * 1024
SOLUTION = "solution.py"

_dumps = json.JSONEncoder(ensure_ascii=True, allow_nan=False).encode  # bound now: later patches cannot reach it
_write = os.write
_read = os.read
_BaseException = BaseException


def encoded_bytes(node: Any) -> int:
    """How many bytes a tagged value takes in a frame: the one measure the harness and the bot's judge share."""
    return len(_dumps(node))


class CaseTimeout(BaseException):
    """Raised by the per-case alarm; the wall clock outside is the real guarantee.

    A BaseException, so the usual ``except Exception`` in candidate code does not swallow it.
    """


class TooBig(Exception):
    """The value exceeds the encoding's size or depth bounds."""


# Standard-library subclasses an honest answer returns (a Counter of status codes): read through
# their base type's storage like the exact types.  Captured before any candidate code exists, so
# identity, not a name the candidate could copy, decides; and their methods are never called.
_STORAGE_OF = {collections.Counter: dict, collections.OrderedDict: dict, collections.defaultdict: dict}
_EXACT = (type(None), bool, int, float, str, bytes, bytearray, list, tuple, set, frozenset, dict)


def encode(value: Any) -> dict[str, Any]:
    """A JSON-safe, bounded, tagged picture of ``value`` built from plain data only.

    Only the built-in types themselves (and the few standard subclasses above) are sent as
    data, read through the base type's own C methods; a subclass of ``dict`` or ``str`` the
    candidate wrote, with an ``__eq__`` that always says yes, is sent as ``other`` with its
    name and never equals anything.  Any other object becomes its type name only.
    """
    budget = [MAX_NODES, MAX_VALUE_BYTES]  # nodes, and a lower bound on the JSON's size
    try:
        encoded = _encode(value, budget, 0)
        if encoded_bytes(encoded) > MAX_VALUE_BYTES:  # escapes can make the text several times longer
            raise TooBig
        return encoded
    except (TooBig, RecursionError, MemoryError, ValueError):
        return {"t": "too_big"}


def _spend(budget: list[int], size: int) -> None:
    budget[1] -= size
    if budget[1] < 0:  # stop early: building a huge picture only to refuse it would waste the run's time
        raise TooBig


def _encode(value: Any, budget: list[int], depth: int) -> dict[str, Any]:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise TooBig
    _spend(budget, 12)  # the smallest node, {"t":"none"}
    kind = type(value)  # type(), not isinstance() or __class__: neither can be faked by the value
    if kind not in _EXACT and kind not in _STORAGE_OF:
        name = type.__getattribute__(kind, "__name__")
        return {"t": "other", "type": name[:80] if type(name) is str else "?"}
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value is True}
    if kind is int:
        if abs(value).bit_length() > MAX_INT_DIGITS * 3:
            raise TooBig
        digits = int.__repr__(value)
        _spend(budget, len(digits))
        return {"t": "int", "v": digits}
    if kind is float:
        return {"t": "float", "v": float.__repr__(value)}
    if kind is str:
        if len(value) > MAX_TEXT:
            raise TooBig
        _spend(budget, len(value))
        return {"t": "str", "v": value}
    if kind in (bytes, bytearray):
        raw = bytes(memoryview(value))
        if len(raw) > MAX_TEXT:
            raise TooBig
        _spend(budget, 2 * len(raw))
        return {"t": "bytes", "v": raw.hex()}
    if kind is dict or kind in _STORAGE_OF:
        pairs = [[_encode(k, budget, depth + 1), _encode(v, budget, depth + 1)] for k, v in dict.items(value)]
        return {"t": "dict", "v": pairs}
    items = list(kind.__iter__(value))  # an exact list, tuple, set or frozenset: its own C iterator
    return {"t": kind.__name__, "v": [_encode(item, budget, depth + 1) for item in items]}


class Capture(io.TextIOBase):
    """Stands in for sys.stdout/sys.stderr: keeps the first ``limit`` characters, counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
        self.size += len(text)
        return len(text)

    def writable(self) -> bool:
        return True

    def take(self) -> str:
        kept = "".join(self.parts)
        if self.size > self.limit:
            kept += f"\n[... {self.size - self.limit} more characters not kept]"
        self.parts, self.size = [], 0
        return kept


def describe(exc: BaseException) -> dict[str, str]:
    """The exception's type, message and the candidate's frames of its traceback (not ours)."""
    try:
        message = str(exc)[:500]
    except _BaseException:
        message = "(the exception's message could not be shown)"
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename == SOLUTION or f.filename.startswith("<case")]
        text = "".join(traceback.format_list(frames[-6:]))
        text += "".join(traceback.format_exception_only(type(exc), exc))
    except _BaseException:
        text = f"{type(exc).__name__}: {message}\n"
    return {"type": type(exc).__name__[:100], "message": message, "traceback": text[-3000:]}


def apply_limits(limits: dict[str, int]) -> None:
    """Lower this process's limits before any candidate code exists; children inherit them."""
    pairs = {
        resource.RLIMIT_CPU: (limits["cpu_seconds"], limits["cpu_seconds"] + 1),  # SIGXCPU, then SIGKILL
        resource.RLIMIT_AS: (limits["memory_bytes"],) * 2,
        resource.RLIMIT_FSIZE: (limits["file_bytes"],) * 2,
        resource.RLIMIT_NOFILE: (limits["open_files"],) * 2,
        resource.RLIMIT_NPROC: (limits["processes"],) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, pair in pairs.items():
        resource.setrlimit(which, pair)


class Channel:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, frame: dict[str, Any]) -> None:
        text = _dumps(frame)
        if len(text) > MAX_FRAME_BYTES:  # the value and an error are bounded; only a large output_chars gets here
            frame["output"] = "[the output was too long to send back]"
            text = _dumps(frame)
        data = (text + "\n").encode("ascii")
        while data:
            data = data[_write(self.fd, data):]


class Lines:
    """Reads the job from stdin one line at a time, as the bot sends it (never ahead of it)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def next(self) -> Any:
        """The next JSON line, or None at the end of input."""
        while b"\n" not in self.buffer:
            chunk = _read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)


class Upstream:
    """``fetch_one`` for cases whose sources the bot serves: each call is a request the bot answers.

    The bot, outside, waits each source's delay on its own clock and counts how many requests
    are open at once, so a case can check a concurrency limit with something the candidate does
    not own.  Nothing here needs to be trusted: a request that is never sent, or cancelled early,
    is simply not answered, and the case checks which sources were answered.  The delay passed in
    is ignored for that reason.  ``asyncio`` is imported only when a case uses this.
    """

    def __init__(self, request_fd: int, reply_fd: int) -> None:
        self.request_fd, self.reply_fd = request_fd, reply_fd
        self.waiting: dict[int, Any] = {}
        self.count = 0
        self.loop: Any = None
        self.buffer = b""

    async def fetch(self, name: str, delay: float = 0.0) -> str:
        import asyncio

        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # each asyncio.run() has a loop of its own
            os.set_blocking(self.reply_fd, False)
            loop.add_reader(self.reply_fd, self._readable)
            self.loop = loop
        self.count += 1
        ident, future = self.count, loop.create_future()
        self.waiting[ident] = future
        self._send({"id": ident, "name": str(name)})
        try:
            answer = await future
        except asyncio.CancelledError:
            self._send({"id": ident, "cancel": True})
            raise
        finally:
            self.waiting.pop(ident, None)
        if answer != "ok":
            raise ConnectionError(f"{name} is unreachable")
        return f"payload:{name}"

    def _send(self, request: dict[str, Any]) -> None:
        _write(self.request_fd, (_dumps(request) + "\n").encode("ascii"))

    def _readable(self) -> None:
        try:
            self.buffer += _read(self.reply_fd, 65536)
        except BlockingIOError:
            return
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            reply = json.loads(line)
            future = self.waiting.get(reply["id"])
            if future is not None and not future.done():
                future.set_result(reply["answer"])


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout


def run_phase(channel: Channel, capture: Capture, seconds: float, frame: dict[str, Any], action: Any) -> bool:
    """Run one step under the per-case alarm with output captured; send its frame."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = capture
    ok = False
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        value = action()
        signal.setitimer(signal.ITIMER_REAL, 0)
        frame.update(ok=True, value=encode(value))
        ok = True
    except CaseTimeout:
        frame.update(ok=False, error={"type": "TimeoutError", "message": f"took longer than {seconds:g} s",
                                      "traceback": ""}, timeout=True)
    except _BaseException as exc:  # SystemExit and KeyboardInterrupt included: they end this case, not the run
        signal.setitimer(signal.ITIMER_REAL, 0)
        frame.update(ok=False, error=describe(exc))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr = stdout, stderr
    frame["output"] = capture.take()
    channel.send(frame)
    return ok


def main() -> None:
    lines = Lines(0)
    job = lines.next()
    apply_limits(job["limits"])
    channel = Channel(job["result_fd"])
    os.set_inheritable(channel.fd, False)  # a shell the candidate spawns does not get it
    signal.signal(signal.SIGALRM, _alarm)
    channel.send({"kind": "hello"})
    capture = Capture(job["output_chars"])
    seconds = float(job["case_seconds"])

    source = job["source"]
    upstream = Upstream(*job["upstream_fds"])
    module = types.ModuleType("solution")
    module.__file__ = SOLUTION
    module.__dict__["__builtins__"] = builtins
    sys.modules["solution"] = module
    linecache.cache[SOLUTION] = (len(source), None, source.splitlines(True), SOLUTION)

    def load() -> None:
        exec(compile(source, SOLUTION, "exec", dont_inherit=True), module.__dict__)

    if not run_phase(channel, capture, seconds, {"kind": "load"}, load):
        channel.send({"kind": "done"})
        return
    loaded = dict(module.__dict__)
    index = 0
    while (case := lines.next()) is not None:
        name = f"<case {index + 1}>"

        def step(case: dict[str, str] = case, name: str = name) -> Any:
            # every case starts from the module as loaded: what an earlier case's setup rebound
            # (fetch_one = served_fetch_one) must not change what a later case calls
            module.__dict__.clear()
            module.__dict__.update(loaded)
            module.__dict__["served_fetch_one"] = upstream.fetch  # for cases whose sources the bot serves
            if case["setup"]:
                exec(compile(case["setup"], name, "exec", dont_inherit=True), module.__dict__)
            return eval(compile(case["call"], name, "eval", dont_inherit=True), module.__dict__)

        run_phase(channel, capture, seconds, {"kind": "case", "index": index}, step)
        index += 1
    channel.send({"kind": "done"})


if __name__ == "__main__":
    main()
