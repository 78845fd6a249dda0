"""Rubric levels for story answers from the STAR analysis of the story.

A behavioral answer is a story; whether it has a concrete situation, first-person actions and a
measured result does not depend on the rubric's wording, and the STAR analyser already judges
exactly that sentence by sentence.  A criterion that names its STAR part (``star = "action"``)
takes the analyser's score for that part when it beats the phrase indicators, and quotes the
sentence the analyser took it from.  A drawn lesson is worth level 2: the rubric's level 3 asks
for more (what changed afterwards) than the analyser can tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.models import Rubric
from bot.scoring.text import tokens

LESSON_LEVEL = 2
# What each behavioral question is about, in everyday words.  A well-told story about something
# else (a disagreement told for "an incident", a project told for "a disagreement") earns no
# level from its structure: the question asked for a different story.
_THEMES = {
    "incident": """outage broke broken crash crashed error errors failing failed alert alerts paged pager
        oncall incident rollback rolled revert reverted deploy deployed bug leak latency timeout timeouts slow
        restart restarted mitigate mitigated fix fixed root cause postmortem customers affected spike traffic
        production prod hotfix degraded recovered""",
    "conflict": """disagree disagreed disagreement argued argue argument debate debated convinced convince persuade
        persuaded opinion opinions preferred prefer wanted pushed pushback objection objected compromise agreed
        agree consensus proposal proposed alternative position positions colleague lead architect view""",
    "mentoring": """junior juniors mentor mentored mentoring mentee taught teach teaching coach coached coaching
        pair paired pairing onboarding onboarded grew grow growth confidence learn learned learning intern
        review reviews feedback promoted explain explained""",
    "ownership": """owned ownership nobody noone volunteered initiative beyond remit responsibility responsible
        drove gap neglected orphaned abandoned shipped launched unowned myself""",
}
_THEME_STEMS = {theme: frozenset(t.stem for t in tokens(words)) for theme, words in _THEMES.items()}
THEME_MIN = 2  # the question's own theme words a story needs
THEME_SHARE = 0.5  # of the best-matching theme's count


def fits_theme(question_id: str, text: str) -> bool:
    """Whether a story is about what the behavioral question asked (incident, conflict, ...)."""
    theme = question_id.rsplit(".", 1)[-1]
    if theme not in _THEME_STEMS:
        return True
    stems = [t.stem for t in tokens(text)]
    counts = {name: sum(1 for s in stems if s in words) for name, words in _THEME_STEMS.items()}
    return counts[theme] >= THEME_MIN and counts[theme] >= max(counts.values()) * THEME_SHARE


@dataclass(frozen=True)
class StoryLevel:
    level: int
    quote: str  # the candidate's words (whitespace collapsed), without a trailing ellipsis


@dataclass(frozen=True)
class Told:
    """What the STAR analysis makes of a story answer: levels for the criteria that name a STAR part, and whether
    the answer tells no one event at all but how the speaker usually works."""

    levels: dict[str, StoryLevel]
    habit: bool = False


def story_levels(rubric: Rubric, text: str) -> Told:
    """The level each STAR-mapped criterion of ``rubric`` reaches on ``text``, with its quote, and whether the answer
    tells how the speaker usually works instead of one event (which caps every criterion, see :mod:`bot.scoring.levels`)."""
    parts = {c.id: c.star for c in rubric.criteria if c.star is not None}
    if not parts or not fits_theme(rubric.question, text):
        return Told({})
    # Imported on the first story: the analyser's patterns cost a fifth of a second to build, and a
    # command that grades one technical answer should not pay for them.
    from bot.scoring.star import analyse

    analysis = analyse(text)
    # Only a story about one event earns levels this way; talk about how one usually works does not.
    if analysis.status not in ("analysed", "too_short") or not analysis.specific_event:
        return Told({}, habit=analysis.status == "analysed" and analysis.specific_event is False)
    out: dict[str, StoryLevel] = {}
    for criterion_id, part in parts.items():
        if part == "lesson":
            if analysis.lesson:
                out[criterion_id] = StoryLevel(LESSON_LEVEL, analysis.lesson.rstrip("…"))
            continue
        component = getattr(analysis.components, part)
        if component.present and component.excerpt:
            out[criterion_id] = StoryLevel(component.score, component.excerpt.rstrip("…"))
    return Told(out)
