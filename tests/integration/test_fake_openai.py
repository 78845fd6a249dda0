"""The fake OpenAI server, exercised by the real ``openai`` client over real HTTP.

These tests pin down two things the LLM adapter will rely on: that the fake speaks the
Chat Completions wire format well enough for ``openai.AsyncOpenAI`` to parse it, and
how that client surfaces each failure (which exception type, where the details live).
If an ``openai`` upgrade changes the latter, these tests say so before the adapter does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai
import pytest

from tests.servers.llama_cpp import LLAMA_CPP, LLAMA_CPP_PYTHON, Dialect
from tests.servers.openai_server import FakeOpenAI, running_fake_openai

MESSAGES: list[Any] = [
    {"role": "system", "content": "You are an interviewer."},
    {"role": "user", "content": "Ask me about generators"},
]
PROMPT_WORDS = 8  # word count of MESSAGES, the fake's default prompt_tokens

SCHEMA_FORMAT: Any = {
    "type": "json_schema",
    "json_schema": {"name": "score", "schema": {"type": "object", "properties": {"score": {"type": "integer"}}}},
}
# llama.cpp's JSON mode with a schema (not in the SDK's types, which is why it is typed Any)
OBJECT_WITH_SCHEMA: Any = {"type": "json_object", "schema": SCHEMA_FORMAT["json_schema"]["schema"]}


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAI]:
    async with running_fake_openai() as fake:
        yield fake


def make_client(server: FakeOpenAI, **kwargs: Any) -> openai.AsyncOpenAI:
    """The client as the adapter will build it; no retries by default, so each fault is seen once."""
    kwargs.setdefault("max_retries", 0)
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="test", **kwargs)


@pytest.fixture
async def client(server: FakeOpenAI) -> AsyncIterator[openai.AsyncOpenAI]:
    async with make_client(server) as real_client:
        yield real_client


async def collect(stream: Any) -> list[Any]:
    return [chunk async for chunk in stream]


# ---- successful replies ------------------------------------------------------------


async def test_plain_reply_with_usage(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.reply("Tell me what yield does.")

    raw = await client.chat.completions.with_raw_response.create(model="interviewer-1", messages=MESSAGES)
    completion = raw.parse()

    assert raw.headers["content-type"] == "application/json"
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.created > 0
    assert completion.model == "interviewer-1"  # echoed from the request
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == "Tell me what yield does."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (PROMPT_WORDS, 5)
    assert completion.usage.total_tokens == PROMPT_WORDS + 5

    assert server.requests == [{"model": "interviewer-1", "messages": MESSAGES}]
    assert server.headers[0]["authorization"] == "Bearer test"
    assert server.pending == 0


async def test_explicit_token_counts(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.reply("short", prompt_tokens=1234, completion_tokens=56)

    completion = await client.chat.completions.create(model="m", messages=MESSAGES)

    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == (1234, 56, 1290)


async def test_reply_without_usage(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.reply("No usage from me.", usage=False)

    completion = await client.chat.completions.create(model="m", messages=MESSAGES)

    assert completion.choices[0].message.content == "No usage from me."
    assert completion.usage is None  # the client tolerates the missing object rather than failing


async def test_reply_json_and_queue_order(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.reply_json({"score": 3, "notes": ["clear"]})
    server.reply("second")

    first = await client.chat.completions.create(model="m", messages=MESSAGES, response_format=SCHEMA_FORMAT)
    second = await client.chat.completions.create(model="m", messages=MESSAGES)

    assert json.loads(first.choices[0].message.content or "") == {"score": 3, "notes": ["clear"]}
    assert second.choices[0].message.content == "second"
    assert server.requests[0]["response_format"] == SCHEMA_FORMAT


async def test_default_reply_when_queue_is_empty(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    plain = await client.chat.completions.create(model="m", messages=MESSAGES)
    server.default(lambda body: f"{len(body['messages'])} messages for {body['model']}")
    computed = await client.chat.completions.create(model="judge", messages=MESSAGES)

    assert plain.choices[0].message.content == "OK"
    assert computed.choices[0].message.content == "2 messages for judge"


async def test_models_list(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    models = await client.models.list()

    assert [model.id for model in models.data] == ["fake-model"]
    assert server.model_list_calls == 1


def test_fault_rejects_unknown_kinds_and_options() -> None:
    fake = FakeOpenAI()
    with pytest.raises(ValueError, match="unknown fault kind"):
        fake.fault("teapot")
    with pytest.raises(ValueError, match="retry_afer"):
        fake.fault("rate_limit", retry_afer=2)
    with pytest.raises(ValueError, match="only="):
        fake.fault("reject_response_format", only="text")


# ---- streaming ---------------------------------------------------------------------


async def test_streaming_reassembles_content_and_reports_usage(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    content = "Walk me through how a generator suspends and resumes its frame."
    server.reply(content)

    raw = await client.chat.completions.with_raw_response.create(
        model="m", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = await collect(raw.parse())

    assert raw.headers["content-type"] == "text/event-stream"
    text_chunks = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(text_chunks) > 1  # really split, not one blob
    assert "".join(text_chunks) == content
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert all(c.object == "chat.completion.chunk" and c.model == "m" for c in chunks)
    # The usage chunk comes last and has no choices, exactly as OpenAI sends it.
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (PROMPT_WORDS, 11)
    assert all(c.usage is None for c in chunks[:-1])


async def test_streaming_without_usage_request_or_support(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.reply("usage was not requested")
    server.reply("usage requested but this server never sends it", usage=False)

    unasked = await collect(await client.chat.completions.create(model="m", messages=MESSAGES, stream=True))
    unsupported = await collect(
        await client.chat.completions.create(model="m", messages=MESSAGES, stream=True, stream_options={"include_usage": True})
    )

    for chunks in (unasked, unsupported):
        assert all(c.usage is None for c in chunks)
        assert chunks[-1].choices[0].finish_reason == "stop"


# ---- faults ------------------------------------------------------------------------


async def test_rate_limit_is_rate_limit_error_with_retry_after(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.fault("rate_limit", retry_after=7)

    with pytest.raises(openai.RateLimitError) as caught:
        await client.chat.completions.create(model="m", messages=MESSAGES)

    error = caught.value
    assert error.status_code == 429
    # The exception has no retry_after attribute: the header is only on the raw httpx2 response.
    assert error.response.headers["retry-after"] == "7"
    assert error.code == "rate_limit_exceeded"
    # body is the *inner* "error" object, not the whole JSON document.
    assert isinstance(error.body, dict)
    assert error.body["message"].startswith("Rate limit")


async def test_client_retries_honour_retry_after(server: FakeOpenAI) -> None:
    """With retries on, the client waits Retry-After (floats allowed) and the retry takes the next queued reply."""
    server.fault("rate_limit", retry_after=0.3)
    server.reply("after the wait")

    async with make_client(server, max_retries=1) as retrying:
        started = time.monotonic()
        completion = await retrying.chat.completions.create(model="m", messages=MESSAGES)
        waited = time.monotonic() - started

    assert completion.choices[0].message.content == "after the wait"
    assert 0.3 <= waited < 1.5
    assert len(server.requests) == 2
    assert [h.get("x-stainless-retry-count") for h in server.headers] == ["0", "1"]


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_error_is_internal_server_error(server: FakeOpenAI, client: openai.AsyncOpenAI, status: int) -> None:
    server.fault("server_error", status=status)

    with pytest.raises(openai.InternalServerError) as caught:
        await client.chat.completions.create(model="m", messages=MESSAGES)

    assert caught.value.status_code == status
    assert caught.value.type == "server_error"


async def test_hang_times_out_without_blocking_the_server(server: FakeOpenAI) -> None:
    server.fault("hang")  # 30 s, far beyond the client's 0.5 s
    started = time.monotonic()

    async with make_client(server, timeout=0.5) as impatient, make_client(server) as other:
        hanging = asyncio.create_task(impatient.chat.completions.create(model="m", messages=MESSAGES))
        while not server.requests:  # make sure the hang took the fault before the second request
            await asyncio.sleep(0.01)
        served = await other.chat.completions.create(model="m", messages=MESSAGES)
        assert not hanging.done()  # the other request was answered while the first still hung

        with pytest.raises(openai.APITimeoutError):
            await hanging

    assert served.choices[0].message.content == "OK"
    assert time.monotonic() - started < 1.5


async def test_short_hang_answers_late(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.fault("hang", seconds=0.2, content="slow but fine")

    completion = await client.chat.completions.create(model="m", messages=MESSAGES, timeout=2)

    assert completion.choices[0].message.content == "slow but fine"


async def test_malformed_body_raises_plain_json_error(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    # Surprise: openai does NOT wrap this. A 200 with Content-Type application/json and
    # an unparseable body escapes as json.JSONDecodeError straight from response.json(),
    # so an adapter catching only openai.OpenAIError would let it through.
    server.fault("malformed")

    with pytest.raises(json.JSONDecodeError) as caught:
        await client.chat.completions.create(model="m", messages=MESSAGES)

    assert not isinstance(caught.value, openai.OpenAIError)


async def test_malformed_stream_event_raises_plain_json_error(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    # Same for SSE: the bad "data:" line fails in sse.json() during iteration, unwrapped.
    server.fault("malformed")

    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    with pytest.raises(json.JSONDecodeError):
        await collect(stream)


async def test_reject_response_format_only_when_json_schema_requested(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.fault("reject_response_format")
    with pytest.raises(openai.BadRequestError) as caught:
        await client.chat.completions.create(model="m", messages=MESSAGES, response_format=SCHEMA_FORMAT)
    assert caught.value.param == "response_format"
    assert "json_schema" in caught.value.message

    # Not asking for json_schema: the fault is spent and the next queued reply answers.
    server.fault("reject_response_format")
    server.reply_json({"score": 4})
    as_object = await client.chat.completions.create(model="m", messages=MESSAGES, response_format={"type": "json_object"})
    assert json.loads(as_object.choices[0].message.content or "") == {"score": 4}

    server.fault("reject_response_format")
    server.reply("plain text")
    plain = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert plain.choices[0].message.content == "plain text"
    assert server.pending == 0


async def test_reject_response_format_json_object_variant(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.fault("reject_response_format", only="json_object")
    server.reply("schema was fine")
    server.fault("reject_response_format", only="json_object")

    accepted = await client.chat.completions.create(model="m", messages=MESSAGES, response_format=SCHEMA_FORMAT)
    with pytest.raises(openai.BadRequestError, match="json_object"):
        await client.chat.completions.create(model="m", messages=MESSAGES, response_format={"type": "json_object"})

    assert accepted.choices[0].message.content == "schema was fine"


async def test_stream_cut_raises_connection_error_mid_iteration(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.fault("stream_cut", after=2)
    server.reply("one two three four five six seven eight nine ten")

    received: list[str] = []
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    with pytest.raises(openai.APIConnectionError) as caught:
        async for chunk in stream:
            received.append(chunk.choices[0].delta.content or "")

    # The client wraps httpx2's RemoteProtocolError (incomplete chunked read) as a plain
    # APIConnectionError, not APITimeoutError, and only after yielding what did arrive.
    assert type(caught.value) is openai.APIConnectionError
    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)
    assert "".join(received) == "one two three four five six "


async def test_stream_cut_on_non_streaming_request(server: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    server.fault("stream_cut")

    with pytest.raises(openai.APIConnectionError) as caught:
        await client.chat.completions.create(model="m", messages=MESSAGES)

    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)


# ---- imitating llama.cpp's servers -------------------------------------------------


@pytest.mark.parametrize("dialect", [LLAMA_CPP, LLAMA_CPP_PYTHON], ids=lambda d: d.name)
async def test_llama_cpp_servers_refuse_json_schema_with_a_500_that_names_response_format(dialect: Dialect) -> None:
    async with running_fake_openai(dialect) as server, make_client(server) as client:
        server.reply('Sure! Here it is:\n```json\n{"score": 4}\n```')
        with pytest.raises(openai.InternalServerError) as caught:
            await client.chat.completions.create(model="m", messages=MESSAGES, response_format=SCHEMA_FORMAT)
        refusal = caught.value
        assert refusal.status_code == 500 and "response_format" in refusal.message and "json_schema" in refusal.message
        if dialect is LLAMA_CPP:  # the SDK keeps the body's "error" object
            message = 'response_format type must be one of "text" or "json_object", but got: json_schema'
            assert refusal.body == {"code": 500, "message": message, "type": "server_error"}
        else:
            assert refusal.type == "internal_server_error" and refusal.param is None and refusal.code is None
        assert server.pending == 1  # refused while the request was parsed: nothing was generated

        # json_object with the schema under "schema": the grammar lets only the JSON through
        constrained = await client.chat.completions.create(model="m", messages=MESSAGES, response_format=OBJECT_WITH_SCHEMA)
        assert constrained.choices[0].message.content == '{"score": 4}'


async def test_a_scripted_reply_the_grammar_could_not_produce_is_a_test_error() -> None:
    async with running_fake_openai(LLAMA_CPP) as server, make_client(server) as client:
        server.reply('{"score": "four"}')
        with pytest.raises(openai.InternalServerError):
            await client.chat.completions.create(model="m", messages=MESSAGES, response_format=OBJECT_WITH_SCHEMA)
        server.reply("no JSON at all")
        plain = await client.chat.completions.create(model="m", messages=MESSAGES)  # no grammar without JSON mode
        assert plain.choices[0].message.content == "no JSON at all"
