"""A concise answer that covers all but one part of a larger question is judged for its length.

Twenty-first session: the breadth a concise answer needs before its points count for more
(:data:`bot.scoring.levels.SPARED`), tested on answers written for the test.
"""

from __future__ import annotations

import pytest

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import ScoreResult
from bot.scoring import levels
from bot.scoring.offline import OfflineScorer

BANK = QuestionBank.load(content_root())
SCORER = OfflineScorer()

# Four of the five parts of a production-readiness answer, in 45 words; nothing on tests or CI.
FOUR_OF_FIVE = ("Before launch: secrets in a vault and auth checked on every route. Structured logs, error tracking and "
                "alerts that page someone. Migrations are reversible and every deploy can be rolled back in one step. "
                "Gunicorn workers behind a load balancer, with timeouts on outbound calls.")
# Three of the five: the same notes without the releases.
THREE_OF_FIVE = ("Before launch: secrets in a vault and auth checked on every route. Structured logs, error tracking and "
                 "alerts that page someone. Gunicorn workers behind a load balancer, with timeouts on outbound calls.")
# Two of the three parts of the `is` question, tersely: nothing on interning.
TWO_OF_THREE = ("is asks whether two names point at the very same object; == asks whether the values are equal, through "
                "__eq__. Keep is for singletons such as None.")


def _grade(qid: str, text: str) -> ScoreResult:
    return SCORER.grade(BANK.get(qid), BANK.rubric(qid), text)


def _with_no_spare(monkeypatch: pytest.MonkeyPatch, qid: str, text: str) -> ScoreResult:
    monkeypatch.setattr(levels, "SPARED", 0)
    return _grade(qid, text)


def test_one_gap_in_a_larger_question_still_counts_as_breadth(monkeypatch: pytest.MonkeyPatch) -> None:
    spared = _grade("framework.production-api", FOUR_OF_FIVE)
    assert spared.score > _with_no_spare(monkeypatch, "framework.production-api", FOUR_OF_FIVE).score
    tests_level = next(c.score for c in spared.criteria if c.id == "quality-gates")
    assert tests_level == 0  # the part it left out earns nothing, however concise the rest


def test_two_gaps_are_not_breadth(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _grade("framework.production-api", THREE_OF_FIVE)
    assert sum(1 for c in result.criteria if c.score == 0) == 2
    assert (_grade("framework.production-api", THREE_OF_FIVE).score
            == _with_no_spare(monkeypatch, "framework.production-api", THREE_OF_FIVE).score)


def test_a_gap_in_a_three_part_question_is_a_third_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(BANK.rubric("core.is-vs-eq").criteria) == 3
    assert [c.score == 0 for c in _grade("core.is-vs-eq", TWO_OF_THREE).criteria].count(True) == 1
    assert (_grade("core.is-vs-eq", TWO_OF_THREE).score
            == _with_no_spare(monkeypatch, "core.is-vs-eq", TWO_OF_THREE).score)


# A pasted run of terms with one sentence after it: the sentence is what is read, and it is not a concise answer.
SENTENCE = "yield from passes send and throw through to the subgenerator and returns its value."
AFTER_A_LIST = ("delegation, subgenerator, send, throw, close, StopIteration value, return value, coroutine, await, "
                "recursion, tree walk, generator pipeline, cleanup, finally. " + SENTENCE)


def test_a_list_of_terms_with_one_sentence_after_it_is_not_judged_concise() -> None:
    alone, listed = _grade("core.yield-from", SENTENCE), _grade("core.yield-from", AFTER_A_LIST)
    assert any(note.startswith("judged for its length") for note in alone.notes)
    assert not any(note.startswith("judged for its length") for note in listed.notes)
    assert listed.score < alone.score  # the list adds nothing, and takes the concise reading away


def test_the_top_of_reach_is_left_for_long_answers_that_explain_much_more() -> None:
    from bot.scoring.concision import Reach
    # Two answers of 200 words, the second with 15 more of the topic's terms.  Reach gave both all of its share.
    incomplete, excellent = Reach(terms=40, words=200), Reach(terms=55, words=200)
    assert 0.5 < incomplete.fraction() < excellent.fraction() < 1.0
    # A concise answer as far past the centre is judged as before: it earns the whole share.
    assert Reach(terms=25, words=60).fraction() == 1.0
