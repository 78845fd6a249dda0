"""A wrong claim reported, asked or turned down is not the speaker's; stated as one's own, it still raises its flag.

Each row is a sentence pair written here (not taken from any test answer) around one red flag of the
shipped rubrics: the way a strong answer mentions the error in order to reject it, and a near-miss
that states the same error as the speaker's own view.
"""

from __future__ import annotations

import pytest

from tests.unit.flag_cases import flags

BARE = ("core.exceptions", "bare-is-except-exception")
SELECT = ("framework.django-n-plus-one", "select-related-reverse")
ASYNC = ("framework.fastapi-model-loading", "async-makes-it-fast")
THREADS = ("core.gil", "more-threads-help-cpu")

# (question, flag, spared: the error mentioned to reject it, stated: the same error as the speaker's claim)
ROWS = [
    # someone else's belief, whatever the verb's distance from its subject
    (*BARE, "Our intern once told me that a bare except is the same as except Exception.",
     "A bare except is the same as except Exception."),
    (*ASYNC, "The reviewer honestly believed that marking the endpoint async makes the inference non-blocking.",
     "Marking the endpoint async makes the inference non-blocking."),
    (*SELECT, "Half the team expected select_related to join the line items as well.",
     "I expect select_related to join the line items as well."),
    # a noun that names the claim as a mistake or a belief
    (*BARE, "The belief behind that code is that a bare except is just shorthand for except Exception.",
     "The point is that a bare except is just shorthand for except Exception."),
    (*SELECT, "A classic mistake on this page is calling select_related on the line items too.",
     "The fix on this page is calling select_related on the line items too."),
    # the belief named, then told after a colon or as "the myth that"
    (*BARE, "The reviewer's defence rests on a belief I hear a lot: that a bare except is the same as except Exception.",
     "The reviewer's defence rests on a fact I check a lot: that a bare except is the same as except Exception."),
    (*ASYNC, "There's a myth that marking the endpoint async makes the inference non-blocking.",
     "There's a reason that marking the endpoint async makes the inference non-blocking."),
    # what others think or miss, set against the speaker's own claim, leaves that claim the speaker's
    (*ASYNC, "People think marking the endpoint async makes the inference non-blocking.",
     "It is simpler than people think: marking the endpoint async makes the inference non-blocking."),
    (*ASYNC, "People often assume that marking the endpoint async makes the inference non-blocking.",
     "One thing people often miss: marking the endpoint async makes the inference non-blocking."),
    # what another model of the language would do
    (*ASYNC, "With real threads behind it, marking the endpoint async would make the inference non-blocking.",
     "Marking the endpoint async would make the inference non-blocking."),
    # a yes/no question, answered afterwards
    (*BARE, "Is a bare except the same as except Exception? No: it also catches KeyboardInterrupt.",
     "Is a bare except the same as except Exception? Yes, exactly the same."),
    # the next sentence turns the claim down, adding nothing of its own
    (*ASYNC, "Making the handler async makes the model's predict call non-blocking. That's not how it works.",
     "Making the handler async makes the model's predict call non-blocking. That's how we scaled it."),
    (*BARE, "A bare except is just shorthand for except Exception. It isn't.",
     "A bare except is just shorthand for except Exception. It doesn't catch typos though."),
    (*SELECT, "You could call select_related on the line items to join them. I'd avoid that.",
     "You could call select_related on the line items to join them. I'd do that first."),
    (*ASYNC, "I thought async def would make the predict call non-blocking. It doesn't make it non-blocking.",
     "I thought async def would make the predict call non-blocking. It doesn't need a thread either."),
    # a supposed objection, a belief given up, a belief acted on, what many others do
    (*BARE, "Someone might say a bare except is just shorthand for except Exception.",
     "Someone asked, and a bare except is just shorthand for except Exception."),
    (*ASYNC, "I used to think that an async endpoint makes the model's predict call non-blocking.",
     "I still think that an async endpoint makes the model's predict call non-blocking."),
    (*SELECT, "A teammate added select_related for the line items on the theory that it joins them too.",
     "A teammate added select_related for the line items, and it joins them too."),
    (*SELECT, "Lots of tutorials call select_related on the line items to join them in one query.",
     "On this page we call select_related on the line items to join them in one query."),
    # work or people the speaker has seen, not a result seen or a fact
    (*BARE, "I've seen codebases where a bare except is just shorthand for except Exception.",
     "I've seen that a bare except is just shorthand for except Exception."),
    (*THREADS, "I've seen teams add more threads to the CPU-bound thumbnail job to speed it up.",
     "I've seen big gains from more threads on the CPU-bound thumbnail job: they speed it up."),
    # an appearance, then the truth
    (*SELECT, "You could call select_related on the line items to join them. Both look reasonable, but only "
              "prefetch_related handles the many side.",
     "You could call select_related on the line items to join them. Both are reasonable, and both handle it."),
    (*BARE, "Is a bare except the same as except Exception? Not quite: it also catches SystemExit.",
     "Is a bare except the same as except Exception? Of course, and both are fine here."),
    (*BARE, "People assume a bare except is the same as except Exception. They look alike, but they are not.",
     "A bare except is the same as except Exception. It looks harmless, but it hides real bugs."),
]


@pytest.mark.parametrize(("qid", "flag", "spared", "stated"), ROWS, ids=[f"{r[1]}:{i}" for i, r in enumerate(ROWS)])
def test_a_reported_asked_or_turned_down_error_is_spared_and_the_stated_one_caught(qid: str, flag: str, spared: str,
                                                                                   stated: str) -> None:
    assert flag in flags(qid, stated), f"{flag} missed: {stated!r}"
    assert flag not in flags(qid, spared), f"{flag} raised on a rejected claim: {spared!r}"


def test_a_claim_whose_own_clause_calls_it_unachievable_is_denied() -> None:
    qid, flag = "design.notification-service", "queue-exactly-once"
    assert flag in flags(qid, "The queue delivers each notification exactly once, so duplicates never happen.")
    assert flag not in flags(qid, "Exactly-once delivery through the queue and the push providers isn't achievable, "
                                  "so every sender dedupes by a notification id.")


def test_a_claim_whose_own_clause_names_the_harm_it_would_do_is_denied() -> None:
    qid, flag = "framework.sql", "function-on-indexed-column"
    assert flag in flags(qid, "Filtering on date_trunc('month', created_at) still uses the index on created_at.")
    assert flag not in flags(qid, "Filtering on date_trunc('month', created_at) would defeat the index on created_at.")


def test_a_pronoun_carries_the_subject_before_it_only_up_to_a_colon() -> None:
    qid, flag = "core.exceptions", "exception-catches-interrupt"
    before = "Switching the handler to except Exception is better. "
    assert flag in flags(qid, before + "It also catches KeyboardInterrupt and SystemExit.")
    assert flag not in flags(qid, before + "That does fix one thing: a bare except also swallows KeyboardInterrupt.")


def test_the_road_not_taken_may_follow_a_few_small_words() -> None:
    qid, flag = "framework.sql", "function-on-indexed-column"
    assert flag in flags(qid, "Filtering on date_trunc('month', created_at) still uses the index on created_at.")
    assert flag not in flags(qid, "Filter on a half-open range of the bare column so the planner can use the index, "
                                  "instead of something like date_trunc('month', created_at), which hides the column.")
