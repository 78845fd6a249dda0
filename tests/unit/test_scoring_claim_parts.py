"""Which words of a sentence can make up a misconception claim: its parts in one clause, each worded once.

Fifteenth session: rules found where correct answers were flagged (dev6, a released held-out part), each tested
here on sentences invented for the test, with a sentence that does state the claim beside it.
"""

from __future__ import annotations

from tests.unit.test_scoring_claim_scope import raised  # one flag recognised by the given claims alone
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
