"""The one place where criterion levels become a 0-100 score and a score becomes a hire signal.

Every scorer (offline, LLM judge) reports levels per criterion; only this module turns them
into numbers, so two scorers that agree on the levels agree on what the levels are worth.  (The
offline scorer then gives a fifth of its grade to reach, :mod:`bot.scoring.concision`, since it
cannot tell answers at the same levels apart any other way.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.engine.models import Signal

# Lower bound (inclusive) of each signal band, strongest first.  Shown to users by
# ``signal_bands()`` so the scorecard can explain what a number means.
SIGNAL_FLOORS: tuple[tuple[Signal, int], ...] = (
    (Signal.STRONG_YES, 85),  # mostly level 3: deep, production-grounded
    (Signal.YES, 65),  # level 2 everywhere: correct and complete
    (Signal.LEAN_YES, 50),
    (Signal.NO, 30),
    (Signal.STRONG_NO, 0),
)

MAX_LEVEL = 3
# A revealed hint caps that criterion at this level: the candidate was given the idea.
HINTED_CEILING = 2


def signal_for(score: int) -> Signal:
    """Map a 0-100 score to its hire signal."""
    for signal, floor in SIGNAL_FLOORS:
        if score >= floor:
            return signal
    return Signal.STRONG_NO


def signal_bands() -> list[tuple[Signal, int, int]]:
    """Each signal with its inclusive score range, weakest first, for display."""
    bands: list[tuple[Signal, int, int]] = []
    upper = 100
    for signal, floor in SIGNAL_FLOORS:
        bands.append((signal, floor, upper))
        upper = floor - 1
    return list(reversed(bands))


def combine(levels: Sequence[tuple[float, int]], cap: int | None = None) -> int:
    """Weighted mean of criterion levels as 0-100, then limited by a red-flag ``cap``.

    ``levels`` holds ``(weight, level)`` pairs whose weights sum to 1.
    """
    raw = sum(weight * level / MAX_LEVEL for weight, level in levels) * 100
    score = round(raw)
    if cap is not None:
        score = min(score, cap)
    return max(0, min(100, score))


# A coding answer that ran: half its score is the share of tests passed, half the rubric
# (assumptions stated, edge cases, naming, explanation).  Code that passes every test but is
# explained badly lands near the yes/lean-yes line; an eloquent answer that fails every test
# cannot reach lean-yes.
TESTS_WEIGHT = 0.5
# Code that fails any of its tests is not yet a working solution: however well it is explained, it is at most
# lean yes.  Without this, a wrong answer that failed one hidden case kept nearly all of its grade.  Over the blind
# dev parts dev5 to dev16 (48 pairs of a right and a wrong code answer to the same question; every right one passes
# all its tests, no wrong one does) half-and-half ordered 45 pairs right, with this ceiling all 48.
FAILING_CEILING = dict(SIGNAL_FLOORS)[Signal.YES] - 1


def with_tests(rubric_score: int, passed: int, total: int) -> int:
    """A coding answer's score from its rubric score and its tests passed (at most ``FAILING_CEILING`` if any fail)."""
    if total <= 0:
        return rubric_score
    score = max(0, min(100, round(TESTS_WEIGHT * 100 * passed / total + (1 - TESTS_WEIGHT) * rubric_score)))
    return min(score, FAILING_CEILING) if passed < total else score


def mean_score(scores: Iterable[int]) -> int | None:
    """Mean of question scores for a round or a session; ``None`` when nothing was asked."""
    values = list(scores)
    if not values:
        return None
    return round(sum(values) / len(values))
