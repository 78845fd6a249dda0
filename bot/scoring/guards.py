"""Checks that keep the offline score honest: instructions to the grader, and echoed questions."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.scoring.text import STOPWORDS, Sentence, tokens

# Phrasings of an attempt to steer the grader instead of answering the question.
_INJECTION = re.compile(
    r"""(
        \b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(instruction|rubric|prompt|rules?|criteria|above|previous|grading)
      | \b(give|award|assign|rate|score|grade|mark)\b[^.\n]{0,30}
        \b(100|full\s+marks?|perfect|maximum|max|top\s+marks?|3\s*/\s*3|strong[_\s-]?yes)\b
      | ^\s*(system|assistant|developer)\s*[:>]
      | \byou\s+are\s+(now\s+)?(a|an|the)\b[^.\n]{0,30}\b(grader|judge|evaluator|assistant|model)\b
      | \b(as\s+the|dear)\s+(grader|judge|evaluator|ai|model)\b
      | \bscore\s*=\s*\d+
      | \bnew\s+instructions?\b
      | \b(note|message|instructions?|reminder)\s+(to|for)\s+(the\s+)?(automated\s+|ai\s+)?
        (scorer|grader|judge|evaluator|model|ai|llm)\b
      | \b(before|when)\s+(grading|scoring|evaluating)\b
      | \b(correct|expected|required)\s+(output|score|grade|rating)\s+(is|should|must|=)
      | \brubric\s+authors?\b
      | \bscore\s+(this|these|me|it|all)\b[^.\n]{0,30}\b(as|with|at)\b
      | </?\s*(system|answer|instructions?)\s*>
    )""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
INJECTION_CAP = 30
INJECTION_FLAG = "instructions to the grader inside the answer"
ECHO_SIMILARITY = 0.6
_INVITES_QUESTIONS = re.compile(r"\bwould you ask\b|\bquestions? (?:would|do) you\b|\bclarif|\bassum", re.IGNORECASE)


def injection_attempt(text: str) -> str | None:
    """The first span that tries to instruct the grader, if any."""
    match = _INJECTION.search(text)
    return match.group().strip() if match else None


def _content(stems: list[str]) -> set[str]:
    return {s for s in stems if s not in STOPWORDS}


class EchoFilter:
    """What the question itself says: sentences that repeat it back, and whether it asks for questions."""

    def __init__(self, prompt: str) -> None:
        self._sentences = [_content([t.stem for t in tokens(part)]) for part in re.split(r"[.?!\n]+", prompt)]
        self._sentences = [s for s in self._sentences if len(s) >= 3]
        # Every word the question used: repeating them shows no extra knowledge (see offline._breadth).
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
