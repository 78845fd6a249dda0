"""Whether a sentence makes a concrete claim or only talks around the topic.

Fluent generic prose ("it really depends on the use case, and it's important to consider the
trade-offs") uses the topic's words without saying anything an interviewer could check.  Such a
sentence is mostly evaluation and hedging words (the discourse of opinion, not of mechanism) and
carries no concrete marker: no code, no number, no identifier.  It earns no credit, so a long
answer cannot add up coverage from talk alone; one concrete detail is enough to make it count.

A whole answer can be general talk too, though few of its sentences are vague on their own: each
names a real idea ("it depends on whether the work is CPU-bound or I/O-bound") without deciding
anything about it.  What gives it away is the answer as a whole (:class:`Talk`): a large share of
framing words across all its prose, and hardly a sentence with a concrete detail.  On the sixteen
blind dev parts, 94% of the long vague answers have at least ``GENERAL_SHARE`` of framing words
and no answer graded 2 or 3, short or plain-words strong, or refuting a wrong claim has.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.scoring.text import STOPWORDS, Sentence, stem

# Evaluation, emphasis, hedging and talk about talk: words that frame a claim rather than make it.
_GENERIC = """
important importance key crucial critical essential vital fundamental central core main major primary
powerful elegant great good nice bad interesting tricky subtle common natural healthy classic famous
robust clean maintainable readable flexible scalable efficient idiomatic modern versatile reliable
right wrong best better proper appropriate careful thoughtful deliberate intentional clear
really very quite definitely certainly truly actually basically generally usually often always typically
overall general broad broader whole entire various several different many multiple lot lots plenty
consider considering consideration considerations think thinking thought understand understanding
depend depends depending dependent context case cases situation situations scenario scenarios
approach approaches strategy strategies option options choice choices tool tools solution solutions
aspect aspects factor factors concern concerns area areas point points thing things stuff kind kinds sort
trade tradeoff tradeoffs pros cons strength strengths weakness weaknesses benefit benefits advantage
advantages downside downsides balance practice practices principle principles pattern patterns
philosophy mindset culture team teams people business requirement requirements expectation expectations
ensure make sure making keep keeping help helps want need needs try trying focus goal goals value
level high low way ways part parts piece role impact matter matters world real everyday
passionate passion excited exciting excites drawn resonate resonated resonates align aligns aligned alignment
mission values vision journey growth grow growing opportunity opportunities challenge challenged challenging
talented collaborative environment environments exposure range skill skills skillset foundation
transferable adapt adapting adaptable comfortable personally professionally continuous bigger step
"""
GENERIC_STEMS = frozenset(stem(w) for w in _GENERIC.split())
# Concrete markers: code, numbers, identifiers, operators.  One of them makes a sentence checkable.
_CONCRETE = re.compile(r"`|\d|\w\(|\w\.\w|\w_\w|[=<>]|->|\b[A-Z][a-z]+[A-Z]\w*")
VAGUE_SHARE = 0.45  # share of a sentence's content words that are generic


def is_vague(sentence: Sentence, text: str) -> bool:
    """Mostly framing words and nothing concrete: talk about the topic, not a claim about it."""
    content = [t for t in sentence.tokens if t.norm not in STOPWORDS]
    if len(content) < 4:
        return False
    generic = sum(1 for t in content if t.stem in GENERIC_STEMS)
    return generic / len(content) >= VAGUE_SHARE and not _CONCRETE.search(text, sentence.start, sentence.end)


# An answer is general talk when at least this share of its prose's content words are framing words (not counting
# the rubric's own terms: "team", "growth" or "values" are what a motivation answer is about) ...
GENERAL_SHARE = 0.14
# ... it has at least this many content words (a short answer is judged sentence by sentence) ...
GENERAL_WORDS = 20
# ... and at most this share of its sentences carries a concrete detail.  On the dev parts the share of framing
# words separates the kinds on its own (0.12-0.16 gave the same ordering); this keeps an answer full of code,
# numbers and names from being called talk whatever its wording.
GENERAL_CONCRETE = 1 / 3


@dataclass(frozen=True)
class Talk:
    """How much of an answer's prose frames the topic rather than says something about it."""

    content: int  # content words of the prose (code blocks aside)
    framing: Counter[str]  # its framing words as written, with how often each occurs
    sentences: int
    concrete: int  # sentences with a concrete marker (code, a number, an identifier)

    @property
    def share(self) -> float:
        return sum(self.framing.values()) / self.content if self.content else 0.0

    @property
    def general(self) -> bool:
        """Talk about the topic throughout, with nothing an interviewer could check."""
        return (self.content >= GENERAL_WORDS and self.share >= GENERAL_SHARE
                and self.concrete <= GENERAL_CONCRETE * self.sentences)


def general_talk(prose: list[Sentence], text: str, own_terms: frozenset[str]) -> Talk | None:
    """``prose``'s measure when the answer is general talk throughout, else None.

    Most answers have a concrete detail in more than a third of their sentences: one search per sentence settles it
    before any word is counted (counting every word of every answer cost a tenth of a millisecond a grade).
    """
    if sum(len(s.tokens) for s in prose) < GENERAL_WORDS:
        return None
    concrete = _concrete(prose, text, stop_above=GENERAL_CONCRETE * len(prose))
    if concrete > GENERAL_CONCRETE * len(prose):
        return None
    measured = _measure(prose, own_terms, concrete)
    return measured if measured.general else None


def talk(prose: list[Sentence], text: str, own_terms: frozenset[str]) -> Talk:
    """The framing words and concrete sentences of ``prose`` (an answer's sentences outside code blocks)."""
    return _measure(prose, own_terms, _concrete(prose, text))


def _concrete(prose: list[Sentence], text: str, stop_above: float = float("inf")) -> int:
    """How many sentences of ``prose`` hold a concrete marker, counted until there are more than ``stop_above``."""
    count, search = 0, _CONCRETE.search
    for sentence in prose:
        if search(text, sentence.start, sentence.end) is not None:
            count += 1
            if count > stop_above:
                break
    return count


def _measure(prose: list[Sentence], own_terms: frozenset[str], concrete: int) -> Talk:
    """The content and framing words of ``prose`` (the rubric's own terms are not framing), with ``concrete``."""
    framing: Counter[str] = Counter()
    content = 0
    for sentence in prose:
        words = [t for t in sentence.tokens if t.norm not in STOPWORDS]
        content += len(words)
        framing.update(t.norm for t in words if t.stem in GENERIC_STEMS and t.stem not in own_terms)
    return Talk(content, framing, len(prose), concrete)
