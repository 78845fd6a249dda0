"""STAR parts read by what a sentence does in the story, wherever it sits.

Each story here was written for the rule it checks (result told first, scene after the result,
scene woven into the first action, we-heavy goals, measures said in words, numbers that only
set the scene, habits with numbers, vague outcomes), in domains the benchmark stories do not use.
"""

from __future__ import annotations

import pytest

from bot.scoring.star import analyse
from bot.scoring.star_cues import read
from bot.scoring.star_discourse import positions
from bot.scoring.star_measure import GENERAL, what_to_measure
from bot.scoring.star_models import StarAnalysis
from bot.scoring.star_quantity import has_change, quantities
from bot.scoring.star_text import units


def parts(a: StarAnalysis) -> dict[str, bool]:
    c = a.components
    return {"S": c.situation.present, "T": c.task.present, "A": c.action.present, "R": c.result.present}


ALL = {"S": True, "T": True, "A": True, "R": True}

RESULT_FIRST = (
    "We halved the time it takes a new library branch to go live on our booking site. "
    "It all started with a branch that waited three weeks for its opening hours to show up. "
    "The import script for branch data ran by hand and nobody trusted it. "
    "My lead asked me to make branch launches boring. "
    "I wrote a validation step for the branch spreadsheet, moved the import into the nightly job "
    "and added a preview page the branch managers could check themselves."
)

SCENE_AFTER_RESULT = (
    "I ended up saving our warehouse team about four hours a week of label printing. "
    "What I did was replace the manual export with a small Flask endpoint, test it against last month's orders "
    "and then train the two shift leads on it. "
    "The background is that every label was printed from a spreadsheet someone copied by hand. "
    "I was the only developer near the warehouse, so when the manager asked for help I said I'd own it."
)

WOVEN_SCENE = (
    "When I saw that our museum ticket kiosks were freezing every Saturday because the card reader driver leaked "
    "memory, I took it on myself to fix the kiosks before the summer exhibition. "
    "I reproduced the leak on a spare kiosk, pinned the driver to the last good version and added a nightly restart. "
    "and then wrote a short runbook for the front desk. "
    "The kiosks stayed up through the whole exhibition with zero freezes."
)

WE_HEAVY = (
    "At a regional newspaper, our paywall started letting everyone read for free one Sunday. "
    "We needed it closed again before the Monday morning edition went out. "
    "We checked the CDN rules, we found a cache key that ignored the login cookie and we fixed the rule. "
    "We also added a test that logs in and out against staging. "
    "By Monday morning subscriptions were back to the usual 300 a day."
)

VAGUE = (
    "Last winter our school's homework portal kept logging students out in the middle of an assignment. "
    "The head teacher asked me to sort it out before exams. "
    "I traced it to a session timeout that was shorter than the upload, raised it and added autosave. "
    "After that the students were much happier and the teachers felt more confident using it."
)

HABIT_NUMBER = (
    "My rule for code reviews is strict. "
    "I answer every review request within four hours, and I never approve a change over 400 lines without a call. "
    "If a review goes past three rounds, I book a thirty-minute pairing session instead."
)


def test_result_told_first_keeps_every_part() -> None:
    a = analyse(RESULT_FIRST)
    assert parts(a) == ALL
    assert a.metrics and "halved" in a.metrics[0]


def test_scene_told_after_the_result_is_still_the_situation() -> None:
    a = analyse(SCENE_AFTER_RESULT)
    assert parts(a) == ALL
    assert "four hours a week" in " ".join(a.metrics)


def test_scene_woven_into_the_first_action_and_subjectless_steps() -> None:
    a = analyse(WOVEN_SCENE)
    assert parts(a) == ALL
    assert a.first_person_ratio == 1.0
    assert any("zero" in m for m in a.metrics)


def test_we_heavy_story_states_its_goal_and_is_told_as_we() -> None:
    a = analyse(WE_HEAVY)
    assert parts(a) == ALL
    assert a.first_person_ratio is not None and a.first_person_ratio < 0.5


def test_vague_result_is_present_flagged_and_coached_with_a_measure() -> None:
    a = analyse(VAGUE)
    assert a.components.result.present and not a.metrics
    assert a.vague_results and "happier" in a.vague_results[0]
    advice = next(f for f in a.feedback if "no number yet" in f)
    assert "count" in advice  # a claim about people is backed by something those people did


def test_habit_with_numbers_has_no_setting_goal_or_measured_result() -> None:
    a = analyse(HABIT_NUMBER)
    assert a.specific_event is False
    assert parts(a) == {"S": False, "T": False, "A": True, "R": False}
    assert a.metrics == []


def test_present_tense_routine_without_an_occasion_is_a_habit() -> None:
    a = analyse("I open every one-on-one by asking what blocked them this week. I write it down in our shared doc. "
                "Then I pick one blocker and I fix it or hand it to the right person before the next meeting.")
    assert a.specific_event is False


def test_one_event_told_in_the_present_is_still_one_event() -> None:
    a = analyse("In my previous company one day the payment page is down because the certificate is expired. "
                "I am on call so I must fix it quickly. I renew the certificate and I add an alert for expiry. "
                "After this the page works again in five minutes.")
    assert a.specific_event is True
    assert parts(a) == ALL and a.metrics


def test_numbers_in_the_setting_do_not_quantify_the_result() -> None:
    a = analyse("Our travel search served 2,000 requests a second from 30 servers and about 5% of searches timed out. "
                "I was asked to fix the timeouts before the holiday season. "
                "I added a cache for airport lookups and moved the slowest supplier call behind a circuit breaker. "
                "Searches stopped timing out and the product team was pleased.")
    assert a.components.result.present
    assert a.metrics == []


def test_a_story_that_never_learns_its_outcome_has_no_result() -> None:
    a = analyse("At my last job our nightly backups to tape kept failing. I had to get them working before an audit. "
                "I rewrote the backup script, added checksums and scheduled a weekly restore test. "
                "Then I moved to another team, so I never found out how the audit went.")
    assert not a.components.result.present


def test_an_imagined_outcome_is_not_a_result() -> None:
    a = analyse("Our team disagreed about storing invoices as PDFs or as data. I had to pick before the sprint ended. "
                "I built both prototypes and showed them to finance, and proposed a compromise: "
                "store the data now, so PDFs could be generated later if the auditors asked.")
    assert not a.components.result.present


def test_positions_in_a_disagreement_are_not_a_task() -> None:
    a = analyse("There was a disagreement between our team and the data team about event formats. "
                "They wanted Avro and we wanted to keep JSON. We wrote a benchmark and we compared both. "
                "In the end we agreed on JSON with a schema registry.")
    assert not a.components.task.present


def test_verb_in_a_relative_clause_is_not_the_speakers_action() -> None:
    a = analyse("Three of the interns I coached were hired full time that autumn. It started when our intern "
                "programme had no mentors. My manager asked me to run it. I set weekly goals with each intern "
                "and reviewed their pull requests with them.")
    assert parts(a) == ALL
    assert any("Three of the" in m for m in a.metrics)


@pytest.mark.parametrize("sentence", [
    "The report build went from most of a day to a few minutes.",
    "Our cloud bill tripled? No: it dropped by two thirds.",
    "Support tickets fell to zero.",
    "It has run cleanly every night since.",
    "The nightly export now takes a quarter of the time.",
    "Cold starts got ten times faster.",
    "Now the page is 3 time more fast.",
    "It handled double the load.",
    "Availability hit four nines.",
    "We saved tens of thousands of euros.",
    "Cost per request fell by a fifth.",
    "Search latency dropped by an order of magnitude.",
    "The nightly import now finishes in a few minutes.",
    "Deploys went from weekly to several times a day.",
    "The job that used to take hours now takes seconds.",
    "Not a single customer lost data after the switch.",
])
def test_measures_said_in_words_are_measures(sentence: str) -> None:
    assert quantities(sentence)


@pytest.mark.parametrize(("sentence", "action"), [
    ("A few months later she led the migration herself.", False),  # dates the next event
    ("It took me two weeks to write the importer.", False),  # the cost of the work
    ("We met for an hour every Friday for three months.", True),  # how long the effort lasted
    ("After a few weeks the juniors asked fewer questions.", False),  # when it was noticed, not how much
    ("In a couple of months she led the reviews herself.", False),
])
def test_spans_of_time_that_measure_no_outcome(sentence: str, action: bool) -> None:
    assert not quantities(sentence, action=action)


def test_versions_are_not_a_change() -> None:
    assert not has_change("I upgraded the service from Python 3.8 to 3.12.")
    assert has_change("Build time went from 40 minutes to 6.")


@pytest.mark.parametrize(("claim", "word"), [
    ("the page felt much faster", "time"),
    ("the service was more stable", "how often"),
    ("the juniors were more confident", "count"),
    ("the bill was a lot cheaper", "money"),
])
def test_what_to_measure_follows_the_kind_of_claim(claim: str, word: str) -> None:
    assert word in what_to_measure(claim)


def test_a_claim_with_no_kind_gets_the_general_measures() -> None:
    assert what_to_measure("it was a success") == GENERAL


def test_a_change_the_speaker_made_is_the_result_told_first() -> None:
    a = analyse("We cut our hosting bill by 35%. I should explain. Our agency had grown fast and nobody had looked at "
                "the servers in two years. The director gave me the job of getting costs down before the new budget. "
                "I tagged every machine, shut down the idle ones and moved the batch jobs to cheaper instances.")
    assert parts(a) == ALL
    assert any("35%" in m for m in a.metrics)


def test_scene_hung_on_the_first_action_sentence() -> None:
    a = analyse("I paused the ticket sales at 8pm after our payment provider started declining every card. "
                "Then I switched the checkout to the backup provider and told the box office. "
                "Sales resumed within ten minutes.")
    assert a.components.situation.present


@pytest.mark.parametrize("opener", ["Which meant", "As a consequence,", "Thanks to that,", "That's why"])
def test_a_connective_of_consequence_opens_a_measured_outcome(opener: str) -> None:
    a = analyse("At my last job the support inbox overflowed before every release. I was asked to get it under control. "
                "I wrote a triage bot that routed tickets by product area. "
                f"{opener} the team answered 25% more tickets per week. I also documented the routing rules.")
    assert a.components.result.present
    assert any("25%" in m for m in a.metrics)


def test_a_verb_in_a_time_clause_is_background() -> None:
    a = analyse("The old wiki went stale after we moved to Kubernetes, and half the commands in it stopped working. "
                "I rewrote every runbook and ran a walkthrough with the rotation. "
                "New people handled their first pages without escalating.")
    assert a.metrics == []


def test_backdrop_told_after_the_actions_is_scene_not_outcome() -> None:
    a = analyse("I fixed our flaky test pipeline at a travel startup. I quarantined the flaky tests, fixed the shared "
                "fixtures and added retries for network tests only. It was 2019, we were maybe 25 engineers, and the "
                "pipeline had been red for about 40% of runs for months. After that people trusted the pipeline again.")
    assert a.components.situation.present and a.components.result.present
    assert a.metrics == []


def test_a_setting_the_speaker_chose_is_not_a_measured_outcome() -> None:
    assert not quantities("I increased the heap from 4 GB to 8 GB and set the refresh interval to 30 seconds.",
                          action=True)
    assert quantities("I cut the build time from 40 minutes to 6.", action=True)


BODY = (" Our deploy pipeline at a fintech ran every test one after another and blocked merges for most of the "
        "afternoon. My manager asked me to fix it before the next quarter. I split the tests into shards, cached "
        "the dependencies and moved the slow integration suite to a nightly run.")


@pytest.mark.parametrize("opening", [
    "My proudest result: deploys got 5x faster.",
    "Deploy time dropped from 45 minutes to 9, and here is how.",
    "The short version is that merges stopped waiting: median pipeline time went down 80%.",
    "I got our pipeline from 45 minutes down to 9.",
])
def test_an_outcome_told_first_without_it_started_when(opening: str) -> None:
    a = analyse(opening + BODY)
    assert parts(a) == ALL
    assert a.metrics


def test_an_opening_change_is_the_outcome_when_nothing_after_the_actions_is() -> None:
    a = analyse("Our pipeline went from 45 minutes to 9." + BODY)
    assert a.components.result.present and a.metrics


def test_a_symptom_that_gets_worse_stays_the_situation() -> None:
    a = analyse("Last spring our checkout error rate jumped from 1% to 18% during a sale. I was on call, so I had to "
                "stop it. I rolled back the release, found a bad config flag and fixed it. I also added a check to CI.")
    assert not a.components.result.present and a.metrics == []


@pytest.mark.parametrize(("sentence", "is_task"), [
    ("The plan was to migrate before the contract ended.", True),
    ("We set out to make onboarding take a day.", True),
    ("I had two weeks to make it work.", True),
    ("It was on me to keep the shop open.", True),
    ("I say to my manager I will take it.", True),
    ("He wanted raw SQL and I wanted the ORM.", False),  # two positions, not a goal
    ("It was my second job.", False),  # a workplace, not a duty
])
def test_goals_duties_and_commitments_in_any_grammar(sentence: str, is_task: bool) -> None:
    assert (read(sentence).task >= 2.0) is is_task


@pytest.mark.parametrize("opening", [
    "Picture a team of four supporting a legacy PHP app with no tests.",
    "The context: a logistics company, twenty developers, one ancient Django monolith.",
    "A customer called us because their invoices were wrong.",
])
def test_scene_announced_or_told_without_a_time_or_place(opening: str) -> None:
    a = analyse(opening + " I was asked to fix it before the next release. I traced the problem, rewrote the slow "
                "part and added a test. Afterwards the errors stopped.")
    assert a.components.situation.present


@pytest.mark.parametrize("ending", [
    "The fix is still rolling out to older app versions.",
    "I left the company before the campaign started.",
    "The plan was to monitor it for a month.",
    "My manager was going to present it at the all-hands.",
])
def test_pending_or_planned_endings_are_no_outcome(ending: str) -> None:
    a = analyse("Last year our mobile app's login was failing for some users at my previous company. I was asked to fix "
                "it before the holiday campaign. I added logging, found a race in the token refresh and rewrote it "
                f"with a lock. {ending}")
    assert not a.components.result.present


def test_going_back_to_a_level_is_an_outcome_not_a_flashback() -> None:
    a = analyse("Two of our three on-call engineers quit in the same month last year. I was the team lead, so it was "
                "on me to fix the rotation. I recruited two volunteers and wrote a runbook for the top ten alerts. "
                "The rotation went back to four people and pages per person fell by half.")
    assert parts(a) == ALL


def test_a_team_decision_mid_story_is_a_step_not_the_task() -> None:
    a = analyse("At a games studio our two backend teams disagreed about moving from REST to gRPC. We decided to run a "
                "two-week spike, we rewrote one service both ways and we load-tested them. We also compared the "
                "client code. In the end we kept REST, and p95 latency stayed within 5% of the gRPC version.")
    assert not a.components.task.present
    assert a.first_person_ratio == 0.0


@pytest.mark.parametrize("ending", [
    "What I learned is to distrust vendors; checkout has stayed up through three vendor outages since.",
    "Now our error budget is healthy: 99.95% availability last quarter.",
])
def test_a_measure_beside_a_lesson_or_after_a_colon_still_quantifies_the_result(ending: str) -> None:
    a = analyse("Last year at a ticketing startup our checkout froze whenever the tax vendor was slow. I was on call, "
                f"so I had to stop the freezes. I added a two-second timeout and a cached fallback rate. {ending}")
    assert a.components.result.present and a.metrics


@pytest.mark.parametrize("sentence", [
    "So I made it my job to get the flaky payroll export under control.",
    "Getting the new tester productive was part of my role.",
    "I took the lead on cleaning up the shipping rules.",
    "My manager came over and asked, can you own the billing migration.",
    "At my review I'd promised to get him shipping on his own.",
    "It was, um, sort of on me to make the call.",
])
def test_duties_taken_on_or_handed_over_are_the_task(sentence: str) -> None:
    assert read(sentence).task >= 2.0


def test_hedges_and_fillers_do_not_hide_a_part() -> None:
    plain, hedged = read("It was on me to fix the importer."), read("It was, you know, kind of on me to fix the importer.")
    assert plain.task == hedged.task >= 2.0


PRESENT_WITH_PROGRESS = (
    "So there's a new analyst on our data team who keeps copying SQL results into spreadsheets by hand. "
    "I'm her buddy for the first quarter, so it's on me to get her automating the boring parts. "
    "I set up a weekly half hour where we turn one of her manual steps into a small pandas script. "
    "I also ask her to demo each script to the team. "
    "By the fourth week her Monday report takes ten minutes instead of half a day."
)


def test_a_story_told_in_the_present_that_moves_on_in_time_is_one_event() -> None:
    a = analyse(PRESENT_WITH_PROGRESS)
    assert a.specific_event and parts(a) == ALL and a.metrics


def test_someone_elses_routine_before_the_first_step_sets_the_scene_not_a_habit() -> None:
    a = analyse("Last spring a new colleague in our Lisbon office was scared of the release train. "
                "Every week he is asking me to press the deploy button for him. "
                "As his mentor I must fix this, because he cannot grow like that. "
                "I wrote him a short release checklist and we did two releases side by side. "
                "After that his changes went out the same day instead of waiting for me.")
    assert a.specific_event and parts(a) == ALL


def test_a_scene_dated_by_what_had_just_happened() -> None:
    a = analyse("I rewrote the nightly invoice job the week our finance lead found two customers billed twice. "
                "I was the one who owned billing, so I had to stop it before month end. "
                "I added an idempotency key per invoice and a dry-run report for finance. "
                "Month end went through with no double bills.")
    assert a.components.situation.present


@pytest.mark.parametrize("ending", [
    "and we haven't lost a single order since launch.",
    "and nobody has paged anyone since.",
])
def test_nothing_lost_since_is_a_measured_outcome(ending: str) -> None:
    assert quantities(ending)


def test_status_codes_in_the_plural_are_not_a_measure() -> None:
    assert not quantities("and users kept seeing random 502s.")


def test_a_wish_told_first_is_not_the_outcome_told_first() -> None:
    a = analyse("Our designer and I disagreed about the signup form. She wanted every optional field removed before "
                "launch. I thought the marketing fields mattered. It was my call as the owner of the form. "
                "I pulled last quarter's signup data and showed her which fields people actually filled in.")
    assert not a.components.result.present and not a.metrics


def test_the_result_announced_first_then_the_situation() -> None:
    a = analyse("The result first: we cut our cloud bill by a quarter. This started from a script I wrote on my own. "
                "The situation was that our build agents ran all night with nothing to build. "
                "I felt responsible because I had set them up, so I decided to fix it. "
                "I measured their load for two weeks and moved them to an autoscaling group.")
    assert parts(a) == ALL


@pytest.mark.parametrize("sentence", [
    "Nobody else knew the scheduler, so it landed on me.",
    "It wasn't my service, but someone had to keep the upgrade from stalling.",
    "I decided the cleanup was going to be mine for a sprint.",
    "I'd told my lead I'd own the release notes that quarter.",
    "So I told my manager I'd like to take the flaky suite for two sprints.",
    "I'd been asked by my director to cut our build times.",
    "I agreed with our manager that I would help him prepare for the promotion panel.",
    "I was the on-call engineer, and payments is the one thing you can't leave broken.",
])
def test_duties_promised_reported_or_left_to_the_speaker(sentence: str) -> None:
    cues = read(sentence)
    assert cues.task >= 2.0 and not cues.general, sentence


def test_a_decision_reported_with_would_is_not_a_hypothetical() -> None:
    assert not read("We decided we would take the migration on as a side project.").general
    assert read("In that situation I would always roll back first.").general


def test_noticing_how_things_stood_sets_the_scene() -> None:
    a = analyse("I noticed nobody maintained our shared Terraform modules, so I made it my job to fix them. "
                "I pinned the providers, added a plan check to CI and wrote a short guide. "
                "Plans stopped failing on Mondays.")
    assert a.components.situation.present


def test_what_had_happened_goes_back_to_the_scene() -> None:
    a = analyse("I got our search page back under a second in one morning. What had happened was that a nightly "
                "reindex job started running during business hours and our cache had no expiry set. "
                "I was the one on call, so I had to fix it fast. I moved the job to the night, added an expiry "
                "and put an alert on the cache hit rate.")
    assert parts(a) == ALL


def test_the_scene_lasts_until_the_goal_is_stated() -> None:
    a = analyse("We hired a data engineer, Tomas, who knew Spark but had never used Airflow. His first two DAGs "
                "were rolled back and he was losing confidence. I was his onboarding buddy and my goal was to have "
                "him shipping DAGs alone within a quarter. I paired with him on the next DAG and reviewed it line by "
                "line. By the end of the quarter he had shipped six DAGs without a rollback.")
    assert parts(a) == ALL


def test_a_figure_climbing_to_over_a_number_is_a_symptom() -> None:
    a = analyse("Our API handles about 900 requests a second, and one evening error rates went from 0.1% to over 6%. "
                "I was on call so I had to find out why. I found a bad connection pool setting and reverted it. "
                "Things went back to normal and we added an alert.")
    assert not a.metrics


@pytest.mark.parametrize("story", [
    "We disagreed on Celery versus RQ. I ran both on our real jobs and showed the numbers, and she agreed.",
    "A colleague wanted one big settings file and I wanted one per environment. I wrote up both and we settled "
    "on per-environment files.",
])
def test_a_disagreement_that_ends_in_agreement_has_an_outcome(story: str) -> None:
    assert analyse(story).components.result.present


def test_advice_with_no_step_of_the_speakers_is_not_one_event() -> None:
    a = analyse("Learning to bake bread is mostly patience. Most beginners knead every dough the same way, which is "
                "too rough for soft loaves. About two thirds of your bakes should be simple white loaves at first. "
                "You will usually over-proof the first few, and that is normal. Keep notes and trust the recipe.")
    assert a.specific_event is False


@pytest.mark.parametrize("sentence", [
    "I'm on call, so it's mine.",
    "We were both on the hook for the launch date.",
    "I was the engineer on call, so restoring service was my job.",
    "I didn't ask anyone, I just decided I was going to make releases boring.",
    "She asked me for help and I agreed to get her ready for the exam in two months.",
    "I was the one getting paged every night, and I wanted it gone for good.",
    "It wasn't my job, but I wanted the next hire to have an easier first week.",
])
def test_duties_claimed_in_passing(sentence: str) -> None:
    assert read(sentence).task >= 2.0, sentence


def test_a_joint_agreement_mid_story_is_not_a_duty() -> None:
    assert read("Eventually we agreed to run a small trial of both.").task < 2.0


def test_a_change_reported_with_a_rhythm_word_is_not_a_habit() -> None:
    assert not read("By the end, a release went from a day of manual checks to one green run almost every time.").general


@pytest.mark.parametrize("sentence", [
    "and the auditors signed off on the control without a single finding.",
    "After this the queue for small changes is maybe half of before.",
    "Our nightly import now finishes in a fraction of the time it used to.",
    "She scored 88 on the second attempt and got the role.",
])
def test_more_outcomes_measured_in_words(sentence: str) -> None:
    assert quantities(sentence)


@pytest.mark.parametrize(("sentence", "action"), [
    ("I was on the incident call for about five hours in total.", False),
    ("Some teams moved fast, one team took ages because of local patches.", False),
    ("and now he's the one explaining N+1 queries to new joiners.", False),
    ("I ran EXPLAIN and saw a full scan over about forty million rows.", True),
    ("The cut-over went through without any drama.", False),
])
def test_numbers_that_measure_no_outcome(sentence: str, action: bool) -> None:
    assert not quantities(sentence, action=action)


@pytest.mark.parametrize("sentence", [
    'My lead messaged me at six and said, "can you look at why the nightly export is empty?"',
    "Our director wanted one proposal from the two of us by the planning meeting.",
    "I was the only one online with access to the DNS account.",
    "My manager say it must be done before the audit in June.",
    "So I say okay, I take it.",
    "Our manager asked the two of us to settle it ourselves by Friday.",
    "As the senior on the team, unblocking the juniors was basically my job.",
])
def test_duties_handed_over_in_dialogue_or_implied_by_being_the_only_one(sentence: str) -> None:
    assert read(sentence).task >= 2.0, sentence


def test_a_goal_made_ones_own_is_not_a_habit_because_it_says_always() -> None:
    assert not read("and I'd made it my goal that a page should always mean a real problem.").general


@pytest.mark.parametrize("sentence", [
    "The import finished with a full day to spare.",
    "We shipped the release two days early.",
    "Her reviews went from needing several rounds of comments to approval on the first pass.",
    "She has since fixed four more flaky tests on her own.",
    "The queue was empty again by 8:20 and the campaign went out on time.",
])
def test_deadlines_beaten_and_counts_of_work_items_are_measures(sentence: str) -> None:
    assert quantities(sentence)


def test_a_clock_time_that_only_dates_the_scene_is_still_no_measure() -> None:
    assert not quantities("At 7:30 the alerts started firing.")


@pytest.mark.parametrize("sentence", [
    "My job that week was to get the invoices flowing again before the month closed.",
    "His goal, which he had set with his lead in the spring, was to run the release on his own.",
    "So we had maybe two days to get the new certificates onto every kiosk.",
])
def test_a_goal_held_apart_from_its_verb_by_a_time_or_an_aside_is_still_a_goal(sentence: str) -> None:
    assert read(sentence).task >= 2.0, sentence


def test_two_sides_wanting_different_things_is_a_disagreement_not_a_goal() -> None:
    story = ("At a ticketing company our team and the mobile team argued about pagination. "
             "We wanted the clients to use cursors. "
             "They wanted plain page numbers they could jump between. "
             "I built a small prototype of both against real traffic and we compared the load on the database. "
             "We went with cursors plus a jump-to-date option, and the mobile team shipped it that month.")
    assert not analyse(story).components.task.present


def test_winding_up_the_telling_is_not_an_outcome() -> None:
    story = ("Last spring at a travel agency the fare cache started serving stale prices. "
             "I cleared the cache, traced it to a job that had stopped refreshing, "
             "and then maybe added an alert on the job's last run. "
             "That's more or less what I did.")
    a = analyse(story)
    assert a.components.action.present and not a.components.result.present


def test_certainty_in_percent_is_not_a_measure() -> None:
    assert not quantities("I'm not a hundred percent sure of the dates any more.")


@pytest.mark.parametrize("sentence", [
    "The inspector signed the release off with no findings.",
    "The migration went through with zero errors.",
])
def test_an_outcome_with_none_of_something_is_measured(sentence: str) -> None:
    assert quantities(sentence), sentence


def test_a_present_tense_story_can_end_up_somewhere() -> None:
    story = ("So I'm on the payments team at a grocery app and my colleague and I disagree about the refund flow. "
             "She wants refunds in a queue and I want them inline. "
             "We sit down with the numbers, we look at the failure cases together, "
             "and we end up agreeing on a queue with an inline fast path for small refunds.")
    assert analyse(story).components.result.present


def test_a_new_subject_after_and_starts_a_clause_of_its_own() -> None:
    # "I rolled it back and we were selling again in ten minutes": the second clause is the outcome.
    story = ("Search broke right after a Monday deploy, so I rolled it back myself "
             "and we were serving results again in about five minutes.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_a_measured_state_in_the_closing_sentence_is_the_outcome_even_before_a_last_step() -> None:
    story = ("It's the month before we retire the old billing export and my lead and I disagree about keeping it. "
             "The decision is mine as the owner, so I need an answer by the end of the sprint. "
             "I pull the download logs and show her how few teams still use it, then I propose a sunset banner. "
             "By week four downloads of the old export are under two percent and we switch it off.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_a_routine_for_whoever_comes_along_is_a_habit() -> None:
    story = ("With anyone new I'm mentoring, I do a code walkthrough every week for the first two months. "
             "I ask them to bring one question they got stuck on. "
             "And I try to get a small change of theirs merged in their first 3 days.")
    a = analyse(story)
    assert a.specific_event is False and not a.components.result.present


@pytest.mark.parametrize("sentence", [
    "Compiling the weekly report went from most of an afternoon to about ten minutes.",
    "Flaky reruns dropped to maybe one in forty merges.",
    "We've had the same malformed feed twice since and not once has it blocked the import.",
])
def test_more_measures_said_in_words(sentence: str) -> None:
    assert quantities(sentence), sentence


def test_a_deadline_the_rules_set_is_not_a_measured_outcome() -> None:
    assert not quantities("The card network requires refunds within 72 hours of a dispute.")


def test_looking_back_from_the_outcome_to_ones_own_change_is_the_outcome_told_first() -> None:
    story = ("Every invoice run since we made that change has finished before the office opens. "
             "Before that it often ran into the afternoon. "
             "I owned the billing jobs, so the late runs were on me. "
             "I split the run per region and moved the PDF rendering into a worker pool. "
             "That is what finally convinced finance to stop asking for manual runs.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_a_past_told_in_regular_verbs_is_one_event_even_with_every_in_it() -> None:
    story = ("A signing key expired on our internal token service and every app that called it started failing. "
             "I renewed it, restarted the dependents and then scheduled automatic renewal.")
    assert analyse(story).specific_event is True


def test_the_present_perfect_sums_up_a_habit_it_does_not_narrate_one_event() -> None:
    story = ("Whenever I inherit a service nobody maintains, I have a rule. "
             "I don't change anything for the first week, I just read the code and watch the dashboards. "
             "When I do replace a part, I run old and new side by side and wait for a week of matching output. "
             "I've never had to roll back doing it that way.")
    a = analyse(story)
    assert a.specific_event is False and not a.metrics


@pytest.mark.parametrize("sentence", [
    "We had a hard commitment to the venue that ticket scanning would not go down during the concert.",
    "I'd pitched it to my manager as a goal for my half-year.",
    "My lead tells me Ana needs to handle the support rota alone by the end of the quarter.",
])
def test_commitments_goals_pitched_and_needs_passed_on_are_goals(sentence: str) -> None:
    assert read(sentence).task >= 2.0, sentence


@pytest.mark.parametrize("sentence", [
    "By the end of the month he had merged eight or nine PRs on his own.",
    "By the end of the quarter she had twelve dashboards in production.",
    "The review backlog, which had been fifteen open proposals, was down to three.",
])
def test_a_count_of_things_in_an_outcome_is_a_measure(sentence: str) -> None:
    assert quantities(sentence), sentence


@pytest.mark.parametrize("sentence", [
    "The argument was between our two senior devs.",
    "He kept writing functions that were three hundred lines long.",
])
def test_a_number_that_names_who_or_what_is_no_count_of_an_outcome(sentence: str) -> None:
    assert not quantities(sentence), sentence


def test_a_present_tense_story_set_on_a_named_day_is_one_event() -> None:
    story = ("I open the Kafka dashboard on a Sunday night because every consumer of the invoices topic is lagging. "
             "A schema change breaks our Avro decoder. I'm on call this week, so it's on me to fix it before Monday billing. "
             "I pin the old schema, redeploy the consumers and replay the dead letters. "
             "Around two thousand invoices go out within twenty minutes.")
    assert analyse(story).specific_event is True


def test_verbs_spelled_alike_in_past_and_present_tell_no_past_in_a_present_tense_habit() -> None:
    story = ("When a new tester joins my team, I always do the same thing. "
             "For the first two weeks I pair with them every day for one hour. "
             "I give them a real bug from the backlog and I let them drive the keyboard. "
             "After each session I write down what they learned in a shared doc.")
    assert analyse(story).specific_event is False


@pytest.mark.parametrize("sentence", [
    "After that, the bugs from the cache layer reaching production were reduced to almost half.",
    "About forty minutes after the page, checkouts are going through again.",
])
def test_a_half_and_a_time_to_recover_counted_from_the_alarm_are_measures(sentence: str) -> None:
    assert quantities(sentence), sentence


def test_a_vague_span_told_up_front_frames_the_outcome_without_measuring_it() -> None:
    assert not quantities("Over a few months she got a lot more confident in reviews.")


@pytest.mark.parametrize("sentence", [
    "Our job as the weekend crew was to get the ferry timetable published before Friday.",
    "My job as her onboarding buddy is to get her ready for the audit.",
    "The stake was that the festival needed ticket scanning working by noon.",
    "Our team needed to move the herbarium scans before the lease ran out.",
    "After the third failed night I decided, okay, I'm going to rebuild the loader properly.",
    "Nobody answered in the channel, so I quietly took it on and started reading the cron scripts.",
    "My manager said to me, can you make sure the new archivist is actually learning the system.",
])
def test_a_goal_told_with_its_role_a_team_duty_a_resolve_or_a_request_is_a_task(sentence: str) -> None:
    assert read(sentence).task >= 2.0, sentence


def test_a_plan_judged_with_a_comparison_states_no_goal() -> None:
    assert read("Looking at it now, the plan was a lot more realistic than the first draft.").task < 1.5


def test_the_speakers_own_wishes_side_by_side_are_a_goal_not_a_disagreement() -> None:
    # "I want to keep him ... and honestly I want him to stay" is one side wanting twice, not two sides.
    assert positions(["I want to keep him", "and honestly I want him to have a reason to stay."]) == set()
    assert positions(["She wants a rewrite", "and frankly I want a patch."]) == {0, 1}


@pytest.mark.parametrize("closing", [
    "After that she asked a lot more questions in the planning meetings.",
    "I don't get those late-night calls as much now.",
    "By the next market day things were back to normal.",
])
def test_a_degree_with_no_number_is_an_outcome_flagged_vague(closing: str) -> None:
    story = ("At a farmers' market cooperative, our stall-booking form kept double-booking pitches. "
             "The chair asked me to fix it before the spring season. "
             f"I added a lock on each pitch, wrote a test for two bookings at once and moved the form to the new host. {closing}")
    a = analyse(story)
    assert a.components.result.present and a.vague_results, closing


def test_a_contracted_state_after_the_last_step_reports_the_outcome() -> None:
    story = ("My colleague at the tram operator wanted to replace our timetable parser outright and I wanted to patch it. "
             "We had to agree before the winter schedule went out. "
             "I wrote down the failure cases and we tried both on last year's data. "
             "We're still on good terms.")
    assert analyse(story).components.result.present


def test_the_result_opens_an_outcome_as_a_subject_not_inside_a_noun_phrase() -> None:
    assert not read("I stored a checksum of the result next to every upload in the photo archive.").concluding
    assert read("The result was that nobody re-keyed the orders by hand again.").concluding
    assert read("It all ended with the two bakeries sharing one stock feed.").concluding


def test_the_reach_of_the_speakers_step_is_no_measured_outcome() -> None:
    assert not quantities("I wrote a probe that pings every label printer on the floor.", action=True)


def test_what_the_speaker_noticed_is_the_problem_not_the_outcome() -> None:
    assert not quantities("I rewrote the timer, because I noticed it was an hour off for the Lisbon riders.")


@pytest.mark.parametrize("sentence", [
    "The backlog of unread tickets went down from hundreds to a couple of dozen.",
    "The new catalogue was ready a full day early.",
    "Now nobody has to stay late on release nights at all.",
])
def test_counts_margins_and_none_at_all_said_in_words(sentence: str) -> None:
    assert quantities(sentence), sentence


@pytest.mark.parametrize("sentence", [
    "I was incident commander that night.",
    "I was his onboarding buddy for the spring intake.",
    "I didn't want us to lose the regulars.",
    "I needed the finger-pointing between shifts to stop.",
    "I wanted it settled without anyone feeling overruled.",
    "I proposed to the director that I become the owner of the kiosk code.",
    "And eventually I thought, okay, this is just mine now.",
    "I told my lead I was taking it.",
    "And since it was my project, I gave the estimate.",
])
def test_roles_stakes_and_claims_of_ownership_are_tasks(sentence: str) -> None:
    assert read(sentence).task >= 2.0, sentence


def test_a_lesson_is_drawn_not_an_outcome_and_its_second_clause_draws_it_too() -> None:
    assert read("What I took from it is that a dry run is cheaper than an apology.").lesson >= 2.5
    story = ("At a bike-sharing startup I argued with our data lead about where docking events should live. "
             "We both dug in during a planning meeting. "
             "Afterwards I asked her for a call and showed her a dashboard built both ways. "
             "What I learned is that a demo beats a debate, "
             "and that arguments like that belong in a one-on-one, not in front of nine people.")
    a = analyse(story)
    assert not a.components.result.present and not a.metrics


def test_a_step_told_with_its_subject_dropped_is_the_speakers_action() -> None:
    assert read("I once deleted the wrong bucket on a Friday.").actor == "I"
    story = "Ran a bulk delete on the live stock table once, thinking my shell was still on the test copy."
    assert analyse(story).components.action.present


def test_someone_the_speaker_has_do_something_carries_on_the_speakers_step() -> None:
    # The span is how long the new colleague shadowed, not a measured outcome.
    story = ("A graduate joined our team of nine at a ferry booking site. "
             "My job was getting her productive without drowning her. "
             "I drew her a map of the three modules she would touch, "
             "and had her shadow my code reviews for a couple of weeks before she did her own. "
             "She settled in really well.")
    a = analyse(story)
    assert a.components.result.present and not a.metrics and a.vague_results


def test_a_backstory_announced_by_name_goes_back_to_the_start() -> None:
    story = ("It ended with the florist and me actually enjoying our weekly sync. "
             "Backstory, I'm the only developer at a flower delivery shop "
             "and she kept finding out about broken order forms from customers. "
             "I wanted us to stop learning about breakage that way. "
             "I added a form check that runs before every deploy and I walked her through the report it sends.")
    assert analyse(story).components.result.present


def test_a_verb_in_a_how_clause_is_not_the_speakers_action() -> None:
    assert read("The inspectors signed it off and they were satisfied with how we handled the recall.").actor is None


def test_in_general_closing_a_clause_sums_up_an_outcome_it_states_no_rule() -> None:
    assert not read("The volunteers liked the new rota a lot more, and the handovers got calmer in general.").general
    assert read("In general I pair with every new volunteer on their first shift.").general


@pytest.mark.parametrize("closing", [
    "Our stock sheet feels much healthier now.",
    "Looking at the shop floor afterwards, everyone felt heard.",
])
def test_how_an_outcome_felt_is_a_vague_outcome(closing: str) -> None:
    story = ("Nobody owned the stock sheet at the village shop, so I set up a weekly count "
             f"and we took turns entering it on Mondays. {closing}")
    a = analyse(story)
    assert a.components.result.present and a.vague_results, closing


def test_an_impression_between_two_steps_is_an_outcome_told_as_a_judgement() -> None:
    story = ("Our route planner at a courier firm got slower all week until a page took six seconds. "
             "I found a loop that loaded each stop on its own and I rewrote it as one query. "
             "The planner felt snappy again "
             "and I also added an alert on the slowest page so we would see it sooner.")
    a = analyse(story)
    assert a.components.result.present and a.vague_results


def test_two_sentences_spliced_with_a_comma_are_two_clauses() -> None:
    # The setting before the comma is told in its own clause, so the one-liner still has a scene.
    story = ("The ticket printers jammed during the morning rush at the museum, I swapped in the spare roll feeder "
             "and fixed the driver timeout, and the queue was gone in about ten minutes.")
    a = analyse(story)
    assert a.components.situation.present and a.components.result.present and a.metrics


def test_a_scene_or_a_phrase_before_the_comma_stays_with_its_clause() -> None:
    assert len(units("When the quota ran out on the photo server, I took it on myself.")) == 1
    assert len(units("With anyone new I'm mentoring, I book a walk-through every week.")) == 1


def test_what_followed_told_with_so_is_an_outcome() -> None:
    story = ("Our tile cache got wiped during a map release "
             "and I added a fallback to the origin server so the map stayed up.")
    assert analyse(story).components.result.present


@pytest.mark.parametrize("sentence", [
    "Refunds that used to wait for days went out the same afternoon they were approved.",
    "Now all the branches are using the one booking form.",
    "The spam filter has been on ever since without blocking a real customer.",
])
def test_before_and_after_everyone_and_none_since_said_in_words(sentence: str) -> None:
    assert quantities(sentence), sentence


def test_ended_up_in_the_backdrop_and_a_cause_at_the_end_conclude_nothing() -> None:
    assert not read("I traced it to the label job, which had ended up running on two servers after the move.").concluding
    assert not read("I showed her one parcel that was charged twice because of this.").concluding
    assert read("Because of that, the depot stopped double-charging parcels.").concluding


def test_how_things_always_went_for_others_sets_the_scene() -> None:
    story = ("At a seed catalogue company our test shop was always broken, usually because someone left an order half-imported. "
             "I wrote a script that rebuilt it from a cleaned copy every night and I showed the packers how to run it by hand. "
             "After that, the test shop broke maybe once a month instead of a couple of times a week.")
    a = analyse(story)
    assert a.components.situation.present and a.specific_event is True


def test_the_speakers_own_rhythm_is_still_a_habit_with_no_scene() -> None:
    assert read("At the library I always check the overnight jobs first thing.").situation == 0.0


def test_an_outcome_dated_by_the_month_of_may_is_not_imagined() -> None:
    story = ("I was the lead for the lab software team at a seed bank and one of our technicians wanted to move into "
             "engineering. She asked me to help her get ready for the transfer interview. "
             "I gave her a small real script to own and I reviewed her code the way I review anyone's. "
             "She passed, and she moved onto the engineering team in May.")
    assert analyse(story).components.result.present


@pytest.mark.parametrize("sentence", [
    "We switched off the last one two weeks early.",
    "We got the booking site back in under ten minutes and didn't lose a single reservation.",
])
def test_a_margin_on_the_deadline_and_none_lost_are_measured_outcomes(sentence: str) -> None:
    assert quantities(sentence, action=True), sentence
    assert read(sentence).result >= 1.5, sentence


def test_how_long_things_had_stood_is_backdrop_not_a_measure() -> None:
    assert not quantities("I fixed the rounding in the old invoice, which nobody had noticed in about a year.")


def test_a_measured_change_the_speaker_made_told_before_the_backstory_is_the_outcome() -> None:
    story = ("I got our print queue from jamming about three times a week to zero jams for the rest of the season. "
             "The background, I was at a poster printing shop and the queue, a small Flask app on one server, "
             "locked up whenever two big orders arrived together. "
             "After one jam delayed a wedding order, the owner asked me to own the fix. "
             "I reproduced it with two large test orders and I changed the worker to take one order at a time.")
    a = analyse(story)
    assert a.components.result.present and a.metrics


def test_pointing_back_from_the_outcome_to_its_cause_goes_back_to_the_start() -> None:
    story = ("New volunteers at our food bank started sorting donations on their second day instead of their second week. "
             "That happened because I rebuilt how we train them. "
             "Before, they got a binder and were left to shadow whoever was around. "
             "I wrote a one-page checklist, paired each newcomer with a regular and filmed a short tour of the warehouse.")
    assert analyse(story).components.result.present


def test_being_the_one_doing_the_work_is_a_duty() -> None:
    assert read("I was the one building the shared importer, so a bad format would land on me.").task >= 2.0


def test_the_speaker_still_busy_after_the_last_step_reports_no_outcome() -> None:
    story = ("At a ferry company the ticket totals stopped matching the bank statement one Monday, "
             "and reconciling them was my job. I exported both ledgers and wrote a script to compare them line by line. "
             "And I remember I was eating lunch at my desk, trying to get the totals to line up, "
             "so I was going through the sailings one by one to see which ones were off.")
    assert not analyse(story).components.result.present


def test_time_moving_on_from_the_occasion_tells_an_outcome_mid_story() -> None:
    assert read("Honestly, by the third week her sketches were better than mine.").result >= 1.5


def test_the_speaker_asking_if_we_could_try_something_is_a_proposal_not_a_task() -> None:
    assert read("I took it to the weekly planning call and asked if we could try it on one branch first.").task < 2.0
    assert read("Our director asked me if I could own the branch rollout.").task >= 2.0


def test_others_rhythm_in_a_reported_outcome_is_no_habit() -> None:
    cues = read("By the end of the term her essays were usually marked on the first or second draft.")
    assert not cues.general and cues.result >= 1.0
    assert quantities("His forms were approved on the first or second round.")


def test_a_change_in_the_same_sentence_as_a_conclusion_is_the_outcome_told_first() -> None:
    story = ("We ended up with a booking rule both of us could live with, "
             "and waiting time at the desk dropped from about two days to the same day. "
             "The disagreement was between me and the other coordinator at a youth hostel. "
             "She wanted every booking confirmed by phone and I thought that made group bookings impossible. "
             "So we sat down with last month's bookings and we wrote the exceptions together.")
    a = analyse(story)
    assert a.components.result.present and a.metrics
