"""The issue-14 checks against a local OpenAI-compatible server: a real llama.cpp server given by
URL, or (without ``--url``) the test server imitating one, so the script itself stays exercised.

    python -m benchmarks.local_llm [--url http://localhost:8080/v1 --model local] [--delay 20]

Requests pass through a small counting proxy on 127.0.0.1, so what the bot sends is counted
without touching the client.  Checks, each printed as one JSON line:

- format: the first grade comes from the model, and later grades need one request each (a
  llama.cpp server refuses ``json_schema`` once; the refusal is remembered);
- clock: a question's time left before and after a graded answer (with its follow-up), and how
  long the model took meanwhile: the first two should match within a second;
- debrief: who wrote it, whether it ends on a whole sentence, the reason if it fell back;
- context: the context size the server reports, and a long answer graded without overflowing;
- overflow: a prompt longer than the reported context, sent anyway: the reason must name it;
- timeout: a call with a 50 ms first-token limit fails once, without being sent again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from bot.bootstrap import build_judge, load_bank, prompts
from bot.engine.clock import SystemClock
from bot.engine.models import Level, RoundKind
from bot.engine.ports import AnswerText
from bot.engine.session import InterviewEngine, SessionRequest
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient, LLMUnavailable
from bot.llm.debrief import LLMDebriefer
from bot.llm.formats import FormatMemory
from bot.llm.interviewer import LLMInterviewer
from bot.llm.judge import FORMATS
from bot.llm.retry import RetryPolicy
from tests.e2e.test_practice_llm import ScriptedModel
from tests.fakes import MemoryRepository, RecordingNotifier
from tests.servers.llama_cpp import LLAMA_CPP
from tests.servers.openai_server import running_fake_openai

BANK = load_bank()
ANSWERS = {
    "core.gil": "Threads help I/O-bound work because the GIL is released while a thread waits on the network. "
                "For CPU-bound work I would use processes, since only one thread runs bytecode at a time.",
    "core.mutable-default": "The default list is evaluated once, when the def statement runs, so every call shares "
                            "it. Fix it with a None default and a new list inside the function.",
}


class CountingProxy:
    """Forwards everything to ``target`` and counts chat requests by the response format they ask for."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.chats: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if request.path.endswith("/chat/completions"):
            sent = json.loads(body or b"{}")
            self.chats[(sent.get("response_format") or {}).get("type", "none")] += 1
        root = self.target.removesuffix("/v1")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with ClientSession(timeout=ClientTimeout(total=None)) as session, session.request(
                request.method, root + request.path_qs, data=body, headers=headers) as upstream:
            response = web.StreamResponse(status=upstream.status, headers={
                k: v for k, v in upstream.headers.items() if k.lower() in ("content-type", "retry-after")})
            await response.prepare(request)
            try:
                async for piece in upstream.content.iter_any():
                    await response.write(piece)
                await response.write_eof()
            except ConnectionResetError:
                pass  # the bot hung up first (a timeout, a rejected debrief): the server's leftovers go nowhere
            return response

    @asynccontextmanager
    async def running(self) -> AsyncIterator[CountingProxy]:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"
        try:
            yield self
        finally:
            await self._runner.cleanup()


def client(url: str, model: str, key: str, **options: Any) -> LLMClient:
    settings: dict[str, Any] = {"retry": RetryPolicy(attempts=3), "timeout": 60.0, "connect_timeout": 3.0,
                                "reply_timeout": 300.0, **options}
    return LLMClient(api_key=key, base_url=url, model=model, breaker=CircuitBreaker(SystemClock()), **settings)


def emit(check: str, **values: Any) -> None:
    print(json.dumps({"check": check, **values}), flush=True)


async def check_format(proxy: CountingProxy, model: str, key: str) -> None:
    llm = client(proxy.url, model, key)
    scorer = build_judge(llm)
    scorer.judge.formats = FormatMemory(FORMATS)  # a fresh process's memory
    try:
        for attempt, (qid, text) in enumerate(ANSWERS.items(), 1):
            before = proxy.chats.copy()
            started = time.perf_counter()
            result = await scorer.score(BANK.get(qid), BANK.rubric(qid), AnswerText([text]), frozenset())
            emit("format", grade=attempt, scorer=result.scorer, fallback_reason=result.fallback_reason,
                 requests=dict(proxy.chats - before), seconds=round(time.perf_counter() - started, 1))
    finally:
        await llm.close()


def left(state: Any) -> tuple[float, float]:
    round_ = state.current_round()
    current = round_.current()
    now = datetime.now(UTC)
    return (current.deadline_at - now).total_seconds(), (round_.deadline_at - now).total_seconds()


async def check_clock_and_debrief(proxy: CountingProxy, model: str, key: str) -> None:
    llm = client(proxy.url, model, key)
    clock = SystemClock()
    engine = InterviewEngine(BANK, build_judge(llm), LLMInterviewer(llm, prompts()), MemoryRepository(),
                             RecordingNotifier(), clock)
    try:
        state = await engine.start(SessionRequest(user_id="bench", rounds=(RoundKind.CORE,), level=Level.MID,
                                                  minutes=20, questions=2, seed=4))
        question, round_ = left(await engine.state(state.id))
        started = time.perf_counter()
        await engine.answer(state.id, "Memory stays flat with a generator. It yields lazily, one item at a time.")
        waited = time.perf_counter() - started
        after = await engine.state(state.id)
        if after.current_round() is not None and after.current_round().current() is not None:  # type: ignore[union-attr]
            question_after, round_after = left(after)
            emit("clock", model_seconds=round(waited, 1), question_left_before=round(question, 1),
                 question_left_after=round(question_after, 1), round_left_before=round(round_, 1),
                 round_left_after=round(round_after, 1), lost_seconds=round(question - question_after, 1))
        else:
            emit("clock", model_seconds=round(waited, 1), note="the question closed (no follow-up); not measured")
        await engine.end(state.id)
        final = await engine.state(state.id)
        parts = [p async for p in LLMDebriefer(llm, prompts(), BANK).debrief(final)]
        shown = "".join(p.text for p in parts if p.source == "llm")
        reason = next((p.fallback_reason for p in parts if p.fallback_reason), None)
        emit("debrief", source="llm" if shown and not reason else "offline" if not shown else "llm+offline",
             fallback_reason=reason, ends_on_sentence=shown.rstrip().endswith((".", "!", "?")) if shown else None,
             text="".join(p.text for p in parts)[:400])
    finally:
        await llm.close()


async def check_context(proxy: CountingProxy, model: str, key: str) -> None:
    llm = client(proxy.url, model, key)
    try:
        size = await llm.window.size()
        qid, text = next(iter(ANSWERS.items()))
        long_text = " ".join([text] * 60)
        result = await build_judge(llm).score(BANK.get(qid), BANK.rubric(qid), AnswerText([long_text]), frozenset())
        emit("context", reported_tokens=size, long_answer_chars=len(long_text), scorer=result.scorer,
             fallback_reason=result.fallback_reason, cut_note=any("context" in n for n in result.notes))
        if size is None or size > 32_768:
            emit("overflow", skipped="the server reports no context size, or one too large to overflow cheaply")
            return
        llm.window.learn(10**7)  # pretend it is huge, so the oversized prompt is really sent
        try:
            await llm.complete([{"role": "user", "content": "word " * (size + 200)}], max_tokens=8, purpose="probe")
            emit("overflow", reason=None, note="the server accepted a prompt longer than its context")
        except LLMUnavailable as exc:
            emit("overflow", reason=str(exc), names_context="context window" in str(exc))
    finally:
        await llm.close()


async def check_timeout(proxy: CountingProxy, model: str, key: str) -> None:
    llm = client(proxy.url, model, key, timeout=0.05)
    before = sum(proxy.chats.values())
    started = time.perf_counter()
    try:
        await llm.complete([{"role": "user", "content": "Say hello."}], max_tokens=8, purpose="probe")
        emit("timeout", note="the server answered within 50 ms; nothing to check")
    except LLMUnavailable as exc:
        emit("timeout", reason=str(exc), requests=sum(proxy.chats.values()) - before,
             seconds=round(time.perf_counter() - started, 2))
    finally:
        await llm.close()


async def run(url: str, model: str, key: str) -> None:
    async with CountingProxy(url).running() as proxy:
        await check_format(proxy, model, key)
        await check_clock_and_debrief(proxy, model, key)
        await check_context(proxy, model, key)
        await check_timeout(proxy, model, key)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="the server's OpenAI base URL, e.g. http://localhost:8080/v1")
    parser.add_argument("--model", default="local")
    parser.add_argument("--key", default="local")
    parser.add_argument("--delay", type=float, default=0.0, help="test server only: seconds before each reply")
    args = parser.parse_args()
    if args.url:
        await run(args.url, args.model, args.key)
        return
    async with running_fake_openai(LLAMA_CPP) as server:
        server.default(ScriptedModel())
        server.delay = args.delay
        emit("server", kind="test server imitating llama.cpp", delay_seconds=args.delay)
        await run(server.base_url, args.model, args.key)


if __name__ == "__main__":
    asyncio.run(main())
