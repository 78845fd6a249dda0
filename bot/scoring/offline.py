"""The deterministic offline scorer: what an answer's explanatory sentences claim, per criterion.

How a grade is reached, so it can be explained to the candidate:
1. The answer is split into sentences; sentences that only repeat the question, runs of bare
   terms (keyword lists, but not terse notes that relate their terms), generic talk with nothing
   concrete in it, questions (unless the prompt asks for them) and sentences that state a
   misconception are set aside: they cannot earn credit.
2. Each criterion's level is the best of: how many of its distinct indicators appear (``needs``),
   in words or in the code's syntax tree (in a concise answer that touches every criterion, each
   counts for more); how much of the criterion's reference vocabulary the explanations cover, for
   the answer's length (:mod:`bot.scoring.reference`); and, for stories, the STAR analysis of the
   part the criterion names (:mod:`bot.scoring.story_levels`).  Each level quotes its evidence.
   A hinted criterion is capped.
3. Red flags (misconceptions), found by phrase or as claims however worded
   (:mod:`bot.scoring.misclaims`), cap the score and take a fifth off what the cap leaves, unless the
   sentence negates, quotes or refutes them (:mod:`bot.scoring.refuted`); a hedge ("I might be wrong,
   but ...") does neither.
4. An attempt to instruct the grader is ignored as content, flagged, and caps the score.
5. A fifth of the grade is reach (:mod:`bot.scoring.concision`): how many of the topic's terms
   the explanations use for the answer's length, so answers at the same levels are told apart and
   a complete answer does not tie with an excellent one at the top.
6. An answer much closer to another question of the catalogue than to its own keeps only part of
   its grade and is told which question it fits (:mod:`bot.scoring.topicality`).
7. A long, on-topic answer in which little is recognised is marked unsure rather than given a
   verdict: the scorer says it could not read it, instead of calling it weak.
Levels become a number in :mod:`bot.engine.signals`; steps 3, 5 and 6 then adjust that number, so
both scorers agree on levels while the offline one can still tell answers at the same levels apart.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from bot.engine.models import CriterionScore, Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.engine.results import blank_result
from bot.engine.signals import HINTED_CEILING, combine, signal_for
from bot.scoring.code_facts import CodeFact, code_facts
from bot.scoring.concision import SHARE, Reach, blend
from bot.scoring.fences import blocks, python_blocks
from bot.scoring.guards import INJECTION_CAP, INJECTION_FLAG, echo_filter, injection_attempt
from bot.scoring.matcher import (
    CompiledCriterion,
    CompiledRubric,
    Located,
    Phrase,
    compile_rubric,
    find,
    locate,
)
from bot.scoring.misclaims import Claim, asserted, compile_claim
from bot.scoring.off_loop import off_loop
from bot.scoring.reference import concise_scale, coverage, coverage_level, for_length, reference
from bot.scoring.refuted import at_arms_length
from bot.scoring.story_levels import story_levels
from bot.scoring.text import is_listy, is_question, relates, sentences
from bot.scoring.topicality import Topics
from bot.scoring.vagueness import is_vague

EVIDENCE_CHARS = 240
# A sentence that hits this many indicators while being this short is a term list in disguise.
DENSE_HITS = 4
DENSE_TOKENS_PER_HIT = 3
# However long the sentence, this many indicators at once is a pasted run of rubric phrases.
CROWDED_HITS = 8
# Indicators (or code facts) an answer must show somewhere before coverage may give more than level 1.
RECOGNISED = 2
# An on-topic answer of this many words, graded under this score with at most this many indicators
# recognised, is one the offline grader says it could not judge well.
UNSURE_WORDS, UNSURE_BELOW, UNSURE_RECOGNISED = 60, 50, 2
# What is left of a score, after its cap, when the answer states a misconception: enough below the cap
# to rank under an honest answer at that level, not so far that a fluent answer with one central error
# (a "no") falls under empty or off-topic ones (a "strong no").  It was 0.5 when few misconceptions
# were caught; with most of them caught, halving put them under answers graded 0.
MISCONCEPTION_FACTOR = 0.8
# Where one note of a chain ends and the next begins ("collectors -> Kafka -> stream job; alert on lag").
_STAGE_BREAK = re.compile(r"->|=>|\u2192|;|\(|\)")


@dataclass(frozen=True)
class Assessment:
    """A grade plus what the offline scorer is sure of, for a second scorer to lean on.

    Only high-precision findings are here: an LLM grade may be capped by these and by nothing
    else the offline scorer says, since its misses (plain words, unusual phrasing) are common.
    """

    result: ScoreResult
    stuffing: bool  # topic terms with no explanation between them
    misconceptions: tuple[str, ...]  # red flags the answer asserts (not refutes)
    injection: bool
    levels_score: int = 0  # the score the levels and red flags give, before reach
    reach: Reach | None = None  # what reach was computed from; None when the answer earns none


@dataclass(frozen=True)
class _Hit:
    """Where an indicator is evidenced: a sentence (or a line of code) and the match inside it."""

    start: int
    end: int
    focus: tuple[int, int]  # the matched words, kept in view when a long sentence is trimmed

    @classmethod
    def in_sentence(cls, where: Located, span: tuple[int, int]) -> _Hit:
        tokens = where.sentence.tokens
        return cls(where.sentence.start, where.sentence.end, (tokens[span[0]].start, tokens[span[1]].end))


class OfflineScorer:
    """Grades answers without any network or model; the same input always gets the same grade."""

    name = "offline"
    instant = True

    def __init__(self, topics: Topics | None = None) -> None:
        # The catalogue's topics, to tell an answer to another question from a weak one to this; None: not judged.
        self.topics = topics

    async def score(self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]) -> ScoreResult:
        return await off_loop(self.grade, question, rubric, answer.joined, hinted)  # milliseconds of CPU: off the loop

    def grade(self, question: Question, rubric: Rubric, text: str, hinted: frozenset[str] = frozenset()) -> ScoreResult:
        """Grade ``text`` against ``rubric``; see the module docstring for the method."""
        return self.assess(question, rubric, text, hinted).result

    def assess(self, question: Question, rubric: Rubric, text: str, hinted: frozenset[str] = frozenset()) -> Assessment:
        """The grade with the findings another scorer may rely on."""
        if not text.strip():
            return Assessment(blank_result(question, rubric, "no answer"), False, (), False)
        compiled = compile_rubric(rubric)
        reading = _read(question, compiled, text)
        notes: list[str] = []
        if reading.stuffing:
            notes.append("no explanatory sentences: listed terms and repeated question text earn no credit")
        criteria, levels, missed = _criterion_levels(question, rubric, compiled, text, hinted, reading, notes)
        caps: list[int] = []
        flags: list[str] = []
        for flag in compiled.red_flags:
            if reading.asserting[flag.flag.id]:
                flags.append(flag.flag.text)
                caps.append(flag.flag.cap)
                notes.append(f"misconception: {flag.flag.correction}")
        misconceptions = tuple(flags)
        injected = injection_attempt(text)
        if injected is not None:
            flags.append(INJECTION_FLAG)
            caps.append(INJECTION_CAP)
            notes.append(f"the answer tried to instruct the grader ({injected[:60]!r}); that text was ignored")
        if question.answer_format == "code":
            notes.extend(_syntax_notes(text))
        score = combine(levels, min(caps) if caps else None)
        if misconceptions:
            # Below the cap as well: a confident misconception dressed in the right vocabulary
            # must still rank under an honest answer that knows less.
            score = round(score * MISCONCEPTION_FACTOR)
        reach = _reach(compiled.terms, echo_filter(question.prompt).stems, reading, text) \
            if score > 0 and injected is None else None
        if reach is not None:
            notes.append(f"{round(SHARE * 100)}% of the grade is reach: {reach.terms} of the topic's terms explained "
                         f"in {reach.words} words earn {round(SHARE * 100 * reach.fraction())} of those points")
        levels_score, score = score, blend(score, reach, capped=bool(caps))
        elsewhere = None
        if self.topics is not None and score > 0:
            elsewhere = self.topics.fit(question.id, reading.written)
            if elsewhere is not None:
                score = round(score * elsewhere.kept)
                notes.append(self.topics.note(elsewhere))
        unsure = _unsure(question, rubric, text, reading, score) if not flags and elsewhere is None else None
        if unsure:
            notes.append(unsure)
        result = ScoreResult(question=question.id, scorer=self.name, score=score, signal=signal_for(score),
                             criteria=criteria, red_flags=flags, missed=missed, notes=notes, unsure=unsure)
        return Assessment(result, reading.stuffing, misconceptions, injected is not None, levels_score, reach)


@dataclass(frozen=True)
class _Reading:
    """The answer's sentences, sorted by what each can do for the grade."""

    asserting: dict[str, set[int]]  # red flag id -> starts of the sentences that state it
    usable: list[Located]  # explanatory sentences that state no misconception
    present: set[str]  # every stem outside echoes of the question
    hits: list[dict[str, _Hit]]  # per usable sentence, the indicators it evidences
    dense: set[int]  # usable sentences that are term lists in disguise
    stuffing: bool  # nothing but listed terms and echoes
    written: frozenset[str]  # every word's stem as written, echoes too: what the answer is about


def _read(question: Question, compiled: CompiledRubric, text: str) -> _Reading:
    echo = echo_filter(question.prompt)
    invited = echo.invites_questions
    fixes: dict[str, str] = {}
    usable: list[Located] = []
    everything: list[Located] = []
    claims: list[Located] = []  # every sentence, echoes too: agreeing with a wrong premise is a claim
    for sentence in sentences(text):
        located = locate(sentence, compiled, fixes, text)
        claims.append(located)
        if echo.echoes(sentence):
            continue
        everything.append(located)
        if (not is_listy(sentence, text, located.vocabulary_share) and (invited or not is_question(text, sentence))
                and not is_vague(sentence, text)):
            usable.append(located)
    # Claims name words as written, as well as repaired ("architect" stays "architect" for a claim).
    written = frozenset(t.stem for where in claims for t in where.sentence.tokens)
    claimed = {stem for where in claims for stem in where.stems} | written
    code = [(b.start, b.start + len(b.code)) for b in blocks(text)] if "```" in text else []
    asserting = {flag.flag.id: _asserted(flag.phrases, claims, claimed) | _claimed(flag.flag.claims, claims, claimed, code)
                 for flag in compiled.red_flags}
    # A sentence that states a misconception is never evidence for a criterion, however
    # many of the rubric's words it uses ("retries are safe for any error, so ...").
    wrong = {start for starts in asserting.values() for start in starts}
    usable = [where for where in usable if where.sentence.start not in wrong]
    present = {stem for where in everything for stem in where.stems}
    hits = _hits_by_sentence(compiled.criteria, usable, present)
    # A short sentence hitting many indicators at once is a term list in disguise.
    dense = {i for i, found in enumerate(hits) if _dense(found, usable[i])}
    return _Reading(asserting, usable, present, hits, dense, bool(everything) and len(dense) == len(usable), written)


def _criterion_levels(question: Question, rubric: Rubric, compiled: CompiledRubric, text: str,
                      hinted: frozenset[str], reading: _Reading,
                      notes: list[str]) -> tuple[list[CriterionScore], list[tuple[float, int]], list[str]]:
    """Each criterion's level: the best of its indicators (and code facts), coverage and the story's STAR part."""
    hits, dense = reading.hits, reading.dense
    facts = code_facts(text) if "```" in text or question.answer_format == "code" else {}
    explained = [w for i, w in enumerate(reading.usable) if i not in dense]
    ref = reference(question, rubric)
    explained_stems = [tuple(sorted(set(w.stems))) for w in explained] if ref.on_topic(reading.present) else []
    told = story_levels(rubric, text) if question.answer_format == "story" and not reading.stuffing else {}
    recognised = len({k for i, h in enumerate(hits) if i not in dense for k in h}) + len(facts) >= RECOGNISED
    words = len(text.split())
    found_by = [_criterion_hits(crit, hits, dense, facts) for crit in compiled.criteria]
    # A concise answer that names something of every criterion: each point it makes counts for the
    # several a longer answer makes (the scale coverage uses).  Breadth is the condition, so a short
    # answer that knows one thing is not lifted.
    scale = concise_scale(words) if all(found_by) else 1.0
    criteria: list[CriterionScore] = []
    levels: list[tuple[float, int]] = []
    missed: list[str] = []
    lifted = False  # whether judging the answer for its length raised any level: the scorecard says so
    for crit, found in zip(compiled.criteria, found_by, strict=True):
        level = sum(1 for need in crit.criterion.needs if len(found) * scale >= need)
        covered, best = coverage(ref.criteria[crit.criterion.id], explained_stems)
        # Coverage with hardly any rubric concept recognised anywhere is too weak a sign for more than 1.
        most = 3 if recognised else 1
        by_words = min(coverage_level(for_length(covered, words)), most) if best is not None else 0
        plain = max(sum(1 for need in crit.criterion.needs if len(found) >= need),
                    min(coverage_level(covered), most) if best is not None else 0)
        if by_words > level and best is not None:
            # Explained in other words than the rubric's: the sentence that covers most is the evidence.
            level = by_words
            where = explained[best].sentence
            found = [_Hit(where.start, where.end, (where.start, min(where.end, where.start + EVIDENCE_CHARS)))]
        story = told.get(crit.criterion.id)
        quote = None
        if story is not None and story.level > level:
            level, found, quote = story.level, [], story.quote
        ceiling = HINTED_CEILING if crit.criterion.id in hinted else 3
        if level > ceiling:
            notes.append(f"'{crit.criterion.name}' capped at {ceiling}: a hint revealed it")
        lifted = lifted or (quote is None and min(level, ceiling) > min(plain, ceiling))
        level = min(level, ceiling)
        evidence = (quote or (_quote(text, found[0]) if found else None)) if level > 0 else None
        criteria.append(CriterionScore(id=crit.criterion.id, score=level, max=ceiling, evidence=evidence))
        levels.append((crit.criterion.weight, level))
        if level < 2:
            missed.append(crit.criterion.name)
    if lifted:
        notes.append(f"judged for its length: in {words} words, what it explains counts up to "
                     f"{concise_scale(words):.1f} times, as the same points would in a longer answer")
    return criteria, levels, missed


def _unsure(question: Question, rubric: Rubric, text: str, reading: _Reading, score: int) -> str | None:
    """Why the grade should not be read as a verdict: a long on-topic answer the scorer barely read."""
    recognised = len({k for h in reading.hits for k in h})
    if (score < UNSURE_BELOW and not reading.stuffing and len(text.split()) >= UNSURE_WORDS
            and reference(question, rubric).on_topic(reading.present) and recognised <= UNSURE_RECOGNISED):
        return ("the offline grader could not judge this answer well: it is long and on the topic, but few of "
                "its sentences say what this rubric recognises; an LLM grader would read it in full")
    return None


def _hits_by_sentence(criteria: tuple[CompiledCriterion, ...], usable: list[Located],
                      present: set[str]) -> list[dict[str, _Hit]]:
    """For each usable sentence, the indicators it evidences (keyed by criterion/indicator id).

    Phrases whose words do not all occur together in some usable sentence are skipped up
    front, which leaves only a handful of window searches per answer.
    """
    out: list[dict[str, _Hit]] = [{} for _ in usable]
    holders: dict[str, set[int]] = defaultdict(set)  # stem -> the usable sentences that contain it
    for index, where in enumerate(usable):
        for stem_ in where.positions:
            holders[stem_].add(index)
    for crit in criteria:
        for indicator in crit.indicators:
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
                        out[index][key] = _Hit.in_sentence(usable[index], span)
                        break
    return out


def _reach(credit_terms: frozenset[str], asked: frozenset[str], reading: _Reading, text: str) -> Reach:
    """The credit phrases' words the explanatory sentences use (not the question's own), and the answer's length."""
    terms = {s for i, where in enumerate(reading.usable) if i not in reading.dense
             for s in where.stems if s in credit_terms and s not in asked}
    return Reach(len(terms), len(text.split()))


def _dense(found: dict[str, _Hit], where: Located) -> bool:
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
    if relates(where.sentence, where.text):
        return False
    stages: dict[int, list[_Hit]] = defaultdict(list)
    cuts = [m.start() for m in _STAGE_BREAK.finditer(where.text, where.sentence.start, where.sentence.end)]
    for hit in found.values():
        stages[bisect_right(cuts, hit.focus[0])].append(hit)
    bounds = [where.sentence.start, *cuts, where.sentence.end]
    for stage, hits in stages.items():
        terms = _terms(hits)
        size = sum(1 for t in where.sentence.tokens if bounds[stage] <= t.start < bounds[stage + 1])
        if terms >= DENSE_HITS and size < terms * DENSE_TOKENS_PER_HIT:
            return True
        if len(hits) >= CROWDED_HITS or (len(hits) >= CROWDED_HITS - 2 and where.vocabulary_share >= 0.6):
            return True
    return False


def _terms(hits: list[_Hit]) -> int:
    """How many separate stretches of text the hits' matched words cover: overlapping matches are one term."""
    count, reach = 0, -1
    for start, end in sorted(h.focus for h in hits):
        if start >= reach:
            count += 1
        reach = max(reach, end)
    return count


def _criterion_hits(crit: CompiledCriterion, hits: list[dict[str, _Hit]], dense: set[int],
                    facts: dict[str, CodeFact]) -> list[_Hit]:
    """The first evidence of each of the criterion's indicators, in the order the answer gave them.

    An indicator the prose does not evidence may be evidenced by the code (its ``code`` facts)."""
    found: list[_Hit] = []
    for indicator in crit.indicators:
        key = f"{crit.criterion.id}/{indicator.id}"
        first = next((h[key] for i, h in enumerate(hits) if i not in dense and key in h), None)
        if first is None:
            fact = next((facts[f] for f in indicator.code if f in facts), None)
            first = _Hit(fact.start, fact.end, (fact.start, fact.end)) if fact else None
        if first is not None:
            found.append(first)
    return sorted(found, key=lambda h: (h.start, h.focus[0]))


def _asserted(phrases: tuple[Phrase, ...], located: list[Located], present: set[str]) -> set[int]:
    """Where (sentence starts) the answer states the misconception without negating, refuting or turning it down."""
    starts: set[int] = set()
    for phrase in phrases:
        if not phrase.needed <= present:
            continue
        for i, where in enumerate(located):
            span = find(phrase, where)
            after = located[i + 1] if i + 1 < len(located) else None
            if span is not None and not at_arms_length(where, [span], phrase.negators, after):
                starts.add(where.sentence.start)
    return starts


@lru_cache(maxsize=1024)
def _compiled_claims(texts: tuple[str, ...]) -> tuple[Claim, ...]:
    return tuple(compile_claim(t) for t in texts)


def _claimed(texts: list[str], located: list[Located], present: set[str], code: list[tuple[int, int]]) -> set[int]:
    """Where (sentence starts) the answer states one of a red flag's claims."""
    if not texts:
        return set()
    starts: set[int] = set()
    for claim in _compiled_claims(tuple(texts)):
        if not claim.possible(present):
            continue  # some part of the claim is worded nowhere in the answer
        for i, where in enumerate(located):
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


def _quote(text: str, hit: _Hit) -> str:
    """The evidencing sentence, trimmed around the match when it is long."""
    start, end = hit.start, hit.end
    if end - start > EVIDENCE_CHARS:
        mid_start, mid_end = hit.focus
        pad = max(0, (EVIDENCE_CHARS - (mid_end - mid_start)) // 2)
        start, end = max(start, mid_start - pad), min(end, mid_end + pad)
    return text[start:end].strip()


def _syntax_notes(text: str) -> list[str]:
    """Where the answer's Python does not parse; a block in another language (SQL, shell) is not Python."""
    sources = [b.code for b in python_blocks(text)] if blocks(text) else [text]
    notes = []
    for block in sources:
        try:
            ast.parse(block)
        except SyntaxError as exc:
            notes.append(f"the code does not parse: {exc.msg} on line {exc.lineno}")
    return notes
