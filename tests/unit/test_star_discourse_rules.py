"""Rules from studying the misses of the blind STAR dev parts (issue 19), each about what a clause does
in a story rather than about any story's wording.  Every sentence here is invented for the test."""

from __future__ import annotations

from bot.scoring.star import analyse
from bot.scoring.star_cues import actors, read
from bot.scoring.star_quantity import has_change, quantities
from bot.scoring.star_text import sentences, units


def test_a_clause_that_states_the_goal_is_not_taken_for_the_scene() -> None:
    story = ("I was asked to sort out the volunteer rota for the choir. "
             "I rang every volunteer, put the shifts in a shared sheet and sent a reminder the day before each one. "
             "Every shift in the next month had two people on it.")
    a = analyse(story)
    assert a.components.task.present
    assert not a.components.situation.present


def test_an_aside_on_how_someone_stood_sets_the_scene_inside_an_acting_sentence() -> None:
    story = ("We took on an apprentice baker, Tomas, who had never worked a night shift and was nervous about the ovens. "
             "My manager asked me to get him ready to run the night bake alone. "
             "I walked him through each oven, let him lead two bakes while I watched and wrote him a checklist. "
             "By the end of the month he ran the night bake on his own.")
    assert analyse(story).components.situation.present


def test_would_contracted_forecasts_an_outcome_it_does_not_report_one() -> None:
    assert read("and I needed the board to see that we'd be short of rooms within a year.").result == 0.0


def test_a_quoted_question_inside_a_sentence_does_not_end_it() -> None:
    told = 'I started asking "what did you try first?" instead of "any problems?" and she began to answer.'
    assert len(sentences(told)) == 1
    assert len(sentences('She asked "can you help?" Then I sat down with her.')) == 2


def test_in_a_habit_an_outcome_word_in_the_speakers_step_is_still_behaviour() -> None:
    story = ("When a new volunteer joins, I usually give them one easy shift on day one. "
             "Then for the first month I do a short call with them twice a week. "
             "After about six weeks I drop back to once a week.")
    a = analyse(story)
    assert not a.specific_event
    assert not a.components.result.present and a.components.action.present


def test_the_speaker_starting_to_do_something_is_a_step_not_the_scene() -> None:
    assert read("I just started drawing up a simple seating plan for the hall.").situation < 1.0
    assert read("The lights in the hall started flickering during rehearsals.").situation >= 1.0


def test_a_duty_handed_over_with_the_outcome_is_no_task() -> None:
    story = ("At the garden centre the plant orders kept arriving late every spring. "
             "I compared the supplier invoices with our delivery notes and found two suppliers missing their slots. "
             "I moved our orders to the supplier that delivered on time. "
             "Late deliveries fell by half that season, and the owner asked me to check the suppliers every quarter.")
    a = analyse(story)
    assert a.components.result.present
    assert not a.components.task.present


def test_a_past_verb_in_a_relative_or_conditional_clause_tells_no_event() -> None:
    story = ("I generally treat any lost parcel I touch as mine, even if it was someone else who lost it. "
             "I'll log it with a photo, call the sender "
             "and try to trace it the same week. "
             "If I can't, I'll at least write down what I found so the next person doesn't start from zero.")
    assert not analyse(story).specific_event


def test_two_sides_wanting_different_things_state_positions_even_when_one_is_my_colleague() -> None:
    story = ("My colleague wanted to print the newsletter on glossy paper and I wanted to keep it plain, "
             "and we settled it by asking ten readers which one they would actually pick up.")
    a = analyse(story)
    assert not a.components.task.present
    assert a.components.result.present


def test_a_recurring_slot_the_speaker_set_up_measures_effort_not_an_outcome() -> None:
    assert not quantities("After that I booked a twice-weekly half hour to go through her drafts.", action=True)
    assert not quantities("I started a twenty-minute weekly call with the new stewards.", action=True)
    assert quantities("I cut the weekly planning meeting from an hour to twenty minutes.", action=True)


def test_the_occasion_a_step_went_through_sets_the_scene_in_a_one_liner() -> None:
    a = analyse("I stood next to a new lifeguard through her first weekend shift on the big pool, "
                "and by Sunday she was running the rescues herself.")
    assert a.components.situation.present and a.components.action.present and a.components.result.present


def test_saying_what_one_would_do_is_a_commitment_whatever_the_verb() -> None:
    assert read("and I'd said I'd keep an eye on the new caretaker.").task >= 2.0
    assert read("I told her I'd rather wait for the spring.").task < 2.0


def test_a_deadline_set_by_something_running_out_is_a_stake() -> None:
    assert read("so we were moving every tenant to the new heating contract before the old lease expired.").task >= 2.0


def test_an_opening_that_only_counts_things_sets_the_scene() -> None:
    story = ("Three nurses, one weekend, forty beds to move. "
             "I drew up the order of the wards and we moved them one by one with the porters. "
             "Every patient was in the new wing by Sunday evening.")
    a = analyse(story)
    assert a.components.situation.present


def test_an_aside_after_a_step_can_tell_its_effect() -> None:
    assert read("and then I booked a yearly service, which gave the committee a lot more peace of mind.").result >= 2.5
    assert read("I sanded the floor myself, which took a whole weekend.").result == 0.0


def test_a_consequence_that_is_a_duty_states_the_stake_not_the_outcome() -> None:
    cues = read("I was the duty warden for the east wing that month, which meant every fire drill was my responsibility.")
    assert cues.task >= 2.0 and cues.result == 0.0 and not cues.concluding
    assert read("I moved the drill to the morning, which meant nobody missed the school run.").concluding


def test_a_decision_put_off_at_the_close_reports_no_outcome() -> None:
    story = ("At the library the late-fee rules had drifted apart between branches, and fixing them was my job. "
             "I collected every branch's rules and wrote one proposal for the board. "
             "I walked the chair through it on a call. "
             "And she said she needed to check with the other trustees first.")
    assert not analyse(story).components.result.present


def test_a_request_told_in_learner_grammar_is_still_the_task() -> None:
    assert read("My supervisor say me to make the stock count faster.").task >= 2.0
    assert read("The head chef wanted me to cut the waiting time at the pass.").task >= 2.0


def test_got_before_a_participle_is_done_to_the_speaker_not_a_step() -> None:
    assert read("we got called out about forty times a month.").actor is None
    assert read("we got the ladders out and cleared the gutters.").actor == "we"


def test_a_present_outcome_with_an_adverb_before_its_verb_still_states() -> None:
    story = ("I mentored a trainee nurse who was nervous about night handovers. "
             "I asked her to lead my handovers first, then we went through hers together. "
             "She now leads the handover for the whole ward.")
    assert analyse(story).components.result.present


def test_a_story_that_opens_by_dating_its_occasion_has_a_setting() -> None:
    story = ("Last year I missed a deadline on a library catalogue move. "
             "I told the head librarian two weeks before the date, split the move into two phases "
             "and finished the fiction shelves on time. What I learned is to count the boxes before estimating.")
    assert analyse(story).components.situation.present


def test_measures_in_words_for_none_left_a_margin_and_a_value_reached() -> None:
    assert has_change("and no-shows went from about half to almost nobody.") or quantities(
        "and no-shows went from about half to almost nobody.")
    assert quantities("We opened the new wing a full week before the council's deadline.")
    assert quantities("and double bookings dropped to 0 right away.")


def test_the_shape_of_the_work_or_the_group_is_no_measure() -> None:
    assert not quantities("but in the end we split the choir into two sections.")
    assert not quantities("I was leading a team of three on the new timetable.")


def test_a_negated_rhythm_and_a_future_in_the_past_are_no_habit() -> None:
    assert not read("and I set up a rota so it is not always the same person who locks up.").general
    cues = read("and the head teacher asked me to plan it since I would be doing most of the teaching.")
    assert not cues.general and cues.task >= 2.0


def test_what_the_speaker_was_in_the_middle_of_sets_the_scene() -> None:
    assert read("I was leading a crew of five on the bridge repair.").situation >= 1.5
    assert read("A volunteer and I kept clashing over the stall layout.").situation >= 1.0


def test_the_situation_announced_after_the_outcome_is_a_flashback() -> None:
    story = ("We opened the new clinic a full week before the council's deadline. "
             "The situation was that the old building had failed its fire inspection in March. "
             "I was the practice manager, so my job was to move us without cancelling appointments. "
             "I booked the movers for two weekends and moved the records myself.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_a_lesson_states_no_task_and_learner_grammar_still_draws_one() -> None:
    cues = read("What I learned is that I have to check the tide tables before I book a boat.")
    assert cues.task == 0.0 and cues.lesson > 0
    assert read("What I learn from this is I should ask the chef earlier.").lesson > 0


def test_a_story_that_opens_on_once_names_its_occasion() -> None:
    story = ("I once booked the wrong hall for a wedding party of eighty. "
             "I called every hall in town that evening and moved the party to a barn nearby. "
             "What I learned is to confirm bookings in writing.")
    assert analyse(story).components.situation.present


def test_a_request_is_one_event_whatever_rhythm_its_reason_tells() -> None:
    cues = read("The head of the shelter asked me to sort it out because I was the one called in every time.")
    assert not cues.general and cues.task >= 2.0


def test_gone_altogether_is_an_outcome_measured_in_words() -> None:
    assert read("and the queues at the counter basically disappeared.").result >= 1.5
    assert quantities("and the queues at the counter basically disappeared.")


def test_others_rhythm_before_the_speaker_steps_in_is_the_scene() -> None:
    story = ("We ended up with one shared rota for the two kitchens, and the double orders basically disappeared. "
             "Before that, every time a delivery was late, the night crew blamed the day crew. "
             "My manager asked me to fix it. "
             "I proposed one rota and wrote a single checklist with the other head chef.")
    a = analyse(story)
    assert a.components.situation.present and a.components.task.present and a.metrics


def test_a_short_clause_with_its_own_subject_stands_alone() -> None:
    told = units("I spent the weekend relabelling every shelf in the store room, and we passed.")
    assert len(told) == 2 and told[-1].text == "and we passed."


def test_what_the_speaker_had_to_work_with_is_scene_and_passing_is_an_outcome() -> None:
    a = analyse("We had two days to pass a health inspection, so I spent them scrubbing the kitchen, and we passed.")
    assert a.components.situation.present and a.components.task.present and a.components.result.present


def test_what_befell_the_speaker_is_no_step_and_getting_it_back_is_an_outcome() -> None:
    assert read("I lost three days of the club's booking records once.").actor is None
    assert read("We got every booking back except those three days.").result >= 1.5


def test_an_obligation_is_not_taken_for_what_the_speaker_had_to_work_with() -> None:
    story = ("I had to finish the new seating plan by Friday for the gala. "
             "I dropped the fancy layout, reused last year's table list and checked it with the caterer on Thursday. "
             "It went out on Friday and every guest found a seat without a single change at the door.")
    assert not analyse(story).components.situation.present


def test_judging_the_stretch_of_time_or_trailing_off_reports_no_outcome() -> None:
    story = ("I was at a small florist and I set up their online shop myself. "
             "I did not set up backups because I thought the host kept copies. "
             "The disk failed after four months. "
             "So I spent a whole weekend rebuilding the orders from their emails. "
             "It was honestly, yeah. That was a rough weekend.")
    assert not analyse(story).components.result.present


def test_the_rule_the_speaker_keeps_since_goes_on_drawing_the_lesson() -> None:
    story = ("I once repainted a client's hallway the day before their party and the paint was still wet. "
             "I moved the furniture back and put fans in every room. "
             "What I learned is that I have to check the drying time before I book a job, "
             "and honestly I just do not paint the week of an event anymore.")
    assert not analyse(story).components.result.present


def test_a_correction_before_any_outcome_is_no_flashback() -> None:
    story = ("Okay so, this was at a catering firm. "
             "We had a client, a wedding venue, and their coordinator, actually let me back up, "
             "our account manager had just left, so nobody was talking to them for two weeks. "
             "Their orders were failing silently. "
             "I called their coordinator and we went through the orders together, and I fixed the order form. "
             "They stayed with us and renewed the contract.")
    a = analyse(story)
    assert not a.metrics and a.components.result.present


def test_learner_present_tense_for_the_speakers_steps_and_lessons() -> None:
    story = ("With my senior colleague we had a discussion, he want to order the cheap flour "
             "and I think the better flour is worth it. "
             "I make a small comparison with the costs we really have, I send it to him "
             "and we have a call to go through it together. "
             "What I learn from this is I should bring the numbers earlier, and also to accept when it is not my decision.")
    assert not analyse(story).components.result.present


def test_a_fixed_sequence_of_ones_own_is_a_habit() -> None:
    assert read("For a new delivery route I have a fixed sequence.").general


def test_a_standing_practice_of_the_speaker_told_first_makes_a_habit() -> None:
    story = ("For late deliveries I have kind of a fixed sequence. "
             "Within the first ten minutes I call the driver and note what I know. "
             "Then I check which orders were packed in the last hour, because that is where it tends to go wrong. "
             "And every half hour I text the customer, even if nothing changed.")
    assert not analyse(story).specific_event


def test_a_past_in_a_relative_clause_does_not_date_a_present_tense_routine() -> None:
    story = ("When a new apprentice joins the workshop, I always start the same way. "
             "I give them one small real repair, not an exercise. "
             "I let them hold the tools and I only ask questions. "
             "After each session I write down what they learned and what was confusing.")
    assert not analyse(story).specific_event


def test_having_someone_do_something_in_the_present_is_the_speakers_step() -> None:
    assert read("I have every new volunteer shelve one real delivery in their first three days").actor == "I"
    a = analyse("I have every new volunteer shelve one real delivery in their first three days "
                "and I check the first one with them.")
    assert not a.specific_event


def test_a_present_tense_condition_inside_a_story_of_one_event_is_that_event() -> None:
    story = ("When at 2 AM I get a call that the cold room is too warm at our restaurant, "
             "I first move the fish to the chest freezers, because the meat was already sweating. "
             "Then I check and see the thermostat was set wrong. "
             "Next morning I wrote a note for the team. "
             "The cold room was back to four degrees in twenty minutes.")
    a = analyse(story)
    assert a.specific_event and a.components.situation.present and not a.generalisations


def test_a_clause_with_two_actors_counts_for_both_sides() -> None:
    assert actors("We talked, and I sketched on the whiteboard what the ovens could actually do.") == {"we", "I"}
    story = ("At the bakery a shift lead kept promising customers cakes we could not bake in time. "
             "So I went to her. "
             "We talked, and I sketched on the whiteboard what the ovens could actually do. "
             "Then we went to the customer together and proposed a smaller cake for the Friday. "
             "She started asking me before promising anything.")
    assert analyse(story).first_person_ratio == 0.5


def test_taking_a_job_with_nothing_after_it_is_accepting_it() -> None:
    assert read("I had drawn up that rota, so I took it.").task >= 2.0
    assert read("I took it to the head gardener the next morning.").task < 2.0


def test_a_person_described_without_commas_sets_the_scene() -> None:
    assert read("I helped a new trainee who struggled with the till.").situation >= 1.5


def test_a_present_verb_after_an_adverb_of_frequency_states_an_outcome() -> None:
    story = ("We had a flaky stock count that was wrong one week in five. "
             "My colleague and I went through the counts and we found two shelves counted twice, "
             "and we relabelled them. Now the count basically never drifts.")
    assert analyse(story).components.result.present


def test_a_goal_given_with_the_trouble_behind_it_sets_the_scene_too() -> None:
    story = ("The queue at the pharmacy counter dropped from forty minutes to eight. "
             "I was asked to speed up the counter because customers were waiting too long. "
             "I split the prescriptions across two tills and prepared the regular orders the evening before.")
    assert analyse(story).components.situation.present


def test_none_during_the_change_is_a_measure_in_words() -> None:
    assert quantities("The move finished on schedule and we had no lost parcels during the switch.")


def test_a_when_clause_without_its_comma_still_sets_the_scene() -> None:
    assert read("When I became head of the kitchen we got five new cooks in two months.").situation >= 2.0


def test_a_short_closing_clause_with_a_noun_subject_reports_the_outcome() -> None:
    a = analyse("I fixed the leaking valve in the school boiler by replacing its seal, and complaints stopped.")
    assert a.components.result.present


def test_the_speaker_still_busy_measures_the_effort_not_an_outcome() -> None:
    story = ("When I was the senior cook, we got two trainees from the college who were afraid of the fryer. "
             "My manager asked me to get them confident fast. "
             "I ran a small session with a cold fryer so they could practise safely. "
             "Also I was standing with them the first week for every service. "
             "After that they were much more relaxed and the kitchen was calmer.")
    assert not analyse(story).metrics
