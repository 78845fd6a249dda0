"""Fixtures shared by the content-cache tests: a private copy of the shipped content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.paths import content_root


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the shipped content, safe to edit."""
    root = tmp_path / "content"
    for part in ("data", "rubrics"):
        shutil.copytree(content_root() / part, root / part)
    return root
