"""The code that builds prompts and reads replies depends on the chat-model port, never on the SDK.

Only ``bot.llm.client`` (and the helpers it owns for talking HTTP: context sizing, error reasons)
may import ``openai``; the judge, interviewer, debrief, STAR analyser, format ladder and fallback
type their client as ``ChatModel``.  Read from the source with ``ast``: nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

LLM = Path(__file__).resolve().parents[2] / "bot" / "llm"
# guard.py runs any SDK call under the retry policy; transcriber.py is the speech-to-text client beside the chat one.
SDK_SIDE = {"client.py", "window.py", "reasons.py", "guard.py", "transcriber.py", "__init__.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_prompt_and_reply_code_never_touches_the_sdk() -> None:
    for path in sorted(LLM.glob("*.py")):
        if path.name in SDK_SIDE:
            continue
        imported = _imports(path)
        assert not {n for n in imported if n.split(".")[0] == "openai"}, path.name
        assert "bot.llm.client" not in imported, f"{path.name} should depend on bot.llm.model, not the client"


def test_the_openai_compatible_client_is_a_chat_model() -> None:
    """Checked by mypy (this file is type-checked): the client must satisfy the port's protocol."""
    from bot.engine.clock import SystemClock
    from bot.llm.breaker import CircuitBreaker
    from bot.llm.client import LLMClient
    from bot.llm.model import ChatModel

    client: ChatModel = LLMClient(api_key="k", base_url="http://127.0.0.1:9/v1", model="m",
                                  breaker=CircuitBreaker(SystemClock()))
    assert client.server[1] == "m" and client.server[0].startswith("http://127.0.0.1:9/v1")
