"""A concise answer is judged for its length: three sentences cannot use as many words, or make as many points, as thirty."""

from __future__ import annotations

import pytest

from bot.bootstrap import load_bank, offline_scorer
from bot.content.bank import QuestionBank
from bot.scoring import levels, reference
from bot.scoring.concision import CONCISE_POWER, Reach
from bot.scoring.reference import CONCISE_BOOST, CONCISE_WORDS, concise_scale, for_length

# The GIL in plain words, in under fifty: every point made once, few of the rubric's own terms.
CONCISE_GIL = ("Only one thread at a time can run Python code in a process, so threads don't speed up number "
               "crunching; they still help when the program mostly waits on the network or disk, because the lock "
               "is let go while waiting. For heavy math use several processes.")


# `is` against `==` in under thirty words, something of every criterion; and its second half alone, which
# names two points of one criterion and one of another but nothing of what `is` and `==` each do.
CONCISE_IS = ("`==` compares values through `__eq__`; `is` checks identity, the same object. Small ints are cached, "
              "so `is` only looks right by accident; use `is` just for None.")
NARROW_IS = "Small ints are cached, so `is` only looks right by accident; use `is` just for None."


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank(warm=False)


@pytest.mark.parametrize(("words", "scale"), [(CONCISE_WORDS, 1.0), (CONCISE_WORDS * 3, 1.0),
                                              (CONCISE_WORDS * 3 // 4, 4 / 3), (CONCISE_WORDS // 2, 2.0),
                                              (CONCISE_WORDS // 10, CONCISE_BOOST), (0, CONCISE_BOOST)])
def test_coverage_is_scaled_up_only_under_the_typical_length_and_only_so_far(words: int, scale: float) -> None:
    assert for_length(0.2, words) == pytest.approx(0.2 * scale)


def test_scaled_coverage_never_passes_full() -> None:
    assert for_length(0.9, 10) == 1.0
    assert for_length(0.0, 10) == 0.0  # nothing covered stays nothing


def test_a_concise_plain_answer_is_not_marked_down_for_its_length(bank: QuestionBank,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    question, rubric = bank.get("core.gil"), bank.rubric("core.gil")
    scorer = offline_scorer(bank)
    judged = scorer.grade(question, rubric, CONCISE_GIL)
    monkeypatch.setattr(reference, "CONCISE_BOOST", 1.0)  # as if judged against a long answer's coverage
    unscaled = scorer.grade(question, rubric, CONCISE_GIL)
    assert judged.score > unscaled.score
    assert all(a.score >= b.score for a, b in zip(judged.criteria, unscaled.criteria, strict=True))
    assert judged.score >= 70  # a lean-yes or better: every point of the question is made, once


def test_a_short_run_of_terms_still_earns_nothing(bank: QuestionBank) -> None:
    question, rubric = bank.get("core.gil"), bank.rubric("core.gil")
    listed = "GIL, threads, processes, CPU-bound, I/O-bound, multiprocessing, asyncio, bytecode, lock, release."
    assert offline_scorer(bank).grade(question, rubric, listed).score == 0


def test_the_scale_is_the_same_for_points_made_as_for_words_covered() -> None:
    assert [concise_scale(w) for w in (CONCISE_WORDS * 2, CONCISE_WORDS, CONCISE_WORDS // 2, 1)] == \
        [1.0, 1.0, 2.0, CONCISE_BOOST]


def test_a_concise_answer_touching_every_criterion_counts_each_point_for_more(bank: QuestionBank,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    question, rubric = bank.get("core.is-vs-eq"), bank.rubric("core.is-vs-eq")
    scorer = offline_scorer(bank)
    judged = scorer.grade(question, rubric, CONCISE_IS)
    monkeypatch.setattr(levels, "concise_scale", lambda words: 1.0)  # each point counted once, as in a long answer
    counted_once = scorer.grade(question, rubric, CONCISE_IS)
    assert judged.score > counted_once.score
    assert all(c.score > 0 for c in judged.criteria)


def test_a_short_answer_that_knows_one_thing_is_not_lifted(bank: QuestionBank, monkeypatch: pytest.MonkeyPatch) -> None:
    question, rubric = bank.get("core.is-vs-eq"), bank.rubric("core.is-vs-eq")
    scorer = offline_scorer(bank)
    judged = scorer.grade(question, rubric, NARROW_IS)
    monkeypatch.setattr(levels, "concise_scale", lambda words: 1.0)
    assert judged == scorer.grade(question, rubric, NARROW_IS)
    assert [c.score for c in judged.criteria] == [0, 2, 1]  # counted twice, the last two would reach 3 and 2
    assert judged.score < scorer.grade(question, rubric, CONCISE_IS).score


def test_the_scorecard_says_when_an_answer_was_judged_for_its_length(bank: QuestionBank) -> None:
    question, rubric = bank.get("core.is-vs-eq"), bank.rubric("core.is-vs-eq")
    scorer = offline_scorer(bank)
    concise = scorer.grade(question, rubric, CONCISE_IS)
    assert any(n.startswith("judged for its length: in 27 words") and "2.0 times" in n for n in concise.notes)
    # The same points with the length of a full answer: nothing was scaled, so nothing is said.
    padded = CONCISE_IS + " " + " ".join(["In code review I would point this out and show the fix."] * 9)
    assert not any(n.startswith("judged for its length") for n in scorer.grade(question, rubric, padded).notes)


def test_reach_counts_a_concise_broad_answers_terms_more_and_a_long_ones_as_they_are() -> None:
    short, long = Reach(15, CONCISE_WORDS // 2), Reach(15, CONCISE_WORDS * 2)
    assert short.concise().scale == pytest.approx(concise_scale(CONCISE_WORDS // 2) ** CONCISE_POWER)
    assert short.concise().fraction() >= short.fraction()
    assert long.concise() == long  # past the typical length nothing changes
    assert Reach(0, 20).concise().fraction() == Reach(0, 20).fraction()  # no terms, nothing to count twice


def test_reach_is_judged_for_length_only_when_every_criterion_has_something(bank: QuestionBank) -> None:
    question, rubric = bank.get("core.is-vs-eq"), bank.rubric("core.is-vs-eq")
    scorer = offline_scorer(bank)
    broad = scorer.assess(question, rubric, CONCISE_IS)
    narrow = scorer.assess(question, rubric, NARROW_IS)
    assert broad.reach is not None and broad.reach.scale > 1
    assert any("counted" in note and "concise answer" in note for note in broad.result.notes)  # the scorecard says so
    assert min(c.score for c in narrow.result.criteria) == 0  # one criterion has nothing
    assert narrow.reach is None or narrow.reach.scale == 1.0
