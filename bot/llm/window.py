"""The model's context window, when the server tells it, and prompts cut to fit it.

Local servers often run with a small context (llama-cpp-python defaults to 2,048 tokens), and a
grade prompt that does not fit fails every time.  The window is read once per process from what
the server publishes: llama.cpp's ``GET /props`` (``default_generation_settings.n_ctx``, the
runtime size, at the server's root, not under ``/v1``) or vLLM's ``max_model_len`` in
``/v1/models``; a server that refuses a prompt as too long and names its ``n_ctx`` (llama.cpp's
``exceed_context_size_error``) teaches it too.  Then the candidate's text, the only part of a
prompt that can grow, is cut so the whole request fits, keeping its beginning and end.

Tokens are estimated at three characters each: more than English averages, so an estimate errs
towards cutting a little early rather than overflowing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import openai
from openai import AsyncOpenAI

CHARS_PER_TOKEN = 3
MARGIN_TOKENS = 64  # the chat template's own tokens (role markers, turn separators)
MIN_ROOM_CHARS = 400  # below this the model would grade a fragment: better to say the context is too small
CUT_MARK = "\n[... part of the answer was left out to fit the model's context ...]\n"
PROBE_SECONDS = 3.0


class ContextTooSmall(Exception):
    """Even a short answer would not fit beside this prompt in the model's context."""


def estimate_tokens(messages: Sequence[Any]) -> int:
    return sum(len(str(m.get("content", ""))) for m in messages) // CHARS_PER_TOKEN + MARGIN_TOKENS


def cut_middle(text: str, room: int) -> str:
    """``text`` shortened to about ``room`` characters, keeping its start and its end (where conclusions sit)."""
    if len(text) <= room:
        return text
    keep = max(0, room - len(CUT_MARK))
    head = keep * 2 // 3
    return text[:head].rstrip() + CUT_MARK + text[len(text) - (keep - head):].lstrip()


class ContextWindow:
    """What one server says about its model's context size, asked for once."""

    def __init__(self, client: AsyncOpenAI, model: str) -> None:
        self._client = client
        self._model = model
        self._known: int | None = None
        self._asked = False

    def learn(self, size: int | None) -> None:
        """Remember a size the server stated (e.g. in an overflow error)."""
        if size:
            self._known, self._asked = size, True

    async def size(self) -> int | None:
        """The context in tokens, or None when the server does not say."""
        if not self._asked:
            self._known = await self._props() or await self._models()
            self._asked = True
        return self._known

    async def _get(self, url: str) -> object:
        try:
            return await self._client.get(url, cast_to=object, options={"timeout": PROBE_SECONDS})
        except openai.OpenAIError:
            return None

    async def _props(self) -> int | None:
        root = str(self._client.base_url).rstrip("/").removesuffix("/v1")
        found = await self._get(f"{root}/props")
        settings = found.get("default_generation_settings") if isinstance(found, dict) else None
        n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
        return n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None

    async def _models(self) -> int | None:
        found = await self._get("models")
        rows = found.get("data") if isinstance(found, dict) else None
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("id") == self._model and isinstance(row.get("max_model_len"), int):
                return int(row["max_model_len"])
        return None

    async def fit(self, build: Callable[[str], list[Any]], text: str, max_tokens: int) -> tuple[list[Any], bool]:
        """The messages ``build`` makes around ``text``, with ``text`` cut to fit the context if needed;
        the flag says whether it was cut."""
        size = await self.size()
        messages = build(text)
        if size is None or estimate_tokens(messages) + max_tokens <= size:
            return messages, False
        room = (size - max_tokens - estimate_tokens(build(""))) * CHARS_PER_TOKEN
        if room < min(MIN_ROOM_CHARS, len(text)):
            raise ContextTooSmall(f"the model's context window ({size:,} tokens) is too small for this prompt; "
                                  "start the server with a larger context (llama.cpp: --ctx-size)")
        return build(cut_middle(text, room)), True
