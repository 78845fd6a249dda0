"""The offline scorer judges what an answer claims, not which words it uses.

Each test states a general rule with answers written for the test, not taken from any benchmark.
"""

from __future__ import annotations

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import Rubric
from bot.engine.results import verdict
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())
SCORER = OfflineScorer()
DEFAULTS = BANK.get("core.mutable-default")
DEFAULTS_RUBRIC = BANK.rubric("core.mutable-default")
YIELD_FROM = BANK.get("core.yield-from")


def grade(text: str, question_id: str = "core.mutable-default", rubric: Rubric | None = None):
    return SCORER.grade(BANK.get(question_id), rubric or BANK.rubric(question_id), text)


def with_claims(question_id: str, flag_id: str, claims: list[str]) -> Rubric:
    """The question's rubric with one red flag recognised by ``claims`` alone (no phrases of its own)."""
    rubric = BANK.rubric(question_id)
    flags = [{**f.model_dump(), "phrases": ["zzzz qqqq"], "claims": claims} for f in rubric.red_flags if f.id == flag_id]
    return Rubric.model_validate({**rubric.model_dump(), "red_flags": flags})


def test_an_explanation_in_plain_words_earns_credit_with_its_sentence_quoted() -> None:
    plain = ("That empty list gets built one time, when Python first reads the function, not each time you call it. "
             "Every call that leaves out the argument adds to that same one list, so tags from earlier calls stay. "
             "I would default to None and make a brand new empty list inside the body when nothing was passed.")
    result = grade(plain)
    assert result.score >= 50
    for criterion in result.criteria:
        if criterion.score:
            assert criterion.evidence is not None and criterion.evidence in plain


def test_generic_talk_around_the_topic_earns_less_than_one_concrete_sentence() -> None:
    vague = ("Default arguments are a really important and often misunderstood part of Python, and it is crucial to "
             "understand the trade-offs. In general the right approach depends on the context and the team. "
             "It is best practice to think carefully about state, and to consider the various options available. "
             "Overall a thoughtful, robust and maintainable approach is key for the business.")
    concrete = "The default list is created once when the def runs, so every call appends to that same list."
    assert grade(vague).score < grade(concrete).score


def test_career_talk_in_a_screening_answer_is_generic_talk_too() -> None:
    # Why this role: passion, growth and alignment with the mission say nothing an interviewer could check;
    # naming the product, the stack and what one brings does.
    talk = ("I feel this role really aligns with my journey and my values. I am passionate about technology and drawn "
            "to the mission, and the environment seems collaborative and focused on growth. I have broad exposure to a "
            "wide range of projects, and I am comfortable adapting and excited to be challenged by talented people.")
    concrete = ("Your team runs the payments reconciliation service, and I have spent three years on Python ETL for "
                "a billing platform, matching bank files to invoices in Postgres. I would bring that, and I want to "
                "learn how you run Kafka at your volume.")
    talked, told = grade(talk, "screen.motivation"), grade(concrete, "screen.motivation")
    assert talked.score < told.score
    assert all(c.score == 0 for c in talked.criteria)


def test_a_sentence_stating_a_misconception_is_never_evidence() -> None:
    wrong = ("Python creates a new list for each call of add_tag, so the default itself is fine. "
             "The duplicate tags come from somewhere else in the caller.")
    result = grade(wrong)
    assert result.red_flags
    assert all(c.evidence is None or "new list for each call" not in c.evidence for c in result.criteria)


def test_a_reworded_misconception_split_by_a_pronoun_is_caught() -> None:
    rubric = with_claims("core.yield-from", "just-sugar",
                         ["yield from + just|only|merely + loop|sugar",
                          "yield from|it + swallow|lose|drop + return value|result"])
    assert grade("A `yield from` is only a loop over the inner generator. It also drops the inner return value.",
                 "core.yield-from", rubric).red_flags
    # The same words with the claim denied, or a different claim, raise nothing.
    assert not grade("`yield from` is not just a loop: it forwards send() and throw() and keeps the return value.",
                     "core.yield-from", rubric).red_flags
    assert not grade("It drops nothing: the inner generator's return value becomes the value of the expression.",
                     "core.yield-from", rubric).red_flags


def test_refuting_a_misconception_earns_credit_instead_of_a_penalty() -> None:
    rubric = with_claims("core.yield-from", "just-sugar", ["yield from + just|only|merely + loop|sugar"])
    refuted = ("The naive reading is that yield from is just a loop that re-yields each item. That fails as soon as "
               "the caller uses send() or throw(), because yield from forwards both straight to the subgenerator, "
               "and x = yield from inner() gets the subgenerator's return value.")
    stated = ("yield from is just a loop that re-yields each item. The caller can also use send() or throw(), and "
              "x = yield from inner() gets the subgenerator's return value.")
    refuted_result, stated_result = (grade(t, "core.yield-from", rubric) for t in (refuted, stated))
    assert not refuted_result.red_flags and stated_result.red_flags
    assert refuted_result.score > stated_result.score


def test_everyday_words_shared_with_the_rubric_do_not_make_an_off_topic_answer_score() -> None:
    off_topic = ("When you size a standby power generator, add up the load of every circuit, then allow for the surge "
                 "when motors start, since they draw several times their running current for a moment. "
                 "Run a load test once a month and keep the fuel fresh; stale fuel is the usual reason a unit fails "
                 "to start when the grid goes down. Size it one step up so it never runs near full load.")
    assert grade(off_topic, "core.generators").score <= 20


def test_an_on_topic_answer_it_cannot_read_is_marked_unsure_rather_than_given_a_verdict() -> None:
    unusual = ("Picture the function as a little machine that is put together one time, and the empty basket in its "
               "signature is bolted onto that machine when it is put together. Each time somebody uses the machine "
               "without handing over their own basket, it reuses the bolted-on basket, which still holds whatever "
               "earlier people dropped in. So the basket fills up across uses. My repair is to bolt on a marker that "
               "means no basket was given, and to fetch a brand new empty basket inside when I see that marker.")
    result = grade(unusual)
    if result.score < 50:
        assert result.unsure and verdict(result).startswith("unsure")
        assert any("could not judge" in n for n in result.notes)
    assert not grade("I am not sure, maybe it is a bug in Python.").unsure  # short: judged, not doubted


def test_the_same_answer_always_gets_the_same_grade() -> None:
    text = "Defaults are evaluated once at def time; use None and build the list inside. id() shows one object."
    assert grade(text) == grade(text)


STORY = ("Last spring our checkout service started failing for about a third of customers right after a Friday "
         "deploy, and I was the engineer on call. I had to stop the bleeding before the evening peak. I rolled the "
         "release back first, then I compared the two builds and found a config key that had been renamed. I wrote "
         "a test that loads the production config, shipped the fix on Monday, and added the check to CI. Errors "
         "went from 30% to zero within ten minutes of the rollback. What I took away is that config deserves "
         "tests as much as code does.")


def test_a_concrete_story_in_its_own_words_earns_the_star_criteria_with_quotes() -> None:
    result = grade(STORY, "behavioral.incident")
    levels = {c.id: c for c in result.criteria}
    assert levels["actions"].score >= 2 and levels["result"].score >= 2
    assert levels["result"].evidence is not None and levels["result"].evidence.split()[0] in STORY
    assert result.score >= 65


def test_a_habit_or_a_story_about_something_else_earns_no_star_credit() -> None:
    habit = ("When there is an outage I usually roll back first, then I look at the logs and the dashboards, and I "
             "always write a postmortem afterwards. I tend to keep customers informed and I generally add a test.")
    other = ("I disagreed with my lead about adopting GraphQL; he wanted flexibility, I worried about caching. I "
             "suggested we each list our top concerns and build a one-week prototype. The numbers convinced us both "
             "to keep REST with field selection, and I learned that a small experiment settles a debate faster.")
    story = grade(STORY, "behavioral.incident").score
    assert grade(habit, "behavioral.incident").score < story
    assert grade(other, "behavioral.incident").score < story - 30


def test_a_result_the_rubric_asks_to_measure_earns_at_most_one_with_no_number_in_the_answer() -> None:
    # "A quantified result": things going back to normal is an outcome, not a measure, however it is told.
    told = ("During a release our checkout API started failing for customers. I was on call, so I checked the logs, "
            "found a migration that had locked the orders table, killed it and rolled the release back. Checkout "
            "recovered and errors went back to normal. Afterwards I wrote the postmortem and we added a lock timeout "
            "to every migration.")
    measured = told.replace("Checkout recovered and errors went back to normal.",
                            "Checkout recovered within 12 minutes and errors went from 40% back to normal.")
    level = {c.id: c.score for c in grade(told, "behavioral.incident").criteria}["result"]
    assert level <= 1
    assert {c.id: c.score for c in grade(measured, "behavioral.incident").criteria}["result"] >= 2


def test_a_change_told_with_its_numbers_is_a_measured_result_in_any_words() -> None:
    # "Refund disputes from 40 a week to 6, support tickets down 30%": two changes with their numbers.
    story = ("At a travel startup I led moving refunds off a nightly batch to an event-driven worker. The decision was "
             "exactly-once refunds keyed by booking over a faster best-effort design; it cost three weeks. "
             "Evidence: refund disputes from 40 a week to 6, support tickets down 30% over a quarter.")
    levels = {c.id: c.score for c in grade(story, "screen.project").criteria}
    assert levels["measured-outcome"] == 3
    one = story.replace(", support tickets down 30% over a quarter", "")
    assert {c.id: c.score for c in grade(one, "screen.project").criteria}["measured-outcome"] >= 2


def test_clarifying_questions_count_where_the_prompt_asks_for_them() -> None:
    asked = ("Is the frontend a single-page app or server-rendered templates? Do mobile clients need tokens too? "
             "Do we need single sign-on with the company's Google accounts? Do sessions have to survive a browser "
             "restart, and do we need refresh tokens?")
    flask = grade(asked, "framework.flask-auth")
    assert flask.score > 0 and any(c.evidence and c.evidence.endswith("?") for c in flask.criteria)
    # Where the prompt does not ask for questions, questions still explain nothing.
    assert grade("Is the default list shared? Would None help? Does id() show it?").score == 0


def test_quoted_hypothetical_or_reported_misconceptions_are_not_the_speakers_claims() -> None:
    rubric = with_claims("core.yield-from", "just-sugar", ["yield from + just|only|merely + loop|sugar"])
    for text in ('A common take is "yield from is just a loop", and it misses send() and throw().',
                 "You might think yield from is only a loop, yet it forwards send() to the subgenerator.",
                 "If yield from were just a loop, send() would never reach the subgenerator; it does reach it."):
        assert not grade(text, "core.yield-from", rubric).red_flags, text
    assert grade("Honestly yield from is just a loop, nothing more to it.", "core.yield-from", rubric).red_flags


def test_a_bare_negated_auxiliary_denies_the_claim_it_stands_for() -> None:
    # "X can be changed in place and Y can't": the elided verb phrase is denied for Y.
    rubric = with_claims("core.argument-passing", "int-mutated-in-place", ["int|integer + changed in place"])
    denied = "A dict can be changed in place and an integer can't, so the caller's count stays as it was."
    assert not grade(denied, "core.argument-passing", rubric).red_flags
    assert grade("Inside the function the integer is changed in place, so the caller sees 6.",
                 "core.argument-passing", rubric).red_flags


def test_a_hyphenated_compound_is_not_its_first_word() -> None:
    rubric = with_claims("core.yield-from", "just-sugar", ["yield from + just|only|merely + loop|sugar"])
    compound = "Yield from is only loop-like on the surface: it also forwards send() and throw() to the subgenerator."
    assert not grade(compound, "core.yield-from", rubric).red_flags
    assert grade("Yield from is only a loop with nothing else to it.", "core.yield-from", rubric).red_flags


def test_a_plus_between_notes_keeps_their_words_apart() -> None:
    # Terse notes joined by "+" are separate items: a claim cannot take its subject from one and its verb from the next.
    rubric = with_claims("core.yield-from", "just-sugar", ["yield from + just|only|merely + loop|sugar"])
    notes = "Delegation via yield from + a plain for loop only for the simple re-yield case."
    assert not grade(notes, "core.yield-from", rubric).red_flags


def with_phrases(question_id: str, flag_id: str, phrases: list[str]) -> Rubric:
    """The question's rubric with one red flag recognised by ``phrases`` alone (no claims)."""
    rubric = BANK.rubric(question_id)
    flags = [{**f.model_dump(), "phrases": phrases, "claims": []} for f in rubric.red_flags if f.id == flag_id]
    return Rubric.model_validate({**rubric.model_dump(), "red_flags": flags})


def test_a_misconception_written_as_a_call_needs_that_call_not_its_words_scattered() -> None:
    rubric = with_phrases("framework.django-n-plus-one", "select-related-reverse", ["select_related('lines')"])
    right = "Fetch with prefetch_related('lines'), adding select_related('sku') if lines show a product."
    wrong = "I would write select_related('lines') so the lines come back in the same JOIN."
    assert not grade(right, "framework.django-n-plus-one", rubric).red_flags
    assert grade(wrong, "framework.django-n-plus-one", rubric).red_flags


def test_a_claim_worded_as_code_matches_only_that_code() -> None:
    rubric = with_claims("core.copying", "copy-is-deep", ["settings.copy + copies nested|copies inner"])
    right = ("Use copy.deepcopy(DEFAULT_SETTINGS): recursively copies nested dicts, so tenants never share one.",
             "Write `settings = copy.deepcopy(base)`, which copies nested dicts too.")
    wrong = ("settings.copy() copies nested dicts as well, so each tenant gets its own.",
             "Calling `Settings.Copy()` copies inner dicts too.")
    assert not any(grade(text, "core.copying", rubric).red_flags for text in right)
    assert all(grade(text, "core.copying", rubric).red_flags for text in wrong)


def test_a_claim_worded_as_a_call_with_arguments_matches_that_call_whole() -> None:
    rubric = with_claims("framework.sql", "count-star-after-join", ["count(x.id) + tallies|equals + visits"])
    made = "Here COUNT(x.id) tallies the visits of each shop."
    other = "Here COUNT(DISTINCT x.id) tallies the visits of each shop."
    assert grade(made, "framework.sql", rubric).red_flags
    assert not grade(other, "framework.sql", rubric).red_flags


def test_a_subject_introduced_by_unlike_is_not_what_the_claim_is_said_of() -> None:
    rubric = with_claims("core.collections", "tuple-fixes-lookup", ["tuple + lookups + constant time"])
    contrasted = "Unlike a tuple, a frozenset answers lookups in constant time."
    made = "Unlike a list, a tuple answers lookups in constant time."
    assert not grade(contrasted, "core.collections", rubric).red_flags
    assert grade(made, "core.collections", rubric).red_flags


def test_without_denies_its_own_gerund_phrase_not_the_claim_after_it() -> None:
    rubric = with_claims("core.yield-from", "just-sugar", ["yield from + just|only|merely + loop|sugar"])
    made = "Written without changing any callers, yield from is just a loop over the child."
    gerund_is_the_claim = "You get the same values without yield from being just a loop."
    assert grade(made, "core.yield-from", rubric).red_flags
    assert not grade(gerund_is_the_claim, "core.yield-from", rubric).red_flags


def test_saying_it_is_impossible_that_a_claim_holds_denies_it() -> None:
    rubric = with_claims("core.mocking", "hit-real-api", ["ci can + live api|real provider"])
    denied = "Lock the pipeline down so that it is impossible that CI can reach a real provider."
    made = "Our CI can reach a real provider through its sandbox keys, which keeps the tests honest."
    assert not grade(denied, "core.mocking", rubric).red_flags
    assert grade(made, "core.mocking", rubric).red_flags


def test_a_denied_claim_is_not_revived_by_a_second_negation_later_in_the_sentence() -> None:
    rubric = with_claims("core.mocking", "hit-real-api", ["ci can + live api|real provider"])
    denied = "Put a guard in place so CI can never reach a real provider: no live API keys exist in that job."
    made = "Our CI can reach a real provider through its sandbox keys, which keeps the tests honest."
    assert not grade(denied, "core.mocking", rubric).red_flags
    assert grade(made, "core.mocking", rubric).red_flags


def test_calling_an_idea_a_cover_up_is_refuting_it() -> None:
    rubric = with_claims("framework.django-n-plus-one", "cache-it", ["cache|caching + page"])
    dismissed = "Caching the whole page merely masks the underlying problem until the first miss."
    made = "Caching the whole page is how I would make those queries disappear."
    assert not grade(dismissed, "framework.django-n-plus-one", rubric).red_flags
    assert grade(made, "framework.django-n-plus-one", rubric).red_flags


def test_a_pronoun_after_a_code_block_takes_its_subject_from_that_code() -> None:
    rubric = with_claims("core.mutable-default", "or-equals-none-check", ["or + same as|equivalent + is none"])
    claimed = ("Shortest fix:\n\n```python\ndef add_tag(tag, tags=None):\n    tags = tags or []\n    tags.append(tag)\n"
               "    return tags\n```\n\nIt is the same as writing `if tags is None: tags = []`, only shorter.")
    unrelated = ("Shortest fix:\n\n```python\ndef add_tag(tag, tags=None):\n    if tags is None:\n        tags = []\n"
                 "    tags.append(tag)\n    return tags\n```\n\nIt is the same as what the standard library does.")
    assert grade(claimed, rubric=rubric).red_flags
    assert not grade(unrelated, rubric=rubric).red_flags


def test_making_something_impossible_denies_it() -> None:
    rubric = with_claims("core.mocking", "hit-real-api", ["ci can|ci to + live api|real provider"])
    denied = "Make it impossible for CI to reach a real provider: the job has no keys and sockets are disabled."
    made = "It is fine for CI to reach a real provider now and then, it catches contract drift."
    assert not grade(denied, "core.mocking", rubric).red_flags
    assert grade(made, "core.mocking", rubric).red_flags


def test_one_central_error_ranks_under_the_honest_answer_and_over_an_answer_about_something_else() -> None:
    honest = ("The default list is built once, when the def statement runs, and kept on the function, so every call "
              "that leaves tags out appends to that one list. Default to None and make a new list inside.")
    one_error = honest + " Writing tags = tags or [] is exactly the same as the None check, so I always use it."
    elsewhere = "I keep functions short and names clear; code review and pairing catch most style problems early."
    scores = [grade(text).score for text in (honest, one_error, elsewhere)]
    assert grade(one_error).red_flags and not grade(honest).red_flags
    assert scores[0] > scores[1] > scores[2]


def _flagged(question_id: str, flag_id: str, claim: str, text: str) -> bool:
    return bool(grade(text, question_id, with_claims(question_id, flag_id, [claim])).red_flags)


def test_a_claim_does_not_run_across_a_colon() -> None:
    claim = "copy.copy + copies the nested"
    assert _flagged("core.copying", "dict-constructor-fixes", claim, "copy.copy copies the nested settings as well.")
    assert not _flagged("core.copying", "dict-constructor-fixes", claim,
                        "copy.copy is shallow, just like dict.copy(): the nested settings stay shared.")


def test_a_verb_emptied_by_nothing_is_not_claimed() -> None:
    claim = "else + runs if + try raised"
    assert _flagged("core.exceptions", "else-on-error", claim, "The else part runs if the try raised.")
    assert not _flagged("core.exceptions", "else-on-error", claim, "The else part runs if the try raised nothing.")


def test_a_wording_does_not_skip_into_the_second_half_of_a_compound() -> None:
    claim = "reset + wasn't charged"
    assert _flagged("coding.retry-decorator", "reset-means-not-processed", claim,
                    "After the reset the customer wasn't really charged.")
    assert not _flagged("coding.retry-decorator", "reset-means-not-processed", claim,
                        "With a stable key, a retry after a reset can't double-charge anyone.")


def test_a_claim_set_aside_by_rather_than_is_not_made_however_long_the_aside() -> None:
    claim = "order + dict + random"
    assert _flagged("coding.flatten-dict", "dicts-unordered", claim, "The later key wins at random, by dict order.")
    assert not _flagged("coding.flatten-dict", "dicts-unordered", claim,
                        "I fail loudly rather than let the later of two keys win at random, by dict order.")


def test_a_claim_inside_single_quotes_is_mentioned_not_made() -> None:
    claim = "is + same thing"
    assert _flagged("core.is-vs-eq", "same-operator", claim, "For small numbers `is` is the same thing as `==`.")
    assert not _flagged("core.is-vs-eq", "same-operator", claim,
                        "`is` asks 'are these one and the same thing in memory?', and that's all it asks.")


def test_words_right_after_instead_of_are_the_road_not_taken() -> None:
    claim = "threads + use + all the cores"
    assert _flagged("core.gil", "threads-multicore", claim, "Our threads use all the cores for resizing.")
    assert not _flagged("core.gil", "threads-multicore", claim,
                        "To use all the cores, start worker processes instead of threads.")


def test_a_claim_reads_the_word_as_written_not_as_typo_repair_rewrote_it() -> None:
    # "architect" sits close to "architecture", a word of this rubric; the claim naming the architect must still see it.
    rubric = BANK.rubric("screen.project")
    named = {f.text for f in rubric.red_flags if f.id == "no-own-part"}
    assert named & set(grade("Every call in the design was made by our architect.", "screen.project").red_flags)
    assert not named & set(grade("Every call in the design was made by me.", "screen.project").red_flags)


def test_a_relative_clause_set_off_by_commas_does_not_stretch_a_claim() -> None:
    claim = "connection reset + means + never reached"
    long_aside = ("A connection reset, which in our case is what the partner's load balancer sends whenever it "
                  "drops us, means the request never reached them.")
    assert _flagged("coding.retry-decorator", "reset-means-not-processed", claim, long_aside)
    # Without the commas the same words are one long clause, too spread out to be one claim.
    spread = ("A connection reset in our case is what the partner's load balancer sends whenever it drops us "
              "and means the request never reached them.")
    assert not _flagged("coding.retry-decorator", "reset-means-not-processed", claim, spread)
