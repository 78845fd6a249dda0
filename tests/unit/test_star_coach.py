"""The STAR coaching loop as a candidate meets it: one suggestion at a time, a visible effect of
each revision, three revisions unless they ask for more, a state that survives a round trip
through JSON, and polite answers to text that is not a story."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from bot.coaching import CoachState, Phase, ReplyKind, StarCoach, Theme, Turn
from bot.coaching.coach import STORED_CHARS, TRANSITIONS
from bot.coaching.story import Story, StoryVersion
from bot.coaching.suggestions import suggestions
from bot.engine.clock import FakeClock
from bot.scoring.star import analyse
from tests.unit.test_star import CLEAR, HABIT, VAGUE, WE_ONLY

MEASURED = VAGUE + " Page load time fell from 12 seconds to 1.5 seconds, and support tickets about it stopped."
NO_RESULT = VAGUE.rsplit(" After that", 1)[0]
_DETAIL = (
    " First I read the gateway logs for the failed orders and matched each one to a webhook call that took longer than "
    "ten seconds. I wrote a small script that replayed a day of webhooks against staging, which showed the handler "
    "holding a database lock while it waited. I split the handler so it only recorded the event and returned, and a "
    "worker did the slow part afterwards. I paired with our support lead to write a status note for buyers in case "
    "the fix was late."
)
FULL = CLEAR.replace(" The sale went live", _DETAIL + " The sale went live")  # about 95 seconds, nothing missing
BAD_INPUT = {
    "empty": "   ",
    "one-liner": "I fixed the build.",
    "not English": "Letztes Jahr habe ich einen Fehler in der Datenbank gefunden. Danach lief das System viel schneller "
                   "als vorher, und das ganze Team war sehr zufrieden damit.",
    "buzzwords": "Kubernetes, Terraform, microservices, CI/CD, observability, Kafka, agile, scrum, leadership",
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def coach(clock: FakeClock) -> StarCoach:
    return StarCoach(clock)


def told(coach: StarCoach, *versions: str) -> Turn:
    turn = coach.start(Theme.INCIDENT)
    for text in versions:
        turn = coach.tell(turn.state, text)
    return turn


def test_each_theme_opens_with_its_own_prompt_and_a_topic_makes_it_the_users(coach: StarCoach) -> None:
    prompts = {theme: coach.start(theme).message for theme in Theme}
    assert len(set(prompts.values())) == len(Theme)
    assert all("one real occasion" in p for p in prompts.values())
    own = coach.start(Theme.CONFLICT, topic="  the   migration to Kubernetes ")
    assert own.state.theme is Theme.OWN and own.state.topic == "the migration to Kubernetes"
    assert own.message.startswith("Tell me about the migration to Kubernetes.")
    assert coach.start(Theme.CONFLICT, topic="   ").state.theme is Theme.CONFLICT
    assert own.kind is ReplyKind.PROMPT and own.state.phase is Phase.AWAITING_STORY


def test_the_first_story_gets_a_score_and_exactly_one_suggestion(coach: StarCoach, clock: FakeClock) -> None:
    turn = told(coach, VAGUE)
    assert turn.kind is ReplyKind.ANALYSED and turn.state.phase is Phase.REVISING
    assert turn.suggestion is not None and turn.suggestion.key == "measure"
    assert turn.suggestion.question == "What did you measure afterwards?"
    others = [s.question for s in suggestions(analyse(VAGUE))[1:]]
    assert others and not any(q in turn.message for q in others)  # the rest wait their turn
    assert turn.suggestion.question in turn.message and f"{analyse(VAGUE).score}/100" in turn.message
    assert turn.state.attempts[0].at == clock.now() and turn.state.asked == ["measure"]


@pytest.mark.parametrize(
    ("story", "first"),
    [
        (HABIT, "one-event"),  # a habit is not evidence, whatever else is missing
        (WE_ONLY, "i-not-we"),  # before the missing number
        (NO_RESULT, "result"),  # before the balance of the setting
        (VAGUE, "measure"),  # before the length
        (CLEAR, "expand"),  # everything there, only short
    ],
)
def test_the_most_valuable_suggestion_comes_first(coach: StarCoach, story: str, first: str) -> None:
    turn = told(coach, story)
    assert turn.suggestion is not None and turn.suggestion.key == first


def test_a_long_story_without_a_lesson_is_asked_to_trim_then_for_the_lesson() -> None:
    body = CLEAR.rsplit(" I learned", 1)[0]
    long_story = body + " " + " ".join(["I also wrote down each step of the rollout for the team wiki."] * 25)
    keys = [s.key for s in suggestions(analyse(long_story))]
    assert keys[-2:] == ["trim", "lesson"]


def test_a_revision_shows_what_improved_and_that_the_suggestion_was_taken(coach: StarCoach) -> None:
    turn = told(coach, VAGUE, MEASURED)
    change = turn.comparison
    assert turn.kind is ReplyKind.REVISED and change is not None
    assert change.addressed is True and change.score_delta > 0 and change.worse == []
    assert any(m.startswith("load time fell from 12 seconds") for m in change.metrics_added)
    assert "Result got stronger: 1/3 → 3/3." in change.improved
    assert {p.part: p.change for p in change.parts}["result"] == "better"
    assert f"{change.score_before} → {change.score_after}" in turn.message and "took the last suggestion" in turn.message
    assert turn.suggestion is not None and turn.suggestion.key != "measure"  # on to the next thing


def test_a_revision_that_loses_something_says_so(coach: StarCoach) -> None:
    turn = told(coach, MEASURED, NO_RESULT)
    change = turn.comparison
    assert change is not None and change.score_delta < 0
    assert "Result is no longer found." in change.worse and change.metrics_removed
    assert turn.suggestion is not None and turn.suggestion.key == "result"


def test_an_unaddressed_suggestion_is_repeated_and_marked(coach: StarCoach) -> None:
    turn = told(coach, VAGUE, VAGUE + " I also told my manager about it the same afternoon.")
    assert turn.comparison is not None and turn.comparison.addressed is False
    assert turn.suggestion is not None and turn.suggestion.key == "measure" and turn.suggestion.repeated
    assert "Still open:" in turn.message


def test_three_revisions_then_a_wrap_up_and_more_on_request(coach: StarCoach) -> None:
    turn = told(coach, VAGUE, MEASURED, CLEAR)
    assert turn.state.phase is Phase.REVISING and turn.state.revisions_left == 1
    turn = coach.tell(turn.state, CLEAR + " I still check that queue alert every Monday.")
    assert turn.state.phase is Phase.WRAPPED_UP and turn.state.revisions == 3
    wrap = turn.wrap_up
    assert wrap is not None and turn.comparison is not None  # the last comparison and the wrap-up together
    assert (wrap.revisions, wrap.first_score) == (3, analyse(VAGUE).score)
    scores = [a.score for a in turn.state.attempts]
    assert wrap.best_attempt == len(scores) - scores[::-1].index(max(scores))  # the latest of the best
    assert wrap.overall is not None and wrap.overall.score_delta > 0 and wrap.worth_saving
    assert "Ask for more revisions" in turn.message

    refused = coach.tell(turn.state, CLEAR + " One more try.")
    assert refused.kind is ReplyKind.NOT_NOW and refused.state == turn.state

    more = coach.more(turn.state)
    assert more.kind is ReplyKind.MORE and more.state.phase is Phase.REVISING and more.state.revisions_left == 3
    again = coach.tell(more.state, CLEAR + " The next sale, a year later, needed no changes at all.")
    assert again.kind is ReplyKind.REVISED and again.state.revisions == 4


def test_more_while_revising_raises_the_limit_and_more_before_a_story_is_refused(coach: StarCoach) -> None:
    start = coach.start(Theme.MENTORING)
    assert coach.more(start.state).kind is ReplyKind.NOT_NOW
    turn = told(coach, VAGUE, MEASURED)
    more = coach.more(turn.state)
    assert more.state.revision_limit == 6 and more.state.revisions_left == 5
    assert more.state.asked == turn.state.asked  # the pending suggestion is not counted twice


def test_finish_wraps_up_at_any_time(coach: StarCoach) -> None:
    empty = coach.finish(coach.start().state)
    assert empty.wrap_up is None and empty.state.phase is Phase.WRAPPED_UP and "No story" in empty.message
    reopened = coach.more(empty.state)
    assert reopened.state.phase is Phase.AWAITING_STORY and reopened.message == empty.state.prompt
    done = coach.finish(told(coach, VAGUE).state)
    assert done.wrap_up is not None and done.wrap_up.overall is None and done.wrap_up.revisions == 0
    assert done.wrap_up.still_open is not None and done.wrap_up.still_open.key == "measure"
    assert coach.finish(done.state).wrap_up == done.wrap_up  # asking twice repeats the summary


def test_a_story_with_nothing_missing_gets_no_suggestion_and_no_false_praise(coach: StarCoach) -> None:
    turn = told(coach, FULL)
    assert turn.suggestion is None and turn.state.pending is None and "good shape" in turn.message
    revised = coach.tell(turn.state, FULL + " I still check that queue alert every Monday.")
    assert revised.comparison is not None and revised.comparison.addressed is None  # nothing had been asked
    assert "took the last suggestion" not in revised.message and "Nothing big is left" in revised.message


def test_the_state_round_trips_through_json_and_the_loop_carries_on(coach: StarCoach) -> None:
    turn = coach.start(Theme.OWNERSHIP)
    for text in (VAGUE, "", MEASURED, CLEAR):
        turn = coach.tell(CoachState.model_validate_json(turn.state.model_dump_json()), text)
        stored = turn.state.model_dump_json()
        assert CoachState.model_validate_json(stored) == turn.state
    assert turn.state.revisions == 2
    straight = told(coach, VAGUE, MEASURED, CLEAR)
    assert straight.message == turn.message and straight.comparison == turn.comparison


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_text_that_is_not_a_story_gets_a_reason_and_leaves_the_loop_usable(coach: StarCoach, name: str) -> None:
    start = coach.start(Theme.INCIDENT)
    turn = coach.tell(start.state, BAD_INPUT[name])
    assert turn.kind is ReplyKind.UNUSABLE and turn.state == start.state
    assert turn.analysis is not None and turn.analysis.score is None and turn.message == turn.analysis.feedback[0]
    assert coach.tell(turn.state, VAGUE).kind is ReplyKind.ANALYSED

    revising = told(coach, VAGUE)
    bad = coach.tell(revising.state, BAD_INPUT[name])
    assert bad.kind is ReplyKind.UNUSABLE and bad.state == revising.state and "previous version is kept" in bad.message
    assert coach.tell(bad.state, MEASURED).state.revisions == 1  # the bad input was not a revision


def test_sending_the_same_version_again_does_not_count(coach: StarCoach) -> None:
    turn = told(coach, VAGUE)
    same = coach.tell(turn.state, "  " + VAGUE.replace(". ", ".\n"))
    assert same.kind is ReplyKind.NOT_NOW and same.state == turn.state
    assert "What did you measure afterwards?" in same.message


def test_a_huge_paste_is_analysed_and_stored_cut(coach: StarCoach) -> None:
    turn = told(coach, CLEAR + " " + " ".join(["I then checked the dashboards again with the team."] * 1200))
    assert turn.kind is ReplyKind.ANALYSED and turn.analysis is not None and turn.analysis.length.truncated
    assert len(turn.state.attempts[0].text) == STORED_CHARS
    assert turn.suggestion is not None and turn.suggestion.key == "trim"


def test_a_saved_story_is_picked_up_at_its_latest_version(coach: StarCoach, clock: FakeClock) -> None:
    story = Story(id="s1", user_id="u1", title="Checkout before the sale", themes=["incident", "payments"],
                  created_at=clock.now(), versions=[StoryVersion(number=1, text=VAGUE, score=63, created_at=clock.now()),
                                                    StoryVersion(number=2, text=MEASURED, score=80, created_at=clock.now())])
    turn = coach.start_from(story)
    assert turn.kind is ReplyKind.ANALYSED and turn.state.story_id == "s1" and turn.state.theme is Theme.INCIDENT
    assert turn.state.attempts[0].saved and turn.message.startswith("Picking up “Checkout before the sale” at version 2.")
    assert coach.tell(turn.state, CLEAR).kind is ReplyKind.REVISED


def test_every_phase_change_is_a_declared_transition(coach: StarCoach) -> None:
    phases = {(p, e) for p, e in TRANSITIONS}
    assert (Phase.AWAITING_STORY, "more") not in phases and (Phase.WRAPPED_UP, "tell") not in phases
    assert {p for p, _ in phases} == set(Phase)


def test_the_coaching_package_does_no_io() -> None:
    allowed = {"pydantic", "__future__"}
    for path in sorted((Path(__file__).resolve().parents[2] / "bot" / "coaching").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                if root == "bot":
                    assert name.startswith(("bot.coaching", "bot.scoring", "bot.engine.ports")), f"{path.name}: {name}"
                else:
                    assert root in allowed or (root in sys.stdlib_module_names and root not in {"os", "socket", "io"}), (
                        f"{path.name}: {name}")
