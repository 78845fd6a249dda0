"""An OpenAI-compatible Chat Completions client with our own retries, timeouts and breaker.

The SDK's built-in retries are switched off so that one policy (``RetryPolicy``) decides:
429 and 5xx and timeouts are retried with jittered backoff that honours ``Retry-After``;
other 4xx are not (they will fail the same way again).  Every failure is turned into an
``LLMUnavailable`` whose message is safe to show a user: it never contains the key.
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
            reply = await self._client.chat.completions.create(**options)
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
                if "response_format" in str(exc) or "json_schema" in str(exc):
                    raise FormatRejected("the server does not support that response format") from exc
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
