"""What each criterion is about, as weighted words, so an answer in plain words still earns credit.

Indicator phrases recognise the usual wordings of a concept, and an answer in other words slips
past them.  A criterion's reference is every word the question and rubric use to describe it:
its name, level descriptions, hint, indicator phrases, follow-up questions, and the sentences of
the model answer that belong to it.  A word weighs more the fewer of the question's criteria
use it (it says what is special about this criterion), less when the prompt itself uses it
(repeating the question shows nothing) and less when it is everyday English.

An answer covers a criterion by the weight of the reference words its explanatory sentences use,
against the weight of the criterion's most telling words, and a short answer against what its
length allows (:func:`for_length`): three sentences cannot use as many words as thirty.  Coverage
is a second route to a level (see :mod:`bot.scoring.offline`): it cannot tell a right claim from a
wrong one, so it never outranks a misconception, and it counts only sentences the scorer already
takes as explanations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.engine.models import Question, Rubric
from bot.scoring.lexicon import COMMON_STEMS, EVERYDAY_STEMS
from bot.scoring.matcher import STOP_STEMS
from bot.scoring.text import tokens

PROMPT_WEIGHT = 0.3  # a word the question already used
EVERYDAY_WEIGHT = 0.4  # a word of everyday English
TELLING_WORDS = 12  # coverage is measured against this many of a criterion's heaviest words
TOPIC_ANCHORS = 3  # technical words of the whole rubric an answer must use before coverage counts at all
ANCHORS = 2  # technical words an answer must share with a criterion before coverage counts
# The coverage each level needs (fit on the blind dev part; see benchmarks/scoring/tune.py).  Level 3 needed 0.85
# until the twenty-first session; once reach stopped saturating at the top, 0.8 was better on the sixteen dev parts
# (pairwise 0.9411 -> 0.9418, plain-words strong answers at least as high as the incomplete one 392 -> 401 of 576,
# short strong 393 -> 392); 0.75 and a lower level 2 gained plain-words answers at the cost of short ones.
COVERAGE_LEVELS = (0.3, 0.55, 0.8)
# Coverage adds up the words of every explanatory sentence, so it grows with length: on the blind dev
# parts the mean coverage level was 0.2 for weak answers of about 60 words, 0.9 for strong ones of
# about 65 words and 2.5 for strong ones of about 350.  A concise answer is judged for its length:
# under CONCISE_WORDS words its coverage is scaled by CONCISE_WORDS / words, at most CONCISE_BOOST
# times.  The same scale counts the indicators of a concise answer that touches every criterion
# (:mod:`bot.scoring.offline`).  Chosen on the dev parts (100-150 words and a boost of 2-3 gave the
# same figures).
CONCISE_WORDS, CONCISE_BOOST = 120, 2.0


@dataclass(frozen=True)
class CriterionReference:
    weights: dict[str, float]
    norm: float  # the weight of the criterion's most telling words
    technical: frozenset[str]  # its words that are neither everyday English nor the prompt's


@dataclass(frozen=True)
class Reference:
    criteria: dict[str, CriterionReference]
    technical: frozenset[str]  # every criterion's technical words

    def on_topic(self, stems: set[str]) -> bool:
        """Whether an answer shares enough of the rubric's technical words for coverage to mean anything."""
        return len(stems & self.technical) >= TOPIC_ANCHORS


def content_stems(text: str) -> set[str]:
    """The words of ``text`` that can say something: stemmed, without stop words, one-letter words or numbers."""
    return {t.stem for t in tokens(text) if t.stem not in STOP_STEMS and len(t.stem) > 1 and not t.stem.isdigit()}


_CACHE: dict[tuple[int, int], tuple[Question, Rubric, Reference]] = {}


def reference(question: Question, rubric: Rubric) -> Reference:
    """The reference of every criterion of ``rubric``; built once per question and rubric."""
    key = (id(question), id(rubric))
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is question and cached[1] is rubric:
        return cached[2]
    built = _build(question, rubric)
    _CACHE[key] = (question, rubric, built)
    return built


def remember(question: Question, rubric: Rubric, built: Reference) -> None:
    """Take ``built`` as the reference of ``question`` and ``rubric``: one a cache built earlier with this same code."""
    _CACHE[(id(question), id(rubric))] = (question, rubric, built)


def _build(question: Question, rubric: Rubric) -> Reference:
    bags: dict[str, set[str]] = {}
    for c in rubric.criteria:
        words = content_stems(" ".join([c.name, *c.levels[1:], c.hint, *(p for i in c.indicators for p in i.phrases)]))
        words |= content_stems(" ".join(f.text for f in question.followups if f.criterion == c.id))
        bags[c.id] = words
    # Each sentence of the model answer goes to the criterion whose words it shares most.
    for sentence in question.strong_answer:
        own = content_stems(sentence)
        best = max(rubric.criteria, key=lambda c: len(own & bags[c.id]))
        if own & bags[best.id]:
            bags[best.id] = bags[best.id] | own
    shared: dict[str, int] = defaultdict(int)
    for words in bags.values():
        for w in words:
            shared[w] += 1
    asked = content_stems(question.prompt)
    criteria: dict[str, CriterionReference] = {}
    for cid, words in bags.items():
        weights = {w: (1.0 / shared[w]) * (PROMPT_WEIGHT if w in asked else 1.0)
                   * (EVERYDAY_WEIGHT if w in COMMON_STEMS else 1.0) for w in words}
        top = sorted(weights.values(), reverse=True)[:TELLING_WORDS]
        technical = frozenset(w for w in words if w not in EVERYDAY_STEMS and w not in asked)
        criteria[cid] = CriterionReference(weights, sum(top) or 1.0, technical)
    return Reference(criteria, frozenset().union(*(c.technical for c in criteria.values())))


def coverage(ref: CriterionReference, sentences: list[tuple[str, ...]]) -> tuple[float, int | None]:
    """How much of the criterion the sentences cover (0-1), and the sentence that covers most.

    Each sentence's stems come sorted: floating-point sums depend on their order, and a set's order
    changes from one process to the next, so two sentences covering a criterion equally could differ
    in the last bit and the one quoted as evidence would change between runs."""
    seen: set[str] = set()
    total = 0.0
    best, best_weight = None, 0.0
    for index, stems in enumerate(sentences):
        own = 0.0
        for s in stems:
            weight = ref.weights.get(s)
            if weight is None:
                continue
            own += weight
            if s not in seen:
                seen.add(s)
                total += weight
        if own > best_weight:
            best, best_weight = index, own
    # Everyday words alone ("load", "memory", "size") fit a talk on power generators as well as
    # one on Python's: without two of the criterion's own technical words nothing is covered.
    if len(seen & ref.technical) < ANCHORS:
        return 0.0, None
    return min(1.0, total / ref.norm), best


def concise_scale(words: int) -> float:
    """How much a concise answer's evidence is scaled up: ``CONCISE_WORDS / words``, from 1 to ``CONCISE_BOOST``."""
    return min(CONCISE_BOOST, max(1.0, CONCISE_WORDS / max(1, words)))


def for_length(covered: float, words: int) -> float:
    """Coverage as a concise answer of ``words`` words earns it: scaled up under ``CONCISE_WORDS``, never past 1."""
    return min(1.0, covered * concise_scale(words))


def coverage_level(covered: float) -> int:
    """The level that coverage alone supports."""
    return sum(1 for floor in COVERAGE_LEVELS if covered >= floor)
