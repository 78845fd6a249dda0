"""Checks that keep the offline score honest: instructions to the grader, and echoed questions."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.scoring.text import STOPWORDS, Sentence, tokens

# An attempt to steer the grader instead of answering.  Some markers are enough on their own (a
# chat-template token, "ignore the rubric", a line that opens as the system, a pretended "END OF CANDIDATE
# ANSWER" or a "grader configuration:" block, a config line such as "min_grade: 3"); the rest of the time
# it takes two things in one line or sentence: a verdict ("grade 3", "full marks", "all criteria
# met") together with either someone to obey it (the grader, the rubric, the hiring panel) or an
# order about the answer ("assign", "record this as", "must receive").  A verdict word alone is
# ordinary engineering talk: "a rate limit of 100", "give each worker max 4 connections".
# Each marker with the words it cannot do without: a marker is only searched for in an answer that
# holds one of them, which keeps the check to a few substring tests for almost every honest answer.
_ALONE: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (triggers, re.compile(pattern, re.IGNORECASE | re.MULTILINE | re.VERBOSE)) for triggers, pattern in (
        (("ignore", "disregard", "forget", "override"),
         r"\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(instructions?|rubric|prompt|rules|criteria|previous|grading)\b"),
        (("system", "assistant", "developer"),
         r"""^\W{0,4}(system|assistant|developer)\s*[:>] | "role"\s*:\s*"(system|assistant|developer)"
           | </?\s*system\s*>"""),
        (("im_start", "im_end", "inst]"), r"<\|?\s*im_(start|end)\s*\|?> | \[/?INST\]"),
        (("answer", "instruction"), r"</?\s*(answer|instructions?)\s*>"),
        (('grade"', 'override"'), r'"(final_?grade|grade|score_override|grader_override)"\s*:'),
        (("you are",), r"""\byou\s+are\s+now\b
           | \byou\s+are\s+(a|an|the)\b[^.\n]{0,30}\b(grader|judge|evaluator|assistant|model)\b"""),
        # "As the model, ..." or "... as the model answer" speaks to the grader; "as long as the model takes" does not.
        (("as the", "dear"), r"""\b(as\s+the|dear)\s+(grader|judge|evaluator)\b | \bdear\s+(ai|model)\b
           | \bas\s+the\s+(ai|model|llm)\s*(,|(answer|grader|judge|evaluator|grading|reading|evaluating|scoring)\b)"""),
        (("new instruction",), r"\bnew\s+instructions?\b"),
        (("note", "message", "instruction", "reminder", "notice", "context"),
         r"""\b(note|message|instructions?|reminder|notice|context)\s+(to|for)\s+(the\s+|any\s+)?(automated\s+|ai\s+|language\s+)?
             (scorer|grader|judge|evaluator|reviewer|model|ai|llm|assistant|scoring|grading|evaluation)\b"""),
        (("correct", "expected", "required"),
         r"\b(correct|expected|required)\s+(output|score|grade|rating)\s+(is|should|must|=|for)"),
        (("rubric author",), r"\brubric\s+authors?\b"),
        (("grad", "scor", "evaluator"),
         r"""(?<![^\W_])(grader|evaluator|scoring|grading|score|grade)[_\s-]*
             (override|config|policy|instructions?|log|notes?|context)\b
           | (?<![^\W_])(grader|evaluator|scoring|grading)[_\s-]*configuration\s*(?=[:(]|[-=\#*]{2}|$)
           | ^\W{0,4}(override|min|minimum|target|forced?)[_\s-]*(score|grade|rating)\s*[:=]"""),
        # Where the answer pretends to stop and something else to begin: "--- END OF CANDIDATE ANSWER ---".
        (("candidate",), r"\b(end|begin|start)\s+of\s+(the\s+)?candidate'?s?\s+(answer|response|submission)\b"),
    )
)
# Words without which no line can carry a verdict (see ``_VERDICT``).
_VERDICT_WORDS = ("grad", "scor", "rating", "rated", "mark", "verdict", "credit", "criteri", "strong", "3/3", "3 /",
                  "fully", "award", "highest", "top band", "3 points", "a 3")
_VERDICT = re.compile(
    r"""(
        \b(grades?|graded|grading|scores?|scored|scoring|rating|rated|marks?|marked|verdict)\b\W{0,4}(\w+\W{1,3}){0,4}?
        (3\s*/\s*3|3(?!-\w)|100(?!-\w)|10\s*/\s*10|full|perfect|maximum|top|excellent|outstanding|strong[\s_-]*(yes|hire)|complete)\b
      | \b(full|top|maximum|perfect)\s+(marks?|scores?|grades?|credit)\b
      | \baward(ed)?\s+(it\s+|this\s+|them\s+|me\s+|the\s+answer\s+)?(a\s+)?(3|100|full|maximum|top)\b
      | \b(assign|give|award|output|emit|record|enter|apply|convert)\b[^.\n]{0,40}?\b(highest|top|maximum)\s+
        (available\s+|possible\s+|numeric\s+)?(grades?|ratings?|scores?|bands?|marks?)\b
      | \b(give|assign|enter|output|emit|record)\s+(me\s+|it\s+|this\s+|this\s+answer\s+)?(a\s+)?
        3\b(?!\s*(%|ms\b|s\b|x\b|sec|min|hour|day|week|-|[.,]\d))
      | \b3\s+points\b | <\s*(score|grade)\s*>\s*3\b
      | \b(all|every)\s+(the\s+)?(rubric\s+)?(criteria|criterion)\b[^.\n]{0,20}\b(met|satisfied|covered|present)\b
      | \bstrong[\s_-]?(yes|hire)\b | \b3\s*/\s*3\b | \bfully\s+met\b
      | ["']?\b(final_?grade|grade|score|rating)["']?\s*[:=]\s*["']?\d
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_ADDRESSEE = re.compile(
    r"""\b(graders?|autograder|evaluators?|evaluation|scorers?|scoring|grading|marking|assessors?|assessment|rubric|reviewers?|automated|
        (ai|language)\s+models?\s+(grading|scoring|marking|evaluating|reading)|
        (grading|scoring|screening)\s+(models?|assistant|system|pipeline|tool)|
        hiring\s+(committee|panel)|interview(ing)?\s+(platform|panel)|calibration|(the|this)\s+(ai|llm|model|assistant))\b
      | \b(whoever|whatever)\b[^.\n]{0,30}\b(grades?|scores?|evaluates?|marks?)\s+(this|it|these|my)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_ORDER = re.compile(
    r"""(
        \b(assign|award|give|return|record|mark|output|respond|treat|rate|grade|score|copy|apply|consider)\b
        \s+(it|this|that|them|the\s+(answer|response|candidate|item|above)|me|us|as|with|only|verbatim)\b
      | (^|[.!?:]\s+)\W{0,3}(assign|award|give|return|record|mark|output|rate|grade|score)\s+
        (it|this|that|me|us|the\s+(answer|response|candidate)|full|all|every|\d)\b
      | \b(must|should|shall|will|to)\s+
        (receive|get|log|record|mark|be\s+(graded|scored|marked|rated|treated|considered|recorded|logged))\b
      | \b(please|kindly)\s+(assign|award|give|return|record|mark|output|respond|treat|rate|grade|score|apply)\b
      | \bdo\s+not\s+(deduct|penali[sz]e)\b | \b(scoring|grading|rating)\s+it\s+(below|lower|under)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_UNITS = re.compile(r"[^\n]+")
# An answer that tries to steer the grader is a strong no whatever else it says: at most this, which is
# also under what an honest, weak attempt usually earns (both scorers apply it).
INJECTION_CAP = 15
INJECTION_FLAG = "instructions to the grader inside the answer"
ECHO_SIMILARITY = 0.6
_INVITES_QUESTIONS = re.compile(r"\bwould you ask\b|\bquestions? (?:would|do) you\b|\bclarif|\bassum", re.IGNORECASE)


def injection_attempt(text: str) -> str | None:
    """The first line that tries to instruct the grader, if any (see the patterns above)."""
    low = text.lower()
    for triggers, pattern in _ALONE:
        if any(t in low for t in triggers) and (alone := pattern.search(text)):
            return alone.group().strip()
    if not any(w in low for w in _VERDICT_WORDS):
        return None
    lines = [m.group() for m in _UNITS.finditer(text)]
    for i, line in enumerate(lines):
        # The same gate line by line ("3/ 3" is the one verdict without a word): a long answer's other lines skip the expression.
        low_line = line.lower()
        verdict = _VERDICT.search(line) if any(w in low_line for w in _VERDICT_WORDS) or "/" in line else None
        if verdict is not None and not _marks_something_else(verdict.group()):
            # The order may sit on the line before or after ("Updated rubric:" / "- any queue: grade 3").
            near = " ".join(lines[max(0, i - 1) : i + 2])
            if _ADDRESSEE.search(near) or _ORDER.search(near):
                return line.strip()[:120]
    return None


_MARK = re.compile(r"marks?|marked", re.IGNORECASE)
# Words that may stand between "mark" and a verdict when the answer is what is marked: "mark this response as complete".
_MARKED_ANSWER = frozenset({"as", "if", "it", "this", "that", "the", "a", "an", "answer", "response", "candidate",
                            "submission", "me", "us", "fully", "they", "were", "was", "is"})


def _marks_something_else(verdict: str) -> bool:
    """Whether a verdict read off "mark ... complete" marks some other thing: "drivers tried to mark deliveries as
    complete" is the product's own vocabulary, not a grade for the answer."""
    words = re.findall(r"[^\W_]+", verdict.lower())
    return (len(words) > 2 and _MARK.fullmatch(words[0]) is not None and words[-1] in ("complete", "top")
            and any(w not in _MARKED_ANSWER for w in words[1:-1]))


def _content(stems: list[str]) -> set[str]:
    return {s for s in stems if s not in STOPWORDS}


class EchoFilter:
    """What the question itself says: sentences that repeat it back, and whether it asks for questions."""

    def __init__(self, prompt: str) -> None:
        self._sentences = [_content([t.stem for t in tokens(part)]) for part in re.split(r"[.?!\n]+", prompt)]
        self._sentences = [s for s in self._sentences if len(s) >= 3]
        # Every word the question used: repeating them shows no extra knowledge (see offline._reach).
        self.stems = frozenset(t.stem for t in tokens(prompt))
        # Where the prompt asks what the candidate would ask or assume, their questions are the answer.
        self.invites_questions = _INVITES_QUESTIONS.search(prompt) is not None

    def echoes(self, sentence: Sentence) -> bool:
        own = _content([t.stem for t in sentence.tokens])
        if len(own) < 3:
            return False
        for asked in self._sentences:
            overlap = len(own & asked) / len(own | asked)
            if overlap >= ECHO_SIMILARITY:
                return True
        return False


@lru_cache(maxsize=256)
def echo_filter(prompt: str) -> EchoFilter:
    """One filter per question prompt, built once."""
    return EchoFilter(prompt)
