"""From an analysis to the next thing to change, one at a time, the most valuable first.

A candidate who gets seven remarks at once fixes none of them well, so the loop asks one
question per version.  The order is by how much each gap undermines the story as evidence:

1. a habit instead of one event: nothing after it counts as proof of what happened;
2. no steps of their own, then steps told as "we": the interviewer is hiring the person, not the team;
3. no outcome, then an outcome without a number: the point of the story is what changed;
4. no scene, then no stakes: the listener needs them to follow, but only briefly;
5. the balance between setting and action, then the length: delivery, once the content is there;
6. no lesson: the finishing touch.

This follows the weights of the offline score and the order of its written feedback, so the
report and the coach never disagree about what matters most.  Each question is short and open,
asking for the missing fact rather than telling the candidate what to write.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.coaching.models import Suggestion
from bot.scoring.star_measure import GENERAL, what_to_measure
from bot.scoring.star_models import TARGET_SECONDS, StarAnalysis

WE_MAJORITY = 0.5  # below this share of "I" actions, the candidate's own part is hidden
SETTING_SHARE = 0.45  # situation + task past this crowd out the actions (the target is about a third)
ACTION_SHARE = 0.3
QUOTE_CHARS = 70


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + '…'}”"


def _one_event(a: StarAnalysis) -> Suggestion | None:
    if a.specific_event is not False:
        return None
    said = f" ({_quote(a.generalisations[0])})" if a.generalisations else ""
    return Suggestion(key="one-event", question="Pick one time this happened: when was it, and what did you do then?",
                      why=f"This reads as what you usually do{said}. One real occasion is evidence; a habit is a claim.")


def _own_actions(a: StarAnalysis) -> Suggestion | None:
    if a.components.action.present:
        return None
    return Suggestion(key="own-actions", question="What did you do, step by step?",
                      why="I could not find a step you took yourself, and that is what the interviewer is listening for.")


def _i_not_we(a: StarAnalysis) -> Suggestion | None:
    ratio = a.first_person_ratio
    if not a.components.action.present or ratio is None or ratio >= WE_MAJORITY:
        return None
    return Suggestion(key="i-not-we", question="What did you yourself do?",
                      why=f"Only {ratio:.0%} of the actions are told with “I”; the rest are “we”, "
                          "so your part is hard to tell from the team's.")


def _result(a: StarAnalysis) -> Suggestion | None:
    if a.components.result.present:
        return None
    return Suggestion(key="result", question="What changed afterwards, and how did you know?",
                      why="The story ends before the outcome, so the listener never learns whether your work paid off.")


def _measure(a: StarAnalysis) -> Suggestion | None:
    if not a.components.result.present or a.metrics:
        return None
    said = f" ({_quote(a.vague_results[0])})" if a.vague_results else ""
    measure = what_to_measure(a.vague_results[0]) if a.vague_results else GENERAL
    return Suggestion(key="measure", question="What did you measure afterwards?",
                      why=f"The outcome has no number yet{said}. A measure makes it believable: {measure}; "
                          "if it is still going on, name the early signs you watched.")


def _context(a: StarAnalysis) -> Suggestion | None:
    if a.components.situation.present:
        return None
    return Suggestion(key="context", question="Where and when was this, and what was going on?",
                      why="There is no scene yet; one or two sentences of it let the listener follow the rest.")


def _stakes(a: StarAnalysis) -> Suggestion | None:
    if a.components.task.present:
        return None
    return Suggestion(key="stakes", question="What did you have to achieve, and what was at risk if it failed?",
                      why="Your goal is missing, so it is hard to judge whether what you did was the right thing.")


def _balance(a: StarAnalysis) -> Suggestion | None:
    if not a.components.action.present:
        return None
    split = a.time_split
    setting = split.situation + split.task
    if setting > SETTING_SHARE:
        why = f"The background takes {setting:.0%} of the story, more than the third it deserves."
    elif split.action < ACTION_SHARE:
        why = f"What you did is only {split.action:.0%} of the story; it should be the largest part."
    else:
        return None
    return Suggestion(key="balance", question="Can you tell the background in two sentences and spend the time on your steps?",
                      why=why)


def _length(a: StarAnalysis) -> Suggestion | None:
    low, high = TARGET_SECONDS
    seconds = a.length.seconds
    if a.length.verdict in ("short", "much too short"):
        return Suggestion(key="expand", question="What else did you do, and what happened next?",
                          why=f"Spoken, this takes about {seconds} seconds; {low}-{high} gives room for your steps "
                              "and the outcome.")
    if a.length.verdict in ("long", "much too long"):
        return Suggestion(key="trim", question="Which sentences could go without losing your steps or the result?",
                          why=f"Spoken, this takes about {seconds} seconds, past the {low}-{high} an interviewer expects.")
    return None


def _lesson(a: StarAnalysis) -> Suggestion | None:
    if a.lesson is not None or a.specific_event is False:
        return None
    return Suggestion(key="lesson", question="What did you learn, or what do you do differently since?",
                      why="There is no lesson yet; one sentence of it shows you grow from what happens to you.")


ORDER: tuple[Callable[[StarAnalysis], Suggestion | None], ...] = (
    _one_event, _own_actions, _i_not_we, _result, _measure, _context, _stakes, _balance, _length, _lesson,
)


def suggestions(analysis: StarAnalysis) -> list[Suggestion]:
    """Every open suggestion for an analysed story, the most valuable first; empty when nothing is missing."""
    if analysis.score is None:
        return []
    return [s for s in (check(analysis) for check in ORDER) if s is not None]


def next_suggestion(analysis: StarAnalysis, pending: str | None = None) -> Suggestion | None:
    """The one suggestion to give now, marked ``repeated`` when it is the one already ``pending``."""
    found = suggestions(analysis)
    if not found:
        return None
    first = found[0]
    return first.model_copy(update={"repeated": first.key == pending})
