"""The hostile corpus: each submission is contained, the test process unharmed, the message clear.

Limits are short here (2 s wall clock, 1 s CPU) so the whole corpus runs in seconds.  Every
test FAILS without a working bubblewrap: CI installs it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import socket
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

import bot.sandbox.judge as judge_module
from bot.engine.models import CodeCase, CodeCheck, CodingTask
from bot.sandbox.limits import Limits
from bot.sandbox.runner import SandboxRunner
from tests.hostile import TAKE_CHANNEL

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "sekrit-" + uuid.uuid4().hex[:8]
LIMITS = Limits(wall_seconds=2.0, case_seconds=1.0, cpu_seconds=1, memory_mb=256, file_mb=1, tmp_mb=4,
                open_files=32, processes=16)
# One visible example; the hidden case expects a value the submissions below never return honestly.
TASK = CodingTask(function="f", signature="def f():", statement="Return the answer the interviewer has in mind.",
                  examples=[CodeCase(call="f()", expected="'fine'", label="the example")],
                  hidden=[CodeCase(setup="token = 'hidden-input-7a1'", call="f()", expected="'fine'")])


@pytest.fixture(autouse=True)
def fake_secrets(monkeypatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)


async def run(source: str, limits: Limits = LIMITS, task: CodingTask = TASK) -> CodeCheck:
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: apt-get install bubblewrap")
    runner = SandboxRunner(limits)
    probe = await runner.probe()
    if probe.sandbox != "bwrap":
        pytest.fail(f"the sandbox does not work here: {probe.reason}")
    started = time.perf_counter()
    check = await runner.check("coding.hostile", task, source)
    assert time.perf_counter() - started < limits.wall_seconds + 2.5  # the bot got its answer on time
    text = check.model_dump_json()
    assert SECRET not in text and "hidden-input-7a1" not in text
    assert check.passed <= 2
    return check


def got(check: CodeCheck) -> str:
    assert check.first_failure is not None
    return check.first_failure.got


def _parent(pid: str) -> str | None:
    try:
        stat = (Path("/proc") / pid / "stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[1]  # the field after the state, past a name that may hold spaces


def _another_suites(pid: str) -> bool:
    """Whether the process descends from another test run on this machine (its sandbox, not ours).

    Our own children count, and so do orphans adopted by init: an escaped child is what the check is for.
    """
    me = str(os.getpid())
    seen = 0
    while pid not in ("0", "1") and seen < 64:
        if pid == me:
            return False
        try:
            cmdline = (Path("/proc") / pid / "cmdline").read_bytes()
        except OSError:
            return False
        if b"pytest" in cmdline:
            return True
        parent = _parent(pid)
        if parent is None:
            return False
        pid, seen = parent, seen + 1
    return False


def leftovers(marker: str, grace: float = 2.0) -> list[str]:
    """Command lines of host processes that contain ``marker``, after up to ``grace`` seconds.

    Another test run's sandboxes on the same machine are not ours to count."""
    deadline = time.monotonic() + grace
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if marker in cmdline and str(os.getpid()) != entry.name and not _another_suites(entry.name):
                    found.append(cmdline)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


async def test_fork_bomb() -> None:
    check = await run("import os\ndef f():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n"
                      "            pass\n")
    assert check.passed == 0 and check.error is not None
    assert "wall-clock" in check.error or "CPU" in check.error or "killed" in check.error
    assert leftovers("/sandbox/harness.py") == []


async def test_a_run_is_one_process_and_its_threads_are_limited_per_run() -> None:
    # one process, so its address-space limit bounds the whole run; threads share it and count per run
    source = ("import os, threading, time\ndef f():\n    try:\n        os.fork()\n        forked = 'forked'\n"
              "    except OSError as exc:\n        forked = exc.strerror\n    threads = 0\n    try:\n"
              "        for _ in range(100):\n            threading.Thread(target=time.sleep, args=(0.5,), daemon=True).start()\n"
              "            threads += 1\n    except RuntimeError:\n        pass\n    return (forked, threads)\n")
    first, second = await asyncio.gather(run(source), run(source))
    # 16 tasks per run: the sandbox's init, the harness's main thread, then 14 threads, in each run at once
    assert got(first) == got(second) == "('Operation not permitted', 14)"


async def test_memory_bomb() -> None:
    check = await run("def f():\n    hoard = []\n    while True:\n        hoard.append(bytearray(50 * 1024 * 1024))\n")
    assert check.passed == 0 and got(check) == "MemoryError"


async def test_busy_loop_is_stopped_by_the_cpu_limit() -> None:
    # wall-clock room for a loaded machine, where 1 s of CPU can take more than the usual 2 s to spend
    check = await run("def f():\n    while True:\n        pass\n", dataclasses.replace(LIMITS, wall_seconds=6.0))
    assert check.passed == 0 and check.error is not None and "CPU time" in check.error


async def test_sleep_loop_is_stopped_by_the_wall_clock() -> None:
    started = time.perf_counter()
    check = await run("import time\ndef f():\n    while True:\n        try:\n            time.sleep(60)\n"
                      "        except BaseException:\n            pass\n")
    assert check.error is not None and "2 s of wall-clock time" in check.error
    assert 2.0 <= time.perf_counter() - started < 4.0


async def test_the_environment_is_empty() -> None:
    check = await run("import os\ndef f():\n    print(dict(os.environ))\n    return dict(os.environ)\n")
    assert "DISCORD_TOKEN" not in got(check) and "OPENAI_API_KEY" not in got(check)
    assert "DISCORD_TOKEN" not in check.output


async def test_the_parents_environ_is_unreachable() -> None:
    check = await run("import os\ndef f():\n    out = []\n    for pid in (os.getppid(), 1, 0):\n        try:\n"
                      "            out.append(open(f'/proc/{pid}/environ').read())\n        except OSError as exc:\n"
                      "            out.append(type(exc).__name__)\n    return out\n")
    assert "PWD" not in got(check).replace("PWD=/tmp", "")


async def test_scanning_every_proc_environ_finds_nothing_of_the_host() -> None:
    check = await run("import glob\ndef f():\n    seen = {}\n    for path in glob.glob('/proc/*/environ'):\n        try:\n"
                      "            seen[path] = open(path).read()\n        except OSError as exc:\n"
                      "            seen[path] = type(exc).__name__\n    return (len(seen), sorted(seen))\n")
    assert "/proc/self/environ" in got(check)
    assert int(got(check).strip("(").split(",")[0]) <= 4  # only the sandbox's own few processes exist


async def test_the_bots_dotenv_database_and_source_are_absent(tmp_path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"DISCORD_TOKEN={SECRET}\n")
    targets = [str(dotenv), str(PROJECT / ".env"), str(PROJECT / "data" / "mockloop.db"), str(PROJECT / "bot" / "config.py"),
               str(Path.home() / ".bash_history"), "/etc/passwd", "/etc/shadow"]
    check = await run(f"def f():\n    out = []\n    for path in {targets!r}:\n        try:\n"
                      "            out.append(open(path).read()[:50])\n        except OSError as exc:\n"
                      "            out.append(type(exc).__name__)\n    return out\n")
    assert got(check) == repr(["FileNotFoundError"] * len(targets))


async def test_writing_outside_the_sandbox_tmp_fails(tmp_path) -> None:
    targets = [str(PROJECT / "pwned.txt"), str(tmp_path / "pwned.txt"), "/pwned.txt", "/usr/pwned.txt",
               "/dev/pwned.txt", "/dev/shm/pwned.txt", "/proc/pwned.txt"]
    check = await run(f"def f():\n    out = []\n    for path in {targets!r}:\n        try:\n"
                      "            open(path, 'w').write('x')\n            out.append('written')\n"
                      "        except OSError as exc:\n            out.append(type(exc).__name__)\n    return out\n")
    assert "written" not in got(check)
    assert not (PROJECT / "pwned.txt").exists() and not (tmp_path / "pwned.txt").exists()


async def test_filling_tmp_stops_at_its_size() -> None:
    check = await run("import os\ndef f():\n    total = 0\n    try:\n        for i in range(1000):\n"
                      "            with open(f'/tmp/fill{i}', 'wb') as fh:\n                fh.write(b'x' * 512 * 1024)\n"
                      "            total += 512 * 1024\n    except OSError as exc:\n        return (exc.strerror, total)\n"
                      "    return ('no limit', total)\n")
    reason, total = got(check).strip("()").split(", ")
    assert reason == "'No space left on device'" and int(total) <= 4 * 1024 * 1024


async def test_one_huge_file_stops_at_the_file_size_limit() -> None:
    check = await run("def f():\n    with open('huge', 'wb') as fh:\n        for _ in range(1000):\n"
                      "            fh.write(b'x' * 1024 * 1024)\n")
    assert got(check) == "OSError: [Errno 27] File too large"


async def test_unbounded_stdout_and_stderr_are_cut() -> None:
    check = await run("import os, sys\ndef f():\n    for _ in range(200_000):\n        print('spam' * 50)\n"
                      "        sys.stderr.write('eggs' * 50)\n    while True:\n        os.write(1, b'raw' * 10_000)\n"
                      "        os.write(2, b'raw' * 10_000)\n")
    assert len(check.output) < 3000 and "more characters not shown" in check.output
    assert check.passed == 0


async def test_no_network_tcp_dns_or_reachable_listener() -> None:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    source = (f"import socket, time\ndef f():\n    out = []\n    try:\n"
              f"        socket.create_connection(('1.1.1.1', 443), timeout=1)\n        out.append('connected')\n"
              f"    except OSError as exc:\n        out.append(type(exc).__name__)\n    try:\n"
              f"        socket.getaddrinfo('example.com', 443)\n        out.append('resolved')\n"
              f"    except OSError as exc:\n        out.append(type(exc).__name__)\n"
              f"    server = socket.socket()\n    server.bind(('127.0.0.1', {port}))\n    server.listen()\n"
              f"    time.sleep(0.8)\n    return out\n")
    task = asyncio.ensure_future(run(source))
    await asyncio.sleep(0.4)
    with pytest.raises(OSError):  # the sandbox's port lives in its own network namespace
        socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
    check = await task
    assert got(check) == "['OSError', 'gaierror']"


async def test_a_segfault_is_reported_as_a_crash() -> None:
    check = await run("import ctypes\ndef f():\n    return ctypes.string_at(0)\n")
    assert check.error == "The process crashed with a segmentation fault (SIGSEGV)."


async def test_ctypes_cannot_reach_dangerous_syscalls() -> None:
    check = await run("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\ndef f():\n"
                      "    ptrace = libc.syscall(101, 0, 0, 0, 0)  # PTRACE_TRACEME on x86_64\n"
                      "    unshare = libc.unshare(0x10000000)  # CLONE_NEWUSER\n"
                      "    try:\n        os.memfd_create('hidden')\n        memfd = 'created'\n"
                      "    except OSError as exc:\n        memfd = exc.strerror\n    return (ptrace, unshare, memfd)\n")
    assert got(check) == "(-1, -1, 'Operation not permitted')"


async def test_killing_the_parent_does_not_reach_the_bot() -> None:
    check = await run("import os, signal\ndef f():\n    for pid in (os.getppid(), 1, -1):\n        try:\n"
                      "            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n    return 'fine'\n")
    assert os.getpid() > 0 and check.examples_passed == 1  # still here, and the run itself went on
    again = await run("def f():\n    return 'fine'\n")
    assert again.passed == 2


async def test_setsid_and_fork_cannot_outlive_the_run() -> None:
    marker = f"31{uuid.uuid4().int % 10**6:06d}"
    check = await run(f"import os\ndef f():\n    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n"
                      f"            os.execv('/usr/bin/sleep', ['sleep', '{marker}'])\n        os._exit(0)\n"
                      f"    return 'fine'\n")
    assert got(check) == "PermissionError: [Errno 1] Operation not permitted"  # no second process at all
    assert leftovers(f"sleep {marker}") == []


async def test_a_cancelled_run_leaves_nothing_behind() -> None:
    marker = f"41{uuid.uuid4().int % 10**6:06d}"
    task = asyncio.ensure_future(run(f"import os\ndef f():\n    os.execv('/usr/bin/sleep', ['sleep', '{marker}'])\n"))
    await asyncio.sleep(0.5)
    assert leftovers(f"sleep {marker}", grace=0) != []
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert leftovers(f"sleep {marker}") == []


async def test_a_shell_cannot_be_spawned_and_exec_stays_inside() -> None:
    check = await run("import subprocess\ndef f():\n    done = subprocess.run(['/bin/sh', '-c', 'id; echo \"$DISCORD_TOKEN\"'],"
                      " capture_output=True, text=True)\n    return done.stdout + done.stderr\n")
    assert got(check) == "PermissionError: [Errno 1] Operation not permitted"
    # replacing the harness with a shell keeps the filter: it cannot fork either, and sees nothing of the host
    shell = "echo token=[$DISCORD_TOKEN] >&2; echo /home/* /root/* /work/* >&2; read x < /work/main/.env; ls"
    check = await run(f"import os\ndef f():\n    os.execv('/bin/sh', ['sh', '-c', {shell!r}])\n")
    assert check.output.splitlines()[:3] == ["token=[]", "/home/* /root/* /work/*",
                                             "sh: 1: cannot open /work/main/.env: No such file"]
    assert "Cannot fork" in check.output and check.passed == 0


@pytest.mark.parametrize("source", [
    "import sys\ndef f():\n    sys.exit(0)\n",
    "import os\ndef f():\n    print('PASS 2/2')\n    os._exit(0)\n",
    "import os\nprint('2 of 2 passed')\nos.write(1, b'PASS\\n')\ndef f():\n    return 'PASS'\n",
    ("import os, json\ndef f():\n    fake = json.dumps({'kind': 'case', 'index': 1, 'ok': True,\n"
     "                       'value': {'t': 'str', 'v': 'PASS'}}) + '\\n'\n"
     "    for fd in range(3, 32):\n        try:\n            os.write(fd, fake.encode())\n        except OSError:\n"
     "            pass\n    os._exit(0)\n"),
], ids=["sys.exit", "os._exit", "fake pass line", "fake result frames"])
async def test_exiting_early_or_faking_a_pass_earns_nothing(source) -> None:
    check = await run(source)
    assert check.passed == 0


async def test_patching_the_harness_or_builtins_earns_nothing() -> None:
    check = await run("import builtins, json, sys\nharness = sys.modules['__main__']\n"
                      "harness.encode = lambda value: {'t': 'bool', 'v': True}\n"
                      "builtins.isinstance = lambda *args: True\njson.dumps = lambda *a, **k: 'PASS'\n"
                      "def f():\n    return 'not it'\n")
    assert check.passed == 0


async def test_deep_recursion_is_a_clear_error_with_a_short_traceback() -> None:
    check = await run("def f(depth=0):\n    return f(depth + 1)\n")
    assert got(check).startswith("RecursionError: maximum recursion depth exceeded")
    assert check.traceback is not None and len(check.traceback.splitlines()) <= 21


async def test_recursion_with_the_limit_removed_is_still_contained() -> None:
    check = await run("import sys\nsys.setrecursionlimit(10**8)\ndef f(depth=0):\n    return f(depth + 1)\n")
    assert check.passed == 0 and check.error is not None


async def test_many_open_files_stop_at_the_limit() -> None:
    check = await run("def f():\n    handles = []\n    try:\n        while True:\n"
                      "            handles.append(open('/dev/null'))\n    except OSError as exc:\n"
                      "        return (exc.strerror, len(handles))\n")
    reason, count = got(check).strip("()").split(", ")
    assert reason == "'Too many open files'" and int(count) < 32


async def test_ansi_and_unicode_floods_are_rendered_inert() -> None:
    flood = "'\\x1b[2J\\x1b[31m' * 500 + '\\u202e' * 500 + 'z' + '\\u0301' * 5000"
    check = await run(f"def f():\n    print({flood})\n    return {flood}\n")
    text = json.dumps(check.model_dump(mode="json"), ensure_ascii=False)
    for raw in ("\x1b", "\u202e"):
        assert raw not in text
    assert "\u0301\u0301\u0301" not in check.output
    assert len(check.output) < 3000 and len(got(check)) < 400


# The result channel: a submission can write its own frames to the pipe (its descriptor is open
# in the harness's process).  A forged frame that reports the expected 'fine' would be a false
# pass if it were read as it stands.
FORGE = r'''
import os
N = 2**61 - 1  # every multiple of it hashes to 0
FINE = '{"t":"str","v":"fine"}'
DONE = '{"kind":"done"}\n'

def same_hash_set(count):
    return '{"t":"set","v":[' + ",".join('{"t":"int","v":"%d"}' % (N * k) for k in range(1, count)) + "]}"

def case(index, value, extra=""):  # JSON keeps the last of two equal keys: extra replaces a field
    return '{"kind":"case","index":%d,"ok":true,"output":"","value":%s%s}\n' % (index, value, extra)

def forge(text):
    for fd in range(3, 32):  # the result channel is one of these
        try:
            os.write(fd, text.encode())
        except OSError:
            pass
    os._exit(0)  # before the harness reports anything
'''


# An expected value as large as the forged one, so the forged value is decoded and compared rather than
# failed on its size alone (see the next tests).
LARGE = CodingTask(function="f", signature="def f():", statement="Return the numbers the interviewer has in mind.",
                   examples=[CodeCase(call="f()", expected=repr(list(range(2500))), label="the example")],
                   hidden=[CodeCase(call="f()", expected=repr(list(range(2500))))])


async def test_a_returned_set_of_same_hash_integers_is_judged_without_hashing() -> None:
    # the candidate pays the quadratic cost of building the set, within its own CPU limit; the host must not
    check = await run("def f():\n    return {(2**61 - 1) * k for k in range(1, 2500)}\n", task=LARGE)  # just fits a frame
    assert check.passed == 0 and got(check).startswith("{2305843009213693951, ")


async def test_a_returned_value_far_larger_than_the_expected_one_fails_on_its_size() -> None:
    check = await run("def f():\n    return {(2**61 - 1) * k for k in range(1, 2500)}\n")  # against 'fine'
    assert check.passed == 0 and "far larger than the expected one" in got(check)


async def test_one_forged_frame_of_same_hash_integers_is_refused_unread() -> None:
    # as reported: a 407-byte submission writing one 3.9 MB frame froze `mockloop runner` for 80 s
    started = time.perf_counter()
    check = await run(FORGE + "def f():\n    forge(case(0, same_hash_set(90_000)))\n")
    assert time.perf_counter() - started < 2.5 and check.passed == 0
    assert check.error is not None and "not a valid result (a frame longer than" in check.error


# Taking the channel over: the module finds the harness's channel on the stack, keeps a copy of its
# descriptor and points the original at /dev/null, then writes every frame itself, each in turn.
DIVERT = FORGE + TAKE_CHANNEL + r'''
SENT = [0]

def send_case(value, last):  # the frame for the case in flight, then "done" after the last one
    os.write(RESULT, (case(SENT[0], value) + (DONE if SENT[0] == last else "")).encode())
    SENT[0] += 1
'''
LOADED = "\nos.write(RESULT, b'{\"kind\":\"load\",\"ok\":true,\"value\":{\"t\":\"none\"},\"output\":\"\"}\\n')\n"


async def test_a_channel_full_of_the_largest_valid_forged_frames_is_decoded_off_the_event_loop(monkeypatch) -> None:
    pooled: list[int] = []
    real_started = judge_module.FrameJudge._started

    async def started(self: judge_module.FrameJudge) -> Any:  # the pool of judging processes, noting each use
        pooled.append(1)
        return await real_started(self)

    monkeypatch.setattr(judge_module.FrameJudge, "_started", started)
    gaps: list[float] = []

    async def tick() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            gaps.append(time.perf_counter() - last)
            last = time.perf_counter()

    # Expected values of about the forged ones' size, so each frame is decoded and compared, not failed on its size.
    many = LARGE.model_copy(update={"hidden": [CodeCase(call="f()", expected=repr(list(range(2500))))] * 14})
    ticker = asyncio.ensure_future(tick())
    try:  # 15 frames of 105 KB of same-hash integers, each decoded in another process
        check = await run(DIVERT + "BIG = same_hash_set(2500)\ndef f():\n    send_case(BIG, 14)\n" + LOADED, task=many)
    finally:
        ticker.cancel()
    assert check.passed == 0 and check.error is None  # valid frames, all decoded and compared: wrong values
    assert got(check).startswith("{2305843009213693951, ")
    assert len(pooled) == 15  # every large frame was judged in another process, none on the event loop's thread
    # a few ms on an idle machine (the benchmark measures it); this bound allows for a loaded CI machine
    assert max(gaps) < 1.0


@pytest.mark.parametrize("extra", [
    ',"ms":1e999', ',"ms":NaN', ',"ms":-5', ',"rss_kb":1e999', ',"index":true', ',"ok":"yes"',
], ids=["infinite time", "NaN time", "negative time", "infinite memory", "boolean index", "string ok"])
async def test_a_forged_frame_with_a_bad_field_fails_the_run_instead_of_crashing(extra) -> None:
    forged = f"case(%d, FINE, {extra!r})"
    check = await run(FORGE + f"def f():\n    forge({forged % 0} + {forged % 1} + DONE)\n")
    assert check.ran and check.passed == 0 and check.time_ms >= 0
    assert check.error is not None and check.error.startswith("The run wrote something that is not a valid result (")
