"""Candidate output made safe to show: no terminal escapes, no bidi tricks, no floods.

Whatever a submission prints ends up in a terminal or a Discord message.  An escape sequence
could restyle or clear the reader's terminal, a right-to-left override could make a traceback
lie about what it says, and a million combining marks could make a message unreadable.  So
every character that is not ordinary printable text is shown as a visible ``\\uXXXX`` escape,
long runs of combining marks are cut, and every block is trimmed to a fixed size.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
# zero-width characters, line/paragraph separators and the BOM.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
MAX_COMBINING = 2  # per base character: enough for real text, not for a "Zalgo" flood


def neutralise(text: str) -> str:
    """``text`` with every unsafe character replaced by a visible escape."""
    shown = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _cut_combining(shown)


def _cut_combining(text: str) -> str:
    out: list[str] = []
    run = 0
    for char in text:
        if unicodedata.combining(char):
            run += 1
            if run > MAX_COMBINING:
                continue
        else:
            run = 0
        out.append(char)
    return "".join(out)


def trim_head(text: str, max_chars: int = 2000, max_lines: int = 30) -> str:
    """The beginning of ``text`` (where output starts), with a note of what was left out."""
    lines = text.splitlines()
    kept = "\n".join(lines[:max_lines])
    if len(kept) > max_chars:
        kept = kept[:max_chars]
    left_out = len(text) - len(kept)
    if left_out > 1 or len(lines) > max_lines:
        kept = kept.rstrip("\n") + f"\n[... {left_out:,} more characters not shown]"
    return kept


def trim_tail(text: str, max_chars: int = 2000, max_lines: int = 20) -> str:
    """The end of ``text`` (where a traceback says what went wrong), with a note of what was left out."""
    lines = text.rstrip("\n").splitlines()
    kept = "\n".join(lines[-max_lines:])
    if len(kept) > max_chars:
        kept = kept[-max_chars:]
    left_out = len(text.rstrip("\n")) - len(kept)
    if left_out > 1:
        kept = f"[... {left_out:,} earlier characters not shown]\n" + kept
    return kept


def for_display(text: str, *, tail: bool = False, max_chars: int = 2000, max_lines: int = 30) -> str:
    """Neutralise, then trim: the one call adapters need for any block of candidate text.

    In that order so the shown size stays bounded even when every character needed an escape.
    """
    shown = neutralise(text)
    return trim_tail(shown, max_chars, max_lines) if tail else trim_head(shown, max_chars, max_lines)
