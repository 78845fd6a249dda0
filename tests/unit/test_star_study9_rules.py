"""Rules from the ninth study of the blind STAR parts (issue 19): the released held-out part dev17.

Each rule is tested on sentences or mini-stories invented for it, in other words, themes and
phrasings than the story that showed the gap, plus near-misses that must not be read the same
way: a rule that passes only the story it was written against is a rule fitted to it.
"""

from __future__ import annotations

import pytest

from bot.scoring.star import TASK_DECISIVE, analyse
from bot.scoring.star_cues import read
from bot.scoring.star_discourse import backdrop
from bot.scoring.star_event import narrates
from bot.scoring.star_quantity import quantities


# A goal named as someone's priority, put on the speaker's list, the job the speaker was brought in for,
# a question put to the speaker, work taken on or passed over: each states the task.
@pytest.mark.parametrize("sentence", [
    "Reliability was the team's number one priority that spring.",
    "My director made it plain that the audit was my priority for the month",
    "Cutting the cloud bill became our main goal after the board meeting.",
    "She put 'fix the flaky exports' on my objectives for the half.",
    "I was a consultant brought in to get the ward system off Windows XP.",
    "We were contracted specifically to rebuild the ticket scanner.",
    "I got asked what it would cost to move the archive to cheaper storage.",
    "As the only Go person, I took on rewriting the ingest daemon.",
    "The escalation was assigned to me on Monday morning",
    "so the bug got handed over to us",
])
def test_a_goal_given_in_other_words_states_the_task(sentence: str) -> None:
    assert read(sentence).task >= TASK_DECISIVE


@pytest.mark.parametrize("sentence", [
    "Speed was never the team's problem.",          # a judgement, not a goal
    "We hired a contractor and she rebuilt the scanner.",  # the team hiring someone else
    "I asked him how long the export took.",        # the speaker asking, not being asked
    "He took on a lot of stress that winter.",       # no piece of work taken on
])
def test_near_misses_state_no_task(sentence: str) -> None:
    assert read(sentence).task < TASK_DECISIVE


def test_taking_on_a_job_names_no_workplace() -> None:
    # "on the job" is a place in "two weeks on the job"; in "took on the job of" it is a duty taken.
    story = ("I took on the job of cleaning up our release scripts for the new starters. I listed every script, "
             "deleted the dead ones and wrote one page on the three that were left. Nobody asked me about releases "
             "for the rest of the quarter.")
    assert not analyse(story).components.situation.present
    assert analyse(story).components.task.present


# A summary announced before the steps ("the short version is ...") is the outcome, told early.
def test_a_summary_before_the_steps_is_the_outcome() -> None:
    story = ("It was the week before the election and I was the developer on duty for a regional paper's results feed. "
             "The vendor's API began returning stale counts on the night. Long story short, we published every "
             "constituency within ten minutes of the official call. What I did was switch the feed to the backup "
             "scraper, check each total by hand against the council pages and post corrections as we went.")
    analysis = analyse(story)
    assert analysis.components.result.present
    assert analysis.metrics
    assert analysis.components.situation.present


def test_without_a_summary_marker_a_change_before_the_steps_stays_the_setting() -> None:
    story = ("It was a Friday and I was the one on call for the payments queue. The backlog had grown from 200 to 9,000 "
             "messages in an hour. I found a consumer stuck on one poisoned message, moved it to a dead-letter "
             "queue and restarted the consumers.")
    assert not analyse(story).components.result.present


# A state reached by a point in time is where things ended up, not the background.
@pytest.mark.parametrize("sentence", [
    "By the cutover date every clinic had switched to the new forms",
    "and by the end of the sprint we had closed all but two of the tickets.",
    "By then nine of the ten branches had moved over.",
])
def test_a_state_reached_by_a_date_is_not_the_backdrop(sentence: str) -> None:
    assert not backdrop(sentence)


def test_the_time_someone_arrived_still_sets_the_scene() -> None:
    assert backdrop("By the time I joined, the codebase had grown to half a million lines.")


def test_an_outcome_reached_by_a_deadline_closes_the_story() -> None:
    story = ("My task was to move the school district's sign-in to the new identity provider before term began. "
             "I wrote a checklist for each school and ran a pilot with two of them. "
             "By the start of term 41 of the 43 schools had switched, and the last two moved within a week.")
    analysis = analyse(story)
    assert analysis.components.result.present
    assert analysis.metrics


# A clause with no subject of its own that narrows the step before goes on telling that step.
def test_a_clause_that_narrows_the_step_reports_no_outcome() -> None:
    story = ("When I started hiring for the data team I needed someone within a month. "
             "I ran the interviews alone, but only with people my old colleagues recommended. "
             "What I took from it is that a referral is not a substitute for a work sample.")
    assert not analyse(story).components.result.present


def test_an_outcome_after_the_steps_is_still_found() -> None:
    story = ("When I started hiring for the data team I needed someone within a month. "
             "I ran the interviews alone and gave every candidate the same take-home task. "
             "We hired two analysts, and both are still on the team.")
    assert analyse(story).components.result.present


# A hedged opinion on the way is one weak cue; "what I did was" after it still starts the steps, and the scene stays.
def test_a_hedged_opinion_before_the_steps_does_not_turn_the_scene_into_an_outcome() -> None:
    story = ("I think this was maybe my second year at the games studio. There was sort of a disagreement between me "
             "and our tools lead about the build farm. I guess I felt the new scheduler was overkill, kind of. "
             "I think what I did was write up a short comparison and ask our producer to look at it with both of us. "
             "We ended up keeping the old scheduler for that release, and I think it went fine.")
    components = analyse(story).components
    assert components.situation.present
    assert components.result.present


# Circumstances told with "with no ... at all" count nothing; a count that drops to next to nothing is a measure.
def test_with_no_x_at_all_is_a_circumstance_not_a_count() -> None:
    assert not quantities("she had been handed the billing module with no documentation at all")


@pytest.mark.parametrize("sentence", [
    "Support tickets about the export slowed to a trickle",
    "and the false alarms fell to a handful",
    "After that, the pages we got came down to a rounding error.",
])
def test_dropping_to_next_to_nothing_is_a_measure(sentence: str) -> None:
    assert quantities(sentence)


def test_no_outcome_at_all_is_still_zero() -> None:
    assert quantities("Since the change we have had no failed nightly runs at all.")


# "Have" followed by what the speaker owns is no present perfect: it does not hide a past verb after it.
@pytest.mark.parametrize("sentence", [
    "For every schema change I have a fairly fixed routine.",
    "I have a carefully tested script for it.",
])
def test_owning_something_is_not_narrating_a_step(sentence: str) -> None:
    assert not narrates(sentence, False)


def test_a_habit_with_its_own_checklist_is_no_single_event() -> None:
    story = ("For data migrations at the warehouse I have a fairly fixed checklist. Any job that touches more than a "
             "million rows runs in batches of 5,000. I rehearse it against last night's copy of production and I time "
             "it. If it needs longer than ten minutes, I don't run it at peak; I book a slot and tell the floor "
             "managers a day ahead.")
    analysis = analyse(story)
    assert not analysis.specific_event
    assert not analysis.components.situation.present
