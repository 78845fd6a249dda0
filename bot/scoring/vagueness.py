"""Whether a sentence makes a concrete claim or only talks around the topic.

Fluent generic prose ("it really depends on the use case, and it's important to consider the
trade-offs") uses the topic's words without saying anything an interviewer could check.  Such a
sentence is mostly evaluation and hedging words (the discourse of opinion, not of mechanism) and
carries no concrete marker: no code, no number, no identifier.  It earns no credit, so a long
answer cannot add up coverage from talk alone; one concrete detail is enough to make it count.
"""

from __future__ import annotations

import re

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
