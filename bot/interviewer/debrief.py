"""The closing debrief written from the scores alone, no model needed.

Strengths are the criteria the candidate fully showed; the advice is the heaviest criteria
they missed (weight times the levels short of full), so the one or two sentences of "work on
this" point where practice pays most.  It uses no candidate text, so it cannot echo an
injection, and it never states a model answer (the scorecard shows the outline).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.engine.ports import DebriefPart, QuestionBank
from bot.engine.signals import signal_for
from bot.engine.state import SessionState

STRONG = 3


@dataclass(frozen=True)
class CriterionFact:
    question: str  # the question's title
    criterion: str  # the criterion's name
    weight: float
    level: int
    max: int
    hinted: bool

    @property
    def shortfall(self) -> float:
        return self.weight * (self.max - self.level)


@dataclass(frozen=True)
class Facts:
    level: str
    overall: int | None
    criteria: list[CriterionFact]
    red_flags: list[tuple[str, str]]  # (question title, flag)
    unanswered: list[str]  # titles of questions asked but not answered

    def lines(self) -> str:
        """The results as plain lines, for the model's prompt."""
        out = []
        for fact in self.criteria:
            extra = " (after a hint)" if fact.hinted else ""
            out.append(f"- {fact.question} / {fact.criterion}: {fact.level} of {fact.max}{extra}")
        out += [f"- {title}: red flag, {flag}" for title, flag in self.red_flags]
        out += [f"- {title}: not answered" for title in self.unanswered]
        return "\n".join(out) or "- nothing was answered"


def facts(state: SessionState, bank: QuestionBank) -> Facts:
    criteria: list[CriterionFact] = []
    flags: list[tuple[str, str]] = []
    unanswered: list[str] = []
    for round_ in state.rounds:
        for asked in round_.questions:
            if not asked.counted:
                continue
            question = bank.get(asked.question_id)
            if not asked.answers or asked.result is None:
                unanswered.append(question.title)
                continue
            rubric = bank.rubric(asked.question_id)
            for graded in asked.result.criteria:
                criterion = rubric.criterion(graded.id)
                criteria.append(CriterionFact(question.title, criterion.name, criterion.weight, graded.score, graded.max,
                                              graded.id in asked.hints))
            flags += [(question.title, flag) for flag in asked.result.red_flags]
    return Facts(state.level.value, state.score, criteria, flags, unanswered)


def offline_debrief(found: Facts) -> str:
    if not found.criteria:
        return ("No answers were graded this time, so there is nothing to debrief yet. Answer each question aloud "
                "in a few sentences, even roughly: a partial answer earns credit and shows what to practise.")
    sentences = []
    strong = [f for f in found.criteria if f.level >= STRONG and not f.hinted]
    if strong:
        best = sorted(strong, key=lambda f: -f.weight)[:2]
        sentences.append("You did well on " + " and ".join(f"{f.criterion} ({f.question})" for f in best) + ".")
    else:
        sentences.append("No point was covered in full yet; that is normal early on, and the outlines above show what "
                         "a complete answer includes.")
    if found.red_flags:
        title, flag = found.red_flags[0]
        sentences.append(f"First, revisit {title}: the answer contained a misconception ({flag}).")
    gaps = sorted((f for f in found.criteria if f.level < f.max), key=lambda f: -f.shortfall)[:2]
    if gaps:
        sentences.append("What would raise your result most: " + "; then ".join(
            f"{f.criterion} ({f.question})" for f in gaps) + ".")
    if found.unanswered:
        sentences.append(f"{len(found.unanswered)} question(s) went unanswered; say something for every question, "
                         "since silence scores zero.")
    if found.overall is not None:
        sentences.append(f"Overall that reads as {signal_for(found.overall).value.replace('_', ' ')} at the "
                         f"{found.level} level.")
    return " ".join(sentences)


class OfflineDebriefer:
    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank

    async def debrief(self, state: SessionState) -> AsyncIterator[DebriefPart]:
        yield DebriefPart(offline_debrief(facts(state, self.bank)), "offline")
