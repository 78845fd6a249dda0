"""The client's streaming path: text arrives in pieces; a cut stream keeps what arrived and says why."""

from __future__ import annotations

import pytest

from bot.engine.clock import FakeClock
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient, LLMUnavailable
from tests.servers.openai_server import running_fake_openai

TEXT = "You said the queue absorbs bursts; what happens when the consumers fall behind for an hour?"


async def test_streaming_and_a_stream_cut_half_way() -> None:
    async with running_fake_openai() as server:
        breaker = CircuitBreaker(FakeClock(), failures=1)
        client = LLMClient(api_key="k", base_url=server.base_url, model="m", breaker=breaker, timeout=2)
        try:
            server.reply(TEXT)
            pieces = [piece async for piece in client.stream([{"role": "user", "content": "go"}])]
            assert len(pieces) > 1 and "".join(pieces) == TEXT

            server.fault("stream_cut", after=2)
            server.reply(TEXT)
            received: list[str] = []
            with pytest.raises(LLMUnavailable):
                async for piece in client.stream([{"role": "user", "content": "go"}]):
                    received.append(piece)
            assert received and TEXT.startswith("".join(received)) and "".join(received) != TEXT
            assert breaker.open  # one failure opens this breaker; the user hears about it once
            assert breaker.announce() and not breaker.announce()
        finally:
            await client.close()
