"""``POST /v1/audio/transcriptions`` for the local OpenAI-compatible test server.

Speaks the multipart upload the real ``openai`` client sends and answers as the real servers do:
OpenAI (``whisper-1``: ``json``, ``text`` and ``verbose_json`` with segments and a ``usage`` of
type ``duration``; its ``gpt-4o-transcribe`` models refuse ``verbose_json`` with a 400 naming
``response_format``) and a local whisper server (``local=True``: the same shape with fewer
fields per segment, as whisper.cpp's server writes it).  Like OpenAI it tells the format by the
upload's file extension and refuses a file over 25 MB.

Tests queue transcripts (text and timed segments) and faults (429 with ``Retry-After``, 5xx, a
hang until the client gives up); ``requests`` records every upload's form fields and file, so a
test can assert what was sent, and that nothing was sent when a file was refused before upload.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

AUDIO_FAULTS: dict[str, dict[str, Any]] = {"rate_limit": {"retry_after": 0}, "server_error": {"status": 500},
                                           "hang": {"seconds": 30.0}}
FORMATS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
LIMIT = 25 * 1024 * 1024


@dataclass(frozen=True)
class Scripted:
    text: str
    segments: tuple[tuple[float, float, str], ...] = ()  # (start, end, text); none: one segment for the whole text
    duration: float | None = None


@dataclass(frozen=True)
class _Fault:
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


def _error(message: str, status: int, *, type_: str = "invalid_request_error", param: str | None = None,
           code: str | None = None, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return web.Response(status=status, body=json.dumps(body).encode(),
                        headers={"Content-Type": "application/json", **(headers or {})})


class FakeTranscriptions:
    """The transcription route's state: a queue of transcripts and faults, and what was uploaded."""

    def __init__(self, closing: asyncio.Event) -> None:
        self.requests: list[dict[str, Any]] = []
        self.verbose = True  # False: refuse verbose_json, as OpenAI's gpt-4o-transcribe models do
        self.local = False  # True: segments as a local whisper server writes them
        self._closing = closing
        self._queue: deque[Scripted | _Fault] = deque()
        self._default = Scripted("I would use a queue.")

    def transcript(self, text: str, segments: list[tuple[float, float, str]] | None = None,
                   duration: float | None = None) -> None:
        """Queue the transcript of the next upload."""
        self._queue.append(Scripted(text, tuple(segments or ()), duration))

    def default(self, text: str, segments: list[tuple[float, float, str]] | None = None) -> None:
        self._default = Scripted(text, tuple(segments or ()))

    def fault(self, kind: str, **options: Any) -> None:
        if kind not in AUDIO_FAULTS or set(options) - set(AUDIO_FAULTS[kind]):
            raise ValueError(f"unknown audio fault {kind!r} or option {sorted(options)}")
        self._queue.append(_Fault(kind, {**AUDIO_FAULTS[kind], **options}))

    @property
    def pending(self) -> int:
        return len(self._queue)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if (request.content_length or 0) > LIMIT + 1024 * 1024:
            return _error(f"Maximum content size limit ({LIMIT}) exceeded.", 413)
        form = await request.post()
        upload = form.get("file")
        fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
        fields["timestamp_granularities[]"] = [v for k, v in form.items() if k == "timestamp_granularities[]"]
        if not isinstance(upload, web.FileField):
            self.requests.append(fields)
            return _error("Missing required parameter: 'file'.", 400, param="file")
        data = upload.file.read()
        self.requests.append({**fields, "filename": upload.filename, "content_type": upload.content_type, "data": data,
                              "received_at": time.perf_counter()})  # the whole upload is in: for benchmarks
        if upload.filename.rpartition(".")[2].lower() not in FORMATS:
            return _error(f"Invalid file format. Supported formats: {list(FORMATS)}", 400)
        fmt = fields.get("response_format", "json")
        if fmt == "verbose_json" and not self.verbose:
            return _error(f"response_format 'verbose_json' is not compatible with model '{fields.get('model')}'. "
                          "Use 'json' or 'text' instead.", 400, param="response_format", code="unsupported_value")
        entry = self._queue.popleft() if self._queue else self._default
        if isinstance(entry, _Fault):
            return await self._fault(entry)
        return self._answer(entry, fmt)

    async def _fault(self, fault: _Fault) -> web.StreamResponse:
        if fault.kind == "rate_limit":
            return _error("Rate limit reached for requests.", 429, type_="requests", code="rate_limit_exceeded",
                          headers={"Retry-After": str(fault.options["retry_after"])})
        if fault.kind == "server_error":
            status = int(fault.options["status"])
            return _error(f"The server had an error processing your request ({status}).", status, type_="server_error")
        with contextlib.suppress(TimeoutError):  # hang: answer only after the client has given up (or the server stops)
            await asyncio.wait_for(self._closing.wait(), timeout=float(fault.options["seconds"]))
        return _error("Server shutting down.", 503, type_="server_error")

    def _answer(self, entry: Scripted, fmt: str) -> web.Response:
        if fmt == "text":
            return web.Response(text=entry.text + "\n", content_type="text/plain")
        if fmt != "verbose_json":
            return web.json_response({"text": entry.text})
        segments = entry.segments or ((0.0, entry.duration or 1.0, entry.text),)
        duration = entry.duration if entry.duration is not None else segments[-1][1]
        body: dict[str, Any] = {"task": "transcribe", "language": "english", "duration": duration, "text": entry.text,
                                "segments": [self._segment(i, s) for i, s in enumerate(segments)]}
        if not self.local:
            body["usage"] = {"type": "duration", "seconds": round(duration + 0.5)}
        return web.json_response(body)

    def _segment(self, index: int, segment: tuple[float, float, str]) -> dict[str, Any]:
        start, end, text = segment
        out: dict[str, Any] = {"id": index, "start": start, "end": end, "text": f" {text}",
                               "tokens": list(range(50364, 50364 + len(text.split()))), "temperature": 0.0,
                               "avg_logprob": -0.25, "no_speech_prob": 0.01}
        if not self.local:  # whisper.cpp's server leaves these out
            out.update(seek=int(start * 100), compression_ratio=1.3)
        return out
