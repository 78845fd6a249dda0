"""Reading what a user hands the command line: a file, or standard input for ``-``.

One place, so ``score``, ``star`` and ``check-code`` word a bad path the same way (a usage
error: exit 2, one sentence) and all read text as UTF-8.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.errors import UsageError


def read_text(path: str, what: str) -> str:
    """The text of ``path`` (``-``: standard input); ``what`` names it in errors ("answer", "code")."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the {what} file {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise UsageError(f"the {what} file {path} is not UTF-8 text.") from None
