"""Splitting long text into Discord messages without breaking words or code blocks.

A message is at most 2000 characters.  Cuts prefer paragraph breaks, then line breaks,
sentence ends and spaces; a chunk that ends inside a ``` block closes it, and the next one
reopens it with the same language, so every message renders on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE_CHARS = 2000
FENCE = "```"
CLOSE_FENCE = "\n```"
MIN_SPLIT = 32  # room for a reopened fence, its closing and some text


@dataclass(frozen=True)
class _Fence:
    start: int  # offset of the marker line
    end: int  # offset of the newline ending it (or the end of the text)
    opens: bool
    lang: str


def _fences(text: str) -> list[_Fence]:
    """Lines that open or close a ``` block; a block opened and closed on one line changes nothing."""
    found: list[_Fence] = []
    inside = False
    start = 0
    for line in text.split("\n"):
        marker = line.lstrip()
        if marker.startswith(FENCE):
            info = marker[len(FENCE):]
            if inside:
                found.append(_Fence(start, start + len(line), False, ""))
                inside = False
            elif FENCE not in info:
                words = info.split()
                found.append(_Fence(start, start + len(line), True, words[0] if words else ""))
                inside = True
        start += len(line) + 1
    return found


def _open_at(fences: list[_Fence], cut: int) -> str | None:
    """The language of the block still open where text is cut, or None outside blocks."""
    last = None
    for fence in fences:
        if fence.end > cut:
            break
        last = fence
    return last.lang if last is not None and last.opens else None


def _torn(text: str, fences: list[_Fence], cut: int) -> _Fence | None:
    """The marker a cut here would spoil: one cut in two, or an opening one left with nothing
    but blank lines after it (the chunk would end in an empty block)."""
    for fence in fences:
        if fence.start < cut < fence.end or (fence.opens and fence.end <= cut and not text[fence.end:cut].strip()):
            return fence
    return None


# Clean places to cut, best first: (pattern, whether the cut goes at the match's end).
_BREAKS = ((re.compile(r"\n[ \t]*\n"), False), (re.compile(r"\n"), False),
           (re.compile(r"[.!?…][\"')\]]*(?=\s)"), True), (re.compile(r"[ \t]"), False))


def _break(text: str, pos: int, first: int, hi: int, fences: list[_Fence]) -> tuple[int, int]:
    """Where to end the chunk starting at ``pos`` (at most at ``hi``) and where the next one starts."""
    window = text[pos:hi + 1]  # a separator starting at hi still lets the chunk end at hi
    # A clean break in the second half of the window is preferred; failing that, any clean break.
    for floor in (pos + (hi - pos) // 2, first + 1):
        for pattern, at_end in _BREAKS:
            cuts = [pos + (m.end() if at_end else m.start()) for m in pattern.finditer(window)]
            for cut in reversed(cuts):
                if floor <= cut <= hi and cut > first and _torn(text, fences, cut) is None:
                    return cut, _resume(text, cut)
    cut = hi
    torn = _torn(text, fences, cut)
    if torn is not None and torn.start > first:
        cut = torn.start
    return cut, cut


def _resume(text: str, cut: int) -> int:
    """Skip the separator: blank lines entirely, but keep the next line's indentation."""
    end = cut
    while end < len(text) and text[end] in " \t\n":
        end += 1
    newline = text.rfind("\n", cut, end)
    return newline + 1 if newline >= 0 else end


def split_text(text: str, limit: int = MESSAGE_CHARS) -> list[str]:
    """Split ``text`` into non-blank chunks of at most ``limit`` characters.

    Cuts prefer paragraph breaks, then line breaks, sentence ends and spaces, and cut a word
    only as a last resort.  A chunk ending inside a ``` block closes it, and the next chunk
    reopens it with the same language, so each message renders on its own.
    """
    if limit < MIN_SPLIT:
        raise ValueError(f"limit must be at least {MIN_SPLIT}")
    fences = _fences(text)
    chunks: list[str] = []
    pos, lang = 0, None
    while True:
        rest = text[pos:]
        first = pos + len(rest) - len(rest.lstrip())
        if lang is not None:
            closing = next((f for f in fences if not f.opens and f.start <= first < f.end), None)
            if closing is not None:  # the block was closed already, at the end of the last chunk
                pos, lang = _resume(text, closing.end), None
                continue
        if not rest.strip():
            return chunks
        prefix = "" if lang is None else f"{FENCE}{lang if len(lang) < limit // 4 else ''}\n"
        if len(prefix) + len(rest.rstrip()) <= limit:
            chunks.append(prefix + rest.rstrip())
            return chunks
        hi = pos + limit - len(prefix) - (len(CLOSE_FENCE) if fences else 0)  # room to close a block cut in two
        if first >= hi:  # nothing but whitespace fits: drop it
            pos = first
            continue
        cut, resume = _break(text, pos, first, hi, fences)
        lang = _open_at(fences, cut)
        chunks.append(prefix + text[pos:cut].rstrip() + ("" if lang is None else CLOSE_FENCE))
        pos = resume
