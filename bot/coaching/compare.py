"""What a revision changed, so the candidate sees the effect of each edit and not only a new score.

A score alone hides trade-offs: a revision can add a number to the result while dropping the
only sentence about the stakes.  So the comparison walks the same things the analysis reports
(each STAR part, the numbers, "I" against "we", one event, the length, the lesson) and names
every gain and every loss in plain words, gains first by the same importance the suggestions use.
"""

from __future__ import annotations

from bot.coaching.models import Change, Comparison, PartChange
from bot.scoring.star_models import COMPONENTS, LengthVerdict, StarAnalysis

RATIO_STEP = 0.1  # smaller moves in the "I" share are noise from one sentence more or less
# How far a length verdict is from the target, so "long" -> "on target" is a gain and "short" -> "long" is not.
_DISTANCE: dict[LengthVerdict, int] = {"none": 3, "much too short": 2, "short": 1, "on target": 0, "long": 1,
                                       "much too long": 2}
_NAMES = {"situation": "Situation", "task": "Task", "action": "Action", "result": "Result"}
# Parts in the order a gap in them matters (see bot.coaching.suggestions).
_IMPORTANCE = ("action", "result", "situation", "task")


def _change(before: float, after: float) -> Change:
    return "better" if after > before else "worse" if after < before else "same"


def _quoted(items: list[str]) -> str:
    return ", ".join(f"“{m}”" for m in items[:3]) + (" …" if len(items) > 3 else "")


def _parts(before: StarAnalysis, after: StarAnalysis) -> list[PartChange]:
    out = []
    for part in COMPONENTS:
        old, new = getattr(before.components, part), getattr(after.components, part)
        b, a = old.score if old.present else 0, new.score if new.present else 0
        out.append(PartChange(part=part, before=b, after=a, change=_change(b, a)))
    return out


def _part_sentences(parts: list[PartChange]) -> tuple[list[str], list[str]]:
    improved: list[str] = []
    worse: list[str] = []
    by_name = {p.part: p for p in parts}
    for name in _IMPORTANCE:
        p = by_name[name]
        label = _NAMES[name]
        if p.change == "better":
            improved.append(f"{label} is now there ({p.after}/3)." if p.before == 0 else
                            f"{label} got stronger: {p.before}/3 → {p.after}/3.")
        elif p.change == "worse":
            worse.append(f"{label} is no longer found." if p.after == 0 else
                         f"{label} got weaker: {p.before}/3 → {p.after}/3.")
    return improved, worse


def compare(before: StarAnalysis, after: StarAnalysis, addressed: bool | None = None) -> Comparison:
    """Compare two analysed versions of one story; ``addressed`` says whether the last suggestion was taken."""
    parts = _parts(before, after)
    improved, worse = _part_sentences(parts)
    if before.specific_event is False and after.specific_event:
        improved.insert(0, "It is now one specific event rather than a habit.")
    elif before.specific_event and after.specific_event is False:
        worse.insert(0, "It now reads as a habit rather than one event.")

    ratio_b, ratio_a = before.first_person_ratio, after.first_person_ratio
    if ratio_b is not None and ratio_a is not None and abs(ratio_a - ratio_b) >= RATIO_STEP:
        sentence = f"Actions told with “I”: {ratio_b:.0%} → {ratio_a:.0%}."
        (improved if ratio_a > ratio_b else worse).append(sentence)

    added = [m for m in after.metrics if m not in before.metrics]
    removed = [m for m in before.metrics if m not in after.metrics]
    if added:
        improved.append(f"New numbers: {_quoted(added)}.")
    if removed and not after.metrics:
        worse.append(f"The numbers are gone: {_quoted(removed)}.")

    # Arguments swapped on purpose: a smaller distance from the target is the gain.
    length_change = _change(_DISTANCE[after.length.verdict], _DISTANCE[before.length.verdict])
    spoken = f"about {before.length.seconds} s → {after.length.seconds} s spoken"
    if length_change == "better":
        improved.append(f"Length is closer to 90-120 seconds ({spoken}).")
    elif length_change == "worse":
        worse.append(f"Length moved away from 90-120 seconds ({spoken}).")

    if before.lesson is None and after.lesson is not None:
        improved.append("It now ends with a lesson.")
    elif before.lesson is not None and after.lesson is None:
        worse.append("The lesson at the end is gone.")

    return Comparison(parts=parts, metrics_added=added, metrics_removed=removed,
                      first_person_before=ratio_b, first_person_after=ratio_a,
                      seconds_before=before.length.seconds, seconds_after=after.length.seconds,
                      length_change=length_change, score_before=before.score or 0, score_after=after.score or 0,
                      improved=improved, worse=worse, addressed=addressed)
