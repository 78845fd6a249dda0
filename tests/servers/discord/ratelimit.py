"""On-demand 429s, shaped so discord.py treats them as real Discord rate limits.

discord.py 2.7.1 only honours a 429 (sleep ``retry_after`` from the JSON body, then
retry the same request) when the response carries a ``Via`` header and a JSON body;
without ``Via`` it assumes a Cloudflare ban and raises ``HTTPException`` at once. The
bot-token client and the webhook/interaction client both apply that rule. So every
429 here carries ``Via``, the ``X-RateLimit-*`` headers and a JSON body, and each
rule records when it fired and when the client came back, to prove the retry waited.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field

from aiohttp import web

JSON_TYPE = "application/json"


@dataclass
class RateLimitRule:
    """Answer the next ``times`` requests matching ``method`` and ``path_regex`` with 429.

    ``path_regex`` is matched with ``re.fullmatch`` against the path after
    ``/api/v10`` (no query string), e.g. ``r"/channels/\\d+/messages"``; ``method``
    may be ``"*"``. ``hits`` holds the monotonic times of the 429s sent and
    ``retries`` the times of matching requests that arrived after a 429.
    """

    method: str
    pattern: re.Pattern[str]
    retry_after: float
    times: int
    is_global: bool = False
    scope: str = "user"
    bucket: str = "emulated-bucket"
    hits: list[float] = field(default_factory=list)
    retries: list[float] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method.upper()) and self.pattern.fullmatch(path) is not None

    @property
    def exhausted(self) -> bool:
        return len(self.hits) >= self.times

    def first_retry_delay(self) -> float | None:
        """Seconds between the first 429 and the client's next matching request."""
        if not self.hits or not self.retries:
            return None
        return self.retries[0] - self.hits[0]

    def respond(self) -> web.Response:
        self.hits.append(time.monotonic())
        reset = time.time() + self.retry_after
        headers = {
            "Content-Type": JSON_TYPE,
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(self.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{reset:.3f}",
            "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
            "X-RateLimit-Bucket": self.bucket,
            "X-RateLimit-Scope": "global" if self.is_global else self.scope,
        }
        if self.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": self.retry_after, "global": self.is_global}
        if self.is_global:
            body["code"] = 0
        return web.Response(status=429, body=json.dumps(body).encode(), headers=headers)


class RateLimiter:
    def __init__(self) -> None:
        self.rules: list[RateLimitRule] = []

    def add(self, method: str, path_regex: str, *, retry_after: float, times: int, is_global: bool = False) -> RateLimitRule:
        rule = RateLimitRule(method.upper(), re.compile(path_regex), retry_after, times, is_global=is_global)
        self.rules.append(rule)
        return rule

    def check(self, method: str, path: str) -> web.Response | None:
        """A 429 for this request if a live rule matches; also records retries."""
        for rule in self.rules:
            if not rule.matches(method, path):
                continue
            if not rule.exhausted:
                return rule.respond()
            if len(rule.retries) < len(rule.hits):
                rule.retries.append(time.monotonic())
        return None
