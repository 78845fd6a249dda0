"""The hostile corpus, part two: submissions that go after the verdict or the hidden inputs.

Each submission below was first run against the old harness, where it earned a false pass or
showed hidden inputs (the issue describes each); here every one must fail closed: no false pass,
no hidden input in anything the candidate sees, no crash, and an answer in bounded time.  They
run against the real question bank, whose cases no longer compare or measure inside the sandbox.
"""

from __future__ import annotations

import asyncio
import shutil
import time

import pytest

from bot.bootstrap import load_bank
from bot.content.bank import QuestionBank
from bot.engine.models import CodeCase, CodeCheck, CodingTask
from bot.sandbox.limits import Limits
from bot.sandbox.runner import SandboxRunner
from tests.hostile import TAKE_CHANNEL

HIDDEN_MARK = "hidden-input-5c9e"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


async def check(question: str | CodingTask, source: str, bank: QuestionBank | None = None,
                limits: Limits | None = None) -> CodeCheck:
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: apt-get install bubblewrap")
    limits = limits or Limits()
    runner = SandboxRunner(limits)
    if (await runner.probe()).sandbox != "bwrap":
        pytest.fail("the sandbox does not work here")
    task = question if isinstance(question, CodingTask) else bank.get(question).coding  # type: ignore[union-attr]
    assert task is not None
    started = time.perf_counter()
    result = await runner.check("coding.hostile" if isinstance(question, CodingTask) else question, task, source)
    assert time.perf_counter() - started < limits.wall_seconds + 3  # bounded, whatever the submission does
    return result


def failed_hidden(result: CodeCheck) -> list[str]:
    return [case.label for case in result.hidden if not case.passed]


# --- item 3: whatever decides the verdict is measured or compared out of the candidate's reach

WHOLE_FILE_READER = '''
import tracemalloc
tracemalloc.get_traced_memory = lambda: (0, 0)  # the old memory check asked the candidate's own interpreter

def count_errors(path, min_status=500):
    counts = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()  # the whole file in memory
    for line in lines:
        fields = line.split()
        if len(fields) >= 5 and fields[3].isdigit() and int(fields[3]) >= min_status:
            counts[int(fields[3])] = counts.get(int(fields[3]), 0) + 1
    return counts
'''


async def test_a_patched_tracemalloc_does_not_hide_a_whole_file_reader(bank) -> None:
    result = await check("coding.log-pipeline", WHOLE_FILE_READER, bank)
    assert failed_hidden(result) == ["memory stays flat on a 50,000-line file"]  # every value is right; memory is not
    assert result.passed == result.total - 1
    assert result.max_rss_kb > 15_000  # the run's real peak, read by the bot: well above an idle interpreter


IGNORES_THE_LIMIT = '''
import asyncio, itertools, time
time.perf_counter = lambda ticks=itertools.count(): next(ticks)  # every measured interval looked like 1 s

async def fetch_one(name, delay):
    if delay < 0:
        raise ConnectionError(name)
    await asyncio.sleep(delay)
    return f"payload:{name}"

async def fetch_all(delays, timeout=1.0, limit=10):  # no semaphore: the limit is ignored
    async def one(name, delay):
        try:
            return await asyncio.wait_for(fetch_one(name, delay), timeout)
        except (asyncio.TimeoutError, ConnectionError):
            return None
    values = await asyncio.gather(*(one(n, d) for n, d in delays.items()))
    return dict(zip(delays, values))
'''


SIMULATES_THE_LIMIT = '''
import asyncio, math

async def fetch_all(delays, timeout=1.0, limit=10):  # never calls fetch_one: sleeps as long as a limited run would
    waves = math.ceil(len(delays) / limit) if delays else 0
    await asyncio.sleep(waves * max([d for d in delays.values() if 0 <= d <= timeout] or [0]))
    return {name: (f"payload:{name}" if 0 <= delay <= timeout else None) for name, delay in delays.items()}
'''


@pytest.mark.parametrize("source", [IGNORES_THE_LIMIT, SIMULATES_THE_LIMIT], ids=["patched clock", "simulated timing"])
async def test_the_concurrency_limit_is_counted_by_the_bots_own_upstream(bank, source) -> None:
    result = await check("coding.async-fanout", source, bank)
    assert {"the limit really bounds concurrency", "twenty sources in waves of five",
            "waiting for a slot does not eat into the timeout"} <= set(failed_hidden(result))


SEQUENTIAL_FANOUT = '''
import asyncio, time
time.perf_counter = lambda: 0.0  # every elapsed time looked like zero

async def fetch_all(delays, timeout=1.0, limit=10):
    results = {}
    for name, delay in delays.items():
        if delay < 0 or delay > timeout:
            results[name] = None
            continue
        time.sleep(delay)  # blocking and one at a time
        results[name] = f"payload:{name}"
    return results
'''


async def test_a_patched_clock_does_not_make_sequential_code_fast(bank) -> None:
    result = await check("coding.async-fanout", SEQUENTIAL_FANOUT, bank)
    assert result.first_failure is not None and result.first_failure.label.startswith("six half-second")
    assert "but it took" in result.first_failure.got and "less than 1,500 ms" in result.first_failure.got


NO_BACKOFF = '''
import functools, itertools, time
time.perf_counter = lambda ticks=itertools.count(): next(ticks) / 10  # 0.1 s between any two readings

def retry(attempts=3, base_delay=0.1, exceptions=(Exception,)):
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    if attempt == attempts:
                        raise  # never sleeps between attempts
        return wrapper
    return decorate
'''


async def test_a_patched_clock_does_not_pass_the_retry_delays(bank) -> None:
    result = await check("coding.retry-decorator", NO_BACKOFF, bank)
    assert failed_hidden(result) == ["delays double after each failure", "no sleep after the final attempt"]


# A plausible bug the statement rules out: it also waits after the last failure, so the caller waits for nothing.
SLEEPS_AFTER_THE_LAST = '''
import functools, time

def retry(attempts=3, base_delay=0.1, exceptions=(Exception,)):
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            error = None
            for attempt in range(attempts):
                try:
                    return func(*args, **kwargs)
                except exceptions as exc:
                    error = exc
                    time.sleep(base_delay * 2 ** attempt)
            raise error
        return wrapper
    return decorate
'''


async def test_sleeping_after_the_final_attempt_fails_its_case(bank) -> None:
    result = await check("coding.retry-decorator", SLEEPS_AFTER_THE_LAST, bank)
    assert failed_hidden(result) == ["no sleep after the final attempt"]
    assert result.examples_passed == result.examples_total


AGREEABLE = '''
class Agreeable(dict):
    def __eq__(self, other):
        return True
    __hash__ = None

class AgreeableText(str):
    def __eq__(self, other):
        return True
    __hash__ = str.__hash__

def flatten(data, sep="."):
    return Agreeable({AgreeableText("k"): AgreeableText("v")})
'''


async def test_a_subclass_whose_eq_always_agrees_gains_nothing(bank) -> None:
    result = await check("coding.flatten-dict", AGREEABLE, bank)
    assert result.passed == 0 and result.first_failure is not None
    assert result.first_failure.got == "<Agreeable object>"


# --- item 4: hidden inputs never reach anything the candidate is shown

PRINTER = """
import os

def f(data=None):
    print("called with", data)  # captured per case: the old report showed the hidden cases' too
    os.write(1, f"raw: {data}\\n".encode())  # past the capture, straight to the process's stdout
    return "wrong"
"""

FRAME_WALKER = """
import re, sys
found = []
frame = sys._getframe()
while frame is not None:  # up from the module's import to the harness, and whatever it holds
    found.extend(repr(value) for value in frame.f_locals.values())
    frame = frame.f_back

def f(data=None):  # every quoted word found, short enough to be shown as the failing example's value
    return sorted(set(re.findall(r"'([a-z]+-[a-z0-9-]+)'", " ".join(found))))
"""


@pytest.mark.parametrize("source", [PRINTER, FRAME_WALKER], ids=["printing the argument", "walking the stack"])
async def test_hidden_inputs_are_never_shown(source) -> None:
    result = await check(spied_task(), source, limits=Limits(wall_seconds=5.0))
    assert HIDDEN_MARK not in result.model_dump_json() and result.passed == 0
    if source == PRINTER:
        assert "visible-input" in result.output  # what the visible example printed is still shown


def spied_task() -> CodingTask:
    return CodingTask(function="f", signature="def f(data):", statement="Return the answer for the data you get.",
                      examples=[CodeCase(call="f('visible-input')", expected="'fine'", label="the example")],
                      hidden=[CodeCase(setup=f"secret = '{HIDDEN_MARK}-1'", call="f(secret)", expected="'fine'"),
                              CodeCase(call=f"f('{HIDDEN_MARK}-2')", expected="'fine'", label="second")])


SPY = f'''
import atexit, gc, os, sys, threading, time
seen = []

def dump(where):
    text = where + ": " + " | ".join(seen)
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.write(text + "\\n")
            stream.flush()
        except Exception:
            pass
    os.write(1, text.encode() + b"\\n")

atexit.register(dump, "at exit")
threading.Thread(target=lambda: [time.sleep(0.02) or dump("thread") for _ in range(100)], daemon=True).start()

def walk():  # whatever the harness holds: every frame's locals and every string in memory
    frame = sys._getframe()
    while frame is not None:
        seen.append(repr(frame.f_locals)[:2000])
        frame = frame.f_back
    mark = "{HIDDEN_MARK[:7]}" + "{HIDDEN_MARK[7:]}"  # not spelled out here, or the source itself would match
    seen.extend(o for o in gc.get_objects() if isinstance(o, str) and mark in o)

walk()

def f(data=None):
    seen.append(repr(data))
    print("called with", data)
    walk()
    dump("in f")
    return "wrong"
'''


async def test_printing_walking_frames_and_scanning_memory_show_no_hidden_input() -> None:
    result = await check(spied_task(), SPY, limits=Limits(wall_seconds=5.0))
    shown = result.model_dump_json()
    assert "visible-input" in result.output  # what the visible example printed is shown...
    assert HIDDEN_MARK not in shown  # ...and nothing from a hidden case, however it was written or found
    assert [(case.label, case.passed) for case in result.hidden] == [("hidden case 1", False), ("second", False)]


STDIN_THIEF = '''
import os, threading
def steal():
    while True:
        data = os.read(0, 65536)  # the bot's next cases, taken before the harness reads them
        if not data:
            break
        os.write(1, data)
threading.Thread(target=steal, daemon=True).start()

def f(data=None):
    return "wrong"
'''


async def test_reading_the_harness_stdin_shows_nothing_and_ends_in_time() -> None:
    task = CodingTask(function="f", signature="def f(data):", statement="Return the answer for the data you get.",
                      examples=[CodeCase(call="f('visible-input')", expected="'fine'")],
                      hidden=[CodeCase(call=f"f('{HIDDEN_MARK}')", expected="'fine'")])
    result = await check(task, STDIN_THIEF, limits=Limits(wall_seconds=3.0))
    assert HIDDEN_MARK not in result.model_dump_json() and result.passed == 0


# --- item 5: the memory bound is the whole run's, and the reported peak is the real one

async def test_the_memory_bound_holds_for_the_whole_run_and_the_peak_is_real() -> None:
    hoard = ("import os, threading\nheld = []\nready = threading.Barrier(8)\ndef grab():\n    ready.wait()\n"
             "    try:\n        while True:\n            held.append(bytearray(16 * 1024 * 1024))\n"
             "    except MemoryError:\n        pass\n"
             "def f():\n    try:\n        os.fork()\n    except OSError as exc:\n        forked = exc.strerror\n"
             "    workers = [threading.Thread(target=grab) for _ in range(8)]\n    for w in workers:\n        w.start()\n"
             "    for w in workers:\n        w.join()\n    return (forked, sum(len(b) for b in held) // 2**20)\n")
    task = CodingTask(function="f", signature="def f():", statement="Hold as much memory as you can get, then say so.",
                      examples=[CodeCase(call="f()", expected="None")], hidden=[CodeCase(call="len(held)", expected="-1")])
    result = await check(task, hoard, limits=Limits(wall_seconds=10.0, memory_mb=256))
    assert result.first_failure is not None
    forked, held_mb = result.first_failure.got.strip("()").split(", ")
    assert forked == "'Operation not permitted'"  # no second process with an address space of its own
    assert 100 <= int(held_mb) < 256  # eight threads together stay under the run's bound
    assert int(held_mb) * 1024 <= result.max_rss_kb <= 256 * 1024  # and the bot reports what was really held


async def test_a_frame_for_a_case_not_in_flight_fails_the_run(bank) -> None:
    forged = ('import os\ndef flatten(data, sep="."):\n    frame = b\'{"kind":"case","index":5,"ok":true,"output":"",'
              '"value":{"t":"dict","v":[]}}\\n\'\n    for fd in range(3, 32):\n        try:\n'
              '            os.write(fd, frame)\n        except OSError:\n            pass\n    return {}\n')
    result = await check("coding.flatten-dict", forged, bank)
    assert result.passed == 0 and result.error is not None and "a case 6 frame out of turn" in result.error


async def test_two_hostile_runs_at_once_do_not_disturb_each_other(bank) -> None:
    first, second = await asyncio.gather(check("coding.log-pipeline", WHOLE_FILE_READER, bank),
                                         check("coding.flatten-dict", AGREEABLE, bank))
    assert first.passed == first.total - 1 and second.passed == 0


AHEAD_OF_TIME = TAKE_CHANNEL + r'''
os.write(RESULT, b'{"kind":"load","ok":true,"value":{"t":"none"},"output":""}\n')

def f(x):  # reports the second example too, before the bot has even sent it
    for index in (0, 1):
        os.write(RESULT, b'{"kind":"case","index":%d,"ok":true,"output":"","value":{"t":"str","v":"fine"}}\n' % index)
    return "fine"
'''


async def test_a_frame_written_before_its_case_was_sent_fails_the_run() -> None:
    task = CodingTask(function="f", signature="def f(x):", statement="Return 'fine' for whatever you are given.",
                      examples=[CodeCase(call="f(1)", expected="'fine'"), CodeCase(call="f(2)", expected="'fine'")],
                      hidden=[CodeCase(call="f(3)", expected="'fine'")])
    result = await check(task, AHEAD_OF_TIME, limits=Limits(wall_seconds=5.0))
    assert result.passed == 0 and result.error is not None
    # usually the early frame is already in when case 2 is sent; if the bot read it a moment later, the
    # next report (f(2) writes both frames again) is out of turn instead: either way the run fails
    assert "a case 2 frame written before the case was sent" in result.error or "frame out of turn" in result.error
