"""How much of the topic an answer explains for its length: a learned share of the offline grade.

Criterion levels are coarse.  Two answers that reach the same levels often differ in what a
reader notices at once: one names a dozen of the topic's ideas in a hundred words, the other
circles three ideas for four hundred.  And levels saturate: a good-but-incomplete answer that
touches every criterion ties with an excellent one at 100.  On answers written blind, the
levels alone ordered a strong answer above the same question's incomplete one in fewer than
two pairs of three.

So a fixed share of the offline grade (``SHARE``) is the answer's *reach*: the distinct words of
the rubric's credit phrases its explanatory sentences use (words the question itself used do not
count, list-like sentences do not count, and the wordings of misconceptions are not terms), against
the logarithm of its length in words (up to ``LENGTH_CAP``).  The two weights and the centre were fit, not set by hand: a
pairwise logistic model over the blind dev parts' answers (``python -m benchmarks.scoring.fit_reach``,
which also reports each part's figure when that part is left out of the fit).  Reach cannot lift an
answer the levels found nothing in, and an answer that tries to instruct the grader gets none (see
:mod:`bot.scoring.offline`).  Length alone never earns anything: more words lower reach unless
they bring new terms with them, up to a length past which a thorough answer is not marked down further.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bot.scoring.reference import CONCISE_WORDS, concise_scale

# The share of the offline grade that reach decides; the levels decide the rest.  Chosen on the left-out
# dev figures of benchmarks/scoring/fit_reach.py: 0.1 to 0.3 move pairwise by about 0.01 and short strong
# answers the other way; 0.2 was at least as good as 0.15 on both.
SHARE = 0.2
# Past this many words an answer is not marked down further for its length.  A thorough answer in plain
# words runs long without naming many of the rubric's terms; capped here, plain-words strong answers on
# the dev parts ranked at least as high as the incomplete one in 132 of 180 questions instead of 120
# (pairwise 0.941 → 0.943; 175-250 words gave about the same).  Set after the weights below were fit.
LENGTH_CAP = 200


def length_term(words: int) -> float:
    """What an answer's length weighs against its terms: the log of its words, up to ``LENGTH_CAP``."""
    return math.log1p(min(words, LENGTH_CAP))


@dataclass(frozen=True)
class Fit:
    """Reach's weights, on a scale of grade points."""

    term_weight: float  # per distinct topic term
    length_weight: float  # per unit of log(1 + words)
    centre: float  # the reach value of the median dev answer that earns reach
    spread: float  # values this far either side of the centre earn all of the share, or none
    # Above the centre, for an answer of ``CONCISE_WORDS`` or more: how far past the centre its value must be to
    # earn the whole share (None: ``spread``).  See ``TOP_SPREAD``.
    top_spread: float | None = None

    def fraction(self, terms: float, words: int) -> float:
        """0-1: how much of the share an answer with ``terms`` topic terms in ``words`` words earns."""
        value = self.term_weight * terms - self.length_weight * length_term(words)
        spread = self.spread
        if self.top_spread is not None and value > self.centre and words >= CONCISE_WORDS:
            spread = self.top_spread
        return max(0.0, min(1.0, 0.5 + (value - self.centre) / (2 * spread)))


# A concise answer's terms count concise_scale(words) to this power (see ``Reach.concise``).  On the five
# dev parts: 0.5 kept pairwise (mean 0.944 either way) and raised short strong answers at least as high as
# the incomplete one from 112 to 121 of 180; the full scale (1.0) raised them to 122-127 but cost 0.002-0.006
# pairwise, because weak answers are short too.
CONCISE_POWER = 0.5
# Reach saturated ten points past the centre, where most good-but-incomplete answers of a hundred words or more
# already are: with their levels at the top too, they tied with excellent answers at 100 (153 of the ties on the
# sixteen blind dev parts, most of the rest in the 80s and 90s).  Above the centre a longer answer now earns the
# rest of the share four times as slowly, so the top of it is left for answers that explain much more of the
# topic; a concise answer, whose terms already count for more, is judged as before.  On the dev parts: pairwise
# 0.932 -> 0.941, short strong answers at least as high as the incomplete one 368 -> 394 of 576, plain-words strong
# ones 401 -> 392 (they use fewer of the rubric's terms), fluent-but-wrong below it 543 -> 542.  20 and 30 gained
# less; 60 gained no more pairwise and cost more plain-words answers.
TOP_SPREAD = 40.0
# Fit by ``python -m benchmarks.scoring.fit_reach`` on the blind dev parts; its output is in benchmarks/RESULTS.md.
FITTED = Fit(term_weight=1.737, length_weight=23.153, centre=-65.154, spread=10.0, top_spread=TOP_SPREAD)


@dataclass(frozen=True)
class Reach:
    """What reach is computed from, kept so the scorecard can say it."""

    terms: int  # distinct words of the credit phrases in the explanatory sentences, not the question's own
    words: int
    scale: float = 1.0  # how many times each term counts: more than once in a concise answer (see ``concise``)

    def fraction(self, fit: Fit = FITTED) -> float:
        return fit.fraction(self.terms * self.scale, self.words)

    def concise(self) -> Reach:
        """This reach judged for a concise answer's length: each term counts ``concise_scale ** CONCISE_POWER`` times.

        Levels already judge a concise answer for its length (:mod:`bot.scoring.reference`), but reach
        did not: the length term above undervalues brevity at the short end, so a 65-word answer
        with every criterion at a level lost up to 16 points of reach to a 150-word incomplete one
        that merely named more terms.  The square root, not the full scale, because the length term
        already gives part of it back.  Only for an answer the levels found something of every
        criterion in (the caller's condition), so a short answer that knows one thing is not lifted."""
        return replace(self, scale=concise_scale(self.words) ** CONCISE_POWER)


def blend(level_score: int, reach: Reach | None, capped: bool = False, fit: Fit = FITTED) -> int:
    """The offline grade: ``1 - SHARE`` of it from the levels, ``SHARE`` from reach.

    Without reach (nothing recognised, or an attempt to instruct the grader) the levels' score
    is scaled the same way, so every answer is on one scale.  Under a red flag's cap reach can
    lower the grade but never lift it past what the cap left."""
    earned = reach.fraction(fit) if reach is not None else 0.0
    score = max(0, min(100, round((1 - SHARE) * level_score + SHARE * 100 * earned)))
    return min(score, level_score) if capped else score
