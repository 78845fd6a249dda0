"""Code blocks in an answer: one reading of Markdown fences for every part of the scorer.

The code runner, the code facts that earn rubric credit and the syntax notes must agree on what
counts as a block of code, or a candidate's code would be run but not credited (or the other way
round) because of an info string such as ```` ```python3 ```` or ```` ```py title ````.

Candidates also paste code with no fence at all, between paragraphs of prose (blind writers did, in
two parts of the benchmark, for most of their code answers).  :func:`code_blocks` finds such code by its layout: a line at the
margin that opens a definition or an import, and the indented lines after it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_FENCE = re.compile(r"```([^\n`]*)\n(.*?)```", re.DOTALL)
# Info strings that name Python, or none at all: what a candidate's code block is taken to be.
_PYTHON = frozenset({"", "python", "python3", "py"})


@dataclass(frozen=True)
class Block:
    info: str  # the fence's info string, lower-cased ("python", "" when none, "sql", ...)
    code: str
    start: int  # offset of the code in the whole text


def blocks(text: str) -> list[Block]:
    """Every fenced block, whatever its language."""
    return [Block(m.group(1).strip().lower(), m.group(2), m.start(2)) for m in _FENCE.finditer(text)]


def defines_code(text: str) -> bool:
    """Whether unfenced text may be code: it defines a function or a class.  Prose ("I'd recurse with a helper")
    is not read as Python, by the runner, the code facts or the syntax notes."""
    return "def " in text or "class " in text


def python_blocks(text: str) -> list[Block]:
    """The fenced blocks that are Python: tagged as Python, or not tagged at all."""
    return [b for b in blocks(text) if b.info.split(" ")[0] in _PYTHON]


def code_blocks(text: str) -> list[Block]:
    """The answer's Python: its fenced Python blocks; with no fence, the whole text when it parses, else the
    stretches of unfenced code among its prose (:func:`unfenced_blocks`)."""
    if blocks(text):
        return python_blocks(text)
    if not defines_code(text):
        return []
    return [Block("", text, 0)] if parses(text) else unfenced_blocks(text)


# A line at the margin that opens code: a definition, a decorator, an import.
_OPENS = re.compile(r"(?:async\s+def|def|class)\s+\w+\s*[(:]|@[\w.]+|import\s+\w|from\s+[\w.]+\s+import\s")
# A statement at the margin between definitions: an assignment or a call ("cache = {}", "print(f(x))").
_STATEMENT = re.compile(r"[A-Za-z_][\w.]*(?:\[[^\]\n]*\])?\s*(?:[-+*/|&]?=(?!=)|\()")


def unfenced_blocks(text: str) -> list[Block]:
    """Stretches of unfenced code that define a function or class: from a line at the margin that opens code,
    through the indented, blank and margin-level code lines after it.  A prose line run on after the code
    (no blank line between) is dropped when that makes the stretch parse; a stretch that still does not parse
    is kept, so that the syntax notes can say where."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    found: list[Block] = []
    i = 0
    while i < len(lines):
        if not _OPENS.match(lines[i]):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][:1].isspace()
                                    or _OPENS.match(lines[end]) or _STATEMENT.match(lines[end])):
            end += 1
        while end > i + 1 and not lines[end - 1].strip():
            end -= 1  # trailing blank lines
        stretch = _parsing_stretch(lines, i, end)
        code = "".join(lines[i:stretch])
        if "def " in code or "class " in code:
            found.append(Block("", code, offsets[i]))
        i = max(end, i + 1)
    return found


def _parsing_stretch(lines: list[str], start: int, end: int) -> int:
    """The end of the longest stretch ``lines[start:k]`` (k <= end) that parses, dropping only margin-level lines
    from the end; ``end`` itself when none does."""
    k = end
    while k > start + 1:
        if parses("".join(lines[start:k])):
            return k
        if lines[k - 1][:1].isspace() and lines[k - 1].strip():
            break  # an indented line is code: the stretch does not parse, whatever follows it
        k -= 1
    return end if not parses("".join(lines[start:k])) else k


def parses(source: str) -> bool:
    """Whether ``source`` is Python that compiles to a syntax tree."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True
