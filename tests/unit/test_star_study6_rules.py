"""Rules from the sixth study of the blind STAR parts (issue 19): the released held-out parts dev12-dev14.

Each test is about what a clause does in a story (sets the scene, states a goal, tells a step, reports
an outcome, draws a lesson), and every sentence in it is invented for the test.
"""

from __future__ import annotations

from bot.scoring.star import analyse
from bot.scoring.star_cues import actors, read
from bot.scoring.star_discourse import backdrop, draws_lesson, states
from bot.scoring.star_habits import ONE_TIME
from bot.scoring.star_judged import judged, vague
from bot.scoring.star_quantity import quantities
from bot.scoring.star_text import sentences


def test_what_i_did_was_after_the_scene_alone_starts_the_steps_it_points_back_from_nothing() -> None:
    story = ("I guess one time the bakery's online order form kept timing out, I think mostly on Saturdays. "
             "I was sort of the one who had set it up. "
             "I think what I did was look at the slow queries "
             "and I added an index on the order date, or at least I started to.")
    a = analyse(story)
    assert not a.components.result.present
    assert a.components.situation.present and a.components.action.present


def test_a_lesson_drawn_or_a_regret_reports_no_outcome_whatever_it_compares_or_counts() -> None:
    story = ("I was made captain of our five-a-side team after the old captain moved away. "
             "I had to keep the league season going. "
             "I picked every line-up myself and I ran every training session alone. "
             "What I learned is that a captain who decides every small thing makes the team slower, not stronger. "
             "I should have handed two of the players whole jobs from week one.")
    a = analyse(story)
    assert not a.components.result.present
    assert a.metrics == []
    assert a.lesson is not None


def test_the_speaker_saying_or_realising_something_after_the_last_step_is_no_outcome() -> None:
    story = ("At the community garden the watering rota kept falling apart in August. "
             "The committee asked me to fix it before the heatwave. "
             "I drew up a shared calendar and I paired each new member with an old hand, "
             "and I said it at every meeting on purpose. "
             "What I took from it is that people copy what the organisers do more than what they say.")
    assert not analyse(story).components.result.present


def test_the_rule_kept_since_a_lesson_goes_on_drawing_it_in_the_next_sentence() -> None:
    story = ("Our choir's ticket sales were handled in a shared spreadsheet that kept losing rows. "
             "I had to find out what went wrong before the spring concert. "
             "I went through the edit history and I set up a form that wrote to a locked sheet. "
             "The lesson for me was that a sheet anyone can edit is a trap. "
             "I don't hand out edit rights to anything now without a backup and a log.")
    assert not analyse(story).components.result.present


def test_a_change_told_in_the_past_perfect_is_the_backdrop_not_the_outcome_told_first() -> None:
    story = ("Our bakery had an ordering app that had run for two years, "
             "and its share of finished orders had slowly dropped from 80 percent to 55 percent. "
             "I was the one asked to look at it, so I had to find out why. "
             "I went through the checkout steps and I timed each page. "
             "The lesson for me was that nobody had ever watched a real customer order.")
    a = analyse(story)
    assert not a.components.result.present
    assert a.metrics == []


def test_a_present_tense_story_that_arrives_at_an_end_point_tells_one_event() -> None:
    story = ("So we've got a new volunteer, Ines, she's moving from the café counter into the bike workshop. "
             "I'm asked to get her fixing bikes on her own within her first term. "
             "I start by giving her the simplest repairs and I check every bike she hands back. "
             "Every Saturday we spend an hour on one part, brakes or gears. "
             "By the end of the term she's fixed forty bikes on her own.")
    a = analyse(story)
    assert a.specific_event
    assert a.components.result.present and a.metrics


def test_after_a_while_the_state_things_reach_is_an_end_point_but_the_speakers_next_step_is_a_rhythm() -> None:
    arrives = ("I decide I'm going to own the club newsletter, because nobody does. "
               "I set up a form for every team captain and I write a short template. "
               "Then I go to the captains and I ask them what is missing. "
               "After a month, every issue has news from each team.")
    assert analyse(arrives).specific_event
    assert ONE_TIME.search("After a month, every issue has news from each team.")
    assert not ONE_TIME.search("After a month, I hand them a harder shift.")


def test_a_day_of_the_week_named_as_the_occasion_anchors_a_story_told_in_the_present() -> None:
    story = ("So it's a Thursday and I'm the only warden at the swimming pool. "
             "At ten the lifeguards tell me the door alarm is beeping. "
             "I open the panel and I check each sensor, "
             "I find a loose wire on the fire door and I tape it down. "
             "The alarm goes quiet and every lane opens again.")
    assert analyse(story).specific_event


def test_a_goal_handed_over_is_a_task_in_the_present_and_when_told_with_what_it_is() -> None:
    assert read("and I'm asked to get the new choir members singing in parts by the spring.").task >= 2.0
    assert read("I was tasked with moving the club's records to the new booking system.").task >= 2.0


def test_things_starting_to_work_after_the_last_step_report_the_outcome_in_a_present_tense_story() -> None:
    story = ("So it's a Sunday, I'm the only steward at the allotments "
             "and at nine the tap by the gate stops working. "
             "Watering the seedlings is my job, they dry out by noon. "
             "I open the meter box and I find the stopcock half closed, I open it fully. "
             "Water starts running, and the plot holders wave from the far beds.")
    assert analyse(story).components.result.present


def test_a_habit_clause_is_no_measured_outcome_even_at_the_end_of_a_story() -> None:
    story = ("Last spring our village library ran out of volunteers for the Saturday shift. "
             "I was asked to fix the rota before the summer reading club. "
             "I phoned every former volunteer, split the day into two short shifts and wrote a one-page guide. "
             "By June all eight Saturdays were covered. "
             "Keeping shifts short is an approach I try to bring to every project.")
    a = analyse(story)
    assert a.specific_event and a.components.result.present
    assert not any("every project" in metric for metric in a.metrics)
    assert read("and that is a habit I keep with every team I join.").general


def test_any_case_of_a_kind_told_up_front_makes_a_present_tense_telling_a_routine() -> None:
    story = ("In an emergency on the ward I call the charge nurse first, within two minutes of the alarm. "
             "I name one person to talk to the family "
             "and I keep a written timeline at the desk. "
             "I treat first and ask questions later, so I stabilise before I look for a cause. "
             "Afterwards I write up the notes within 24 hours, while people still remember.")
    a = analyse(story)
    assert not a.specific_event
    assert not a.components.result.present and a.metrics == []


def test_the_telling_stepping_back_makes_what_came_before_it_the_outcome_told_first() -> None:
    story = ("The school kept its contract with us, and it even added a second site a few months later. "
             "Backing up, the head teacher was threatening to leave because the parents' portal kept failing every morning. "
             "I was pulled in as the one who had built the portal, and I had to find the fault before the term ended. "
             "I sat with their office staff, I read the server logs "
             "and I moved the morning report off the busy hour.")
    assert analyse(story).components.result.present


def test_how_things_stood_before_the_change_is_the_scene_even_told_after_it() -> None:
    story = ("We went from opening the café's online orders once a week to opening them every day. "
             "Before that, the orders were a big weekly batch that took a whole Sunday. "
             "I pushed for a small daily list, set up a shared board "
             "and got the cooks to agree on one check each morning. "
             "So nobody dreaded Sundays anymore.")
    assert analyse(story).components.situation.present


def test_where_things_ended_hung_on_the_last_step_is_a_measured_outcome() -> None:
    story = ("At the food bank our sorting rule flagged far too many good parcels as damaged. "
             "I was responsible for the sorting line, so I needed to fix the rule before the winter drive. "
             "I checked a week of flagged parcels by hand and I loosened two of the checks. "
             "We switched the new rule on in March, with wrongly flagged parcels down to 2%.")
    a = analyse(story)
    assert a.components.result.present
    assert any("down to 2" in metric for metric in a.metrics)


def test_counts_said_in_words_before_and_after_are_measures() -> None:
    assert quantities("After this month her essays were marked in one or two days, instead of one week like before.")
    assert quantities("and as far as I know there were no missed deliveries reported in the first month.")
    assert quantities("in the term after, we didn't miss it once.")


def test_a_duty_or_ownership_told_in_other_grammars_states_the_task() -> None:
    duties = [
        "I was the volunteer who'd have to answer for any wrong times printed on the posters",  # a role that carries it
        "so I wanted the decision made on the attendance figures.",  # a wish for a thing done
        "I asked the head teacher to let me own the timetable for a term.",  # asking to own it
        "I felt like, well, maybe it should be mine, since I'd changed it last.",
        "Nobody looked after the club's mailing list, so I made it mine.",
        "I was the most senior nurse on the ward, so I took incident command.",
        "I was running the spring fair and had to choose the caterer.",  # a duty sharing the speaker's subject
        "Two weeks was what our crew at a small theatre in York had to build the whole set in.",
        "It was my ladder and my job to make sure it was safe.",
        "Our choir's job was to fill the hall for the charity night.",  # a possessive before the duty
        "Costume fix due Friday.",  # a deadline with its day
        "so it was kind of expected that I'd look into it.",
        "We decided as a committee that we'd own the garden properly this year.",
    ]
    for sentence in duties:
        assert read(sentence).task >= 2.0, sentence
    assert read("We decided as a committee that we would repaint the hall.").task < 2.0  # a step decided, not a duty
    assert read("The customers who had to wait three days were angry.").task < 2.0  # someone else's lot
    assert read("The shop grew quickly and had to move to a bigger unit.").task < 2.0


def test_a_number_in_a_clause_that_only_imagines_measures_no_outcome() -> None:
    story = ("At the swim club there was a young coach who planned every session down to the minute. "
             "The head coach asked me to help him plan more simply before the gala season. "
             "Before each session we'd sit for ten minutes and I'd ask him what mattered most, "
             "and what would you drop if you had half the time. "
             "He started planning shorter sessions, I think, and he seemed calmer on the poolside.")
    a = analyse(story)
    assert a.components.result.present
    assert a.metrics == []


def test_what_the_team_does_as_a_matter_of_course_in_the_opening_sentence_is_the_scene() -> None:
    present = ("We run a ferry booking site, boats leave every forty minutes. "
               "One morning the timetable page was showing yesterday's sailings. "
               "I looked at the import job and saw it had stopped on a bad row. "
               "I skipped bad rows into a separate file and reran the import, "
               "and the timetable was right again within ten minutes.")
    assert analyse(present).components.situation.present
    rate = ("So context, I was at a ticketing company, "
            "we sold about 9,000 tickets an hour at peak. "
            "One evening checkout time jumped from 2 seconds to around 20. "
            "I was on call, so I had to get checkout fast again. "
            "I found a new report query locking the orders table and I moved it to the replica. "
            "After that checkout felt snappy again and the complaints stopped.")
    a = analyse(rate)
    assert a.components.result.present and a.metrics == []  # the jump is the trouble, not the outcome


def test_what_the_speaker_proposes_others_do_is_the_proposals_content_not_their_step() -> None:
    assert actors("Eventually I suggested we stop arguing and each sketch the two menus.") == {"I"}
    assert actors("I proposed we run both rotas for a week.") == {"I"}
    assert "we" in actors("We talked it through, and I wrote the summary.")


def test_volunteering_counts_as_the_speakers_step_and_how_things_stand_today_does_not() -> None:
    story = ("There was a new volunteer at the shelter who wanted to run the adoption days but kept being passed over. "
             "So I offered to mentor her, and the manager liked the idea. "
             "We met every week "
             "and we picked the spring adoption day for her to lead. "
             "I had her write the plan and present it to the board instead of me. "
             "I'd sit in on her calls and afterwards we'd go through what people asked. "
             "She ran the summer adoption day on her own. "
             "Anyway, we still grab coffee sometimes.")
    ratio = analyse(story).first_person_ratio
    assert ratio is not None and ratio >= 0.5


def test_a_step_told_as_how_things_ended_up_is_a_coda_so_the_outcome_before_it_still_counts() -> None:
    story = ("One Saturday the bakery's order printer stopped printing tickets. "
             "I was on shift, so I had to get the orders moving before the lunch rush. "
             "I restarted the print server and I cleared a stuck job from the queue. "
             "By noon the backlog was gone "
             "and we had baked every missed order, about 140 of them, before the customers arrived. "
             "I also ended up writing a short guide on the printer, which people still use.")
    a = analyse(story)
    assert a.components.result.present
    assert a.metrics


def test_they_with_a_bare_verb_states_a_fact_so_it_can_report_the_outcome() -> None:
    assert states("and they stay with us, they renew the lease next year.")
    story = ("In my previous job, one big client complain that their parcels arrive late since two weeks. "
             "My responsibility was to find the reason and fix the delivery times. "
             "I check the depot logs "
             "and I find that after our new route plan, the evening vans leave without the late parcels. "
             "I change the plan "
             "and I call the client myself to explain. "
             "And they stay with us, they renew the contract next year.")
    assert analyse(story).components.result.present


def test_a_thing_described_by_the_trouble_it_was_causing_sets_the_scene_inside_the_first_step() -> None:
    story = ("I found the loose belt in the bakery's mixer that was stalling the dough line every hour, replaced it "
             "and we haven't had a single stalled batch since.")
    a = analyse(story)
    assert a.components.situation.present
    assert a.components.action.present and a.components.result.present


def test_the_dot_of_a_short_abbreviation_before_lower_case_does_not_end_the_sentence() -> None:
    assert len(sentences("The alarm went off at 3 a.m. because the freezer door was open. I closed it.")) == 2
    assert len(sentences("It started at 3 a.m. The freezer door was open.")) == 2


def test_a_rhythm_in_what_the_speaker_found_is_not_the_speakers_habit() -> None:
    woven = ("When the bakery's night oven started tripping the fuse at 2 a.m. every few days, "
             "I went through the logbook and saw it always tripped during the same bake.")
    assert not read(woven).general
    assert read("Whenever a fuse trips, I always check the logbook first.").general


def test_more_use_or_low_uptake_with_no_count_is_a_vague_outcome() -> None:
    assert vague("and we cut it down to the two most asked-for shelves, which people did start using more.")
    assert judged("when we opened it, take-up was really low, hardly anybody came.")


def test_leading_an_effort_named_with_its_aim_states_the_task() -> None:
    assert read("I was leading a small project to build a seed library for the village.").task >= 2.0
    assert read("I was leading a small team in the village hall.").task < 2.0


def test_choosing_something_for_someone_is_a_step_not_a_disagreement_settled() -> None:
    assert read("We picked small self-contained jobs for them to finish.").result < 2.5
    assert read("In the end we picked the cheaper venue.").result >= 2.5


def test_a_workplace_named_by_what_it_runs_or_the_group_led_sets_the_scene() -> None:
    assert read("Probably my clearest failure is a pricing bug I shipped at a holiday-cottage booking site.").situation >= 2.0
    story = ("I led a group of four nurses across two wards, twelve hours apart in shifts, opening a new day clinic. "
             "My responsibility was to keep both shifts informed without anyone staying late. "
             "I moved the handover to a written note, with a short post from each nurse, "
             "and I kept exactly one overlap meeting a week. "
             "The clinic opened on schedule.")
    assert analyse(story).components.situation.present


def test_keeping_or_losing_people_counted_as_a_whole_is_a_measured_outcome() -> None:
    story = ("Right after our head coach left the rowing club in the middle of the season, "
             "I called the six remaining coaches into a room and asked each one what worried them. "
             "I wrote the answers on a board "
             "and I proposed that whoever runs a squad decides for it. "
             "We kept every one of those six coaches through the next eight months.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_placing_what_was_told_after_an_outcome_makes_it_the_outcome_told_first() -> None:
    story = ("The ticket queue went from being stuck for most of a day to cleared in a couple of hours "
             "and we never had that backlog again. "
             "That was at a concert promoter, during a big presale, when our payment callbacks piled up. "
             "Our team's job was to keep the box office selling no matter what. "
             "We added a second worker for the callbacks "
             "and we moved the slow receipts to a nightly batch, so the callbacks stopped piling up.")
    a = analyse(story)
    assert a.components.result.present and a.metrics
    preface = ("Okay, so, this one is a bit of a long story. "
               "This was at a seaside hotel, during the summer rush, when the booking sheet kept double-booking rooms. "
               "I was the duty manager, so I had to stop it before the weekend. "
               "I moved the bookings to one shared calendar and I checked it every evening.")
    assert not analyse(preface).components.result.present  # no outcome told before the marker: nothing to go back from


def test_the_rest_of_a_sentence_the_speaker_opened_by_telling_is_no_outcome() -> None:
    story = ("I was at a bakery that sold bread boxes, rye mostly, and later pastries. "
             "The owner wanted a list of which customers would stop ordering next month. "
             "I was supposed to deliver something usable in a quarter. "
             "I spent the first month cleaning the order sheets "
             "and then I built a simple scoring sheet, tuned it for weeks and made slides. "
             "What I did not do, and this is the failure, is ever sit down with the owner and ask how she'd use it.")
    assert not analyse(story).components.result.present


def test_never_again_after_the_last_step_still_reports_the_outcome() -> None:
    story = ("At the corner shop the card reader kept failing on busy Saturdays. "
             "I was asked to sort it out before the holidays. "
             "I moved the reader to its own line and I set up a spare one behind the counter. "
             "And we never lost a sale on a Saturday again.")
    assert analyse(story).components.result.present


def test_a_taught_lesson_or_a_finding_shown_is_no_lesson_drawn() -> None:
    assert not draws_lesson("I rewrote the lesson plan and the class average went from 58 to 74.")
    assert not draws_lesson("The survey showed us that complaints fell by half.")
    assert draws_lesson("The lesson for me was that a plan nobody reads is no plan.")


def test_steps_listed_after_the_speakers_clause_with_the_subject_left_out_are_the_speakers() -> None:
    story = ("I once got called at 6 a.m. because the café's fridge had stopped, "
             "found a tripped switch behind the counter, reset it and moved the milk to the spare fridge, "
             "and it was fine after that.")
    a = analyse(story)
    assert a.components.action.present and a.first_person_ratio == 1.0
    assert read("I was told the fridge had stopped, which worried everyone.").actor is None


def test_a_two_word_noun_before_the_pronoun_makes_a_relative_clause_but_a_time_does_not() -> None:
    assert read("Every show since has used the booking form we argued about.").actor is None
    assert read("The next day we moved the stall to the car park.").actor == "we"
    assert read("I think the main thing I did was show her how to read the till report.").actor == "I"


def test_the_background_announced_by_name_is_backdrop_wherever_it_is_told() -> None:
    assert backdrop("The background is that every order was copied into a spreadsheet by hand.")
    assert not backdrop("The order form now fills the spreadsheet by itself.")


def test_a_bound_kept_to_and_under_a_second_are_measures() -> None:
    assert quantities("The waiting list never went above a few hundred again.")
    assert quantities("The booking page now loads in under a second.")
    assert not quantities("The queue went above the counter.")


def test_a_need_with_the_person_described_on_the_way_is_still_the_goal() -> None:
    assert read("I needed a neighbour who openly disliked me to sign the fence plan.").task >= 2.0
    assert read("I needed a neighbour who lived nearby.").task < 2.0


def test_the_last_clause_finishing_the_work_is_the_outcome() -> None:
    story = ("The choir's only pianist left mid-rehearsal season, so I stepped in, "
             "ran the rehearsals from the score myself, and we finished the season with the spring concert.")
    assert analyse(story).components.result.present


def test_a_degree_with_no_number_to_it_judges_the_outcome() -> None:
    assert judged("Lost-property calls went down quite a bit after that.")
    assert not judged("Lost-property calls went down from twenty a week to three.")
