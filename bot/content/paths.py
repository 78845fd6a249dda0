"""Where the content files live: the source checkout, or the installed package's shared data."""

from __future__ import annotations

import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def content_root() -> Path:
    """The folder holding ``data/questions``, ``rubrics`` and ``prompts``.

    A source checkout (or editable install) uses the repository itself; a wheel install
    (the Docker image) uses ``<prefix>/share/mockloop``, where the wheel puts the files so
    that a volume mounted on ``data/`` for the database never hides them.
    """
    for root in (_CHECKOUT, Path(sys.prefix) / "share" / "mockloop"):
        if (root / "rubrics").is_dir() and (root / "data" / "questions").is_dir():
            return root
    return _CHECKOUT
