"""How far a denial reaches, and the shapes that hold a wrong claim at arm's length without a "not" beside it.

Each row is a pair of sentences written here, around one red flag of the shipped rubrics: a strong
answer's way of keeping the error at a distance (a denial spelt out after a colon, an appearance
granted and then taken back, a word in scare quotes, a label that turns down the list after it, a
thing swapped out, the harm it does) and a near-miss that states the same error as the speaker's own.
"""

from __future__ import annotations

import pytest

from tests.unit.flag_cases import case_ids, caught_and_spared

# (question, flag, stated: the error as the speaker's claim, spared: the error kept at arm's length)
CASES = [
    # a denial before a colon, spelt out by another after it: the second goes on, it does not undo the first
    ("core.argument-passing", "arguments-copied",
     "For integers, the value is copied into the function.",
     "Not by value, even for integers: nothing is copied into the function."),
    # "stop" before an "-ing" word ends that doing; it denies nothing after it
    ("behavioral.incident", "false-technical-premise",
     "A list you stop using stays allocated until the garbage collector runs.",
     "A list you stop using is freed at once by reference counting, unless it sits in a cycle."),
    # the harm told as a fact, not only as what would happen
    ("framework.sql", "function-on-indexed-column",
     "Filtering on date_trunc('month', created_at) still uses the index on created_at.",
     "Filtering on date_trunc('month', created_at) defeats the index on created_at."),
    # the clause goes on to call it a mistake
    ("framework.django-n-plus-one", "select-related-reverse",
     "Items hang off the order, so select_related('items') joins them in one query.",
     "Items hang off the order by a reverse key, so select_related('items') is an error here."),
    # an appearance granted, then taken back in the same sentence
    ("coding.mutable-default-bug", "or-empty-equivalent",
     "`problems = problems or []` is equivalent and shorter.",
     "`problems = problems or []` looks equivalent, but a caller's own empty list gets thrown away."),
    # a word in scare quotes is used at a distance
    ("core.argument-passing", "int-mutated-in-place",
     "The function can change an integer argument in place.",
     'To "change" an integer argument, return the new value and rebind it in the caller.'),
    # a short label that turns down the list after it
    ("framework.production-api", "coverage-is-readiness",
     "First priority: 100% coverage before launch.",
     "Deliberately skipped for now: Kubernetes, a service mesh, multi-region failover, 100% coverage before launch."),
    # what is swapped out is the road not taken
    ("core.gil", "threadpool-uses-processes",
     "ThreadPoolExecutor already runs its work in separate processes.",
     "For the resize job, swap ThreadPoolExecutor for a pool of separate processes."),
    # "can't be used" after the claim's words denies them
    ("framework.sql", "function-on-indexed-column",
     "Once EXTRACT wraps the column, an index on created_at still works.",
     "Once EXTRACT wraps the column, an index on created_at can't be used."),
    # what something is compared with ("the same ... as a set") is not the subject of what follows
    ("core.collections", "sets-keep-order",
     "A set keeps insertion order, like a dict.",
     "dict: the same average lookup cost as a set, keeps insertion order since 3.7."),
    # a possessive: the junior's example is what is right, not the junior
    ("core.argument-passing", "value-vs-reference",
     "The junior is right about this.",
     "The junior's example is right, but the explanation behind it is not."),
    # a short label that names what follows as a mistake, even for one item
    ("core.mocking", "patch-before-import",
     "The fix is to move the import of checkout inside the test, after the patch starts.",
     "A workaround I'd talk people out of: moving the import of checkout inside the test, after the patch starts."),
    # what another language's model would do, however long the aside that names it
    ("core.argument-passing", "rebinding-affects-caller",
     "Assigning to the parameter replaces the caller's list.",
     "With true pass-by-reference (C++'s ampersand, or C#'s ref keyword), assigning to the parameter would replace "
     "the caller's list."),
    # "as you'd expect" agrees with the claim; "you'd expect" alone supposes it
    ("core.closures", "new-binding-per-iteration",
     "With a plain for loop each iteration gets its own i, and the buttons print 0, 1 and 2 as you'd expect.",
     "You'd expect each iteration to get its own i, but the loop reuses one variable."),
]


@pytest.mark.parametrize(("qid", "flag", "stated", "spared"), CASES, ids=case_ids(CASES))
def test_an_error_kept_at_arms_length_is_spared_and_the_stated_one_caught(qid: str, flag: str, stated: str,
                                                                          spared: str) -> None:
    caught_and_spared(qid, flag, stated, spared)


def test_a_string_in_code_is_not_a_word_in_scare_quotes() -> None:
    """Quotes around a call's argument are code, not distance: select_related("items") still joins the items."""
    caught_and_spared("framework.django-n-plus-one", "select-related-reverse",
                      'I would write .select_related("customer", "items") to get everything in one query.',
                      "I would write .prefetch_related(\"items\") to get the items in a second query.")


def test_a_join_after_a_comma_or_a_bracket_pairs_no_objects() -> None:
    """"store and compute" are not two subjects each taking their own object when the next "and" opens an aside or
    a clause: the claim that follows them is still made."""
    caught_and_spared("screen.project", "float-money",
                      "I chose to store and compute amounts as Python floats (and doubles in Postgres), and round at the end.",
                      "I chose to store and compute amounts as integer cents, and format them at the end.")
