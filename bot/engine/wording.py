"""Every engine event in plain words, said once for the terminal and for Discord alike.

Adapters only frame these words (bold, colour, a code block, an embed); they never phrase an
event themselves, so the two can no longer drift apart.  Rules that a sentence states, such as
how far a hint caps a criterion or how a coding grade is split, are built from the constants
that enforce them (:mod:`bot.engine.signals`): change the rule and every sentence follows.
The text carries no markup of either adapter; candidate text inside it is left as it came,
for each adapter to escape its own way.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import assert_never

from bot.engine import events as ev
from bot.engine.code_report import code_report
from bot.engine.models import CodeCheck
from bot.engine.signals import HINTED_CEILING, MAX_LEVEL, TESTS_WEIGHT

NOT_RUN = "Code was not run."
ROUND_END_WHY = {"timed_out": "time is up", "ended": "ended", "completed": "all questions done"}
TIME_WARNINGS = {"halfway": "Halfway through the round", "two_minutes": "Two minutes left in the round"}


@dataclass(frozen=True)
class Words:
    """What to say about one event.

    ``text`` is the whole thing in plain words; ``lead`` is a prefix of it that an adapter may
    set off (bold, a colour, an embed's title); ``note`` is an aside it may play down (dim, small).
    """

    text: str
    lead: str = ""
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.text.startswith(self.lead):
            raise ValueError("the lead must be where the text starts")

    @property
    def rest(self) -> str:
        """The text after its lead."""
        return self.text[len(self.lead):]


def clock(time: float | timedelta) -> str:
    """``m:ss``, never negative (a deadline just passed shows 0:00)."""
    seconds = max(0, int(time.total_seconds() if isinstance(time, timedelta) else time))
    return f"{seconds // 60}:{seconds % 60:02d}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def hint_cap(ceiling: int = HINTED_CEILING, top: int = MAX_LEVEL) -> str:
    """How far a revealed hint caps its criterion, e.g. "at most 2 of 3"."""
    return f"at most {ceiling} of {top}"


def tests_share(weight: float = TESTS_WEIGHT) -> str:
    """How a coding answer's grade is split between its tests and the rubric, e.g. "half tests, half rubric"."""
    if weight == 0.5:
        return "half tests, half rubric"
    return f"{weight:.0%} tests, {1 - weight:.0%} rubric"


SCORER_NAMES = {"llm": "the LLM judge", "offline": "the offline scorer"}


def graded_by(scorers: Iterable[str]) -> str:
    """Who graded a session: the scorers of its answers, in words; a skipped question's blank grade is no scorer."""
    named = sorted({s for s in scorers if s != "none"})
    return " and ".join(SCORER_NAMES.get(s, s) for s in named) or "no scorer (nothing was answered)"


def graded_offline(reason: str) -> str:
    """Said once when the model could not grade and the offline scorer did."""
    return f"Graded offline: {reason}."


def rubric_only(reason: str | None) -> str:
    """A coding answer whose code did not run (no sandbox, switched off, too long): why, and what that means."""
    return f"{reason or NOT_RUN} It is graded on the rubric only."


def code_checked(check: CodeCheck) -> str:
    """The sandbox's verdict as shown to the candidate, or why there is none."""
    return code_report(check).rstrip("\n") if check.ran else rubric_only(check.error)


def say(event: ev.Event, now: datetime) -> Words | None:
    """The words for ``event`` at ``now`` (times left are counted from it).

    ``None`` for the events that have nothing to tell the candidate: a paused clock only moves
    the deadlines an adapter counts down to, and a session's end is told by its scorecard,
    which each adapter draws from the session itself; a question answered normally is followed
    by what comes next.
    """
    match event:
        case ev.RoundStarted():
            lead = f"Round {event.round_pos + 1} of {event.rounds_total}: {event.kind.value}"
            return Words(f"{lead} ({event.minutes} min, {plural(event.questions, 'question')})", lead)
        case ev.QuestionAsked():
            lead = f"Question {event.number} of {event.total}: {event.question.title}"
            left = (f"{clock(event.deadline_at - now)} for this question, "
                    f"{clock(event.round_deadline_at - now)} left in the round")
            return Words(f"{lead}\n{textwrap.dedent(event.question.prompt).strip()}", lead, left)
        case ev.FollowUpAsked():
            return Words(f"Follow-up: {event.text}", "Follow-up:")
        case ev.HintGiven():
            lead = f"Hint ({event.criterion_name}):"
            return Words(f"{lead} {event.text}", lead, f"this point now counts for {hint_cap()}")
        case ev.NoHintLeft():
            return Words("No more hints for this question: you have covered or been shown every key point.")
        case ev.AnswerRecorded():
            return Words("Saved as a late answer (time had run out on that question)." if event.late else "Saved.")
        case ev.SkipConfirmationNeeded():
            return Words("That answer is empty. Skip this question?")
        case ev.AnswerRejected():
            return Words(event.reason)
        case ev.TimeWarning():
            lead = TIME_WARNINGS.get(event.kind, "Time check")
            return Words(f"{lead}: {clock(event.remaining_seconds)} remaining.", lead)
        case ev.QuestionClosed():
            if event.reason == "timed_out":
                return Words("Time is up for this question; moving on.")
            return Words("Skipped.") if event.reason == "skipped" else None
        case ev.RoundEnded():
            lead = f"{event.kind.value} round over"
            score = "no questions answered" if event.score is None else f"{event.score}/100"
            return Words(f"{lead} ({ROUND_END_WHY.get(event.reason, event.reason)}): {score}", lead)
        case ev.Notice():
            return Words(event.text)
        case ev.CodeChecked():
            return Words(code_checked(event.check))
        case ev.ClockPaused() | ev.SessionEnded():
            return None
        case _:
            assert_never(event)
