"""A scriptable OpenAI-compatible HTTP server for tests.

The LLM adapter must be tested with the real ``openai`` client speaking real HTTP,
because the interesting failures (status-code mapping, Retry-After handling, timeouts,
broken streams, servers that reject ``response_format``) live in the client's transport
and parsing layers, which a mocked client would skip. This server speaks just enough of
the Chat Completions wire format to drive those paths deterministically.

Scripting model: tests queue entries with :meth:`FakeOpenAI.reply` and
:meth:`FakeOpenAI.fault`; each chat request consumes the next entry when it arrives.
When the queue is empty the :meth:`FakeOpenAI.default` reply is used, so tests that
don't care about content need no scripting at all.

A ``dialect`` (see ``tests/servers/llama_cpp.py``) makes the server behave as a real one
does on every request: refusing the ``response_format`` types that server refuses, with
its status and body, before any entry is consumed, and constraining JSON-mode replies.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from tests.servers.llama_cpp import Dialect
from tests.servers.openai_audio import FakeTranscriptions

__all__ = ["FAULT_KINDS", "FakeOpenAI", "running_fake_openai"]

MODEL_ID = "fake-model"

# Options each fault accepts, with their defaults. Anything else is a typo in a test,
# and is rejected when queued rather than silently ignored at request time.
FAULT_KINDS: dict[str, dict[str, Any]] = {
    "rate_limit": {"retry_after": 1},
    "server_error": {"status": 500},
    "hang": {"seconds": 30.0, "content": None},
    "malformed": {"body": '{"id": "chatcmpl-broken", "choices": [{"message": '},
    "reject_response_format": {"only": "json_schema"},
    "stream_cut": {"after": 2},
}

JSON_TYPE = "application/json"
SSE_TYPE = "text/event-stream"


@dataclass(frozen=True)
class _Reply:
    content: str
    usage: bool = True
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str = "stop"


@dataclass(frozen=True)
class _Fault:
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


_Entry = _Reply | _Fault


def _word_count(text: str) -> int:
    return len(text.split())


def _message_text(message: Any) -> str:
    """The text of one chat message, whether its content is a string or a list of parts."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict) and isinstance(part.get("text"), str))
    return ""


def _error_body(message: str, *, type_: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _json_response(payload: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with a bare ``application/json`` type: aiohttp's json_response would add a charset."""
    all_headers = {"Content-Type": JSON_TYPE, **(headers or {})}
    return web.Response(status=status, body=json.dumps(payload).encode(), headers=all_headers)


def _split_chunks(content: str, words_per_chunk: int) -> list[str]:
    """Split into pieces of a few words that concatenate back to exactly ``content``."""
    words = [piece for piece in re.split(r"(?<=\s)(?=\S)", content) if piece]
    return ["".join(words[i : i + words_per_chunk]) for i in range(0, len(words), words_per_chunk)]


class FakeOpenAI:
    """An OpenAI-compatible server on 127.0.0.1 with a random free port.

    ``requests`` holds every chat-completions request body in arrival order and
    ``headers`` the matching request headers (lower-cased names), so tests can assert
    what the client actually sent, including whether it sent ``authorization``.
    """

    words_per_chunk = 3
    chunk_delay = 0.0  # seconds between streamed chunks, for tests of how text is shown as it arrives
    # Seconds each reply takes before its first token, like a slow local model reading the prompt.
    delay = 0.0
    # The model's context in tokens (a token is a word here).  A longer prompt is refused the way the
    # dialect's server refuses it (OpenAI's context_length_exceeded without one).  llama.cpp's dialect
    # publishes it at /props, with 4096 (a common -c) when none is set.
    n_ctx: int | None = None

    def __init__(self, dialect: Dialect | None = None) -> None:
        self.dialect = dialect
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.model_list_calls = 0
        self._queue: deque[_Entry] = deque()
        self._default: str | Callable[[dict[str, Any]], str] = "OK"
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        # Set on stop() so handlers parked in a "hang" return at once instead of
        # holding shutdown for the full hang duration.
        self._closing = asyncio.Event()
        self.audio = FakeTranscriptions(self._closing)  # POST /v1/audio/transcriptions, see openai_audio.py

    # ---- lifecycle -------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeOpenAI is already running")
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat_completions)
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/audio/transcriptions", self.audio.handle)
        app.router.add_get("/props", self._props)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        # handler_cancellation: when a client gives up (timeout), its handler is
        # cancelled instead of running on. shutdown_timeout: never let a test's
        # teardown wait the aiohttp default of 60 s for stragglers.
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(runner.addresses[0][1])
        self._closing.clear()
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._closing.set()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeOpenAI has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        """What to pass as ``AsyncOpenAI(base_url=...)``: the client appends ``/chat/completions``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ---- scripting -------------------------------------------------------------

    def reply(
        self,
        content: str,
        *,
        usage: bool = True,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        finish_reason: str = "stop",
    ) -> None:
        """Queue one reply. ``usage=False`` mimics servers that omit the usage object.

        Token counts default to word counts of the prompt messages and of ``content``.
        """
        self._queue.append(_Reply(content, usage, prompt_tokens, completion_tokens, finish_reason))

    def reply_json(self, obj: Any, **kwargs: Any) -> None:
        """Queue ``json.dumps(obj)`` as the reply content (structured-output tests)."""
        self.reply(json.dumps(obj), **kwargs)

    def fault(self, kind: str, **options: Any) -> None:
        """Queue one fault; see ``FAULT_KINDS`` for the kinds and their options."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        unknown = set(options) - set(FAULT_KINDS[kind])
        if unknown:
            raise ValueError(f"fault {kind!r} takes no option(s) {sorted(unknown)}; allowed: {sorted(FAULT_KINDS[kind])}")
        if kind == "reject_response_format" and options.get("only", "json_schema") not in ("json_schema", "json_object"):
            raise ValueError("reject_response_format only= must be 'json_schema' or 'json_object'")
        self._queue.append(_Fault(kind, {**FAULT_KINDS[kind], **options}))

    def default(self, content: str | Callable[[dict[str, Any]], str]) -> None:
        """The reply for requests that find the queue empty; a callable gets the request body."""
        self._default = content

    @property
    def pending(self) -> int:
        """Entries not yet consumed, so a test can assert its whole script was used."""
        return len(self._queue)

    # ---- handlers --------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        message = f"Unknown request URL: {request.method} {request.path}"
        return _json_response(_error_body(message, type_="invalid_request_error", code="unknown_url"), status=404)

    async def _models(self, request: web.Request) -> web.Response:
        self.model_list_calls += 1
        model = {"id": MODEL_ID, "object": "model", "created": 1_700_000_000, "owned_by": "mockloop-tests"}
        return _json_response({"object": "list", "data": [model]})

    def _context(self) -> int | None:
        if self.n_ctx is None and self.dialect is not None and not self.dialect.python:
            return 4096
        return self.n_ctx

    async def _props(self, request: web.Request) -> web.Response:
        props = self.dialect.props(self._context() or 4096) if self.dialect is not None else None
        if props is None:
            return await self._not_found(request)
        return _json_response(props)

    def _overflow(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        n_ctx = self._context()
        prompt = sum(_word_count(_message_text(message)) for message in body["messages"])
        if n_ctx is None or prompt < n_ctx:
            return None
        max_tokens = int(body.get("max_tokens") or 0)
        if self.dialect is not None:
            return self.dialect.overflow(prompt, n_ctx, max_tokens)
        message = (f"This model's maximum context length is {n_ctx} tokens. However, your messages resulted in "
                   f"{prompt} tokens. Please reduce the length of the messages.")
        return 400, _error_body(message, type_="invalid_request_error", code="context_length_exceeded", param="messages")

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.headers.append({name.lower(): value for name, value in request.headers.items()})
        try:
            body = json.loads(raw)
        except ValueError:
            self.requests.append({"_unparseable": raw.decode(errors="replace")})
            return _json_response(_error_body("Request body is not valid JSON.", type_="invalid_request_error"), status=400)
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            self.requests.append(body if isinstance(body, dict) else {"_unparseable": body})
            error = _error_body("'messages' is a required array.", type_="invalid_request_error", param="messages")
            return _json_response(error, status=400)
        self.requests.append(body)
        refusal = self.dialect.refusal(body) if self.dialect is not None else None
        refusal = refusal or self._overflow(body)
        if refusal is not None:  # refused while the request is parsed: no entry is consumed
            return _json_response(refusal[1], status=refusal[0])
        return await self._dispatch(request, body, self._next_entry())

    def _next_entry(self) -> _Entry | None:
        return self._queue.popleft() if self._queue else None

    def _next_reply(self, body: dict[str, Any]) -> _Reply:
        """The next queued entry if it is a reply, else the default (leaving faults queued)."""
        if self._queue and isinstance(self._queue[0], _Reply):
            entry = self._queue.popleft()
            assert isinstance(entry, _Reply)
            return entry
        return self._default_reply(body)

    def _default_reply(self, body: dict[str, Any]) -> _Reply:
        content = self._default(body) if callable(self._default) else self._default
        return _Reply(content)

    async def _dispatch(self, request: web.Request, body: dict[str, Any], entry: _Entry | None) -> web.StreamResponse:
        if entry is None:
            entry = self._default_reply(body)
        if isinstance(entry, _Reply):
            return await self._answer(request, body, entry)

        options = entry.options
        if entry.kind == "rate_limit":
            error = _error_body("Rate limit reached for requests.", type_="requests", code="rate_limit_exceeded")
            return _json_response(error, status=429, headers={"Retry-After": str(options["retry_after"])})

        if entry.kind == "server_error":
            status = int(options["status"])
            error = _error_body(f"The server had an error processing your request ({status}).", type_="server_error")
            return _json_response(error, status=status)

        if entry.kind == "hang":
            # Wait on the closing event rather than a bare sleep, so stop() frees us at once;
            # other requests are served meanwhile because this only parks this handler.
            try:
                await asyncio.wait_for(self._closing.wait(), timeout=float(options["seconds"]))
            except TimeoutError:
                pass
            else:
                return _json_response(_error_body("Server shutting down.", type_="server_error"), status=503)
            # A hang answers late with its own content or the default; it never takes a
            # queued reply, which belongs to whatever request the client sends next.
            late = _Reply(options["content"]) if options["content"] is not None else self._default_reply(body)
            return await self._answer(request, body, late)

        if entry.kind == "malformed":
            if body.get("stream"):
                response = web.StreamResponse(status=200, headers={"Content-Type": SSE_TYPE})
                await response.prepare(request)
                await response.write(f"data: {options['body']}\n\n".encode())
                await response.write(b"data: [DONE]\n\n")
                await response.write_eof()
                return response
            return web.Response(status=200, body=str(options["body"]).encode(), headers={"Content-Type": JSON_TYPE})

        if entry.kind == "reject_response_format":
            response_format = body.get("response_format")
            asked = response_format.get("type") if isinstance(response_format, dict) else None
            if asked == options["only"]:
                message = (
                    f"response_format type '{asked}' is not supported by this server; "
                    "supported types are 'text' and 'json_object'"
                    if asked == "json_schema"
                    else f"response_format type '{asked}' is not supported by this server; only 'text' is supported"
                )
                error = _error_body(message, type_="invalid_request_error", code="unsupported_value", param="response_format")
                return _json_response(error, status=400)
            # Not the rejected type: the fault is spent and the request is served as if
            # it had met the next entry in the queue.
            return await self._dispatch(request, body, self._next_entry())

        if entry.kind == "stream_cut":
            return await self._cut(request, body, self._next_reply(body), int(options["after"]))

        raise AssertionError(f"unhandled fault kind {entry.kind!r}")

    # ---- response building -----------------------------------------------------

    def _usage(self, body: dict[str, Any], reply: _Reply) -> dict[str, int]:
        prompt = reply.prompt_tokens
        if prompt is None:
            prompt = sum(_word_count(_message_text(message)) for message in body["messages"])
        completion = reply.completion_tokens if reply.completion_tokens is not None else _word_count(reply.content)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    def _envelope(self, body: dict[str, Any], obj: str, completion_id: str) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": obj,
            "created": int(time.time()),
            "model": body.get("model") or MODEL_ID,
            "system_fingerprint": None,
        }

    async def _answer(self, request: web.Request, body: dict[str, Any], reply: _Reply) -> web.StreamResponse:
        completion_id = f"chatcmpl-fake{next(self._ids)}"
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.dialect is not None:
            reply = replace(reply, content=self.dialect.constrain(body, reply.content))
        if body.get("stream"):
            return await self._stream(request, body, reply, completion_id)
        return _json_response(self._completion(body, reply, completion_id))

    def _completion(self, body: dict[str, Any], reply: _Reply, completion_id: str) -> dict[str, Any]:
        payload = self._envelope(body, "chat.completion", completion_id)
        payload["choices"] = [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content, "refusal": None},
                "logprobs": None,
                "finish_reason": reply.finish_reason,
            }
        ]
        if reply.usage:
            payload["usage"] = self._usage(body, reply)
        return payload

    def _chunk(self, body: dict[str, Any], completion_id: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
        chunk = self._envelope(body, "chat.completion.chunk", completion_id)
        chunk["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
        return chunk

    async def _start_sse(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": SSE_TYPE, "Cache-Control": "no-cache"})
        await response.prepare(request)
        return response

    @staticmethod
    async def _send(response: web.StreamResponse, data: dict[str, Any] | str) -> None:
        text = data if isinstance(data, str) else json.dumps(data)
        await response.write(f"data: {text}\n\n".encode())

    async def _stream(self, request: web.Request, body: dict[str, Any], reply: _Reply, completion_id: str) -> web.StreamResponse:
        stream_options = body.get("stream_options")
        include_usage = isinstance(stream_options, dict) and bool(stream_options.get("include_usage"))
        send_usage = include_usage and reply.usage

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            data = self._chunk(body, completion_id, delta, finish)
            if send_usage:
                data["usage"] = None  # as OpenAI does: every chunk but the last carries usage: null
            return data

        response = await self._start_sse(request)
        await self._send(response, chunk({"role": "assistant", "content": ""}))
        for piece in _split_chunks(reply.content, self.words_per_chunk):
            if self.chunk_delay:
                await asyncio.sleep(self.chunk_delay)
            await self._send(response, chunk({"content": piece}))
        await self._send(response, chunk({}, reply.finish_reason))
        if send_usage:
            usage_chunk = self._envelope(body, "chat.completion.chunk", completion_id)
            usage_chunk["choices"] = []
            usage_chunk["usage"] = self._usage(body, reply)
            await self._send(response, usage_chunk)
        await self._send(response, "[DONE]")
        await response.write_eof()
        return response

    async def _cut(self, request: web.Request, body: dict[str, Any], reply: _Reply, after: int) -> web.StreamResponse:
        """Send part of an answer, then close the socket mid-body, like a crashed or restarted server."""
        completion_id = f"chatcmpl-fake{next(self._ids)}"
        if body.get("stream"):
            response = await self._start_sse(request)
            await self._send(response, self._chunk(body, completion_id, {"role": "assistant", "content": ""}, None))
            for piece in _split_chunks(reply.content, self.words_per_chunk)[:after]:
                await self._send(response, self._chunk(body, completion_id, {"content": piece}, None))
        else:
            # Non-streaming: promise the full JSON body's length, deliver half of it.
            full = json.dumps(self._completion(body, reply, completion_id)).encode()
            response = web.StreamResponse(status=200, headers={"Content-Type": JSON_TYPE})
            response.content_length = len(full)
            await response.prepare(request)
            await response.write(full[: len(full) // 2])
        # close() (not abort()) flushes what was written before the FIN, so the client
        # really sees the first chunks and then an unterminated body.
        transport = request.transport
        if transport is not None:
            transport.close()
        return response


@asynccontextmanager
async def running_fake_openai(dialect: Dialect | None = None) -> AsyncIterator[FakeOpenAI]:
    """Start a FakeOpenAI for the duration of an ``async with`` block, stopping it even on failure."""
    server = FakeOpenAI(dialect)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
