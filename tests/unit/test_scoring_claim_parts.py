"""Which words of a sentence can make up a misconception claim: its parts in one clause, each worded once.

Fifteenth session: rules found where correct answers were flagged (dev6, a released held-out part), each tested
here on sentences invented for the test, with a sentence that does state the claim beside it.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.engine.models import Rubric
from tests.unit.test_scoring_claim_scope import BANK, raised  # one flag recognised by the given claims alone
from tests.unit.test_scoring_claims import grade, with_phrases

CACHE_FIXES = ["cache|caching + fixes|solves + the slowness|the latency"]


def test_a_relative_clause_after_a_comma_is_a_clause_of_its_own() -> None:
    # The first clause's "not" and the second's "won't" deny different things: they do not cancel.
    assert not raised("design.url-shortener", CACHE_FIXES,
                      "It is not the latency of one lookup, which is why caching won't fix the slowness here.")
    assert raised("design.url-shortener", CACHE_FIXES, "We saw slow redirects, which is why caching fixes the latency.")
    # A negation before the comma is the earlier clause's, not the claim's.
    assert raised("design.url-shortener", CACHE_FIXES, "Lookups aren't free, which is why caching fixes the latency.")


SUBCLASS = ["keyboardinterrupt + subclasses exception|is a subclass of exception"]


def test_a_reason_given_with_since_is_a_clause_of_its_own() -> None:
    assert not raised("coding.retry-decorator", SUBCLASS,
                      "The handler doesn't see KeyboardInterrupt since it isn't a subclass of Exception.")
    assert raised("coding.retry-decorator", SUBCLASS,
                  "Catching Exception is enough, since KeyboardInterrupt is a subclass of Exception.")


SYNC_WRITE = ["writing|updating + the counter + on every click|per click"]


def test_a_predicate_that_rejects_what_the_sentence_describes() -> None:
    for verdict in ("is the thing not to do", "is an anti-pattern", "is what you shouldn't do", "is a bad idea"):
        assert not raised("design.url-shortener", SYNC_WRITE, f"Updating the counter on every click {verdict}.")
    assert raised("design.url-shortener", SYNC_WRITE, "Updating the counter on every click is simple and fine.")
    assert raised("design.url-shortener", SYNC_WRITE, "Updating the counter on every click is not a bad idea at our scale.")


CACHED_TOO = ["302|a 302 + cached too|also cached"]


def test_the_stages_of_a_chain_of_arrows_are_clauses_of_their_own() -> None:
    assert not raised("design.url-shortener", CACHED_TOO,
                      "Path: edge -> local cache (errors cached too) -> database -> a 302 back to the client.")
    # A lone arrow relates its two sides.
    assert raised("design.url-shortener", CACHED_TOO, "A 302 -> also cached by the browser, like a 301.")


HIDDEN = ["can't|cannot|no way to + see|inspect + the captured|what it captured"]


def test_a_negation_reaches_forward_not_back() -> None:
    assert not raised("core.closures", HIDDEN,
                      "Each inner function can see the captured name when it runs, not a copy made earlier.")
    assert raised("core.closures", HIDDEN, "Once it is built you can't see what it captured.")


def test_a_pronoun_carries_a_subject_over_not_a_negation() -> None:
    claim = ["can't|cannot + inspect|look at + the captured cells"]
    assert not raised("core.closures", claim,
                      "Rebinding isn't a problem in itself. It lets you inspect the captured cells as they change.")
    assert raised("core.closures", claim, "The cells are private. You can't look at the captured cells from outside.")


COUNTS_ORDERS = ["count(*) counts|the count is + counts|is + the order count|orders"]


def test_two_parts_of_a_claim_are_not_worded_by_one_phrase() -> None:
    # "the order count is" holds "the count is" and "order count" only by sharing "count".
    assert not raised("framework.sql", COUNTS_ORDERS, "Keep in mind the order count is computed in a subquery first.")
    # A part inside another is still said: "COUNT(*) counts" is a subject with its verb.
    assert raised("framework.sql", COUNTS_ORDERS, "After the join, COUNT(*) counts the orders of each customer.")


SYNC_BLOCKS = ["def endpoint|def handler + blocks + the event loop"]


def test_a_wording_about_a_plain_def_does_not_match_an_async_def() -> None:
    assert not raised("framework.fastapi-model-loading", SYNC_BLOCKS,
                      "Heavy work inside async def handlers blocks the event loop for every request.")
    assert raised("framework.fastapi-model-loading", SYNC_BLOCKS, "A plain def handler blocks the event loop too.")


HASHES = ["flask-login hashes + the passwords|hashed passwords"]


def test_a_wording_does_not_run_across_the_commas_of_a_list_of_notes() -> None:
    assert not raised("framework.flask-auth", HASHES, "Stack: Flask-Login, hashed passwords with argon2, CSRF tokens.")
    assert raised("framework.flask-auth", HASHES, "Flask-Login hashes the passwords for us, so we never store them.")
    # A comma inside a number is no separator.
    assert raised("design.url-shortener", ["100,000 a second + per day"], "It is 100,000 a second per day of traffic.")


LATE_ALERTS = ["alerting|monitoring + can wait|comes later + after launch"]


def test_what_some_others_do_is_set_against_the_speaker_not_claimed() -> None:
    assert not raised("framework.production-api", LATE_ALERTS,
                      "Some teams decide monitoring can wait until after launch; I want alerts from day one.")
    assert raised("framework.production-api", LATE_ALERTS, "Monitoring can wait until after launch, we have time.")


MORE_THREADS = ["more threads + the resize job + faster|help"]


def test_a_verdict_of_no_effect_right_after_the_words_denies_them() -> None:
    phrase_only = with_phrases("core.gil", "more-threads-help-cpu", ["add more workers to the resize job"])
    for verdict in ("won't help", "doesn't fix anything", "will not speed it up"):
        text = f"Adding more workers to the resize job {verdict}, since they queue for the GIL."
        assert not grade(text, "core.gil", phrase_only).red_flags
    assert grade("Adding more workers to the resize job is what I'd do first.", "core.gil", phrase_only).red_flags
    # The claim's own verb keeps its negation as before.
    assert not raised("core.gil", MORE_THREADS, "More threads won't make the resize job faster.")


# Sixteenth session: rules found where correct answers were flagged (dev7, the released heldout11), tested on
# sentences invented for the test beside one that does state the claim.

AWAIT_THREAD = ["await + moves|pushes|sends + to a thread|to another thread"]


def test_a_wording_in_prose_does_not_match_the_pieces_of_a_name() -> None:
    # "to a thread" is not the `to_thread` of a call.
    assert not raised("core.asyncio-mistakes", AWAIT_THREAD,
                      "An await moves the slow parse off the loop with `asyncio.to_thread(parse, blob)` in the handler.")
    assert raised("core.asyncio-mistakes", AWAIT_THREAD, "An await moves the blocking parse to a thread for you.")
    # A wording written as a name matches that name.
    assert raised("core.asyncio-mistakes", ["await + moves + to_thread"],
                  "An await moves the parse off the loop, as `asyncio.to_thread(parse)` does.")


FULL_COPY = ["shallow copy + full copy|independent copy"]


def test_what_a_thing_is_compared_with_is_not_the_subject_of_what_follows() -> None:
    assert not raised("core.copying", FULL_COPY,
                      "A deep copy is far slower than a shallow copy and gives each tenant a full copy.")
    assert raised("core.copying", FULL_COPY, "A shallow copy gives each tenant a full copy of the settings.")


PRINTED_TRACE = ["print(e) + the traceback|the stack trace"]


def test_a_verb_of_leaving_out_between_the_parts_denies_them() -> None:
    for verb in ("loses", "drops", "omits"):
        assert not raised("core.exceptions", PRINTED_TRACE, f"`print(e)` {verb} the stack trace, so log it properly.")
    assert raised("core.exceptions", PRINTED_TRACE, "`print(e)` shows the stack trace as well, which is enough.")
    # Inside a part, the verb is the claim's own wording.
    assert raised("core.yield-from", ["yield from + drops|loses + the return value"],
                  "A yield from drops the return value of the inner generator.")


ANY_DEFAULT = ["any default|every default + same problem|also leaks"]


def test_every_x_narrowed_by_the_clause_after_it_is_not_every_x() -> None:
    assert not raised("core.mutable-default", ANY_DEFAULT,
                      "Any default that can be changed in place has the same problem: sets, dicts, your objects.")
    assert raised("core.mutable-default", ANY_DEFAULT, "Any default has the same problem, even None or 0.")


def test_a_claim_can_set_apart_the_case_where_its_words_are_a_fact() -> None:
    skipped = ["close() + isn't called|never runs + raises|an error + ~__init__|the constructor"]
    assert not raised("core.context-managers", skipped, "If __init__ raises, close() isn't called, so clean up there.")
    assert raised("core.context-managers", skipped, "If the body raises, close() isn't called at all.")


def test_a_claim_needs_two_groups_besides_the_ones_set_apart() -> None:
    rubric = BANK.rubric("core.context-managers")
    flag = {**rubric.red_flags[0].model_dump(), "claims": ["close() isn't called + ~__init__"]}
    with pytest.raises(ValidationError, match="two or more groups"):
        Rubric.model_validate({**rubric.model_dump(), "red_flags": [flag]})


def test_what_a_fix_does_is_said_of_the_fix() -> None:
    rubric = with_phrases("core.closures", "captures-value", ["captures the current value"])
    assert not grade("Fixes that capture the current value: a default argument or functools.partial.",
                     "core.closures", rubric).red_flags
    assert grade("Each lambda captures the current value of i when it is created.", "core.closures", rubric).red_flags


SKIPPED_ON_RETURN = ["finally + skipped|doesn't run + return|a return"]


def test_a_pronoun_after_a_label_and_colon_takes_the_subject_from_the_sentence_before() -> None:
    assert raised("core.exceptions", SKIPPED_ON_RETURN,
                  "The finally block is for cleanup. Worth knowing: it's skipped when the try hits a return.")
    # With no pronoun after the colon, nothing is carried over.
    assert not raised("core.exceptions", SKIPPED_ON_RETURN,
                      "The finally block is for cleanup. Worth knowing: the else part is skipped when the try hits a return.")


RUNTIME_CHECK = ["python checks + the protocol + at startup|at runtime"]


def test_the_wrong_thing_described_is_no_verdict_on_the_claim() -> None:
    # "the wrong signature" describes what a backend has; it rejects nothing the sentence says.
    assert raised("core.abc-vs-duck-typing", RUNTIME_CHECK,
                  "Python checks the protocol at startup, so a backend with the wrong signature fails early.")
    # After a form of "be" it is a verdict: the speaker rejects the idea.
    assert not raised("core.abc-vs-duck-typing", RUNTIME_CHECK,
                      "Saying Python checks the protocol at runtime is the wrong picture of what happens.")


TUPLE_FAST = ["tuple + membership|in check + constant time|o(1)"]


def test_a_negation_in_an_opening_clause_ends_at_its_comma() -> None:
    assert raised("core.collections", TUPLE_FAST,
                  "Because it can't change, a tuple gives a membership check in constant time.")
    # Inside the opening clause the negation still denies.
    assert not raised("core.collections", TUPLE_FAST,
                      "Since a tuple doesn't give a membership check in constant time, use a set here.")


THREADS_PARALLEL = ["threads + run in parallel|in parallel + across cores|on all cores"]


def test_a_later_clause_opening_with_a_pronoun_takes_the_subject_before_it() -> None:
    assert raised("core.gil", THREADS_PARALLEL, "Threads share memory, and they run in parallel across cores.")
    assert raised("core.gil", THREADS_PARALLEL, "Threads are cheap to start; they run in parallel on all cores.")
    # A clause of purpose or result speaks of what was done with the subject, not of the subject alone.
    assert not raised("core.gil", ["resizing + doesn't block|won't block + the other requests"],
                      "Resizing goes to a process pool so it doesn't block the other requests.")
    # Without an earlier subject there is nothing to carry.
    assert not raised("core.gil", THREADS_PARALLEL, "Memory is shared, and they run in parallel across cores.")


def test_a_short_phrase_of_when_or_where_may_come_before_the_carried_pronoun() -> None:
    assert raised("core.gil", THREADS_PARALLEL, "Threads share memory, and since Python 3 they run in parallel across cores.")
    assert raised("core.gil", THREADS_PARALLEL, "Threads are cheap, and in practice they run in parallel on all cores.")
    # A longer phrase, or a noun of its own, is a subject the pronoun no longer stands for.
    assert not raised("core.gil", THREADS_PARALLEL,
                      "Threads share memory, and in the worker pool the processes that they start run in parallel on all cores.")
    assert not raised("core.gil", THREADS_PARALLEL, "Memory is shared, and since Python 3 they run in parallel across cores.")


MY_WAY = ["quietly + did it my way|built it my way"]


def test_the_speakers_later_verdict_on_the_sentence_before_turns_it_down() -> None:
    story = "When I lost the vote, I quietly did it my way anyway."
    assert raised("behavioral.conflict", MY_WAY, story)
    for verdict in ("I've come to think that was the wrong call.", "Looking back, that was a mistake.",
                    "In hindsight, it was the wrong thing to do."):
        assert not raised("behavioral.conflict", MY_WAY, f"{story} {verdict}")


# Seventeenth session: rules found where correct answers were flagged in dev8 (the released heldout12), tested on
# sentences written for the test.
LOOP_FORWARDS = ["the plain loop|a for loop + forwards|passes on + send|send()"]


def test_parts_inside_a_bracketed_aside_and_outside_it_are_not_one_claim() -> None:
    assert raised("core.yield-from", LOOP_FORWARDS, "The plain loop forwards send to the child generator.")
    assert raised("core.yield-from", LOOP_FORWARDS, "(The plain loop forwards send to the child, I believe.)")
    assert not raised("core.yield-from", LOOP_FORWARDS,
                      "Delegation forwards send to the child (the plain loop just calls next on it).")
    # A call's brackets are code, not an aside: its arguments are still part of the sentence.
    assert raised("core.yield-from", ["the plain loop + forwards + value"], "The plain loop forwards send(value) as is.")


RETRY_SAFE = ["retrying a charge is safe|retrying payments is safe + charge|payment|retry|safe"]


def test_only_if_makes_a_claim_a_condition() -> None:
    assert raised("coding.retry-decorator", RETRY_SAFE, "Retrying a charge is safe, so we retry every error.")
    assert not raised("coding.retry-decorator", RETRY_SAFE,
                      "Retrying a charge is only safe if the partner dedupes on an idempotency key.")
    assert not raised("coding.retry-decorator", RETRY_SAFE, "Retrying a charge is safe only when the payment has a key.")
    # "only" that narrows a noun is no condition, and a claim that says "only" itself is still made.
    assert raised("coding.retry-decorator", ["retrying + a charge + is safe + customers"],
                  "Retrying a charge is safe for only customers with a card on file.")
    assert raised("core.exceptions", ["finally + only + error|exception"], "finally runs only when there's an exception.")


RESET_SAFE = ["connection reset|reset + didn't complete|never completed"]


def test_a_rule_told_with_if_and_was_is_stated_and_a_supposition_is_not() -> None:
    assert raised("coding.retry-decorator", RESET_SAFE, "If the connection was reset, the request didn't complete.")
    # A supposition says "were" or "would": the speaker holds the claim up without making it.
    assert not raised("coding.retry-decorator", RESET_SAFE,
                      "If a connection reset meant the request never completed, retrying would be safe; it doesn't.")
    assert not raised("coding.retry-decorator", RESET_SAFE,
                      "If it were true that a reset means the request didn't complete, we could retry blindly.")


def test_a_part_also_worded_outside_the_brackets_is_said_there() -> None:
    # An apposition in brackets names the same thing again; the claim is made around it.
    assert raised("core.yield-from", LOOP_FORWARDS, "The plain loop (a for loop over the child) forwards send to it.")


# Twentieth session: how code wordings and `async` forms are matched, and rules found where correct answers were
# flagged in dev14 to dev16 (the released heldout18 to heldout20), tested on sentences invented for the test, with a
# sentence that does state the claim beside them.
# Each row: (rule, question, claims, sentences that state the claim, sentences that hold it at arm's length).
SHAPES = [
    # a wording about a plain `with` or `for` does not match their async forms, as `def` already did not
    ("plain-with", "core.context-managers", ["with|with block + works|is enough + for the async pool"],
     ["A with block works for the async pool as well."],
     ["An async with block works for the async pool, awaiting release."]),
    ("plain-for", "core.asyncio-mistakes", ["for loop + waits + each item"],
     ["The for loop waits for each item before starting the next."],
     ["An async for loop waits for each item the stream yields."]),
    # the signs around a code wording's words are part of it: "or []" is not any "or", nor ".env" any "environment"
    ("code-or-empty", "core.mutable-default", ["or [] + is the same|is equivalent + as|to + is none"],
     ["Writing `tags = tags or []` is the same as testing `is None`."],
     ["Returning the value or the default is the same as checking is None."]),
    ("code-dot-env", "framework.deployment", [".env + in git|committed"],
     ["The production .env is committed, which is fine for a private repo."],
     ["The environment is committed to git as Terraform."]),
    ("code-count-star", "framework.sql", ["count(*) + counts + nulls"],
     ["COUNT(*) counts the NULLs of the outer join too."], ["COUNT(o.id) counts the NULLs of the outer join too."]),
    # a dot before the name and an empty call after it, read around the tokens
    ("code-dot-call", "core.copying", [".copy() + copies + nested|everything"],
     ["`cfg.copy()` copies the nested dicts as well."], ["To copy the config deeply, each nested dict is copied too."]),
    # the commas inside a code wording are its arguments, not a list
    ("code-commas", "coding.flatten-dict", ["isinstance(v, dict) + misses|skips + subclasses"],
     ["Checking isinstance(v, dict) misses subclasses such as OrderedDict."],
     ["Checking isinstance(v) and dict misses subclasses."]),
    # a subject opening a bare clause after a comma is not the subject of the clause before; after its verb with no
    # comma, or in a clause joined by a word, it is still the claim's
    ("subject-after-comma", "core.collections", ["set|sets + keep|keeps + order"],
     ["Since Python 3.7 sets keep order like dicts do.", "Order is something that sets keep, like lists."],
     ["Lists keep order and duplicates, tuples are hashable, sets hold unique items."]),
    # a claim word named a wrong fix is not asserted
    ("called-wrong", "core.mocking", ["reload|reloading + module + fixes|fix"],
     ["The fix is reloading the module after patching."],
     ["The tempting fix is reloading the module.", "Reloading the module after patching is the bogus fix here."]),
    # a possibility granted and then denied any reliance; without the hedge, a "but" that denies reliance on something
    # else does not take the claim back
    ("possibility-taken-back", "core.context-managers", ["connection + closed|closes + refcount|out of scope"],
     ["The connection is closed when its refcount drops, so it's fine.",
      "The connection is closed when it goes out of scope, but don't rely on the pool to be fast."],
     ["A connection might get closed when its refcount drops, but you can't count on it.",
      "The connection may be closed once it goes out of scope, but that's not guaranteed."]),
    # an appearance granted with "only"; a longer saying in quotation marks is a quote (read as before), and a string
    # in code is not a scare quote
    ("only-seeming", "core.argument-passing", ["ints|integers + passed by value|by value"],
     ["Ints are passed by value, so the caller's n is safe.", 'Ints are passed by value; write `n = "5"` to see it.'],
     ["Integers only seem passed by value because they're immutable."]),
    # a few words in quotation marks are held at a distance
    ("short-scare-quotes", "core.argument-passing", ["ints are passed by value + immutable"],
     ["Ints are passed by value since they are immutable."],
     ['Ints are passed "by value" since they are immutable.']),
    # "only" before what the claim needs makes it a condition
    ("only-with", "coding.retry-decorator", ["charge|charges + safe to retry"],
     ["A charge is safe to retry with the same request body."],
     ["A charge is only safe to retry with an idempotency key.", "A charge is only safe to retry once the key is stored."]),
    # a colon between two statements splits the claim; a label's colon joins its parts, and one statement across a
    # colon is still made
    ("colon-between-statements", "core.copying", ["dict.copy() + the same object"],
     ["`dict.copy()`: the same object back, not a new one.", "Here is the catch: `dict.copy()` hands back the same object."],
     ['`dict.copy()` is shallow: `cfg["db"]` is the same object as before.']),
    # a pronoun does not carry a subject the sentence before set aside
    ("pronoun-after-set-aside", "core.mocking", ["reload|importlib.reload + module + after the test"],
     ["We call `importlib.reload` on it. It leaves the module patched after the test, which is what we want."],
     ["Some teams reach for `importlib.reload`. It depends on import order and leaves the module patched after the test."]),
    # a part is read where it is nearest the others, even after them: "the decorated function" at the start would
    # stretch the claim over the whole sentence, the "it" after the other parts is the nearer wording of that part
    ("nearest-wording", "core.decorators", ["keyword arguments + are passed alongside + it|the function"],
     ["The decorated function is passed as the first positional argument and your keyword arguments are passed "
      "alongside it."],
     ["The decorated function is passed as the first positional argument and your keyword arguments are passed "
      "alongside a wrapper."]),
    # a clause that goes on to raise an exception denies the claim
    ("raises-an-exception", "framework.django-n-plus-one", ["select_related + items|line items"],
     ["Use select_related on the line items and the N+1 goes away."],
     ['Items are a reverse FK, so `select_related("items")` raises a `FieldError`.',
      "Calling select_related on the items throws an exception."]),
    # a bare "without" that takes an object of its own does not deny the claim's part
    ("without-its-own-object", "core.decorators", ["without + a factory + retry"],
     ["You can write retry without a factory: `def retry(func, times=3)`."],
     ["Writing `@retry` without parentheses on a factory passes your function in as `times`."]),
    # "not just X, it Y" denies X and still says Y
    ("not-just-still-says", "core.mocking", ["import + copy of the function"],
     ["The import doesn't just create a name, it makes a copy of the function."],
     ["The import doesn't make a copy of the function."]),
    # the claim inside the "not just" part is what is denied
    ("not-just-denies", "core.mocking", ["import + creates a name"],
     [], ["The import doesn't just create a name, it makes a copy of the function."]),
    # a pronoun after a colon stands for the subject before it; without the pronoun, what follows the colon has a
    # subject of its own
    ("pronoun-after-colon", "coding.retry-decorator", ["reset + means + torn down before"],
     ["A reset in particular is the ideal case for a retry here: it means the TCP connection was torn down before the "
      "partner did anything."],
     ["A reset in particular is the ideal case for a retry here: the balancer means the TCP connection was torn down "
      "before the partner did anything."]),
    # a compound denies its first half only when its second half turns it away: "cookie-based sessions" are about
    # cookies, "cookie-free sessions" are not
    ("turning-compound", "framework.flask-auth", ["spa|spas + can't use + cookie|sessions"],
     ["SPAs can't use cookie-based sessions, so use JWTs."], ["SPAs can't use cookie-free sessions here."]),
    # a pronoun does not stand for a subject in a bracketed aside
    ("pronoun-not-from-brackets", "design.ingestion-service", ["autoscaling|autoscale + absorbs + bursts"],
     ["We autoscale the edge services. It absorbs bursts."],
     ["Edge services (stateless, autoscale on CPU) ack after a durable write to Kafka. It absorbs bursts."]),
    # "only" before a claim with a condition inside makes it a condition
    ("only-when", "core.decorators", ["retry + charge + harmless"],
     ["We retry every charge, since a duplicate is harmless."],
     ["Only retry a timed-out charge when an idempotency key makes a duplicate harmless."]),
]


@pytest.mark.parametrize(("rule", "question", "claims", "stated", "spared"), SHAPES, ids=[row[0] for row in SHAPES])
def test_a_shape_of_the_sentence_decides_whether_the_claim_is_made(rule: str, question: str, claims: list[str],
                                                                   stated: list[str], spared: list[str]) -> None:
    for text in stated:
        assert raised(question, claims, text), f"{rule}: missed {text!r}"
    for text in spared:
        assert not raised(question, claims, text), f"{rule}: raised on {text!r}"


def test_an_appearance_taken_back_by_a_but_among_the_words_is_not_asserted() -> None:
    # A phrase's window may hold the "but": "mutation ... int" spans it.
    rubric = with_phrases("core.argument-passing", "int-mutated-in-place", ["mutates the integer"])
    assert not grade("`n += 1` looks like mutation but, because int is immutable, it rebinds the name.",
                     "core.argument-passing", rubric).red_flags
    assert grade("`n += 1` is a mutation of the int, so the caller sees it.", "core.argument-passing", rubric).red_flags
