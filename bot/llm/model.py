"""The chat-model port: what the judge, interviewer, debrief and STAR analyser need from a model.

They speak in these types only (a message is a role and a text; a reply is a ``Completion``), so
none of them depends on the OpenAI SDK: ``bot.llm.client.LLMClient``, the OpenAI-compatible
client, is the one implementation, and a test or another vendor's client can stand in for it
without touching the code that builds prompts and reads replies.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypedDict

from bot.engine.context import Actor


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


Messages = list[Message]


class LLMUnavailable(Exception):
    """The model could not be used for this call; the message says why in one short phrase."""


class FormatRejected(LLMUnavailable):
    """The server refused the requested ``response_format`` (it does not support it)."""


class BudgetExhausted(LLMUnavailable):
    """The user's (or server's) daily token budget is spent: a policy, not a fault of the model."""


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage | None  # None when the server did not report it
    model: str


class ChatModel(Protocol):
    """A chat model behind retries, a breaker and budgets; every failure is an ``LLMUnavailable``."""

    model: str

    @property
    def server(self) -> tuple[str, str]:
        """Where the model is served and its name: what a server accepts is remembered per pair."""
        ...

    async def fit(self, build: Callable[[str], Messages], text: str, max_tokens: int) -> tuple[Messages, bool]:
        """The messages ``build`` makes around ``text``, cut to the model's context; whether it was cut."""
        ...

    async def complete(self, messages: Messages, *, response_format: dict[str, Any] | None = None,
                       max_tokens: int = 800, purpose: str = "grade", actor: Actor | None = None) -> Completion:
        """One whole reply at temperature 0, charged to ``actor`` (by default the current one)."""
        ...

    def stream(self, messages: Messages, *, max_tokens: int = 400, purpose: str = "debrief",
               actor: Actor | None = None) -> AsyncGenerator[str, None]:
        """The reply's text as it arrives, charged like ``complete``."""
        ...
