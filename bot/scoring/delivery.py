"""How a spoken answer was delivered: length against its target, pace, filler words, long pauses.

Pure and deterministic (a transcript, the recording's length and its timed segments in; numbers
and coaching sentences out), so the terminal, Discord and the JSON output say the same thing.

The targets are for a spoken answer in an interview:
- a STAR story: 90-120 s, the range the STAR analysis uses;
- a screening answer ("tell me about yourself"): 60-120 s;
- a technical question (core, framework, coding explained aloud): 45-120 s.  The point, one reason
  and one example take about 45 s at a normal pace; past two minutes an interviewer usually cuts in;
- a design question: 120-300 s, the opening walk-through before the interviewer steers.

A comfortable pace is 110-170 words a minute.  Fillers are counted per minute, since a few in a
long answer are normal speech; from four a minute on they are what a listener notices.  "like"
and "you know" are counted only where they fill (set off by commas or before a new clause), not
where they mean something ("it works like a queue", "you know the answer").  A silence of three
seconds or more between two stretches of speech is a long pause.  Speech-to-text tends to tidy
fillers away, so the counts are a lower bound.
"""

from __future__ import annotations

import re
from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from bot.scoring.star_models import TARGET_SECONDS as STAR_SECONDS

TARGETS: dict[str, tuple[int, int]] = {"story": STAR_SECONDS, "screen": (60, 120), "design": (120, 300)}
TECHNICAL_SECONDS = (45, 120)
PACE = (110, 170)
FILLERS_NOTICED = 4.0  # a minute
LONG_PAUSE = 3.0  # seconds

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_HESITATION = re.compile(r"\b(?:u+m+|u+h+|u+hm+|e+rm+)\b", re.IGNORECASE)
_BASICALLY = re.compile(r"\bbasically\b", re.IGNORECASE)
# "you know" closed by punctuation or the end ("..., you know, ..."), not "you know the answer".
_YOU_KNOW = re.compile(r"\byou know\b(?=\s*(?:[,.;!?…]|$))", re.IGNORECASE)
# "like" followed by a comma, or opening a clause (after a comma, a sentence start or a filler) before
# a subject: "and, like, we", "So like I said".  "works like a queue", "I like it", "like 20" are not counted.
_LIKE = re.compile(r"\blike\b(?=\s*,)|(?:^|[,.;!?]\s*|\b(?:and|but|so|um|uh)\s+)\blike\b(?=\s+(?:i|we|you|he|she|they|it)\b)",
                   re.IGNORECASE | re.MULTILINE)


class Pause(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: float = Field(ge=0, description="seconds into the recording where the silence starts")
    seconds: float = Field(ge=0)


class Delivery(BaseModel):
    """The delivery report; the first four fields are the JSON contract in interfaces.md."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seconds: float = Field(ge=0, description="the recording's length, read from its container")
    words_per_minute: int = Field(ge=0)
    fillers_per_minute: float = Field(ge=0)
    long_pauses: list[Pause] | None = Field(description="None when the service returned no timestamps")
    words: int = Field(ge=0)
    target_seconds: tuple[int, int]
    fillers: dict[str, int] = Field(description="each filler word and how often it was said")
    feedback: list[str]


def target_for(round_kind: str, answer_format: str = "prose") -> tuple[int, int]:
    """The spoken length to aim for on a question of this round and answer format."""
    if answer_format == "story" or round_kind == "behavioral":
        return TARGETS["story"]
    return TARGETS.get(round_kind, TECHNICAL_SECONDS)


def fillers(text: str) -> Counter[str]:
    """Filler words in ``text`` by kind ("um", "uh", "like", "you know", "basically")."""
    found: Counter[str] = Counter()
    for match in _HESITATION.finditer(text):
        found["um" if "m" in match.group().lower() else "uh"] += 1
    found["like"] += len(_LIKE.findall(text))
    found["you know"] += len(_YOU_KNOW.findall(text))
    found["basically"] += len(_BASICALLY.findall(text))
    return +found  # drops the kinds not heard


def long_pauses(segments: list[tuple[float, float]], threshold: float = LONG_PAUSE) -> list[Pause]:
    """Silences of ``threshold`` seconds or more between consecutive stretches of speech."""
    out = []
    spoken_until: float | None = None  # the latest end so far: segments may overlap
    for start, end in sorted(segments):
        if spoken_until is not None and start - spoken_until >= threshold:
            out.append(Pause(at=round(spoken_until, 1), seconds=round(start - spoken_until, 1)))
        spoken_until = end if spoken_until is None else max(spoken_until, end)
    return out


def measure(text: str, seconds: float, segments: list[tuple[float, float]] | None,
            target: tuple[int, int] = TECHNICAL_SECONDS) -> Delivery:
    """The delivery report for a transcript ``text`` of a recording ``seconds`` long."""
    words = len(_WORD.findall(text))
    minutes = seconds / 60 if seconds > 0 else 0
    found = fillers(text)
    count = sum(found.values())
    per_minute = round(count / minutes, 1) if minutes else 0.0
    pace = round(words / minutes) if minutes else 0
    pauses = long_pauses(segments) if segments else None
    return Delivery(seconds=round(seconds, 1), words_per_minute=pace, fillers_per_minute=per_minute, long_pauses=pauses,
                    words=words, target_seconds=target, fillers=dict(found.most_common()),
                    feedback=coach(seconds, target, pace, found, per_minute, pauses))


def coach(seconds: float, target: tuple[int, int], pace: int, found: Counter[str], per_minute: float,
          pauses: list[Pause] | None) -> list[str]:
    """One sentence per measure, each with what to do about it."""
    low, high = target
    said = clock(seconds)
    if seconds < low:
        more = "your own steps and the outcome" if target == STAR_SECONDS else "a reason and an example"
        out = [f"You spoke for {said}, under the {low}-{high} s this kind of answer takes; add {more}."]
    elif seconds > high:
        out = [f"You spoke for {said}, past the {low}-{high} s this kind of answer takes; lead with the point and cut "
               "the background."]
    else:
        out = [f"You spoke for {said}, within the {low}-{high} s target."]
    if pace > PACE[1]:
        out.append(f"At {pace} words a minute you are speaking fast; slow down and let each point land.")
    elif 0 < pace < PACE[0]:
        out.append(f"At {pace} words a minute the pace is slow; shorter sentences keep the listener with you.")
    else:
        out.append(f"Your pace, {pace} words a minute, is easy to follow.")
    count = sum(found.values())
    if count:
        kinds = ", ".join(f"“{word}” ×{n}" for word, n in found.most_common())
        advice = "; a silent pause sounds more confident" if per_minute >= FILLERS_NOTICED else ""
        out.append(f"{count} filler word{'s' if count != 1 else ''} ({kinds}), {per_minute:g} a minute{advice}.")
    else:
        out.append("No filler words were heard.")
    if pauses:
        where = ", ".join(f"{p.seconds:g} s at {clock(p.at)}" for p in pauses[:3])
        out.append(f"{len(pauses)} long pause{'s' if len(pauses) != 1 else ''} ({where}); to think, say so "
                   "(“let me think for a moment”) rather than going silent mid-answer.")
    return out


def clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
