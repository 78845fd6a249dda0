"""Code blocks in an answer: one reading of Markdown fences for every part of the scorer.

The code runner, the code facts that earn rubric credit and the syntax notes must agree on what
counts as a block of code, or a candidate's code would be run but not credited (or the other way
round) because of an info string such as ```` ```python3 ```` or ```` ```py title ````.
"""

from __future__ import annotations

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
