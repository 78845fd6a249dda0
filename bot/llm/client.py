"""An OpenAI-compatible Chat Completions client with our own retries, timeouts and breaker.

The SDK's built-in retries are switched off so that one policy (``RetryPolicy``) decides:
429 and 5xx and timeouts are retried with jittered backoff that honours ``Retry-After``;
other 4xx are not (they will fail the same way again).  Every failure is turned into an
``LLMUnavailable`` whose message is safe to show a user: it never contains the key.

A refused ``response_format`` is recognised by what the server says, not by its status alone:
OpenAI-style servers answer 400 with ``param: "response_format"``, but llama.cpp's server
(``llama-server`` builds before ggml-org/llama.cpp PR #9527, and the ik_llama.cpp fork until 2025,
see ggml-org/llama.cpp issue #9522 and ikawrakow/ik_llama.cpp issue #778) throws while parsing the
request and its catch-all turns that into HTTP 500, ``{"error": {"code": 500, "type": "server_error",
"message": "response_format type must be one of \"text\" or \"json_object\", but got: json_schema"}}``.
llama-cpp-python's server (``llama_cpp.server``) types ``response_format.type`` as only "text" or
"json_object"; its route wrapper (llama_cpp/server/errors.py, ``RouteErrorHandler``) catches the
validation error too and answers 500 ``internal_server_error`` with the validation text, which names
``response_format`` (ggml-org/llama.cpp issue #23463).  Such a 500 is a fact about the server, not a
fault: retrying it or counting it against the breaker would only take a healthy server offline.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam

from bot.llm.breaker import CircuitBreaker
from bot.llm.retry import RetryPolicy, parse_retry_after
from bot.llm.usage import UsageMeter

T = TypeVar("T")
Messages = list[ChatCompletionMessageParam]
# The SDK's HTTP stack (httpx2 in openai 3.x) can raise its own errors mid-stream.
TRANSPORT_MODULES = {"httpx", "httpx2", "httpcore", "h11", "anyio"}
# A body that is not JSON (the SDK raises json's ValueError) is a transient glitch too.
RETRYABLE = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError,
             ValueError)
# Statuses a server uses to refuse a request field: 400 (OpenAI), 422 (FastAPI validation), 500 (above).
REFUSAL_STATUSES = {400, 422, 500}


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


class LLMClient:
    def __init__(self, *, api_key: str, base_url: str | None, model: str, breaker: CircuitBreaker,
                 retry: RetryPolicy | None = None, timeout: float = 30.0, connect_timeout: float = 5.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, meter: UsageMeter | None = None) -> None:
        self.model = model
        self.breaker = breaker
        self.meter = meter
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._client = AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0,
                                   timeout=openai.Timeout(timeout, connect=connect_timeout))

    @property
    def server(self) -> tuple[str, str]:
        """Base URL and model: what a server accepts (e.g. which response format) is known per pair."""
        return str(self._client.base_url), self.model

    async def close(self) -> None:
        await self._client.close()

    async def complete(self, messages: Messages, *, response_format: dict[str, Any] | None = None,
                       max_tokens: int = 800, purpose: str = "grade") -> Completion:
        """One completion at temperature 0, retried per the policy, counted against the budget."""
        await self._check_budget()
        options: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0, "max_tokens": max_tokens}
        if response_format is not None:
            options["response_format"] = response_format

        async def call() -> Completion:
            try:
                reply = await self._client.chat.completions.create(**options)
            except openai.APIStatusError as exc:
                if response_format is not None and refuses_format(exc):
                    # Raised past the retry loop and the breaker: the server is fine, the format is not.
                    raise FormatRejected("the server does not support that response format") from exc
                raise
            text = reply.choices[0].message.content if reply.choices else None
            if text is None:
                raise LLMUnavailable("the model returned no text")
            usage = Usage(reply.usage.prompt_tokens, reply.usage.completion_tokens) if reply.usage else None
            return Completion(text, usage, reply.model or self.model)

        completion = await self._guarded(call)
        await self._record(purpose, completion.model, messages, completion.text, completion.usage)
        return completion

    async def stream(self, messages: Messages, *, max_tokens: int = 400, purpose: str = "debrief") -> AsyncIterator[str]:
        """Text pieces as they arrive, counted against the budget like any call.  A stream cut
        half-way raises ``LLMUnavailable`` after the pieces already sent, so callers can keep
        what was shown and fall back for the rest."""
        await self._check_budget()
        if self.breaker.open:
            raise LLMUnavailable("the model is paused after repeated failures")
        sent: list[str] = []
        usage: Usage | None = None
        model = self.model
        try:
            stream = await self._client.chat.completions.create(
                model=self.model, messages=messages, temperature=0, max_tokens=max_tokens, stream=True,
                stream_options={"include_usage": True})
            async for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                if chunk.choices and chunk.choices[0].delta.content:
                    sent.append(chunk.choices[0].delta.content)
                    yield sent[-1]
        except (openai.OpenAIError, OSError, ValueError) as exc:
            # a cut stream can surface as the SDK's error or as a lower-level transport error
            self.breaker.failure()
            raise LLMUnavailable(describe(exc)) from exc
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in TRANSPORT_MODULES:
                raise
            self.breaker.failure()
            raise LLMUnavailable("the model's reply was cut off") from exc
        finally:
            if sent or usage is not None:  # what was generated is spent, even when the stream broke
                await self._record(purpose, model, messages, "".join(sent), usage)
        self.breaker.success()

    async def _check_budget(self) -> None:
        if self.meter is not None:
            refusal = await self.meter.refusal()
            if refusal is not None:
                raise BudgetExhausted(refusal)

    async def _record(self, purpose: str, model: str, messages: Messages, text: str, usage: Usage | None) -> None:
        if self.meter is not None:
            await self.meter.record(purpose, model, sum(len(str(m.get("content", ""))) for m in messages), len(text),
                                    usage.prompt_tokens if usage else None, usage.completion_tokens if usage else None)

    async def _guarded(self, call: Callable[[], Awaitable[T]]) -> T:
        if self.breaker.open:
            raise LLMUnavailable("the model is paused after repeated failures")
        for attempt in range(1, self.retry.attempts + 1):
            try:
                result = await call()
            except openai.BadRequestError as exc:
                # Not the server's health: a request it will never accept.  No retry, no breaker.
                raise LLMUnavailable(describe(exc)) from exc
            except RETRYABLE as exc:
                if attempt == self.retry.attempts:
                    self.breaker.failure()
                    raise LLMUnavailable(describe(exc)) from exc
                header = exc.response.headers.get("retry-after") if isinstance(exc, openai.APIStatusError) else None
                await self._sleep(self.retry.delay(attempt, parse_retry_after(header)))
                continue
            except openai.OpenAIError as exc:
                self.breaker.failure()
                raise LLMUnavailable(describe(exc)) from exc
            self.breaker.success()
            return result
        raise AssertionError("unreachable")


def refuses_format(exc: openai.APIStatusError) -> bool:
    """Whether the server's answer says it will not take the ``response_format`` it was sent."""
    if exc.status_code not in REFUSAL_STATUSES:
        return False
    named = exc.param == "response_format"  # the SDK reads ``param`` from the error body
    return named or "response_format" in exc.message or "json_schema" in exc.message


def describe(exc: BaseException) -> str:
    """A short, secret-free reason for a failed call."""
    if isinstance(exc, openai.RateLimitError):
        return "the model's server is rate-limiting us (429)"
    if isinstance(exc, openai.APITimeoutError):
        return "the model did not answer in time"
    if isinstance(exc, openai.APIConnectionError):
        return "the model's server could not be reached"
    if isinstance(exc, openai.AuthenticationError):
        return "the model's server rejected the API key (401)"
    if isinstance(exc, openai.APIStatusError):
        return f"the model's server answered with an error ({exc.status_code})"
    if isinstance(exc, ValueError):
        return "the model's server sent a reply that is not valid JSON"
    return "the model call failed"
