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
from bot.scoring.guards import INJECTION_CAP, EchoFilter, injection_attempt
from bot.scoring.matcher import CompiledCriterion, Located, compile_rubric, find, locate, negated
from bot.scoring.text import is_listy, sentences

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
        echo = EchoFilter(question.prompt)
        fixes: dict[str, str] = {}
        usable: list[Located] = []
        everything: list[Located] = []
        set_aside = 0
        for sentence in sentences(text):
            located = locate(sentence, compiled, fixes)
            if echo.echoes(sentence):
                set_aside += 1
                continue
            everything.append(located)
            if is_listy(sentence, text):
                set_aside += 1
            else:
                usable.append(located)
        usable = [s for s in usable if not _dense(s, compiled.criteria)]
        if everything and not usable:
            notes.append("no explanatory sentences: listed terms and repeated question text earn no credit")

        criteria: list[CriterionScore] = []
        levels: list[tuple[float, int]] = []
        missed: list[str] = []
        for crit in compiled.criteria:
            hits = _indicator_hits(crit, usable)
            count = len(hits)
            level = sum(1 for need in crit.criterion.needs if count >= need)
            ceiling = HINTED_CEILING if crit.criterion.id in hinted else 3
            if level > ceiling:
                notes.append(f"'{crit.criterion.name}' capped at {ceiling}: a hint revealed it")
            level = min(level, ceiling)
            evidence = _quote(text, hits[0]) if hits and level > 0 else None
            criteria.append(CriterionScore(id=crit.criterion.id, score=level, max=ceiling, evidence=evidence))
            levels.append((crit.criterion.weight, level))
            if level < 2:
                missed.append(crit.criterion.name)

        caps: list[int] = []
        flags: list[str] = []
        for flag in compiled.red_flags:
            if _asserted(flag.phrases, everything):
                flags.append(flag.flag.text)
                caps.append(flag.flag.cap)
                notes.append(f"misconception: {flag.flag.correction}")
        injected = injection_attempt(text)
        if injected is not None:
            flags.append("instructions to the grader inside the answer")
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


def _indicator_hits(crit: CompiledCriterion, usable: list[Located]) -> list[_Hit]:
    hits: list[_Hit] = []
    for indicator in crit.indicators:
        hit = _first(indicator.phrases, usable)
        if hit is not None:
            hits.append(hit)
    return sorted(hits, key=lambda h: (h.located.sentence.start, h.span[0]))


def _first(phrases: tuple, located: list[Located]) -> _Hit | None:
    for where in located:
        for phrase in phrases:
            span = find(phrase, where)
            if span is not None:
                return _Hit(where, span)
    return None


def _asserted(phrases: tuple, located: list[Located]) -> bool:
    for where in located:
        for phrase in phrases:
            span = find(phrase, where)
            if span is not None and not negated(where, span, phrase):
                return True
    return False


def _dense(where: Located, criteria: tuple[CompiledCriterion, ...]) -> bool:
    hits = sum(1 for crit in criteria for ind in crit.indicators if _first(ind.phrases, [where]) is not None)
    return hits >= DENSE_HITS and len(where.sentence.tokens) < hits * DENSE_TOKENS_PER_HIT


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
