"""The score and the coaching sentences for an analysed story, most important first.

The order follows what hurts a behavioral answer most in an interview: a habit instead of an
event, then not knowing what *you* did, then no outcome, then an outcome without a measure,
then missing context, balance, length and the lesson.  Each sentence names what was found
(or not) and the one thing to do about it, so the coaching loop can ask for one change at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.scoring.star_measure import GENERAL, what_to_measure
from bot.scoring.star_models import TARGET_SECONDS, WORDS_PER_MINUTE, Components, Length, TimeSplit

# Points for each part at full marks (score 3 of 3), then for the story as a whole.
WEIGHTS = {"situation": 15, "task": 15, "action": 30, "result": 25}
LESSON_POINTS, LENGTH_POINTS, EVENT_POINTS = 5, 5, 5
GENERAL_FACTOR = 0.6  # a habit told well still is not evidence of what happened
WE_MAJORITY = 0.5


@dataclass(frozen=True)
class Findings:
    components: Components
    split: TimeSplit
    length: Length
    ratio: float | None
    we_actions: int
    all_actions: int
    metrics: list[str]
    vague: list[str]
    specific: bool
    general: list[str]
    lesson: str | None


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}”"


def score(f: Findings) -> int:
    """0-100 from the parts' scores, the lesson, the length and whether it is one event."""
    return points(f.components, f.lesson is not None, f.length.verdict, f.specific)


def points(components: Components, lesson: bool, length: str, specific: bool) -> int:
    """The one rule that turns the parts' levels and the story's shape into 0-100 (both analysers use it)."""
    parts = components.model_dump()
    total = sum(weight * parts[name]["score"] / 3 for name, weight in WEIGHTS.items())
    total += LESSON_POINTS if lesson else 0
    total += {"on target": LENGTH_POINTS, "short": 3, "long": 3}.get(length, 0)
    total += EVENT_POINTS if specific else 0
    if not specific:
        total *= GENERAL_FACTOR
    return max(0, min(100, round(total)))


def length_sentence(length: Length) -> str | None:
    low, high = TARGET_SECONDS
    said = f"about {length.seconds} seconds spoken ({length.words} words at {WORDS_PER_MINUTE} words a minute)"
    if length.measured:
        said = f"{length.seconds} seconds as recorded ({length.words} words, {length.words_per_minute} words a minute)"
    if length.verdict in ("short", "much too short"):
        return (f"At {said} this is shorter than the {low}-{high} seconds a spoken answer should take; "
                "add detail to your own steps and to the outcome.")
    if length.verdict in ("long", "much too long"):
        return (f"At {said} this runs past the {low}-{high} seconds interviewers expect; "
                "trim the background and side stories and keep your actions and the result.")
    return None


def coach(f: Findings) -> list[str]:
    """Specific, polite suggestions, the most important first; praise when nothing is missing."""
    c = f.components
    out: list[str] = []
    if not f.specific:
        example = f" ({_quote(f.general[0])})" if f.general else ""
        out.append(f"This sounds like what you usually do{example} rather than one event. "
                   "Pick one specific time and tell what happened then: a real example convinces far more than a habit.")
    if not c.action.present:
        out.append("I could not find what you did yourself. Add two or three concrete steps told in the first person, "
                   "such as “I measured …”, “I proposed …”, “I rolled out …”.")
    elif f.ratio is not None and f.ratio < WE_MAJORITY:
        out.append(f"Most of the actions are told as “we” ({f.we_actions} of {f.all_actions}). "
                   "Say which steps were yours with “I …”; keep “we” for what the team did together.")
    if not c.result.present:
        out.append("The story stops before the outcome. How did it end, and what changed because of what you did? "
                   "Close with the result, with a number if you have one.")
    elif not f.metrics:
        vague = f" ({_quote(f.vague[0])})" if f.vague else ""
        measure = what_to_measure(f.vague[0]) if f.vague else GENERAL
        out.append(f"The result has no number yet{vague}. Put a measure on it: {measure}; if it is still ongoing, "
                   "give the early signs you watched.")
    if not c.situation.present:
        out.append("Open with a sentence or two of context: where you were, when, and what was going on, "
                   "so the listener can follow the rest.")
    if not c.task.present:
        out.append("Say what you had to achieve and what was at stake (a deadline, users, money, risk) "
                   "before describing what you did.")
    setting = f.split.situation + f.split.task
    if c.action.present and setting > 0.45:
        out.append(f"Setting the scene takes {setting:.0%} of the story; keep Situation and Task to about a third "
                   "and give the room to what you did.")
    elif c.action.present and f.split.action < 0.3:
        out.append(f"Your actions are only {f.split.action:.0%} of the story; they should be its largest part.")
    sentence = None if f.length.truncated else length_sentence(f.length)  # the cut is already reported
    if sentence:
        out.append(sentence)
    if f.lesson is None and f.specific:
        out.append("End with what you learned or what you changed afterwards; it shows you grow from what happened.")
    if not out:
        out.append("This is a well-built STAR story: one event, your own actions, a measured result and a lesson. "
                   "Rehearse it aloud to keep it within 90-120 seconds.")
    return out
