"""How llama.cpp's OpenAI-compatible servers treat ``response_format``, for the fake server to imitate.

What the real servers do (read in their source and bug reports, September 2024 to 2026):

* ``llama-server`` (llama.cpp's tools/server; builds before ggml-org/llama.cpp PR #9527, and the
  ik_llama.cpp fork until late 2025): its OpenAI-params parser knows only "text" and "json_object".
  Any other type throws while the request is parsed, and the server's catch-all answers **500** with
  ``{"error": {"code": 500, "message": "response_format type must be one of \\"text\\" or
  \\"json_object\\", but got: json_schema", "type": "server_error"}}`` (reported verbatim in
  ggml-org/llama.cpp issue #9522 and ikawrakow/ik_llama.cpp issue #778).
* llama-cpp-python's ``llama_cpp.server``: ``response_format`` is a TypedDict whose ``type`` is
  ``Literal["text", "json_object"]`` (llama_cpp/llama_types.py).  Its ``RouteErrorHandler``
  (llama_cpp/server/errors.py) catches every exception from the route, FastAPI's validation error
  included, and answers **500** ``{"error": {"message": str(exc), "type": "internal_server_error",
  "param": null, "code": null}}`` (ggml-org/llama.cpp issue #23463 reports the 500).

Both accept ``{"type": "json_object", "schema": {...}}``: llama-server copies ``schema`` into the
request's JSON schema and llama-cpp-python builds a grammar from it (``_grammar_for_response_format``),
so generation is constrained to that shape; with no schema the output is constrained to JSON at best.
Context: llama.cpp's server publishes its runtime context at ``GET /props`` (server root, not
``/v1``) as ``default_generation_settings.n_ctx``, and refuses a longer prompt with **400**
``{"error": {"code": 400, "message": "request (N tokens) exceeds the available context size (M tokens),
try increasing it", "type": "exceed_context_size_error", "n_prompt_tokens": N, "n_ctx": M}}``.
llama-cpp-python has no ``/props``; its ``RouteErrorHandler`` turns the "Requested tokens exceed
context window" error into **400** ``invalid_request_error``, ``param: "messages"``,
``code: "context_length_exceeded"`` (llama_cpp/server/errors.py, ``ErrorResponseFormatters``).

A fake cannot constrain generation, so it does the next best thing: the scripted reply is what the
model "would say", and the fake lets through only the JSON in it, and only if it fits the schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["LLAMA_CPP", "LLAMA_CPP_PYTHON", "Dialect", "GrammarViolation"]

ACCEPTED = (None, "text", "json_object")
TYPES: dict[str, type | tuple[type, ...]] = {"object": dict, "array": list, "string": str, "boolean": bool,
                                             "integer": int, "number": (int, float)}


class GrammarViolation(AssertionError):
    """A scripted reply the real server's grammar could never have produced: a mistake in the test."""


@dataclass(frozen=True)
class Dialect:
    """One real server's handling of ``response_format``: how it refuses a type, how it constrains."""

    name: str
    python: bool  # llama-cpp-python's FastAPI server rather than llama.cpp's own C++ one

    def refusal(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """The status and body this server answers a ``response_format`` it does not know with."""
        response_format = body.get("response_format")
        asked = response_format.get("type") if isinstance(response_format, dict) else None
        if asked in ACCEPTED:
            return None
        if self.python:
            error = {"type": "literal_error", "loc": ("body", "response_format", "type"),
                     "msg": "Input should be 'text' or 'json_object'", "input": asked,
                     "ctx": {"expected": "'text' or 'json_object'"}}
            message = f"1 validation error:\n  {error}"
            return 500, {"error": {"message": message, "type": "internal_server_error", "param": None, "code": None}}
        message = f'response_format type must be one of "text" or "json_object", but got: {asked}'
        return 500, {"error": {"code": 500, "message": message, "type": "server_error"}}

    def overflow(self, prompt_tokens: int, n_ctx: int, max_tokens: int) -> tuple[int, dict[str, Any]]:
        """The status and body this server refuses a prompt longer than its context with."""
        if self.python:
            message = (f"This model's maximum context length is {n_ctx} tokens. However, you requested "
                       f"{prompt_tokens + max_tokens} tokens ({prompt_tokens} in the messages, {max_tokens} in the "
                       "completion). Please reduce the length of the messages or completion.")
            return 400, {"error": {"message": message, "type": "invalid_request_error", "param": "messages",
                                   "code": "context_length_exceeded"}}
        message = f"request ({prompt_tokens} tokens) exceeds the available context size ({n_ctx} tokens), try increasing it"
        return 400, {"error": {"code": 400, "message": message, "type": "exceed_context_size_error",
                               "n_prompt_tokens": prompt_tokens, "n_ctx": n_ctx}}

    def props(self, n_ctx: int) -> dict[str, Any] | None:
        """llama.cpp's ``GET /props`` (trimmed to what clients read); llama-cpp-python has none."""
        if self.python:
            return None
        return {"default_generation_settings": {"id": 0, "id_task": -1, "n_ctx": n_ctx, "is_processing": False,
                                                "params": {"n_predict": -1, "temperature": 0.8}},
                "total_slots": 1, "model_path": "/models/small-model-Q4_K_M.gguf", "chat_template": "",
                "build_info": "fake"}

    def constrain(self, body: dict[str, Any], content: str) -> str:
        """What generation under the request's grammar lets through of the scripted ``content``."""
        response_format = body.get("response_format")
        if not isinstance(response_format, dict) or response_format.get("type") != "json_object":
            return content
        start = content.find("{")
        try:
            value, _ = json.JSONDecoder().raw_decode(content, max(start, 0))
        except ValueError as exc:
            raise GrammarViolation(f"{self.name}: no JSON in the scripted reply {content[:60]!r}") from exc
        schema = response_format.get("schema")
        problem = violation(value, schema) if isinstance(schema, dict) else None
        if problem is not None:
            raise GrammarViolation(f"{self.name}: the scripted reply breaks the request's schema: {problem}")
        return json.dumps(value)


def violation(value: Any, schema: dict[str, Any], where: str = "$") -> str | None:
    """Why ``value`` does not fit ``schema`` (the keywords the grade schema uses), or None."""
    kind = schema.get("type")
    if kind is not None and (not isinstance(value, TYPES[kind]) or (kind != "boolean" and isinstance(value, bool))):
        return f"{where} is not of type {kind}"
    if isinstance(value, int) and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        return f"{where} is out of range"
    if ("const" in schema and value != schema["const"]) or ("enum" in schema and value not in schema["enum"]):
        return f"{where} is not one of the allowed values"
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        return f"{where} is longer than {schema['maxLength']} characters"
    if isinstance(value, list):
        return _array_violation(value, schema, where)
    if not isinstance(value, dict):
        return None
    properties: dict[str, Any] = schema.get("properties", {})
    missing = [key for key in schema.get("required", []) if key not in value]
    extra = [key for key in value if key not in properties] if schema.get("additionalProperties") is False else []
    if missing or extra:
        return f"{where} misses {missing} or has extra {extra}"
    return next((p for key, sub in properties.items() if key in value and (p := violation(value[key], sub, f"{where}.{key}"))),
                None)


def _array_violation(value: list[Any], schema: dict[str, Any], where: str) -> str | None:
    """A grammar built from ``prefixItems`` admits exactly those slots; from ``items``, the bounded repeat."""
    slots = schema.get("prefixItems")
    if isinstance(slots, list):
        if len(value) != len(slots):
            return f"{where} has {len(value)} items, not {len(slots)}"
        return next((p for i, (item, sub) in enumerate(zip(value, slots, strict=True))
                     if (p := violation(item, sub, f"{where}[{i}]"))), None)
    if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
        return f"{where} has {len(value)} items, outside the allowed count"
    if isinstance(schema.get("items"), dict):
        return next((p for i, item in enumerate(value) if (p := violation(item, schema["items"], f"{where}[{i}]"))), None)
    return None


LLAMA_CPP = Dialect("llama.cpp server", python=False)
LLAMA_CPP_PYTHON = Dialect("llama-cpp-python server", python=True)
