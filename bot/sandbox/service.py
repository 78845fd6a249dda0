"""The sandbox as a separate service: ``mockloop runner`` serves checks on a Unix socket.

Where the bot runs in a container that may not create user namespaces (Docker's default seccomp
profile forbids it), the sandbox runs in a container of its own that holds no secrets, has no
network and a read-only root, and is allowed namespaces; the bot reaches it through a socket on
a shared volume (``MOCKLOOP_RUNNER_SOCKET``).  One request per connection, one JSON line each way:
``{"op": "probe"}`` or ``{"op": "check", "question": ID, "source": CODE}``; the answer is a
``Probe`` or a ``CodeCheck``.  The question's tests come from the runner's own copy of the bank,
so the bot never sends expected values anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from bot.content.bank import QuestionBank
from bot.engine.models import CodeCheck, CodingTask
from bot.sandbox.results import refused
from bot.sandbox.runner import Probe, SandboxRunner, as_dict

log = logging.getLogger(__name__)
REQUEST_BYTES = 256 * 1024  # a submission is at most 64,000 characters; this leaves room for UTF-8 and JSON
REPLY_BYTES = 1024 * 1024
MARGIN_SECONDS = 10.0  # beyond the sandbox's own wall clock, before the bot gives up on the service


async def serve(socket_path: Path, runner: SandboxRunner, bank: QuestionBank, ready: asyncio.Event | None = None) -> None:
    """Answer requests on ``socket_path`` until cancelled."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readuntil(b"\n")
            reply = await _answer(json.loads(line), runner, bank)
        except (asyncio.LimitOverrunError, asyncio.IncompleteReadError, ValueError) as exc:
            reply = {"error": f"bad request: {type(exc).__name__}"}
        writer.write(json.dumps(reply).encode() + b"\n")
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    with contextlib.suppress(FileNotFoundError):
        socket_path.unlink()  # a socket left by a previous run
    server = await asyncio.start_unix_server(handle, path=str(socket_path), limit=REQUEST_BYTES)
    os.chmod(socket_path, 0o660)
    log.info("code runner listening on %s", socket_path)
    if ready is not None:
        ready.set()
    async with server:
        await server.serve_forever()


async def _answer(request: Any, runner: SandboxRunner, bank: QuestionBank) -> dict[str, Any]:
    if not isinstance(request, dict):
        return {"error": "bad request: not an object"}
    if request.get("op") == "probe":
        return as_dict(await runner.probe())
    if request.get("op") != "check" or not isinstance(request.get("source"), str):
        return {"error": "bad request: unknown op"}
    try:
        question = bank.get(str(request.get("question")))
    except KeyError:
        return {"error": "unknown question"}
    if question.coding is None:
        return {"error": "not a coding question"}
    return (await runner.check(question.id, question.coding, request["source"])).model_dump(mode="json")


class RemoteRunner:
    """The bot's side: the ``CodeRunner`` port, answered by a runner service over its socket."""

    def __init__(self, socket_path: Path, wall_seconds: float = 15.0) -> None:
        self.socket_path = socket_path
        self.timeout = wall_seconds + MARGIN_SECONDS
        self.running = 0  # checks in flight, for the bot's event-loop watch

    async def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(self.socket_path), limit=REPLY_BYTES),
                                                self.timeout)
        try:
            writer.write(json.dumps(request).encode() + b"\n")
            await writer.drain()
            reply = json.loads(await asyncio.wait_for(reader.readuntil(b"\n"), self.timeout))
        finally:
            writer.close()
        if not isinstance(reply, dict):
            raise ValueError("the runner answered something that is not an object")
        return reply

    def close(self) -> None:
        """Nothing to stop here: the service owns its processes."""

    async def probe(self) -> Probe:
        try:
            found = await self._ask({"op": "probe"})
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            return Probe(None, f"the code runner at {self.socket_path} is not reachable ({type(exc).__name__})")
        return Probe(found.get("sandbox"), found.get("reason"), found.get("python"), bool(found.get("seccomp")),
                     str(found.get("memory") or ""))

    async def check(self, question_id: str, task: CodingTask, source: str) -> CodeCheck:
        self.running += 1
        try:
            found = await self._ask({"op": "check", "question": question_id, "source": source})
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            return refused(question_id, task, f"Code was not run: the code runner is not reachable ({type(exc).__name__}).")
        finally:
            self.running -= 1
        if "error" in found and "question" not in found:
            return refused(question_id, task, f"Code was not run: the code runner said {found['error']}.")
        return CodeCheck.model_validate(found)
