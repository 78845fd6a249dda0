"""Every engine event has its words in one place, built from the constants that enforce the rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import get_args

import pytest

from bot.content import cache
from bot.content.paths import content_root
from bot.engine import events as ev
from bot.engine import wording
from bot.engine.code_report import code_report
from bot.engine.models import CodeCheck, RoundKind
from bot.engine.signals import HINTED_CEILING, MAX_LEVEL, TESTS_WEIGHT
from bot.engine.wording import Words, say

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
QUESTION = cache.load(content_root()).get("core.gil")
CHECK = CodeCheck(question="coding.flatten-dict", sandbox="bwrap", passed=3, failed=1, total=4, error=None,
                  first_failure=None, time_ms=40, max_rss_kb=9000, examples_passed=2, examples_total=2,
                  hidden_passed=1, hidden_total=2)
# One of each event the engine can send.  A new event type without a sample here fails the first test.
SAMPLES: dict[type, ev.Event] = {
    ev.RoundStarted: ev.RoundStarted(0, RoundKind.CORE, 30, 1, 6, NOW),
    ev.QuestionAsked: ev.QuestionAsked(0, 0, 1, 3, QUESTION, NOW + timedelta(minutes=9), NOW + timedelta(minutes=30)),
    ev.FollowUpAsked: ev.FollowUpAsked(0, 0, "What would you measure first?", "measure"),
    ev.HintGiven: ev.HintGiven(0, 0, "Think about which work holds the lock.", "CPU vs I/O"),
    ev.NoHintLeft: ev.NoHintLeft(0, 0),
    ev.AnswerRecorded: ev.AnswerRecorded(0, 0, late=True),
    ev.SkipConfirmationNeeded: ev.SkipConfirmationNeeded(0, 0),
    ev.AnswerRejected: ev.AnswerRejected("The answer is 12,001 characters; the limit is 12,000."),
    ev.TimeWarning: ev.TimeWarning(0, "two_minutes", 119),
    ev.QuestionClosed: ev.QuestionClosed(0, 0, "timed_out", None),
    ev.RoundEnded: ev.RoundEnded(0, RoundKind.CORE, 71, "completed"),
    ev.SessionEnded: ev.SessionEnded("s1", 71, "completed"),
    ev.Notice: ev.Notice("This question comes back for review: you scored 40 on it 3 days ago."),
    ev.CodeChecked: ev.CodeChecked(0, 0, CHECK),
    ev.ClockPaused: ev.ClockPaused(0, 0, 12.0, None, NOW),
}
# Nothing to tell the candidate: a paused clock moves deadlines, a session's end is told by its scorecard.
SILENT = {ev.ClockPaused, ev.SessionEnded}
MARKUP = re.compile(r"\*\*|__|-# |\[/?(bold|dim|red|yellow|green|cyan)[^\]]*\]|\x1b")


def test_every_event_type_has_a_sample_and_words_unless_it_is_silent() -> None:
    assert set(get_args(ev.Event)) == set(SAMPLES)
    for kind, event in SAMPLES.items():
        said = say(event, NOW)
        if kind in SILENT:
            assert said is None, kind
        else:
            assert isinstance(said, Words) and said.text.strip(), kind


@pytest.mark.parametrize("event", [e for k, e in SAMPLES.items() if k not in SILENT], ids=lambda e: type(e).__name__)
def test_the_words_are_plain_text_for_every_adapter_to_frame(event: ev.Event) -> None:
    said = say(event, NOW)
    assert said is not None
    assert not MARKUP.search(said.text + (said.note or "")), said
    assert said.text.startswith(said.lead) and said.lead + said.rest == said.text


def test_a_hint_states_its_cap_from_the_constants() -> None:
    said = say(SAMPLES[ev.HintGiven], NOW)
    assert said is not None and said.lead == "Hint (CPU vs I/O):"
    assert said.note == f"this point now counts for at most {HINTED_CEILING} of {MAX_LEVEL}"
    assert wording.hint_cap(1, 4) == "at most 1 of 4"  # another rule, another sentence: nothing is typed twice


def test_the_coding_grade_split_is_said_from_its_weight() -> None:
    assert wording.tests_share(TESTS_WEIGHT) == wording.tests_share()
    assert wording.tests_share(0.5) == "half tests, half rubric"
    assert wording.tests_share(0.6) == "60% tests, 40% rubric"


def test_the_readme_states_the_rules_the_constants_enforce() -> None:
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert f"counts for {wording.hint_cap()}" in readme
    assert f"The grade is {wording.tests_share()}" in readme


def test_times_are_counted_from_now_and_never_negative() -> None:
    asked = say(SAMPLES[ev.QuestionAsked], NOW)
    assert asked is not None and asked.lead == f"Question 1 of 3: {QUESTION.title}"
    assert asked.note == "9:00 for this question, 30:00 left in the round"
    assert asked.rest.strip().startswith(QUESTION.prompt.strip().split("\n")[0].strip())
    late = say(SAMPLES[ev.QuestionAsked], NOW + timedelta(hours=1))
    assert late is not None and late.note == "0:00 for this question, 0:00 left in the round"
    warning = say(SAMPLES[ev.TimeWarning], NOW)
    assert warning is not None and warning.text == "Two minutes left in the round: 1:59 remaining."


def test_a_closed_question_speaks_only_when_it_did_not_close_normally() -> None:
    closed = ev.QuestionClosed(0, 0, "answered", None)
    assert say(closed, NOW) is None
    skipped = say(ev.QuestionClosed(0, 0, "skipped", None), NOW)
    assert skipped is not None and skipped.text == "Skipped."


def test_code_that_ran_is_the_report_and_code_that_did_not_is_why() -> None:
    ran = say(SAMPLES[ev.CodeChecked], NOW)
    assert ran is not None and ran.text == code_report(CHECK).rstrip("\n")
    assert ran.text.startswith("coding.flatten-dict: 3 of 4 passed (examples 2/2, hidden 1/2) in the bwrap sandbox.")
    refused = CHECK.model_copy(update={"ran": False, "sandbox": "none", "error": "Code was not run: no sandbox here."})
    said = say(ev.CodeChecked(0, 0, refused), NOW)
    assert said is not None and said.text == "Code was not run: no sandbox here. It is graded on the rubric only."
    assert code_report(refused) == ""


def test_a_lead_that_is_not_where_the_text_starts_is_refused() -> None:
    with pytest.raises(ValueError):
        Words("Saved.", lead="Hint")


def test_a_skipped_question_is_not_named_among_the_graders() -> None:
    assert wording.graded_by(["offline", "none", "offline"]) == "the offline scorer"
    assert wording.graded_by(["none"]) == "no scorer (nothing was answered)"
    assert wording.graded_by(["offline", "llm"]) == "the LLM judge and the offline scorer"
