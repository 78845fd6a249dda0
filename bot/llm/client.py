"""An OpenAI-compatible Chat Completions client with our own retries, timeouts and breaker.

The SDK's built-in retries are switched off so that one policy (``RetryPolicy``) decides:
429, 5xx and dropped connections are retried with jittered backoff that honours ``Retry-After``;
other 4xx are not (they will fail the same way again), and neither is a timeout by default: a
local server handles one request at a time and keeps working on an abandoned one, so sending the
same long job again only queues it behind its own leftovers.  Every failure is turned into an
``LLMUnavailable`` whose message is safe to show a user: it never contains the key.  That loop
lives in ``bot.llm.guard``, shared with the speech-to-text client.

Every reply is streamed, even one read whole (a grade): the read timeout then bounds the wait
for the first token and each pause between tokens, not the whole generation, so a slow but
working local model is never cut off, while a stuck one is noticed in seconds.  A cap on the
whole reply (``reply_timeout``) still bounds a model that never stops.

A refused ``response_format`` is recognised by what the server says, not by its status alone:
OpenAI-style servers answer 400 with ``param: "response_format"``, but llama.cpp's server
(``llama-server`` builds before ggml-org/llama.cpp PR #9527, and the ik_llama.cpp fork until 2025,
see ggml-org/llama.cpp issue #9522 and ikawrakow/ik_llama.cpp issue #778) throws while parsing the
request and its catch-all turns that into HTTP 500, and llama-cpp-python's server answers 500
``internal_server_error`` with the validation text (ggml-org/llama.cpp issue #23463).  Such a 500 is
a fact about the server, not a fault: retrying it or counting it against the breaker would only
take a healthy server offline.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, cast

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

from bot.engine.context import Actor, current_actor
from bot.llm.breaker import CircuitBreaker
from bot.llm.guard import Guard
from bot.llm.model import BudgetExhausted, Completion, FormatRejected, LLMUnavailable, Messages, Usage
from bot.llm.reasons import Cut, Stalled, describe, overflow_window
from bot.llm.retry import RetryPolicy
from bot.llm.usage import UsageMeter
from bot.llm.window import ContextTooSmall, ContextWindow

__all__ = ["BudgetExhausted", "Completion", "FormatRejected", "LLMClient", "LLMUnavailable", "Messages", "Usage"]
# The SDK's HTTP stack (httpx2 in openai 3.x) can raise its own errors mid-stream.
TRANSPORT_MODULES = {"httpx", "httpx2", "httpcore", "h11", "anyio"}
# Statuses a server uses to refuse a request field: 400 (OpenAI), 422 (FastAPI validation), 500 (above).
REFUSAL_STATUSES = {400, 422, 500}


class LLMClient:
    """The OpenAI-compatible implementation of :class:`bot.llm.model.ChatModel`."""

    def __init__(self, *, api_key: str, base_url: str | None, model: str, breaker: CircuitBreaker,
                 retry: RetryPolicy | None = None, timeout: float = 60.0, connect_timeout: float = 3.0,
                 reply_timeout: float = 180.0, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 meter: UsageMeter | None = None, fold_system: bool = False) -> None:
        self.model = model
        self.fold_system = fold_system  # for chat templates that drop the system message (see fold_system())
        self.breaker = breaker
        self.meter = meter
        self.retry = retry or RetryPolicy()
        self.reply_timeout = reply_timeout
        self._guard = Guard(breaker, self.retry, sleep, learn=lambda exc: self.window.learn(overflow_window(exc)))
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0,
                                   timeout=openai.Timeout(timeout, connect=connect_timeout))
        self.window = ContextWindow(self._client, model)

    @property
    def server(self) -> tuple[str, str]:
        """Base URL and model: what a server accepts (e.g. which response format) is known per pair."""
        return str(self._client.base_url), self.model

    async def close(self) -> None:
        await self._client.close()

    async def fit(self, build: Callable[[str], Messages], text: str, max_tokens: int) -> tuple[Messages, bool]:
        """The messages ``build`` makes around the candidate's ``text``, cut to fit the model's context when
        the server says how large it is; the flag says whether the text was cut."""
        await self._check_budget(current_actor.get())  # a spent budget (or a server's 0) means no request at all
        try:
            return await self.window.fit(build, text, max_tokens)
        except ContextTooSmall as exc:
            raise LLMUnavailable(str(exc)) from exc

    async def complete(self, messages: Messages, *, response_format: dict[str, Any] | None = None,
                       max_tokens: int = 800, purpose: str = "grade", actor: Actor | None = None) -> Completion:
        """One completion at temperature 0, retried per the policy, counted against ``actor``'s budget
        (by default the current actor's)."""
        actor = actor or current_actor.get()
        await self._check_budget(actor)
        sent = _sdk(fold_system(messages) if self.fold_system else messages)
        options: dict[str, Any] = {"model": self.model, "messages": sent, "temperature": 0, "max_tokens": max_tokens,
                                   "stream": True, "stream_options": {"include_usage": True}}
        if response_format is not None:
            options["response_format"] = response_format

        async def call() -> Completion:
            try:
                stream = await self._client.chat.completions.create(**options)
            except openai.APIStatusError as exc:
                if response_format is not None and refuses_format(exc):
                    # Raised past the retry loop and the breaker: the server is fine, the format is not.
                    raise FormatRejected("the server does not support that response format") from exc
                raise
            pieces: list[str] = []
            usage: Usage | None = None
            model = self.model
            async for chunk in self._chunks(stream):
                model = chunk.model or model
                usage = _usage(chunk) or usage
                if chunk.choices and chunk.choices[0].delta.content:
                    pieces.append(chunk.choices[0].delta.content)
            if not pieces:
                raise LLMUnavailable("the model returned no text")
            return Completion("".join(pieces), usage, model)

        completion = await self._guard(call, purpose)
        await self._record(actor, purpose, completion.model, messages, completion.text, completion.usage)
        return completion

    async def stream(self, messages: Messages, *, max_tokens: int = 400, purpose: str = "debrief",
                     actor: Actor | None = None) -> AsyncGenerator[str, None]:
        """Text pieces as they arrive, counted against the budget like any call.  A stream cut
        half-way raises ``LLMUnavailable`` after the pieces already sent, so callers can keep
        what was shown and fall back for the rest."""
        actor = actor or current_actor.get()
        await self._check_budget(actor)
        if self.breaker.open_for(purpose):
            raise LLMUnavailable("the model is paused after repeated failures")
        sent: list[str] = []
        usage: Usage | None = None
        model = self.model
        try:
            stream = await self._client.chat.completions.create(
                model=self.model, messages=_sdk(fold_system(messages) if self.fold_system else messages), temperature=0,
                max_tokens=max_tokens, stream=True, stream_options={"include_usage": True})
            async for chunk in self._chunks(stream):
                model = chunk.model or model
                usage = _usage(chunk) or usage
                if chunk.choices and chunk.choices[0].delta.content:
                    sent.append(chunk.choices[0].delta.content)
                    yield sent[-1]
        except (openai.OpenAIError, OSError, ValueError, Cut, Stalled) as exc:
            # a cut stream can surface as the SDK's error or as a lower-level transport error
            self.breaker.failure(purpose)
            self.window.learn(overflow_window(exc))
            raise LLMUnavailable(describe(exc)) from exc
        finally:
            if sent or usage is not None:  # what was generated is spent, even when the stream broke
                await self._record(actor, purpose, model, messages, "".join(sent), usage)
        self.breaker.success(purpose)

    async def _chunks(self, stream: openai.AsyncStream[ChatCompletionChunk]) -> AsyncIterator[ChatCompletionChunk]:
        """The stream's chunks within the reply cap; transport errors become ``Cut`` or ``Stalled``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.reply_timeout
        chunks = stream.__aiter__()
        try:
            while True:
                # Bounded per step, not with a timeout around the loop: the consumer runs between steps
                # (e.g. editing a Discord message), and a cancellation must never land in its code.
                try:
                    chunk = await asyncio.wait_for(chunks.__anext__(), max(0.0, deadline - loop.time()))
                except StopAsyncIteration:
                    return
                yield chunk
        except TimeoutError as exc:
            raise Stalled(f"the model was still writing after {self.reply_timeout:.0f} s") from exc
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in TRANSPORT_MODULES:
                raise
            if "Timeout" in type(exc).__name__:
                raise Stalled("the model stopped sending text") from exc
            raise Cut("the model's reply was cut off") from exc
        finally:
            await stream.close()

    async def _check_budget(self, actor: Actor | None) -> None:
        if self.meter is not None:
            refusal = await self.meter.refusal(actor)
            if refusal is not None:
                raise BudgetExhausted(refusal)

    async def _record(self, actor: Actor | None, purpose: str, model: str, messages: Messages, text: str,
                      usage: Usage | None) -> None:
        if self.meter is not None:
            await self.meter.record(purpose, model, sum(len(str(m.get("content", ""))) for m in messages), len(text),
                                    usage.prompt_tokens if usage else None, usage.completion_tokens if usage else None,
                                    actor)


def fold_system(messages: Messages) -> Messages:
    """The system message moved to the start of the first user turn.

    Some chat templates drop system messages without a word (llama-cpp-python's ``gemma`` chat
    format keeps only user and model turns), so the model would grade with no rubric and write
    a debrief with no instructions.  Sent inside the user's turn, the instructions survive any
    template; the candidate's text stays after them, between its tagged markers."""
    system = "\n\n".join(str(m.get("content", "")) for m in messages if m["role"] == "system")
    rest = [m for m in messages if m["role"] != "system"]
    if not system or not rest or rest[0]["role"] != "user":
        return messages
    first = rest[0]
    return [{"role": "user", "content": f"{system}\n\n{first.get('content', '')}"}, *rest[1:]]


def _sdk(messages: Messages) -> list[ChatCompletionMessageParam]:
    """Our messages as the SDK types them: the same dicts, role and text only."""
    return cast("list[ChatCompletionMessageParam]", messages)


def _usage(chunk: ChatCompletionChunk) -> Usage | None:
    return Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens) if chunk.usage is not None else None


def refuses_format(exc: openai.APIStatusError) -> bool:
    """Whether the server's answer says it will not take the ``response_format`` it was sent."""
    if exc.status_code not in REFUSAL_STATUSES:
        return False
    named = exc.param == "response_format"  # the SDK reads ``param`` from the error body
    return named or "response_format" in exc.message or "json_schema" in exc.message
