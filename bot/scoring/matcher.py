"""Finding rubric phrases in an answer: stems in a small window, tolerant of word order and typos.

A rubric is compiled once (phrases to stem tuples, a vocabulary for typo repair); an answer
is tokenised once; then each phrase is a lookup of positions and a smallest-window check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz.distance import Levenshtein

from bot.engine.models import Criterion, RedFlag, Rubric
from bot.scoring.lexicon import COMMON_STEMS
from bot.scoring.text import CLAUSE_BREAKS, STOPWORDS, Sentence, negator_count, phrase_stems, stem

STOP_STEMS = frozenset(stem(w) for w in STOPWORDS) | STOPWORDS
FUZZY_MIN_LEN = 5
FUZZY_MIN_SIMILARITY = 0.8
# A call with arguments inside a phrase: ``name(arg``.
_CALL = re.compile(r"[A-Za-z_]\w*\(\s*[^\s)]")
REPAIR_CACHE = 20000  # per rubric; arbitrary text must not grow it without bound


@dataclass(frozen=True)
class Phrase:
    stems: tuple[str, ...]
    ordered: bool = False  # strict phrases (red flags, quoted sequences) match their words in order
    sequence: bool = False  # a quoted indicator phrase: every word, in order, a filler or so between each
    call: bool = False  # written as a call with arguments ("select_related('items')"): the words stay together
    negators: int = 0  # negations the phrase itself states ("can't do concurrency")

    @cached_property
    def needed(self) -> frozenset[str]:
        return frozenset(self.stems)

    @property
    def max_span(self) -> int:
        """How many tokens a match may spread over: the phrase plus a few fillers."""
        n = len(self.stems)
        if self.call:
            return n + 1  # "list(rows) is empty": one small word at most
        if self.sequence:
            return 2 * n  # "D, then B, then C, then A"
        return n + (2 if self.ordered else max(3, n))


@dataclass(frozen=True)
class CompiledIndicator:
    id: str
    phrases: tuple[Phrase, ...]
    code: tuple[str, ...] = ()  # code facts that evidence it too

    @cached_property
    def openers(self) -> frozenset[str]:
        """Each phrase's first word: an answer that has none of them evidences the indicator in no sentence."""
        return frozenset(p.stems[0] for p in self.phrases)


@dataclass(frozen=True)
class CompiledCriterion:
    criterion: Criterion
    indicators: tuple[CompiledIndicator, ...]


@dataclass(frozen=True)
class CompiledRedFlag:
    flag: RedFlag
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class CompiledRubric:
    criteria: tuple[CompiledCriterion, ...]
    red_flags: tuple[CompiledRedFlag, ...]
    by_initial: dict[str, tuple[str, ...]]  # rubric vocabulary by first letter, for typo repair
    vocabulary: frozenset[str]
    # What counts towards a sentence's share of rubric terms: the credit phrases' words.  A rubric with
    # many misconceptions spelt out would otherwise make honest sentences near them look like term lists.
    terms: frozenset[str] = frozenset()
    # Repairs already worked out for this rubric; answers reuse most of their words.
    repairs: dict[str, str] = field(default_factory=dict, compare=False)


def _phrases(texts: list[str], strict: bool = False) -> tuple[Phrase, ...]:
    return tuple(p for p in (_phrase(t, strict) for t in texts) if p.stems)


def _phrase(text: str, strict: bool) -> Phrase:
    """A quoted phrase ('"d b c a"') is a sequence: all its words, in that order.

    Plain indicator phrases match their content words in any order, which is right for
    "evaluated once" / "once evaluated" but wrong where the order is the answer itself.
    A phrase that had to keep its small words ("i was wrong", "group by") is carried by
    those words' order and subject, so it matches in order: "he was wrong" is not "I was wrong".
    """
    quoted = len(text) > 2 and text.startswith('"') and text.endswith('"')
    if _CALL.search(text):
        # A call names its argument: "select_related('items')" is not "select_related(...) if items".
        return Phrase(phrase_stems(text, strict=True), ordered=True, sequence=True, call=True,
                      negators=negator_count(text))
    if quoted and not strict:
        return Phrase(phrase_stems(text, strict=True), ordered=True, sequence=True)
    stems = phrase_stems(text, strict)
    grammatical = any(s in STOP_STEMS for s in stems)
    return Phrase(stems, ordered=strict or grammatical, negators=negator_count(text))


_COMPILED: dict[int, tuple[Rubric, CompiledRubric]] = {}
_ARROW = re.compile(r"->|\u2192|=>")


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    """Stem every phrase of ``rubric`` once; rubrics are immutable, so the object keys the cache."""
    cached = _COMPILED.get(id(rubric))
    if cached is not None and cached[0] is rubric:
        return cached[1]
    compiled = _compile(rubric)
    _COMPILED[id(rubric)] = (rubric, compiled)
    return compiled


def remember(rubric: Rubric, compiled: CompiledRubric) -> None:
    """Take ``compiled`` as ``rubric``'s compiled form: one a cache built earlier with this same code."""
    _COMPILED[id(rubric)] = (rubric, compiled)


def _compile(rubric: Rubric) -> CompiledRubric:
    criteria = tuple(
        CompiledCriterion(c, tuple(CompiledIndicator(i.id, _phrases(i.phrases), tuple(i.code)) for i in c.indicators))
        for c in rubric.criteria
    )
    flags = tuple(CompiledRedFlag(f, _phrases(f.phrases, strict=True)) for f in rubric.red_flags)
    # Stopwords kept inside phrases ("with a lock") are not rubric vocabulary: counting them
    # would make ordinary sentences look like term lists.
    vocab = {s for crit in criteria for ind in crit.indicators for phrase in ind.phrases for s in phrase.stems}
    vocab.update(s for flag in flags for phrase in flag.phrases for s in phrase.stems)
    vocab -= STOP_STEMS
    buckets: dict[str, list[str]] = defaultdict(list)
    for word in vocab:
        buckets[word[0]].append(word)
    terms = {s for crit in criteria for ind in crit.indicators for phrase in ind.phrases for s in phrase.stems} - STOP_STEMS
    # Sorted: typo repair takes the first of equally close words, and a set's order changes with the
    # interpreter's hash seed, so unsorted buckets gave the same answer different grades in different processes.
    return CompiledRubric(criteria, flags, {k: tuple(sorted(v)) for k, v in buckets.items()}, frozenset(vocab), frozenset(terms))


def repair(stem: str, rubric: CompiledRubric) -> str:
    """Map a misspelt stem to the rubric word it most likely meant, or return it unchanged.

    A correctly spelt everyday word is never rewritten, however close it is to a rubric word:
    "while" is not a typo for "whole"."""
    if len(stem) < FUZZY_MIN_LEN or stem in STOPWORDS or stem in COMMON_STEMS:
        return stem
    best, best_score = stem, FUZZY_MIN_SIMILARITY
    for word in rubric.by_initial.get(stem[0], ()):
        if word == stem:
            return stem
        if abs(len(word) - len(stem)) > 2 or len(word) < FUZZY_MIN_LEN:
            continue
        score = Levenshtein.normalized_similarity(stem, word)
        if score >= best_score:
            best, best_score = word, score
    return best


@dataclass(frozen=True)
class Located:
    """One sentence prepared for matching: repaired stems and where each occurs."""

    sentence: Sentence
    stems: tuple[str, ...]
    positions: dict[str, tuple[int, ...]]
    text: str = ""  # the whole answer the sentence belongs to
    vocabulary_share: float = 0.0  # share of its words that are rubric terms
    reach: tuple[int, ...] = ()  # per token, how many content words precede it: spans ignore "the", "to", ...

    @cached_property
    def written(self) -> dict[str, tuple[int, ...]]:
        """Where each stem occurs as written, before typo repair: a claim names words, and "architect"
        is not a misspelt "architecture" however close the two look."""
        found: dict[str, list[int]] = defaultdict(list)
        for index, token in enumerate(self.sentence.tokens):
            if token.stem != self.stems[index]:
                found[token.stem].append(index)
        return {stem: tuple(at) for stem, at in found.items()}

    def comma_before(self, i: int) -> bool:
        """Whether a comma stands between token ``i`` and the one before it: ", which", ", and" open a clause."""
        tokens = self.sentence.tokens
        return i > 0 and "," in self.text[tokens[i - 1].end : tokens[i].start]

    @cached_property
    def said(self) -> frozenset[str]:
        """Every stem the sentence holds, as repaired or as written: what any claim's words must be among."""
        return frozenset(self.positions) | frozenset(self.written)

    @cached_property
    def clause_words(self) -> tuple[frozenset[str], ...]:
        """Per clause (see ``clauses``), every stem it holds, as repaired or as written."""
        tokens = self.sentence.tokens
        return tuple(frozenset(self.stems[lo:hi]).union(t.stem for t in tokens[lo:hi]) for lo, hi in self.clauses)

    @cached_property
    def clauses(self) -> tuple[tuple[int, int], ...]:
        """Token ranges of the sentence's clauses, split at clause-breaking words, ", and", semicolons, dashes, pluses
        and the arrows of a chain."""
        tokens = self.sentence.tokens
        bounds, start = [], 0
        # "LB → cache (negative caching too) → replica → 302": in a chain of three notes or more each is a stage of
        # its own, while a lone "X → Y" relates its two sides.
        chained = len(_ARROW.findall(self.text, self.sentence.start, self.sentence.end)) >= 2
        for i in range(1, len(tokens)):
            gap = self.text[tokens[i - 1].end : tokens[i].start]
            if chained and _ARROW.search(gap):
                bounds.append((start, i))
                start = i
                continue
            # ", and" / ", or" join two clauses ("select_related joins, and prefetch_related runs a query").
            joined = tokens[i].norm in ("and", "or") and "," in gap
            # "select_related("customer") + prefetch_related("items")": a plus between notes joins two of them.
            if tokens[i].norm in CLAUSE_BREAKS or joined or ";" in gap or "\u2014" in gap or " - " in gap or " + " in gap:
                bounds.append((start, i))
                start = i
        bounds.append((start, len(tokens)))
        return tuple(bounds)


def locate(sentence: Sentence, rubric: CompiledRubric, fixes: dict[str, str], text: str = "") -> Located:
    stems: list[str] = []
    known_repairs, terms = rubric.repairs, rubric.terms
    positions: dict[str, list[int]] = defaultdict(list)
    known = content = 0
    reach: list[int] = []
    for index, token in enumerate(sentence.tokens):
        fixed = fixes.get(token.stem) or known_repairs.get(token.stem)
        if fixed is None:
            fixed = fixes[token.stem] = repair(token.stem, rubric)
            if len(known_repairs) < REPAIR_CACHE:
                known_repairs[token.stem] = fixed
        stems.append(fixed)
        positions[fixed].append(index)
        known += fixed in terms
        reach.append(content)
        content += 2 if token.norm not in STOPWORDS else 1
    return Located(sentence, tuple(stems), {k: tuple(v) for k, v in positions.items()}, text,
                   known / len(stems) if stems else 0.0, tuple(reach))


def find(phrase: Phrase, where: Located) -> tuple[int, int] | None:
    """Smallest token window holding the phrase's stems (in order if it is strict), within its span."""
    if any(s not in where.positions for s in phrase.stems):
        return None
    return _find_ordered(phrase, where) if phrase.ordered else _find_any_order(phrase, where)


def _find_ordered(phrase: Phrase, where: Located) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for first in where.positions[phrase.stems[0]]:
        at = first
        for stem_ in phrase.stems[1:]:
            following = [p for p in where.positions[stem_] if p > at]
            if not following:
                break
            at = following[0]
        else:
            if at - first + 1 <= phrase.max_span and (best is None or at - first < best[1] - best[0]):
                best = (first, at)
    return best


def _find_any_order(phrase: Phrase, where: Located) -> tuple[int, int] | None:
    need: dict[str, int] = defaultdict(int)
    for stem_ in phrase.stems:
        need[stem_] += 1
    if any(len(where.positions[s]) < n for s, n in need.items()):
        return None
    if len(phrase.stems) == 1:
        first = where.positions[phrase.stems[0]][0]
        return first, first
    events = sorted((pos, s) for s in need for pos in where.positions[s])
    counts: dict[str, int] = defaultdict(int)
    have, left, best = 0, 0, None
    for pos, s in events:
        counts[s] += 1
        if counts[s] == need[s]:
            have += 1
        while have == len(need):
            lpos, ls = events[left]
            if best is None or _width(where, lpos, pos) < _width(where, *best):
                best = (lpos, pos)
            if counts[ls] == need[ls]:
                have -= 1
            counts[ls] -= 1
            left += 1
    if best is None or _width(where, *best) > phrase.max_span:
        return None
    return best


def _width(where: Located, first: int, last: int) -> int:
    """Tokens a window spans, not counting function words between its ends."""
    if not where.reach:
        return last - first + 1
    return (where.reach[last] - where.reach[first]) // 2 + 1
