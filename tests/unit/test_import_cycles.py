"""No import cycles in ``bot``, counting every import statement: lazy ones inside functions and
``TYPE_CHECKING`` ones too.

A lazy import hides a cycle from the interpreter but not from a reader or a refactor: two modules
that need each other are one module cut in two, and a ``TYPE_CHECKING`` cycle is the same
coupling in the types.  The graph is read from the source with ``ast`` (nothing is imported), one
edge per module an import statement names: ``from a.b import c`` runs ``a.b`` and, when ``c`` is
a submodule, ``a.b.c``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
Graph = dict[str, set[str]]


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root``, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def named(module: str, path: Path) -> set[str]:
    """The dotted names the import statements of one module mention (possibly ``module.attribute``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: count up from the module's package
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(root: Path, package: str) -> Graph:
    """Module -> the modules of the same package it imports anywhere in its source."""
    found = modules(root, package)

    def owner(name: str) -> str | None:  # the longest prefix that is one of our modules
        while name and name not in found:
            name = name.rpartition(".")[0]
        return name or None

    graph: Graph = {}
    for module, path in found.items():
        targets = {owner(name) for name in named(module, path)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The groups of modules that reach each other (strongly connected, more than one module)."""
    reach: dict[str, set[str]] = {}
    for start in graph:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        reach[start] = seen
    groups: list[list[str]] = []
    placed: set[str] = set()
    for module in sorted(graph):
        if module in placed:
            continue
        group = sorted({module} | {other for other in reach[module] if module in reach[other]})
        placed.update(group)
        if len(group) > 1:
            groups.append(group)
    return groups


def test_bot_has_no_import_cycles() -> None:
    graph = import_graph(ROOT, "bot")
    assert len(graph) > 100 and graph["bot.cli"]  # the whole package was read
    assert cycles(graph) == [], "import cycles (lazy and TYPE_CHECKING imports count too)"


def test_the_check_sees_lazy_relative_and_type_checking_cycles(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "def f():\n    from pkg.b import g\n",  # lazy
        "pkg/b.py": "import pkg.a\n",
        "pkg/sub/__init__.py": "from .c import C\n",  # a package re-exporting its submodule...
        "pkg/sub/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub import d\n",
        "pkg/sub/d.py": "from .. import sub\n",  # ...which reaches back to the package
        "pkg/e.py": "from pkg import a\nimport json\n",  # imports into a cycle, is in none
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.e"] == {"pkg", "pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"], ["pkg.sub", "pkg.sub.c", "pkg.sub.d"]]
