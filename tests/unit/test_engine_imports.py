"""The engine stays pure: stdlib and pydantic only, never an adapter or I/O library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "bot" / "engine"
ALLOWED_THIRD_PARTY = {"pydantic"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0] if not node.module.startswith("bot.") else node.module)
    return roots


def test_engine_imports_only_stdlib_pydantic_and_itself() -> None:
    files = sorted(ENGINE.rglob("*.py"))
    assert files
    for path in files:
        for root in imported_roots(path):
            if root.startswith("bot."):
                assert root.startswith("bot.engine"), f"{path.name} imports {root}"
            else:
                assert root in sys.stdlib_module_names or root in ALLOWED_THIRD_PARTY or root == "__future__", (
                    f"{path.name} imports {root}"
                )
