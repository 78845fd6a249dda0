"""The deterministic offline scorer: what an answer's explanatory sentences claim, per criterion.

How a grade is reached, so it can be explained to the candidate:
1. The answer is split into sentences; sentences that only repeat the question, runs of bare
   terms (keyword lists, but not terse notes that relate their terms), generic talk with nothing
   concrete in it, questions (unless the prompt asks for them) and sentences that state a
   misconception are set aside: they cannot earn credit (:mod:`bot.scoring.reading`).
2. Each criterion's level is the best of: how many of its distinct indicators appear (``needs``),
   in words or in the code's syntax tree (in a concise answer that touches every criterion, each
   counts for more); how much of the criterion's reference vocabulary the explanations cover, for
   the answer's length (:mod:`bot.scoring.reference`); and, for stories, the STAR analysis of the
   part the criterion names (:mod:`bot.scoring.story_levels`).  Each level quotes its evidence.
   A hinted criterion is capped (:mod:`bot.scoring.levels`).
3. Red flags (misconceptions), found by phrase or as claims however worded
   (:mod:`bot.scoring.misclaims`), cap the score and take a fifth off what the cap leaves, unless the
   sentence negates, quotes or refutes them (:mod:`bot.scoring.refuted`); a hedge ("I might be wrong,
   but ...") does neither.
4. An attempt to instruct the grader is ignored as content, flagged, and caps the score.  So is an
   answer that is general talk throughout: framing words and nothing concrete (:mod:`bot.scoring.vagueness`);
   it is told so, not flagged, since it states nothing wrong.
5. A fifth of the grade is reach (:mod:`bot.scoring.concision`): how many of the topic's terms
   the explanations use for the answer's length, so answers at the same levels are told apart and
   a complete answer does not tie with an excellent one at the top; a concise answer with something
   of every criterion is judged for its length here too.
6. An answer much closer to another question of the catalogue than to its own keeps only part of
   its grade and is told which question it fits (:mod:`bot.scoring.topicality`).
7. A long, on-topic answer in which little is recognised is marked unsure rather than given a
   verdict: the scorer says it could not read it, instead of calling it weak.
Levels become a number in :mod:`bot.engine.signals`; steps 3, 5 and 6 then adjust that number, so
both scorers agree on levels while the offline one can still tell answers at the same levels apart.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from bot.engine.models import Question, Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.engine.results import blank_result
from bot.engine.signals import combine, signal_for
from bot.scoring.concision import SHARE, Reach, blend
from bot.scoring.fences import code_blocks
from bot.scoring.guards import INJECTION_CAP, INJECTION_FLAG, echo_filter, injection_attempt
from bot.scoring.levels import criterion_levels
from bot.scoring.matcher import compile_rubric
from bot.scoring.off_loop import off_loop
from bot.scoring.reading import Reading, read
from bot.scoring.reference import reference
from bot.scoring.topicality import Topics
from bot.scoring.vagueness import Talk

# An on-topic answer of this many words, graded under this score with at most this many indicators
# recognised, is one the offline grader says it could not judge well.
UNSURE_WORDS, UNSURE_BELOW, UNSURE_RECOGNISED = 60, 50, 2
# What is left of a score, after its cap, when the answer states a misconception: enough below the cap
# to rank under an honest answer at that level, not so far that a fluent answer with one central error
# (a "no") falls under empty or off-topic ones (a "strong no").  It was 0.5 when few misconceptions
# were caught; with most of them caught, halving put them under answers graded 0.
MISCONCEPTION_FACTOR = 0.8
# The most an answer that is general talk throughout earns: under an honest weak answer (graded 1 on the blind dev
# parts: median 44), above one that says nothing.  On the sixteen dev parts a cap of 20 ordered answers a little
# better than 10 (pairwise 0.932 against 0.930, from 0.925 without it) and changed nothing else measured.
GENERAL_CAP = 20


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


T = TypeVar("T")


class GradingPlace(Protocol):
    """Where grades are made away from the event loop: the grading thread (:class:`OnThread`), or for a
    long-lived event loop that many members share a process of its own (:mod:`bot.scoring.grading_process`)."""

    async def assess(self, scorer: OfflineScorer, question: Question, rubric: Rubric, text: str,
                     hinted: frozenset[str]) -> Assessment: ...

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` there: a module-level function of plain data (the STAR note, say)."""
        ...


class OnThread:
    """The grading thread as a :class:`GradingPlace`: where terminal commands and tests grade, with no process to start."""

    async def assess(self, scorer: OfflineScorer, question: Question, rubric: Rubric, text: str,
                     hinted: frozenset[str]) -> Assessment:
        return await off_loop(scorer.assess, question, rubric, text, hinted)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        return await off_loop(work, *args)


ON_THREAD = OnThread()


class OfflineScorer:
    """Grades answers without any network or model; the same input always gets the same grade."""

    name = "offline"
    instant = True

    def __init__(self, topics: Topics | None = None, place: GradingPlace | None = None) -> None:
        # The catalogue's topics, to tell an answer to another question from a weak one to this; None: not judged.
        self.topics = topics
        # Where grades are made away from the event loop: a long-lived process's grading process (its copy of
        # this scorer, see grading_process); by default the grading thread.
        self.place = place or ON_THREAD

    async def score(self, question: Question, rubric: Rubric, answer: AnswerText, hinted: frozenset[str]) -> ScoreResult:
        return (await self.assessed(question, rubric, answer.joined, hinted)).result

    async def assessed(self, question: Question, rubric: Rubric, text: str,
                       hinted: frozenset[str] = frozenset()) -> Assessment:
        """:meth:`assess` away from the event loop (milliseconds of CPU): in the grading process, else on a thread."""
        return await self.place.assess(self, question, rubric, text, hinted)

    def grade(self, question: Question, rubric: Rubric, text: str, hinted: frozenset[str] = frozenset()) -> ScoreResult:
        """Grade ``text`` against ``rubric``; see the module docstring for the method."""
        return self.assess(question, rubric, text, hinted).result

    def assess(self, question: Question, rubric: Rubric, text: str, hinted: frozenset[str] = frozenset()) -> Assessment:
        """The grade with the findings another scorer may rely on."""
        if not text.strip():
            return Assessment(blank_result(question, rubric, "no answer"), False, (), False)
        compiled = compile_rubric(rubric)
        reading = read(question, compiled, text)
        notes: list[str] = []
        if reading.stuffing:
            notes.append("no explanatory sentences: listed terms and repeated question text earn no credit")
        levelled = criterion_levels(question, rubric, compiled, text, hinted, reading, notes)
        criteria, levels, missed = levelled.criteria, levelled.weighted, levelled.missed
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
        general = reading.general
        if general is not None:
            caps.append(GENERAL_CAP)
            notes.append(_general_note(general))
        if question.answer_format == "code":
            notes.extend(_syntax_notes(text))
        score = combine(levels, min(caps) if caps else None)
        if misconceptions:
            # Below the cap as well: a confident misconception dressed in the right vocabulary
            # must still rank under an honest answer that knows less.
            score = round(score * MISCONCEPTION_FACTOR)
        reach = _reach(compiled.terms, echo_filter(question.prompt).stems, reading) \
            if score > 0 and injected is None else None
        if reach is not None and levelled.touched:
            reach = reach.concise()  # judged for its length, as its levels were; unchanged past CONCISE_WORDS
        if reach is not None:
            concise = f", each counted {reach.scale:.1f} times in a concise answer," if reach.scale > 1 else ""
            notes.append(f"{round(SHARE * 100)}% of the grade is reach: {reach.terms} of the topic's terms explained "
                         f"in {reach.words} words{concise} earn {round(SHARE * 100 * reach.fraction())} of those points")
        levels_score, score = score, blend(score, reach, capped=bool(caps))
        elsewhere = None
        if self.topics is not None and score > 0:
            elsewhere = self.topics.fit(question.id, reading.written)
            if elsewhere is not None and self.topics.answered(elsewhere, levels_score):
                elsewhere = None
            if elsewhere is not None:
                score = round(score * elsewhere.kept)
                notes.append(self.topics.note(elsewhere))
        unsure = _unsure(question, rubric, reading, score) if not flags and general is None and elsewhere is None else None
        if unsure:
            notes.append(unsure)
        result = ScoreResult(question=question.id, scorer=self.name, score=score, signal=signal_for(score),
                             criteria=criteria, red_flags=flags, missed=missed, notes=notes, unsure=unsure)
        return Assessment(result, reading.stuffing, misconceptions, injected is not None, levels_score, reach)


def _general_note(talk: Talk) -> str:
    """Why a general answer earns little, with its own most used framing words."""
    examples = ", ".join(f"'{word}'" for word, _ in talk.framing.most_common(3))
    return (f"general talk: {round(talk.share * 100)}% of its words frame the topic ({examples}) and "
            f"{talk.concrete} of its {talk.sentences} sentences hold a concrete detail (code, a number, a name), "
            f"so it earns at most {GENERAL_CAP}: name what actually happens, and why")


def _unsure(question: Question, rubric: Rubric, reading: Reading, score: int) -> str | None:
    """Why the grade should not be read as a verdict: a long on-topic answer the scorer barely read."""
    recognised = len({k for h in reading.hits for k in h})
    if (score < UNSURE_BELOW and not reading.stuffing and reading.words >= UNSURE_WORDS
            and reference(question, rubric).on_topic(reading.present) and recognised <= UNSURE_RECOGNISED):
        return ("the offline grader could not judge this answer well: it is long and on the topic, but few of "
                "its sentences say what this rubric recognises; an LLM grader would read it in full")
    return None


def _reach(credit_terms: frozenset[str], asked: frozenset[str], reading: Reading) -> Reach:
    """The credit phrases' words the explanatory sentences use (not the question's own), and the answer's length."""
    terms = {s for i, where in enumerate(reading.usable) if i not in reading.dense
             for s in where.stems if s in credit_terms and s not in asked}
    return Reach(len(terms), reading.words)


def _syntax_notes(text: str) -> list[str]:
    """Where the answer's Python does not parse; a block in another language (SQL, shell) is not Python, and
    unfenced prose is not code (:func:`bot.scoring.fences.code_blocks`, as the runner reads it)."""
    notes = []
    for block in (b.code for b in code_blocks(text)):
        try:
            ast.parse(block)
        except SyntaxError as exc:
            notes.append(f"the code does not parse: {exc.msg} on line {exc.lineno}")
    return notes
