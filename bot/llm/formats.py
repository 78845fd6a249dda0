"""Which ``response_format`` each server takes, learnt from its refusals and kept for the process.

A server (base URL + model) that refused a format once will refuse it every time, so the refusal
is paid once and later grades go straight to the format that works.  Kept in memory only: a
new process asks once more, which costs one request that the server rejects before generating.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from bot.llm.model import ChatModel, Completion, FormatRejected, Messages

Server = tuple[str, str]  # (base URL, model)


class FormatMemory:
    """The richest format each server has not refused, by name, from an ordered list of choices."""

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices = tuple(choices)
        self._refused: dict[Server, int] = {}  # server -> how many of the first choices it refused

    def remaining(self, server: Server) -> tuple[str, ...]:
        """The choices still worth trying with this server, best first (never empty)."""
        return self.choices[min(self._refused.get(server, 0), len(self.choices) - 1):]

    def refused(self, server: Server, choice: str) -> None:
        """Note that this server turned ``choice`` down; it and anything richer are skipped from now on."""
        # max(): two grades refused at once must not step back over a format already ruled out
        self._refused[server] = max(self._refused.get(server, 0), self.choices.index(choice) + 1)


async def complete_in_format(client: ChatModel, messages: Messages, formats: FormatMemory,
                             response_formats: Mapping[str, dict[str, Any] | None], purpose: str,
                             max_tokens: int = 800) -> Completion:
    """One completion in the richest format this server has not refused; a refusal is remembered."""
    server = client.server
    for name in formats.remaining(server):
        try:
            return await client.complete(messages, response_format=response_formats[name], purpose=purpose,
                                         max_tokens=max_tokens)
        except FormatRejected:
            if name == formats.choices[-1]:
                raise
            formats.refused(server, name)
    raise AssertionError("unreachable: the last format is always tried")


M = TypeVar("M", bound=BaseModel)
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")


def parse_reply(text: str, model: type[M]) -> M:
    """A model's JSON reply as ``model``, without a code fence around it; raises ``ValidationError``.

    A raw newline or tab inside a quote is kept: llama-cpp-python's JSON grammar lets them through.
    """
    body = _FENCE.sub("", text)
    try:
        data = json.loads(body, strict=False)
    except ValueError:
        return model.model_validate_json(body)  # raises the "json_invalid" error callers name
    return model.model_validate(data)
