"""The port the coding round needs from the sandbox, in the engine's style.

It belongs in :mod:`bot.engine.ports` next to ``Scorer`` and ``Interviewer`` (with
:class:`bot.sandbox.results.CodeCheck` moved into the engine's models); it lives here until
that file is changed.  A fake in tests returns canned ``CodeCheck`` values without any process.
"""

from __future__ import annotations

from typing import Protocol

from bot.engine.models import CodingTask
from bot.sandbox.results import CodeCheck


class CodeRunner(Protocol):
    """Runs a coding answer against its task's examples and hidden cases, isolated from the bot."""

    async def check(self, question_id: str, task: CodingTask, source: str) -> CodeCheck:
        """Grade ``source``; when no sandbox works the result says ``sandbox="none"`` and nothing runs."""
        ...
