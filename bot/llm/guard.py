"""One call to an OpenAI-compatible server, under the retry policy and the breaker.

Shared by the chat client and the speech-to-text client so both fail the same way: 429, 5xx,
dropped connections and bodies that are not JSON are retried with backoff that honours
``Retry-After``; a timeout only when the policy says so (see ``RetryPolicy.timeouts``); a 400 is
never retried and never counts against the breaker (the request, not the server, is wrong); every
other failure counts.  What reaches the caller is an ``LLMUnavailable`` whose message is safe to
show a user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import openai

from bot.llm.breaker import CircuitBreaker
from bot.llm.model import LLMUnavailable
from bot.llm.reasons import MODEL, Cut, Stalled, Subject, describe
from bot.llm.retry import RetryPolicy, parse_retry_after

T = TypeVar("T")
# A body that is not JSON (the SDK raises json's ValueError) is a transient glitch too.
RETRYABLE = (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError, ValueError, Cut)
TIMEOUTS = (openai.APITimeoutError, Stalled)


class Guard:
    """Runs calls for one server: ``learn`` hears every refused request (the chat client reads the
    context size a server reports there)."""

    def __init__(self, breaker: CircuitBreaker, retry: RetryPolicy, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 subject: Subject = MODEL, learn: Callable[[BaseException], None] | None = None) -> None:
        self.breaker = breaker
        self.retry = retry
        self.subject = subject
        self._sleep = sleep
        self._learn = learn or (lambda exc: None)

    @property
    def paused(self) -> str:
        return f"{self.subject.name} is paused after repeated failures"

    async def __call__(self, call: Callable[[], Awaitable[T]], purpose: str) -> T:
        if self.breaker.open_for(purpose):
            raise LLMUnavailable(self.paused)
        for attempt in range(1, self.retry.attempts + 1):
            try:
                result = await call()
            except openai.BadRequestError as exc:
                # Not the server's health: a request it will never accept.  No retry, no breaker.
                self._learn(exc)
                raise LLMUnavailable(describe(exc, self.subject)) from exc
            except TIMEOUTS as exc:
                if not self.retry.timeouts or attempt == self.retry.attempts:
                    self.breaker.failure(purpose)
                    raise LLMUnavailable(describe(exc, self.subject)) from exc
                await self._sleep(self.retry.delay(attempt))
                continue
            except RETRYABLE as exc:
                if attempt == self.retry.attempts:
                    self.breaker.failure(purpose)
                    raise LLMUnavailable(describe(exc, self.subject)) from exc
                header = exc.response.headers.get("retry-after") if isinstance(exc, openai.APIStatusError) else None
                await self._sleep(self.retry.delay(attempt, parse_retry_after(header)))
                continue
            except openai.OpenAIError as exc:
                self.breaker.failure(purpose)
                raise LLMUnavailable(describe(exc, self.subject)) from exc
            self.breaker.success(purpose)
            return result
        raise AssertionError("unreachable")
