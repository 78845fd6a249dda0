"""Whether an answer is about its own question or about another one in the catalogue.

A criterion's level can be reached through coverage of its reference words
(:mod:`bot.scoring.reference`), and neighbouring topics share many of them: an answer that
explains decorators to a question about closures, or a token-bucket rate limiter to a question
about a URL shortener, still uses "function", "scope", "Redis" and "key".  On the blind dev parts
such answers earned up to 46 points, above honest but weak answers to the question asked.

What tells them apart is the rest of the catalogue.  Every question has a bag of words: its prompt
and every word its criteria's references hold.  A word weighs more the fewer bags hold it
(inverse document frequency), and a bag's weights are scaled to unit length, so a long rubric does
not win by size.  An answer's affinity to a question is the weight of the bag's words it uses.
When it is much closer to another question than to its own (``ratio`` below ``FULL``), only part
of its grade is kept, down to none at ``NONE``; the scorecard names the question it fits better.
On the dev parts this ratio was under 0.8 for 131 of 180 off-topic answers and for at most 2 of
180 answers of each on-topic kind; the band was chosen there (``benchmarks/RESULTS.md``).

A question about the candidate (the recruiter screen and behavioral rounds) is compared only with
others of its kind: a story or a career pitch is set in the candidate's technical work, so its
words ("we moved the ingestion to asyncio and p95 fell") are the setting, not the topic.  On the dev
parts the whole catalogue sent 11 on-topic answers to those questions to a technical question, six
of them strong; the answers that really belong elsewhere are another story or pitch.

An answer whose criterion levels already reach ``ANSWERED_LEVELS`` has answered its own question,
whatever else its words are near: a generator answer that streams a log file reads like the log
question, and a decorator answer like the retry one.  Unless it is far closer to the other question
(it keeps less than ``ANSWERED_KEPT`` of its grade), nothing is taken off.

The comparison needs the whole catalogue, so the composition root builds :class:`Topics` once
from the bank and hands it to the offline scorer; without it, no answer is judged off-topic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from bot.engine.models import Question, RoundKind, Rubric
from bot.scoring.reference import content_stems, reference

# Affinity to the own question over the best other one: at or above FULL the whole grade is kept,
# at or below NONE none of it, and in between a linear share.
FULL, NONE = 0.9, 0.5
# Levels at which the answer has met most of its own question's criteria, and the share it must keep by
# affinity alone, for the answer to count as one to its own question.  On the five dev parts the rule fired on
# eight answers graded 3 whose levels were 77-100 (they kept 0.67-0.96 by affinity), while the one off-topic
# answer with levels that high kept 0.03 and long vague answers stayed below 75.
ANSWERED_LEVELS, ANSWERED_KEPT = 75, 0.5
# Rounds whose questions are about the candidate: compared among themselves only.
PERSONAL = frozenset({RoundKind.SCREEN, RoundKind.BEHAVIORAL})


@dataclass(frozen=True)
class Fit:
    """How an answer relates to its own question against the closest other one."""

    ratio: float  # affinity to its own question over the best other question's
    nearest: str  # the other question it fits best
    kept: float  # the share of the grade it keeps, 0-1


@dataclass(frozen=True)
class Topics:
    """Every question's weighted words, indexed by word so an answer is compared with all at once."""

    postings: dict[str, tuple[tuple[str, float], ...]]  # stem -> (question id, weight) for each bag holding it
    titles: dict[str, str]  # question id -> its title, for the scorecard's note
    personal: frozenset[str] = frozenset()  # questions about the candidate, compared only with each other

    @cached_property
    def _ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.titles))

    @cached_property
    def _numbered(self) -> dict[str, tuple[tuple[int, float], ...]]:
        """The postings with each question as its position in ``_ids``: summing into a list is twice as fast."""
        at = {qid: i for i, qid in enumerate(self._ids)}
        return {stem: tuple((at[qid], weight) for qid, weight in found) for stem, found in self.postings.items()}

    def fit(self, question_id: str, stems: Iterable[str]) -> Fit | None:
        """The answer's fit, or None when it is not closer to another question (or there is none)."""
        sums = [0.0] * len(self._ids)
        numbered = self._numbered
        # In sorted order: the words come as a set, whose order changes from one process to the next, and
        # floating-point sums depend on their order.
        for stem in sorted(stem for stem in stems if stem in numbered):
            for i, weight in numbered[stem]:
                sums[i] += weight
        affinity = {qid: value for qid, value in zip(self._ids, sums, strict=True) if value > 0}
        own = affinity.pop(question_id, 0.0)
        if question_id in self.personal:
            affinity = {qid: value for qid, value in affinity.items() if qid in self.personal}
        if question_id not in self.titles or not affinity:
            return None
        nearest, best = max(affinity.items(), key=lambda item: (item[1], item[0]))
        if best <= 0 or own >= best * FULL:
            return None
        ratio = own / best
        return Fit(ratio, nearest, max(0.0, min(1.0, (ratio - NONE) / (FULL - NONE))))

    @staticmethod
    def answered(found: Fit, levels_score: int) -> bool:
        """Whether the levels say the answer is to its own question, however close another one is."""
        return levels_score >= ANSWERED_LEVELS and found.kept >= ANSWERED_KEPT

    def note(self, found: Fit) -> str:
        """What the scorecard says about an answer that fits another question better."""
        return (f"this answer reads more like one to another question ({self.titles[found.nearest]!r}) than to "
                f"this one: {round(found.kept * 100)}% of its grade is kept")


def build(pairs: Iterable[tuple[Question, Rubric]]) -> Topics:
    """The catalogue's topics from each question with its rubric."""
    bags: dict[str, set[str]] = {}
    titles: dict[str, str] = {}
    personal: set[str] = set()
    for question, rubric in pairs:
        if question.round in PERSONAL:
            personal.add(question.id)
        bag = content_stems(question.prompt)
        for criterion in reference(question, rubric).criteria.values():
            bag |= criterion.weights.keys()
        bags[question.id] = bag
        titles[question.id] = question.title
    holders: dict[str, int] = defaultdict(int)
    for bag in bags.values():
        for stem in bag:
            holders[stem] += 1
    idf = {stem: math.log(len(bags) / count) for stem, count in holders.items()}
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for qid, bag in sorted(bags.items()):
        length = math.sqrt(math.fsum(idf[s] ** 2 for s in bag)) or 1.0
        for stem in sorted(bag):
            if idf[stem] > 0:  # a word every question holds tells them apart no better than silence
                postings[stem].append((qid, round(idf[stem] / length, 6)))  # six places: a small file to keep
    return Topics({stem: tuple(found) for stem, found in postings.items()}, titles, frozenset(personal))
