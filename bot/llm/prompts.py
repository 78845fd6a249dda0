"""Prompts are files in ``prompts/`` with named ``$placeholders``; a missing value is an error.

Keeping prompts as files lets them be reviewed and versioned like content, and rendering
through one function means every prompt is checked the same way (one test renders them all).
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path

_NAME = re.compile(r"\$(?:([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\})", re.IGNORECASE)


class PromptError(Exception):
    """A prompt file is missing, or was rendered without a value it needs."""


class Prompts:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @lru_cache(maxsize=64)  # noqa: B019 - one instance per process; prompt files do not change at run time
    def template(self, name: str) -> string.Template:
        path = self.folder / f"{name}.txt"
        try:
            return string.Template(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PromptError(f"prompt file {path} cannot be read: {exc.strerror}.") from exc

    def placeholders(self, name: str) -> set[str]:
        return {a or b for a, b in _NAME.findall(self.template(name).template)}

    def render(self, name: str, **values: str) -> str:
        """Fill every placeholder of prompt ``name``; missing or unexpected values are errors."""
        needed = self.placeholders(name)
        missing = needed - values.keys()
        extra = values.keys() - needed
        if missing or extra:
            raise PromptError(f"prompt {name!r}: missing {sorted(missing)}, unexpected {sorted(extra)}.")
        return self.template(name).substitute(values)

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.txt"))
