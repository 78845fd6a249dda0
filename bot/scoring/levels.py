"""Each criterion's level, with the words that evidence it: the second step of the offline scorer.

A level is the best of the readings of the explanatory sentences :mod:`bot.scoring.reading` kept:
how many of the criterion's distinct indicators appear (``needs``), in words or in the code's syntax
tree; how much of its reference vocabulary they cover (:mod:`bot.scoring.reference`); for
stories, the STAR analysis of the part the criterion names (:mod:`bot.scoring.story_levels`); and, for a
criterion that asks for a number (``measured``), the changes the answer tells with their numbers.  A
concise answer is judged for its length on the first two.  Each level quotes its evidence, and a
criterion a hint revealed is capped, as is one that asks for a number in an answer that gives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.models import CriterionScore, Question, Rubric
from bot.engine.signals import HINTED_CEILING
from bot.scoring.code_facts import CodeFact, code_facts
from bot.scoring.matcher import CompiledCriterion, CompiledRubric, Located
from bot.scoring.reading import Hit, Reading
from bot.scoring.reference import concise_scale, coverage, coverage_level, for_length, reference
from bot.scoring.story_levels import Told, story_levels
from bot.scoring.text import Sentence

EVIDENCE_CHARS = 240
# Indicators (or code facts) an answer must show somewhere before coverage may give more than level 1.
RECOGNISED = 2
# The most a criterion earns in an answer to a story question that tells no one event, only how the speaker usually
# works ("I always try to understand the other side"): the rubric's levels describe a story.  On the seven blind dev
# parts every graded 1-3, strong, refutation and fluent-but-wrong story is one event to the STAR analysis, and half of
# the long vague ones and of those graded 0 are not.
HABIT_CEILING = 1
# The most a criterion that asks for a number (``measured``) earns in an answer that gives none.
UNMEASURED_CEILING = 1
# How many criteria a concise answer may leave untouched and still have its levels judged for its length, in a
# rubric of at least ``SPARED_FROM`` criteria: one of four or five parts is a gap, not a sign the answer knows one
# thing; one of three is a third of the question.  Reach is judged for length only when every criterion is touched
# (``Levels.touched``): an answer with a gap covers less of the topic's terms than its length suggests.  On the
# sixteen blind dev parts, short strong answers scored at least as high as the incomplete one in 386 questions of
# 576 instead of 375, pairwise 0.942 either way.  Sparing reach too gave 392 but lifted a held-out part's
# keyword-stuffing answer one point above its incomplete one, which nothing may do; sparing one of three cost
# pairwise.
SPARED, SPARED_FROM = 1, 4
# An answer with at least this share of its words in runs of terms is not judged concise, however short: its few
# words are mostly a pasted list, and the one sentence after it ("yield from delegates send, throw, close and returns
# the value") would otherwise count twice.  On the dev parts it took the highest-scoring term list from 70 to 52 and
# cost one short strong answer its place (0.3 cost six).
LISTED_SHARE = 0.5


@dataclass(frozen=True)
class Levels:
    """Each criterion's level as the scorecard shows it, and what the grade and reach are computed from."""

    criteria: list[CriterionScore]
    weighted: list[tuple[float, int]]  # (weight, level) per criterion, for the grade
    missed: list[str]  # names of the criteria below level 2
    # Every criterion at level 1 or more in the answer's own words (indicators, code or coverage), in an answer that
    # is not mostly a list of terms: the breadth a concise answer needs before its terms count for more in reach.
    touched: bool


def criterion_levels(question: Question, rubric: Rubric, compiled: CompiledRubric, text: str,
                     hinted: frozenset[str], reading: Reading, notes: list[str]) -> Levels:
    """Each criterion's level: the best of its indicators (and code facts), coverage and the story's STAR part."""
    hits, dense = reading.hits, reading.dense
    facts = code_facts(text) if "```" in text or question.answer_format == "code" else {}
    explained = [w for i, w in enumerate(reading.usable) if i not in dense]
    ref = reference(question, rubric)
    explained_stems = [tuple(sorted(set(w.stems))) for w in explained] if ref.on_topic(reading.present) else []
    told = story_levels(rubric, text) if question.answer_format == "story" and not reading.stuffing else Told({})
    recognised = len({k for i, h in enumerate(hits) if i not in dense for k in h}) + len(facts) >= RECOGNISED
    words = reading.words
    found_by = [_criterion_hits(crit, hits, dense, facts) for crit in compiled.criteria]
    covers = [coverage(ref.criteria[crit.criterion.id], explained_stems) for crit in compiled.criteria]
    # Coverage with hardly any rubric concept recognised anywhere is too weak a sign for more than 1.
    most = 3 if recognised else 1
    # Each criterion's level by coverage alone, judged for the answer's length.
    worded = [min(coverage_level(for_length(covered, words)), most) if best is not None else 0
              for covered, best in covers]
    # A concise answer that touches every criterion (all but ``SPARED`` of a larger rubric's): each point it makes
    # counts for the several a longer answer makes (the scale coverage uses).  Breadth is the condition, so a
    # short answer that knows one thing is not lifted, nor a list of terms with a sentence after it.
    untouched = sum(1 for crit, found, by_words in zip(compiled.criteria, found_by, worded, strict=True)
                    if _met(crit.criterion.needs, len(found)) < 1 and by_words < 1)
    mostly_prose = reading.listed < LISTED_SHARE
    touched = untouched == 0 and mostly_prose
    broad = (untouched == 0 or (untouched <= SPARED and len(compiled.criteria) >= SPARED_FROM)) and mostly_prose
    scale = concise_scale(words) if broad else 1.0
    criteria: list[CriterionScore] = []
    levels: list[tuple[float, int]] = []
    missed: list[str] = []
    lifted = False  # whether judging the answer for its length raised any level: the scorecard says so
    for crit, found, (covered, best), by_words in zip(compiled.criteria, found_by, covers, worded, strict=True):
        level = _met(crit.criterion.needs, len(found) * scale)
        plain = max(_met(crit.criterion.needs, len(found)),
                    min(coverage_level(covered), most) if best is not None else 0)
        if by_words > level and best is not None:
            # Explained in other words than the rubric's: the sentence that covers most is the evidence.
            level = by_words
            where = explained[best].sentence
            found = [Hit.whole(where, EVIDENCE_CHARS)]
        if crit.criterion.measured:
            measured = _measured_level(explained)
            if measured is not None and measured[0] > level:
                level, where = measured
                found = [Hit.whole(where, EVIDENCE_CHARS)]
        story = told.levels.get(crit.criterion.id)
        quote = None
        if story is not None and story.level > level:
            level, found, quote = story.level, [], story.quote
        ceiling = HINTED_CEILING if crit.criterion.id in hinted else 3
        if level > ceiling:
            notes.append(f"'{crit.criterion.name}' capped at {ceiling}: a hint revealed it")
        # The criterion is still worth its ceiling (the scorecard shows "1/3"): the habit cap is what this answer
        # earned, not what the criterion is worth, as a revealed hint's is.
        cap = min(ceiling, HABIT_CEILING) if told.habit else ceiling
        if crit.criterion.measured and level > UNMEASURED_CEILING and not _NUMBER.search(text):
            cap = min(cap, UNMEASURED_CEILING)
            notes.append(f"'{crit.criterion.name}' at most {UNMEASURED_CEILING}: the answer gives no number")
        lifted = lifted or (quote is None and min(level, cap) > min(plain, cap))
        level = min(level, cap)
        evidence = (quote or (_quote(text, found[0]) if found else None)) if level > 0 else None
        criteria.append(CriterionScore(id=crit.criterion.id, score=level, max=ceiling, evidence=evidence))
        levels.append((crit.criterion.weight, level))
        if level < 2:
            missed.append(crit.criterion.name)
    if told.habit:
        notes.append(f"no single story: the question asks about one occasion, and talk of how you usually work earns "
                     f"at most level {HABIT_CEILING} on each criterion")
    if lifted:
        notes.append(f"judged for its length: in {words} words, what it explains counts up to "
                     f"{concise_scale(words):.1f} times, as the same points would in a longer answer")
    return Levels(criteria, levels, missed, touched)


# A number in words or digits: "from 4 seconds to 280 ms", "halved", "a third", "twice as fast", "ten minutes".
_NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundreds?|thousands?|millions?|dozens?|half|halved|third|quarter|twice|double|doubled|tripled|tenfold)\b",
    re.IGNORECASE,
)


# A change told with its numbers: "from 4.1 s to 280 ms", "down 8%", "40% fewer", "3x faster".
_CHANGE = re.compile(
    r"\bfrom\s+[~$]?\d[\d.,]*\S*(?:\s+[^\s\d]\S*){0,3}?\s+(?:down\s+|up\s+)?to\s+(?:[~$]?\d|zero|none|nothing)"
    r"|\b(?:down|up|cut|reduced|dropped|fell|rose|grew|improved|lowered|halved)\b[^.;:]{0,24}?\d[\d.,]*\s*(?:%|x\b|percent)"
    r"|\d[\d.,]*\s*(?:%|x|percent)\s+(?:fewer|less|lower|higher|more|faster|slower|cheaper|drop|reduction|increase)",
    re.IGNORECASE,
)


def _measured_level(explained: list[Located]) -> tuple[int, Sentence] | None:
    """For a criterion that asks for a number: level 2 for one change told with its numbers, 3 for two or more, with
    the first sentence that tells one.  "Duplicate texts from 1.2% to zero, no-shows down 8%" is a measured outcome
    in any words."""
    changes, first = 0, None
    for where in explained:
        found = len(_CHANGE.findall(where.text, where.sentence.start, where.sentence.end))
        if found and first is None:
            first = where.sentence
        changes += found
    if first is None:
        return None
    return (3 if changes >= 2 else 2), first


def _met(needs: tuple[int, int, int], counted: float) -> int:
    """The level the indicators counted reach: one for each of the criterion's ``needs`` they meet."""
    return sum(1 for need in needs if counted >= need)


def _criterion_hits(crit: CompiledCriterion, hits: list[dict[str, Hit]], dense: set[int],
                    facts: dict[str, CodeFact]) -> list[Hit]:
    """The first evidence of each of the criterion's indicators, in the order the answer gave them.

    An indicator the prose does not evidence may be evidenced by the code (its ``code`` facts)."""
    found: list[Hit] = []
    for indicator in crit.indicators:
        key = f"{crit.criterion.id}/{indicator.id}"
        first = next((h[key] for i, h in enumerate(hits) if i not in dense and key in h), None)
        if first is None:
            fact = next((facts[f] for f in indicator.code if f in facts), None)
            first = Hit(fact.start, fact.end, (fact.start, fact.end)) if fact else None
        if first is not None:
            found.append(first)
    return sorted(found, key=lambda h: (h.start, h.focus[0]))


def _quote(text: str, hit: Hit) -> str:
    """The evidencing sentence, trimmed around the match when it is long."""
    start, end = hit.start, hit.end
    if end - start > EVIDENCE_CHARS:
        mid_start, mid_end = hit.focus
        pad = max(0, (EVIDENCE_CHARS - (mid_end - mid_start)) // 2)
        start, end = max(start, mid_start - pad), min(end, mid_end + pad)
    return text[start:end].strip()
