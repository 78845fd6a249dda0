"""An error listed under a heading that rejects it ("Mistakes I see:", "Fixes that don't work:") is refuted, not stated.

Strong candidates list the wrong approaches next to the right one, one bullet each, in the words of the
person who would propose them.  Read alone each bullet states an error; under its heading each is rejected,
so it must raise no red flag.  The same bullet under a neutral heading, or written as a paragraph of its
own, still raises it.
"""

from __future__ import annotations

import pytest

from bot.scoring.listed import in_rejected_list
from tests.unit.flag_cases import flags

WRONG_SQL = "COUNT(*) after the join is the number of orders."
WRONG_SQL_FLAG = "count-star-after-join"


@pytest.mark.parametrize("heading", [
    "Mistakes I see often with this report:",
    "Two fixes people reach for that don't work:",
    "Common pitfalls:",
    "A few choices I'd steer away from:",
    "What I would avoid, and why:",
    "Traps in this query:",
])
def test_a_bullet_under_a_rejecting_heading_raises_no_flag(heading: str) -> None:
    answer = (f"I aggregate per order first, then per customer, and filter the customers in HAVING.\n\n{heading}\n"
              f"- {WRONG_SQL} It counts line items, not orders.\n- Filtering the count in WHERE.\n")
    assert WRONG_SQL_FLAG not in flags("framework.sql", answer)


@pytest.mark.parametrize("layout", [
    "Key steps:\n- {wrong}\n- Group by customer.\n",             # a neutral heading
    "My plan is simple.\n\n- {wrong}\n- Group by customer.\n",    # no heading at all
    "{wrong} Then group by customer.\n",                           # a paragraph
])
def test_the_same_error_elsewhere_still_raises_its_flag(layout: str) -> None:
    assert WRONG_SQL_FLAG in flags("framework.sql", layout.format(wrong=WRONG_SQL))


def test_numbered_items_and_their_later_sentences_are_under_the_heading() -> None:
    text = ("Three fixes I hear that would not work:\n\n1. Restart the worker. It hides the leak.\n\n"
            "2. Add more memory.\nIt only delays it.\n\nWhat works is closing the file in a finally block.")
    for fragment in ("Restart", "It hides", "Add more", "It only"):
        assert in_rejected_list(text, text.index(fragment)), fragment
    assert not in_rejected_list(text, text.index("What works"))


def test_a_new_heading_ends_the_rejected_list() -> None:
    text = "Mistakes to avoid:\n- Retrying every error.\n\nWhat I do instead:\n- Retry timeouts with backoff.\n"
    assert in_rejected_list(text, text.index("Retrying"))
    assert not in_rejected_list(text, text.index("Retry timeouts"))


def test_a_heading_that_is_itself_a_bullet_heads_nothing() -> None:
    text = "- Wrong assumptions:\n- The cache is always warm.\n"
    assert not in_rejected_list(text, text.index("The cache"))
