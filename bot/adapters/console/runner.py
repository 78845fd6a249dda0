"""``mockloop runner``: serve the code sandbox on a Unix socket until SIGTERM or Ctrl-C.

The runner container holds no secrets; the bots reach it through ``MOCKLOOP_RUNNER_SOCKET``.
The composition root hands in the sandbox it built; this only serves it and stops cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from bot.adapters.console.exits import Exit
from bot.content.bank import QuestionBank
from bot.sandbox.runner import SandboxRunner, describe
from bot.sandbox.service import serve

log = logging.getLogger(__name__)


async def run_service(socket_path: Path, runner: SandboxRunner, bank: QuestionBank) -> int:
    """Say what the sandbox can do here, then answer checks on ``socket_path`` until told to stop."""
    probe = await runner.probe()
    log.info("%s", describe(probe))
    task = asyncio.ensure_future(serve(socket_path, runner, bank))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return Exit.OK
