"""What each sentence of an answer can do for its grade: explain, list terms, or state a misconception.

The first step of the offline scorer (:mod:`bot.scoring.offline`).  The answer is split into
sentences; those that only repeat the question, runs of bare terms (but not terse notes that relate
their terms), generic talk, questions (unless the prompt asks for them) and sentences that state a
misconception are set aside, since none of them can earn credit.  For the rest it finds which of the
rubric's indicators each sentence evidences, and which of those sentences are term lists in disguise.
Kept apart from the levels (:mod:`bot.scoring.levels`) so that what counts as an explanation is
decided in one place, before anything is scored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from bot.engine.models import Question
from bot.scoring.claim_form import Claim, compile_claim
from bot.scoring.fences import blocks
from bot.scoring.guards import echo_filter
from bot.scoring.matcher import CompiledCriterion, CompiledRubric, Located, Phrase, find, locate
from bot.scoring.misclaims import asserted
from bot.scoring.refuted import at_arms_length
from bot.scoring.text import Sentence, glue, is_listy, is_question, relates, sentences
from bot.scoring.vagueness import Talk, general_talk, is_vague

# A sentence that hits this many indicators while being this short is a term list in disguise.
DENSE_HITS = 4
DENSE_TOKENS_PER_HIT = 3
# However long the sentence, this many indicators at once is a pasted run of rubric phrases, unless it has the
# grammar of prose (see ``_prose``): such a sentence tells how its many parts fit together.
CROWDED_HITS = 8
PROSE_GLUE, PROSE_COMMA_SPACING = 0.3, (5, 20)  # share of function words; words per comma, at least and at most
# Where one note of a chain ends and the next begins ("collectors -> Kafka -> stream job; alert on lag").
_STAGE_BREAK = re.compile(r"->|=>|\u2192|;|\(|\)")


@dataclass(frozen=True)
class Hit:
    """Where an indicator is evidenced: a sentence (or a line of code) and the match inside it."""

    start: int
    end: int
    focus: tuple[int, int]  # the matched words, kept in view when a long sentence is trimmed

    @classmethod
    def whole(cls, sentence: Sentence, keep: int) -> Hit:
        """A whole sentence as the evidence, its first ``keep`` characters kept in view when it is trimmed."""
        return cls(sentence.start, sentence.end, (sentence.start, min(sentence.end, sentence.start + keep)))

    @classmethod
    def in_sentence(cls, where: Located, span: tuple[int, int]) -> Hit:
        tokens = where.sentence.tokens
        return cls(where.sentence.start, where.sentence.end, (tokens[span[0]].start, tokens[span[1]].end))


@dataclass(frozen=True)
class Reading:
    """The answer's sentences, sorted by what each can do for the grade."""

    asserting: dict[str, set[int]]  # red flag id -> starts of the sentences that state it
    usable: list[Located]  # explanatory sentences that state no misconception
    present: set[str]  # every stem outside echoes of the question
    hits: list[dict[str, Hit]]  # per usable sentence, the indicators it evidences
    dense: set[int]  # usable sentences that are term lists in disguise
    stuffing: bool  # nothing but listed terms and echoes
    written: frozenset[str]  # every word's stem as written, echoes too: what the answer is about
    words: int  # the answer's length in words, which levels, reach and the unsure note each judge it by
    general: Talk | None  # how much of the prose frames the topic, when it is general talk throughout; else None
    listed: float  # the share of its words (echoes aside) in runs of terms and term lists in disguise


def read(question: Question, compiled: CompiledRubric, text: str) -> Reading:
    echo = echo_filter(question.prompt)
    invited = echo.invites_questions
    fixes: dict[str, str] = {}
    usable: list[Located] = []
    everything: list[Located] = []
    claims: list[Located] = []  # every sentence, echoes too: agreeing with a wrong premise is a claim
    listed = 0  # words in sentences set aside as runs of terms
    for sentence in sentences(text):
        located = locate(sentence, compiled, fixes, text)
        claims.append(located)
        if echo.echoes(sentence):
            continue
        everything.append(located)
        if is_listy(sentence, text, located.vocabulary_share):
            listed += len(sentence.tokens)
        elif (invited or not is_question(text, sentence)) and not is_vague(sentence, text):
            usable.append(located)
    # Claims name words as written, as well as repaired ("architect" stays "architect" for a claim).
    written = frozenset(t.stem for where in claims for t in where.sentence.tokens)
    claimed = set(written).union(*(where.positions for where in claims))
    code = [(b.start, b.start + len(b.code)) for b in blocks(text)] if "```" in text else []
    prose = [where.sentence for where in claims if not any(s <= where.sentence.start < e for s, e in code)]
    saying = _sentences_saying(claims)
    asserting = {flag.flag.id: _asserted(flag.phrases, claims, claimed)
                 | _claimed(flag.flag.claims, claims, claimed, code, saying) for flag in compiled.red_flags}
    # A sentence that states a misconception is never evidence for a criterion, however
    # many of the rubric's words it uses ("retries are safe for any error, so ...").
    wrong = {start for starts in asserting.values() for start in starts}
    usable = [where for where in usable if where.sentence.start not in wrong]
    present = set().union(*(where.positions for where in everything))
    hits = _hits_by_sentence(compiled.criteria, usable, present)
    # A short sentence hitting many indicators at once is a term list in disguise.
    dense = {i for i, found in enumerate(hits) if _dense(found, usable[i])}
    listed += sum(len(usable[i].sentence.tokens) for i in dense)
    spoken = sum(len(where.sentence.tokens) for where in everything)
    return Reading(asserting, usable, present, hits, dense, bool(everything) and len(dense) == len(usable), written,
                   len(text.split()), general_talk(prose, text, compiled.terms), listed / spoken if spoken else 0.0)


def _hits_by_sentence(criteria: tuple[CompiledCriterion, ...], usable: list[Located],
                      present: set[str]) -> list[dict[str, Hit]]:
    """For each usable sentence, the indicators it evidences (keyed by criterion/indicator id).

    Phrases whose words do not all occur together in some usable sentence are skipped up
    front, which leaves only a handful of window searches per answer.
    """
    out: list[dict[str, Hit]] = [{} for _ in usable]
    holders: dict[str, set[int]] = defaultdict(set)  # stem -> the usable sentences that contain it
    for index, where in enumerate(usable):
        for stem_ in where.positions:
            holders[stem_].add(index)
    for crit in criteria:
        for indicator in crit.indicators:
            if indicator.openers.isdisjoint(present):
                continue
            candidates = [(p, set.intersection(*(holders[s] for s in p.needed)))
                          for p in indicator.phrases if p.needed <= present]
            candidates = [(p, holding) for p, holding in candidates if holding]
            if not candidates:
                continue
            key = f"{crit.criterion.id}/{indicator.id}"
            for index in sorted(set().union(*(holding for _, holding in candidates))):
                for phrase, holding in candidates:
                    span = find(phrase, usable[index]) if index in holding else None
                    if span is not None:
                        out[index][key] = Hit.in_sentence(usable[index], span)
                        break
    return out


def _dense(found: dict[str, Hit], where: Located) -> bool:
    """A term list in disguise: many indicators for the sentence's length, or a long string of them.

    One honest sentence rarely evidences more than five or six indicators; a run of rubric
    phrases glued together with a few small words evidences eight or more.  Terse is not
    stuffing, though: notes that relate their terms ("load once in lifespan -> predict in a
    thread pool", "retry: timeouts (idempotent) only") state claims, however many.  A long
    chain of such notes is judged step by step: each stage between arrows, semicolons or
    brackets is a note of its own, and only a crowded stage is a list.  In a short stage terms are
    counted, not indicators: words that evidence two indicators at once ("hashable items" for
    both a set's cost and what a key must be) are one term, and count once.  A long string of
    indicators is counted in full: eight at once is a pasted run, however they overlap.
    """
    if not found or relates(where.sentence, where.text):
        return False
    stages: dict[int, list[Hit]] = defaultdict(list)
    cuts = [m.start() for m in _STAGE_BREAK.finditer(where.text, where.sentence.start, where.sentence.end)]
    for hit in found.values():
        stages[bisect_right(cuts, hit.focus[0])].append(hit)
    bounds = [where.sentence.start, *cuts, where.sentence.end]
    for stage, hits in stages.items():
        terms = _terms(hits)
        size = sum(1 for t in where.sentence.tokens if bounds[stage] <= t.start < bounds[stage + 1])
        if terms >= DENSE_HITS and size < terms * DENSE_TOKENS_PER_HIT:
            return True
        if ((len(hits) >= CROWDED_HITS or (len(hits) >= CROWDED_HITS - 2 and where.vocabulary_share >= 0.6))
                and not _prose(where)):
            return True
    return False


def _prose(where: Located) -> bool:
    """Whether a sentence has the grammar of prose: enough function words, and commas neither closer than every few
    words nor missing over a long stretch (rubric phrases pasted one after another carry their own small words)."""
    commas = where.text.count(",", where.sentence.start, where.sentence.end)
    words = len(where.sentence.tokens)
    return (glue(where.sentence, where.text) >= PROSE_GLUE
            and commas * PROSE_COMMA_SPACING[0] < words <= commas * PROSE_COMMA_SPACING[1])


def _terms(hits: list[Hit]) -> int:
    """How many separate stretches of text the hits' matched words cover: overlapping matches are one term."""
    count, reach = 0, -1
    for start, end in sorted(h.focus for h in hits):
        if start >= reach:
            count += 1
        reach = max(reach, end)
    return count


def _asserted(phrases: tuple[Phrase, ...], located: list[Located], present: set[str]) -> set[int]:
    """Where (sentence starts) the answer states the misconception without negating, refuting or turning it down."""
    starts: set[int] = set()
    for phrase in phrases:
        if not phrase.needed <= present:
            continue
        for i, where in enumerate(located):
            span = find(phrase, where)
            after = located[i + 1] if i + 1 < len(located) else None
            if (span is not None and not _possessed(phrase, where, span)
                    and not at_arms_length(where, [span], phrase.negators, after)):
                starts.add(where.sentence.start)
    return starts


def _possessed(phrase: Phrase, where: Located, span: tuple[int, int]) -> bool:
    """Whether the phrase's first word only owns the subject: "the junior's observation is right" says the
    observation is right, not the junior (the phrase "junior is right"), unless the owned word is the phrase's own
    ("Python's threads run in parallel" for "python threads run in parallel")."""
    tokens = where.sentence.tokens
    first = span[0]
    if first + 2 > span[1] or tokens[first + 1].norm != "s":
        return False
    apostrophe = where.text[tokens[first].end : tokens[first + 1].start]
    return apostrophe in ("'", "\u2019") and tokens[first + 2].stem not in phrase.stems


@lru_cache(maxsize=1024)
def _compiled_claims(texts: tuple[str, ...]) -> tuple[Claim, ...]:
    return tuple(compile_claim(t) for t in texts)


def _sentences_saying(located: list[Located]) -> dict[str, list[int]]:
    """Each word -> the sentences that say it, in order: a claim is looked for only where its rarest part is."""
    saying: dict[str, list[int]] = defaultdict(list)
    for i, where in enumerate(located):
        for stem in where.said:
            saying[stem].append(i)
    return saying


def _claimed(texts: list[str], located: list[Located], present: set[str], code: list[tuple[int, int]],
             saying: dict[str, list[int]]) -> set[int]:
    """Where (sentence starts) the answer states one of a red flag's claims."""
    if not texts:
        return set()
    starts: set[int] = set()
    for claim in _compiled_claims(tuple(texts)):
        if not claim.possible(present):
            continue  # some part of the claim is worded nowhere in the answer
        for i in sorted({i for key in claim.keys for i in saying.get(key, ())}):
            where = located[i]
            if not claim.fits(where.said):
                continue
            before = _antecedents(located, i, code)
            after = located[i + 1] if i + 1 < len(located) else None
            if where.sentence.start not in starts and asserted(claim, where, before, after):
                starts.add(where.sentence.start)
    return starts


def _antecedents(located: list[Located], i: int, code: list[tuple[int, int]]) -> tuple[Located, ...]:
    """What a pronoun opening sentence ``i`` may refer to: the sentence before, or the whole code block before it."""
    if not i:
        return ()
    block = next(((lo, hi) for lo, hi in code if lo <= located[i - 1].sentence.start < hi), None)
    if block is None:
        return (located[i - 1],)
    return tuple(w for w in located[:i] if block[0] <= w.sentence.start < block[1])
