"""Rules from the seventh study of the blind STAR parts (issue 19): the released held-out part dev15.

Each test is about what a clause does in a story (sets the scene, states a goal, tells a step, reports
an outcome, draws a lesson, tells a habit), and every sentence in it is invented for the test.
"""

from __future__ import annotations

from bot.scoring.star import analyse
from bot.scoring.star_cues import actors, read
from bot.scoring.star_discourse import draws_lesson, flashback
from bot.scoring.star_judged import judged
from bot.scoring.star_measure import what_to_measure
from bot.scoring.star_quantity import quantities
from bot.scoring.star_task import goal_scene


# Lessons: a lesson named by its size is still a lesson, and reports no outcome.
def test_a_lesson_named_by_its_size_draws_a_lesson_and_reports_no_outcome() -> None:
    assert draws_lesson("The most useful thing I learned was that a rota nobody chose is a rota nobody keeps.")
    assert draws_lesson("The biggest thing we took from it is to ask the drivers first.")
    story = ("The choir I sing in kept losing singers between the autumn and spring concerts. "
             "As the section leader I had to keep the tenors together until the spring concert. "
             "I phoned every tenor who had missed two rehearsals and I moved our practice to an earlier slot. "
             "The most useful thing I learned was that people stay far longer when someone notices they are gone.")
    assert not analyse(story).components.result.present


# The speaker's steps: a dropped "I" goes on with the last actor its sentence named.
def test_a_step_with_its_subject_dropped_keeps_the_sentences_actor_across_a_listed_object() -> None:
    story = ("Our village hall needed a new roof and the committee was split on how to pay for it. "
             "I was treasurer, so I had to bring a plan to the spring meeting. "
             "I sat down with the chair, went through what a loan would cost each year, "
             "and what we would lose by waiting, "
             "and offered to write the grant application myself so nobody else had to give up their weekends. "
             "What I learned is that people agree faster when you take the chore off their plate.")
    a = analyse(story)
    assert not a.components.result.present
    assert a.first_person_ratio is not None and a.first_person_ratio >= 0.5


# Goals: a clause that opens on its goal names the goal's scope and deadline, not the scene or an outcome.
def test_a_clause_that_opens_on_its_goal_names_its_scope_and_deadline_not_the_scene() -> None:
    assert goal_scene("My job was to move every one of our ledgers to the new system by the end of the quarter.") == ""
    assert goal_scene("I had the task of getting a junior nurse on my ward ready for night shifts within the year.") == ""
    kept = "I was asked to help a new volunteer who was struggling with the till."
    assert goal_scene(kept) == kept  # the aside on how she stood is the scene
    opened_otherwise = "At my old bakery my job was to plan the orders."
    assert goal_scene(opened_otherwise) == opened_otherwise
    # The occasion named inside the goal (the workplace, the when) still sets the scene.
    for anchored in ("I was asked to fix the rota at my previous hospital.", "My job was to plan the fair last summer.",
                     "I was asked to redo the menus for a small catering firm."):
        assert goal_scene(anchored) == anchored
    cues = read("My job was to move every one of our ledgers to the new system by the end of the quarter.")
    assert cues.situation == 0.0 and cues.result == 0.0 and cues.task >= 2.0
    story = ("My job was to move every one of our ledgers to the new system by the end of the quarter. "
             "I listed each ledger with its owner, I wrote a checklist for the move and I moved two ledgers a week. "
             "By the end of the quarter all twelve ledgers were on the new system.")
    a = analyse(story)
    assert not a.components.situation.present
    assert a.components.task.present and a.components.result.present


def test_a_job_that_runs_fails_or_hangs_is_a_program_not_a_duty() -> None:
    assert read("The nightly backup job was failing since Tuesday.").task == 0.0
    assert read("The export job was still hanging when I logged in.").task == 0.0
    assert read("The job was to keep the shop's stock list right.").task >= 2.0


def test_a_role_named_as_the_capacity_acted_in_or_a_debt_owed_states_a_duty() -> None:
    assert read("As the shift lead, I owed the ward manager a staffing plan by Monday.").task >= 2.0
    assert read("As the owner, I signed off on the budget.").task >= 2.0
    assert read("We owed the landlord an answer before the lease ran out.").task >= 2.0
    assert read("I was the volunteer picked to sort the donations before the fair.").task >= 2.0
    assert read("I was the engineer on the billing team assigned to clean up the refunds.").task >= 2.0
    assert read("I was the one asked to sort out the parking rota.").task >= 2.0
    # The goal named with the place it was held at: "my task at the depot was to ...".
    assert read("My task at the depot was to cut the missed collections.").task >= 2.0


# The scene: what had become plain, hung on the step it prompted, sets the scene.
def test_what_had_become_plain_hung_on_a_step_sets_the_scene() -> None:
    cues = read("I re-planned the kitchen refit, once it was clear the first quote had missed the plumbing.")
    assert cues.situation >= 2.0 and cues.actor == "I"
    assert read("I called the supplier when it turned out the tiles were the wrong size.").situation >= 2.0


# The speaker's steps, in the grammars they are told in.
def test_a_verb_with_a_prefix_is_still_the_speakers_step() -> None:
    assert read("I re-ran the payroll for the three stores we still managed.").actor == "I"
    assert actors("We co-wrote the handbook, then I re-checked every page.") == {"I", "we"}


def test_a_step_told_in_the_present_perfect_is_a_step() -> None:
    story = ("It was on a Saturday morning, the freezer alarm at the food bank was ringing because the door seal had split. "
             "I have moved all the frozen stock to the church hall freezer. "
             "Then I have called the repair company and I have taped the seal until they came. "
             "We lost nothing, and the freezer was back at minus eighteen degrees by the evening.")
    a = analyse(story)
    assert a.components.action.present
    assert a.first_person_ratio is not None and a.first_person_ratio >= 0.5


def test_a_step_told_in_the_present_progressive_is_a_step_and_a_routine_of_them_is_a_habit() -> None:
    assert read("First month I am pairing with them every morning.").actor == "I"
    assert read("I'm reviewing all their rotas myself.").actor == "I"
    assert read("I am working at a bakery in the old town.").actor is None  # where the speaker works is the scene
    story = ("With new volunteers at the shelter, I am always doing the same thing. "
             "First week I am walking with them on every dog round, two rounds a day. "
             "After, I am reducing to one round together each week "
             "and I am giving them one dog which they look after on their own. "
             "Also I am asking them every Sunday what was hardest in the week.")
    a = analyse(story)
    assert a.specific_event is False
    assert a.components.action.present
    assert not a.components.situation.present and not a.components.result.present


def test_after_a_lead_in_closed_by_its_comma_the_pronoun_opens_the_main_clause() -> None:
    assert read("When my crew misses a delivery slot, I call the customer myself and sort out the cause later.").actor == "I"
    assert read("If a volunteer drops a shift, we find cover before the evening.").actor == "we"
    assert read("the people I mentored").actor is None
    story = "When my crew misses a delivery slot, I call the customer myself and sort out the cause with the crew later."
    a = analyse(story)
    assert a.components.action.present and a.specific_event is False


# Outcomes: an end state, a count, a whole brought to its end, a change in words of quantity.
def test_a_trouble_that_is_gone_after_a_step_is_the_outcome() -> None:
    assert read("and the dropouts were all gone by the next morning.").result >= 1.5
    story = ("Last winter the village hall's wifi kept dropping during the Tuesday bingo stream. "
             "I was the volunteer who looked after the hall's kit, so it was on me to fix it. "
             "I traced it to a loose cable behind the stage. "
             "We re-seated the cables and the dropouts were gone within ten minutes.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_a_count_in_digits_out_of_a_whole_is_a_measure() -> None:
    assert quantities("In the end 17 of them came back, the rest were closed.")
    assert quantities("Only 3 of the 40 stalls were still unpaid.")


def test_the_whole_of_the_work_brought_to_its_end_within_a_time_is_the_outcome() -> None:
    assert read("and got every laptop patched within two days.").result >= 1.5
    assert read("I had all of the consent forms signed by Friday.").result >= 1.5
    assert read("I had all the forms printed.").result == 0.0  # no end in time: a step
    story = ("After an audit flagged 9 expired fire extinguishers across our offices, "
             "I booked a service firm and had all of them replaced within a week.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_a_change_from_one_end_of_a_count_to_the_other_in_words_is_quantified() -> None:
    assert quantities("The ferry went from leaving late nearly every morning to leaving on time every day.")
    assert quantities("The ward went from missing handovers most weeks to never missing one all spring.")
    assert not quantities("We moved the files from all our old laptops to the shared drive.")


def test_before_that_told_before_anyone_acts_goes_back_from_an_outcome_told_first() -> None:
    texts = ["Our stall's queue got a lot shorter",
             "and the regulars stopped grumbling about the wait.",
             "Before that, customers waited about twenty minutes on a Saturday.",
             "I set up a second till and I pre-packed the popular orders."]
    assert flashback(texts, [0, 0, 1, 2], [False, False, False, True]) == 2
    # After a step, "before that" only orders the steps.
    steps = ["I counted the stock.", "Before that, the manager had locked the store room.", "I wrote it up."]
    assert flashback(steps, [0, 1, 2], [True, False, True]) is None
    story = ("Our stall's queue got a lot shorter and the regulars stopped grumbling about the wait. "
             "Before that, customers waited about twenty minutes on a Saturday morning. "
             "I was the volunteer put in charge of the stall that season. "
             "I set up a second till, I pre-packed the popular orders and I moved the cake table outside.")
    a = analyse(story)
    assert a.components.result.present and a.components.situation.present
    assert a.metrics == []  # the numbers are how things stood before
    # With no outcome told before it, "before that" only adds to the scene.
    scene_first = ("Our bakery baked bread in two shifts. Before that, one baker did it all overnight. "
                   "I was asked to plan a third shift. I drew up a rota and I trained two new bakers.")
    assert not analyse(scene_first).components.result.present


def test_a_feeling_that_went_away_is_a_vague_outcome_with_a_measure_to_find() -> None:
    assert judged("Month-end stopped being a source of dread for the accounts team.")
    assert judged("nobody was nervous about the stocktake any more")
    assert "count" in what_to_measure("the volunteers stopped worrying about the rota")
    story = ("Month-end stopped being a source of dread for the accounts team after I took over the close. "
             "The background was that the close lived in one spreadsheet that nobody else understood. "
             "I decided to own it. I wrote down every step and I moved the checks into a shared list.")
    a = analyse(story)
    assert a.components.result.present and a.vague_results and not a.metrics
