"""The deterministic offline scorer: rubric indicators found in explanatory sentences.

How a grade is reached, so it can be explained to the candidate:
1. The answer is split into sentences; sentences that only repeat the question, and runs of
   bare terms (keyword lists), are set aside: they cannot earn credit.
2. Each criterion's level is how many of its distinct indicators appear (``needs``), quoting
   the sentence that first evidences it.  A hinted criterion is capped.
3. Red flags (misconceptions) cap the score unless the sentence negates or refutes them.
4. An attempt to instruct the grader is ignored as content, flagged, and caps the score.
Levels become a number only in :mod:`bot.engine.signals`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from bot.engine.models import CriterionScore, Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.engine.results import blank_result
from bot.engine.signals import HINTED_CEILING, combine, signal_for
from bot.scoring.guards import INJECTION_CAP, INJECTION_FLAG, echo_filter, injection_attempt
from bot.scoring.matcher import CompiledCriterion, Located, Phrase, compile_rubric, find, locate, negated
from bot.scoring.text import is_listy, is_question, sentences

EVIDENCE_CHARS = 240
# A sentence that hits this many indicators while being this short is a term list in disguise.
DENSE_HITS = 4
DENSE_TOKENS_PER_HIT = 3
_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class _Hit:
    located: Located
    span: tuple[int, int]


class OfflineScorer:
    """Grades answers without any network or model; the same input always gets the same grade."""

    name = "offline"
    instant = True

    async def score(self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]) -> ScoreResult:
        return self.grade(question, rubric, answer.joined, hinted)

    def grade(self, question: Question, rubric: Rubric, text: str, hinted: frozenset[str] = frozenset()) -> ScoreResult:
        """Grade ``text`` against ``rubric``; see the module docstring for the method."""
        if not text.strip():
            return blank_result(question, rubric, "no answer")
        compiled = compile_rubric(rubric)
        notes: list[str] = []
        echo = echo_filter(question.prompt)
        fixes: dict[str, str] = {}
        usable: list[Located] = []
        everything: list[Located] = []
        for sentence in sentences(text):
            located = locate(sentence, compiled, fixes, text)
            if echo.echoes(sentence):
                continue
            everything.append(located)
            if not is_listy(sentence, text, located.vocabulary_share) and not is_question(text, sentence):
                usable.append(located)
        present = {stem for where in everything for stem in where.stems}
        hits = _hits_by_sentence(compiled.criteria, usable, present)
        # A short sentence hitting many indicators at once is a term list in disguise.
        dense = {i for i, found in enumerate(hits) if len(found) >= DENSE_HITS
                 and len(usable[i].sentence.tokens) < len(found) * DENSE_TOKENS_PER_HIT}
        if everything and len(dense) == len(usable):
            notes.append("no explanatory sentences: listed terms and repeated question text earn no credit")

        criteria: list[CriterionScore] = []
        levels: list[tuple[float, int]] = []
        missed: list[str] = []
        for crit in compiled.criteria:
            found = _criterion_hits(crit, hits, dense)
            count = len(found)
            level = sum(1 for need in crit.criterion.needs if count >= need)
            ceiling = HINTED_CEILING if crit.criterion.id in hinted else 3
            if level > ceiling:
                notes.append(f"'{crit.criterion.name}' capped at {ceiling}: a hint revealed it")
            level = min(level, ceiling)
            evidence = _quote(text, found[0]) if found and level > 0 else None
            criteria.append(CriterionScore(id=crit.criterion.id, score=level, max=ceiling, evidence=evidence))
            levels.append((crit.criterion.weight, level))
            if level < 2:
                missed.append(crit.criterion.name)

        caps: list[int] = []
        flags: list[str] = []
        for flag in compiled.red_flags:
            if _asserted(flag.phrases, everything, present):
                flags.append(flag.flag.text)
                caps.append(flag.flag.cap)
                notes.append(f"misconception: {flag.flag.correction}")
        injected = injection_attempt(text)
        if injected is not None:
            flags.append(INJECTION_FLAG)
            caps.append(INJECTION_CAP)
            notes.append(f"the answer tried to instruct the grader ({injected[:60]!r}); that text was ignored")
        if question.answer_format == "code":
            notes.extend(_syntax_notes(text))
        score = combine(levels, min(caps) if caps else None)
        return ScoreResult(
            question=question.id,
            scorer=self.name,
            score=score,
            signal=signal_for(score),
            criteria=criteria,
            red_flags=flags,
            missed=missed,
            notes=notes,
        )


def _hits_by_sentence(criteria: tuple[CompiledCriterion, ...], usable: list[Located],
                      present: set[str]) -> list[dict[str, _Hit]]:
    """For each usable sentence, the indicators it evidences (keyed by criterion/indicator id).

    Phrases whose words do not all occur somewhere in the answer are skipped up front, which
    leaves only a handful of window searches per answer.
    """
    out: list[dict[str, _Hit]] = [{} for _ in usable]
    for crit in criteria:
        for indicator in crit.indicators:
            phrases = [p for p in indicator.phrases if p.needed <= present]
            if not phrases:
                continue
            key = f"{crit.criterion.id}/{indicator.id}"
            for index, where in enumerate(usable):
                for phrase in phrases:
                    span = find(phrase, where)
                    if span is not None:
                        out[index][key] = _Hit(where, span)
                        break
    return out


def _criterion_hits(crit: CompiledCriterion, hits: list[dict[str, _Hit]], dense: set[int]) -> list[_Hit]:
    """The first evidence of each of the criterion's indicators, in the order the answer gave them."""
    found: list[_Hit] = []
    for indicator in crit.indicators:
        key = f"{crit.criterion.id}/{indicator.id}"
        first = next((h[key] for i, h in enumerate(hits) if i not in dense and key in h), None)
        if first is not None:
            found.append(first)
    return sorted(found, key=lambda h: (h.located.sentence.start, h.span[0]))


def _asserted(phrases: tuple[Phrase, ...], located: list[Located], present: set[str]) -> bool:
    for phrase in phrases:
        if not phrase.needed <= present:
            continue
        for where in located:
            span = find(phrase, where)
            if span is not None and not negated(where, span, phrase):
                return True
    return False


def _quote(text: str, hit: _Hit) -> str:
    """The evidencing sentence, trimmed around the match when it is long."""
    sentence = hit.located.sentence
    tokens = sentence.tokens
    start, end = sentence.start, sentence.end
    if end - start > EVIDENCE_CHARS:
        mid_start, mid_end = tokens[hit.span[0]].start, tokens[hit.span[1]].end
        pad = max(0, (EVIDENCE_CHARS - (mid_end - mid_start)) // 2)
        start, end = max(start, mid_start - pad), min(end, mid_end + pad)
    return text[start:end].strip()


def _syntax_notes(text: str) -> list[str]:
    blocks = _FENCE.findall(text) or [text]
    notes = []
    for block in blocks:
        try:
            ast.parse(block)
        except SyntaxError as exc:
            notes.append(f"the code does not parse: {exc.msg} on line {exc.lineno}")
    return notes
