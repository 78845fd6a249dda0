"""How far a negation, a report or a code span reaches over a misconception claim.

Seventh session: rules about how people write (lists of denials, a colon that starts a new point,
what "people often" do, names inside inline code), each tested on sentences invented for the test.
"""

from __future__ import annotations

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import Rubric
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())
SCORER = OfflineScorer()


def raised(question_id: str, claims: list[str], text: str) -> bool:
    """Whether ``text`` raises a red flag recognised by ``claims`` alone, on the question's rubric."""
    rubric = BANK.rubric(question_id)
    flag = {**rubric.red_flags[0].model_dump(), "phrases": ["zzzz qqqq"], "claims": claims}
    only = Rubric.model_validate({**rubric.model_dump(), "red_flags": [flag]})
    return bool(SCORER.grade(BANK.get(question_id), only, text).red_flags)


COPIED = ["number|int|string + is copied|gets copied|are copied"]
PLAIN_HASH = ["passwords + hashed|stored + plain sha|md5"]


def test_a_negation_that_goes_on_listing_does_not_undo_the_first() -> None:
    assert not raised("core.argument-passing", COPIED, "Nothing is copied when you call it, not even a string.")
    assert not raised("core.argument-passing", COPIED, "Nothing gets copied, not the dict and not the number.")
    assert not raised("framework.flask-auth", PLAIN_HASH, "Passwords are hashed with bcrypt (never logged, never plain SHA).")
    # One denial alone still denies, and none still claims.
    assert raised("core.argument-passing", COPIED, "The number is copied into the function, so the caller's stays put.")
    assert raised("framework.flask-auth", PLAIN_HASH, "We keep the passwords hashed with plain SHA, never logged.")


LOAD = ["read + whole file|entire file + into memory|into a list"]


def test_a_colon_with_its_own_negation_starts_a_new_point() -> None:
    # "Don't ...: no ..." - the first negation is spent on its own point, the second denies the claim.
    assert not raised("core.generators", LOAD, "Don't guess at the size: no reading the whole file into a list.")
    # A label's negation still reaches a list after its colon when the list has none of its own.
    assert not raised("core.generators", LOAD, "Things this avoids: reading the entire file into memory, sorting it.")
    assert raised("core.generators", LOAD, "Keep it simple: read the whole file into memory and split it.")


SWALLOW = ["loop + ends + returns none"]


def test_what_people_often_do_is_reported_not_claimed() -> None:
    assert not raised("coding.retry-decorator", SWALLOW,
                      "People often let the loop just end, so it returns None after the last try.")
    assert not raised("coding.retry-decorator", SWALLOW,
                      "The version developers tend to write lets the loop end and it returns None.")
    assert raised("coding.retry-decorator", SWALLOW, "After the last try the loop ends and it returns None, that's fine.")


COUNTS = ["count + counts|filters + order count"]


def test_names_inside_an_inline_code_expression_are_not_a_claim() -> None:
    assert not raised("framework.sql", COUNTS, "In the ORM: `qs.annotate(order_count=Count('orders', filter=Q(paid=True)))`.")
    # The same words in prose make the claim (each part worded by words of its own: see test_scoring_claim_parts).
    assert raised("framework.sql", COUNTS, "After the join the count counts the order count of each customer.")


DEFAULT_CALL = ["items=list() + fresh|new list"]


def test_a_call_written_empty_in_a_wording_is_not_a_call_with_arguments() -> None:
    assert not raised("core.mutable-default", DEFAULT_CALL, "Inside I write `items = list(items)`, which returns a new list.")
    assert raised("core.mutable-default", DEFAULT_CALL, "Declare it as `items=list()` and each call gets a fresh one.")


DEBUG = ["debug mode + handy|useful + production"]


def test_a_failure_named_with_wrong_or_false_rejects_no_claim() -> None:
    # "when something goes wrong" and "false positives" name events, not a verdict on the claim.
    assert raised("framework.production-api", DEBUG, "Debug mode is handy in production for when something goes wrong.")
    assert raised("framework.production-api", DEBUG, "Debug mode is useful in production, it gives no false positives.")
    assert not raised("framework.production-api", DEBUG, "Debug mode is handy in production: that idea is wrong.")


def test_a_stop_inside_inline_code_ends_no_sentence() -> None:
    from bot.scoring.text import sentences

    text = "Wrap it as `def w(*a, **kw): note(...); return f(*a, **kw)` and it forwards everything. Then test it."
    parts = [text[s.start : s.end] for s in sentences(text)]
    assert parts[0].endswith("forwards everything.") and len(parts) == 2
    # A stop outside code, and a new line, still end one.
    assert len(sentences("Use `x.y`. Then `z`.\nNext line")) == 3


RETRY_ALL = ["it|retry + retries everything|retries every error"]


def test_an_item_of_a_list_announced_as_faults_is_not_claimed() -> None:
    assert not raised("coding.retry-decorator", RETRY_ALL,
                      "Two mistakes. First, it retries everything, even a validation error.")
    assert not raised("coding.retry-decorator", RETRY_ALL,
                      "The naive loop has a couple of flaws. One is that it retries every error, even a 404.")
    # A list announced as anything else, or a bare opener, still claims.
    assert raised("coding.retry-decorator", RETRY_ALL, "Two choices. First, it retries everything, even a validation error.")
    assert raised("coding.retry-decorator", RETRY_ALL, "First, it retries everything, even a validation error.")


def test_items_told_in_paragraphs_after_an_announcement_of_what_to_avoid_are_not_claimed() -> None:
    # The announcement may name what to avoid, or what makes things worse, in a longer sentence; each item may open
    # a paragraph of its own, and the first item's own sentences do not break the list.
    announced = ("Two wrappers I'd steer away from, because reviewers keep suggesting them.\n\n"
                 "The first is a plain loop: it catches the error and sleeps.\n\n"
                 "The second is the worst: it retries everything, even a validation error.")
    assert not raised("coding.retry-decorator", RETRY_ALL, announced)
    worse = "Two common setups make this much worse.\n\nThe first is simple: it retries everything, even a 404."
    assert not raised("coding.retry-decorator", RETRY_ALL, worse)
    # After a paragraph that announces nothing, or once the answer moves on to its own design, items claim.
    neutral = "Two wrappers we shipped last year.\n\nThe first is simple: it retries everything, even a 404."
    assert raised("coding.retry-decorator", RETRY_ALL, neutral)
    own = announced + "\n\nWhat I'd build instead:\n\nThe first is the core: it retries everything, even a 404."
    assert raised("coding.retry-decorator", RETRY_ALL, own)


COMMITS = ["exit + should commit + either way|whether or not"]


def test_whether_or_not_means_regardless_not_a_question() -> None:
    assert raised("core.context-managers", COMMITS, "Exit should commit whether or not the block raised.")
    assert not raised("core.context-managers", COMMITS, "The question is whether exit should commit either way.")
    # A "whether" set off by a comma lists the cases the claim holds in, as "whether or not" does.
    assert raised("core.context-managers", COMMITS, "Exit should commit either way, whether the block returned or raised.")


PAIRED = ["kwargs|dict + collects|gathers|holds + positional"]


def test_two_subjects_paired_with_two_objects_claim_nothing_of_the_second_and_first() -> None:
    # "A and B do C and D": each subject has its own object, so B is not said to do C.
    assert not raised("core.args-kwargs", PAIRED, "*args and **kwargs collect positional and keyword arguments.")
    assert not raised("core.args-kwargs", PAIRED,
                      "The tuple and the dict hold positional and named values, respectively.")
    # One subject, or two subjects sharing one object, still claim it.
    assert raised("core.args-kwargs", PAIRED, "**kwargs collects positional arguments as well.")
    assert raised("core.args-kwargs", PAIRED, "Both *args and **kwargs collect positional arguments.")
    # A comma before the second subject starts a new clause, and a join before a negation pairs what
    # the subject does, not two objects: both still claim it.
    assert raised("core.args-kwargs", PAIRED, "We tried tuples, and the dict holds positional values and keeps them.")
    assert raised("core.args-kwargs", PAIRED, "The tuple and the dict hold positional values and don't copy them.")


AUTOSPEC = ["autospec + calls|runs + real function"]


def test_a_verb_of_turning_away_between_the_parts_denies_the_relation() -> None:
    # "refuse" or "reject" between the parts says the relation does not hold, as "drops" or "loses" does.
    assert not raised("core.mocking", AUTOSPEC, "With autospec the mock refuses calls the real function could not take.")
    assert not raised("core.mocking", AUTOSPEC, "With autospec the mock rejects calls the real function could not take.")
    assert raised("core.mocking", AUTOSPEC, "With autospec the mock still calls the real function underneath.")


DEV_SERVER = ["built-in server|development server + is fine|production-grade"]


def test_pythons_false_is_no_verdict_on_the_claim() -> None:
    # "debug=False" sets a flag; only "false" as a word rejects what the sentence says.
    assert raised("framework.production-api", DEV_SERVER,
                  "The built-in server is fine for launch, run as app.run(debug=False) behind the load balancer.")
    assert not raised("framework.production-api", DEV_SERVER, "That the built-in server is fine for launch is false.")


CALL_NOT_LITERAL = ["a call rather than|a call instead of + literal|a literal"]


def test_a_contrast_the_claim_words_itself_is_not_the_road_not_taken() -> None:
    # "rather than a literal" sets the literal aside, unless "a call rather than" is the claim's own wording.
    assert raised("coding.mutable-default-bug", CALL_NOT_LITERAL,
                  "The fix is to build the default list with a call rather than a literal, so each call gets one.")
