"""How long a story is, and whether that length suits a STAR answer.

A recording's real duration wins over an estimate from the words at an average speaking pace.
"""

from __future__ import annotations

from bot.scoring.star_models import TARGET_SECONDS, WORDS_PER_MINUTE, Length, LengthVerdict


def _verdict(seconds: int) -> LengthVerdict:
    low, high = TARGET_SECONDS
    if seconds == 0:
        return "none"
    if seconds < low / 2:
        return "much too short"
    if seconds < low:
        return "short"
    if seconds <= high:
        return "on target"
    return "long" if seconds <= high * 1.5 else "much too long"


def story_length(total: int, analysed: int, truncated: bool, spoken: float | None = None) -> Length:
    """The story's length: a recording's real duration when there is one, else its words at an average pace."""
    if spoken is not None and spoken > 0:
        seconds = round(spoken)
        pace = round(total * 60 / spoken)
        return Length(words=total, analysed_words=analysed, seconds=seconds, words_per_minute=pace,
                      verdict=_verdict(seconds), truncated=truncated, measured=True)
    seconds = round(total * 60 / WORDS_PER_MINUTE)
    return Length(words=total, analysed_words=analysed, seconds=seconds, verdict=_verdict(seconds), truncated=truncated)
