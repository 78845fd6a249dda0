"""Correct answers in plain or terse words are read as explanations, not as lists of terms.

Seventh session: general rules about how people write, each tested on sentences invented here.
"""

from __future__ import annotations

from bot.scoring.text import is_listy, sentences


def _listy(text: str) -> bool:
    return is_listy(sentences(text)[0], text)


def test_a_long_sentence_that_repeats_its_small_words_is_prose() -> None:
    plain = ("The easy way is a function with a yield in it and the decorator on it: the part before the yield is the "
             "opening of the file, the yield is where your block runs, and the part after the yield is the closing of it, "
             "and it is in the finally so that it always runs.")
    assert not _listy(plain)


def test_a_run_of_repeated_terms_is_still_a_list() -> None:
    pasted = ("yield decorator yield finally yield decorator the yield finally the decorator yield the finally "
              "and yield decorator finally and the yield")
    assert _listy(pasted)
    assert _listy("context manager, enter, exit, context manager, with, enter, exit, finally, with, exit")


def test_the_usual_short_forms_mean_their_long_words() -> None:
    from bot.scoring.text import phrase_stems

    assert phrase_stems("authn and per-tenant authz") == phrase_stems("authentication and per-tenant authorization")
    assert phrase_stems("one conn per txn") == phrase_stems("one connection per transaction")
    assert phrase_stems("k8s perms, creds and deps") == phrase_stems("kubernetes permissions, credentials and dependencies")


def test_a_slash_inside_one_pair_of_words_lists_nothing() -> None:
    assert not _listy("set/dict are hash tables, average constant lookups, more memory, hashable keys only")
    # Slashes that chain terms are still separators.
    assert _listy("threads/processes/asyncio/gil/locks/queues, pools, executors")
