"""Cutting a spoken story into units, and recognising input that is not a story at all.

Spoken answers run sentences together with ", and ..." and ", so ...", so a unit is a sentence
or one of those clauses: a run-on that sets the scene and then acts should count once for
each, not as a single part.  Reasons ("because ...", "since ...") stay with their clause: they
are the stakes of what they explain.  The checks here decide whether the text can be analysed fairly
(empty, another language, a list of terms) before any part is scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WORDS = 800  # nearly six spoken minutes: three times the longest answer worth giving
MAX_CHARS = 1_000_000  # past this even counting words is wasted work: the count becomes a lower bound
MIN_UNIT_WORDS = 4

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
# A question or exclamation quoted inside a sentence ("I asked "what did you try?" rather than ...") does not
# end it: after the closing quote the sentence goes on in lower case.
# Nor does the dot of a short abbreviation before a word in lower case: "paged at 3 a.m. because the API was down".
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[a-z]\.[a-z]\.)(?![\"”]\s+[a-z])[\"”')\]]*\s+"
                           r"|(?<=\b[a-z]\.[a-z]\.)\s+(?![a-z])|\n+")
# A coordinated clause with a subject of its own is its own unit: "I coached her and she got promoted".
_CLAUSE_BREAK = re.compile(r"[,;]\s+(?=(?:and|so|but|then)\b)|;\s+|\s+[-–—]\s+|:\s+"
                           r"|\s+(?=and\s+(?:he|she|it|they|we|i|everyone|everybody|nobody)\s+(?!\w+ly\b)\w+)"
                           # Two sentences spliced with a comma: "the queue backed up during the sale, I scaled ...".
                           r"|,\s+(?=(?:i|we)\s+(?!\w+ly\b)(?!(?:think|guess|mean|believe|suppose)\b)\w+)"
                           # What followed, told with "so" and a subject of its own: "... so the site stayed up".
                           r"|\s+(?=so\s+(?!(?:that\s+)?(?:i|we|you)\b)(?:[\w'-]+\s+){1,3}?"
                           r"(?:stayed|kept|got|went|came|became|[a-z]+ed)\b)",
                           re.IGNORECASE)
# A clause or phrase that opens on one of these is the scene or reason of the clause after its comma ("When the
# quota ran out, I took it on", "With anyone new I mentor, I ..."): a comma splice after it is no break.
_LEADS_IN = re.compile(r"^\W*(?:when|whenever|after|as|while|since|because|once|if|before|until|though|although"
                       r"|with|for|at|in|on|during|by|from|over|within|without|every|each)\b", re.IGNORECASE)
# A short clause with its own subject and verb still tells its own thing: "..., and we passed", "and crashes stopped".
_OWN_CLAUSE = re.compile(r"^\W*(?:and|so|but)\s+(?:(?:the|our|all|my)\s+)?(?:i|we|he|she|it|they|[a-z]+s)\s+"
                         r"(?!\w+ly\b)[a-z]{3,}\W*$", re.IGNORECASE)
_SPLICE = re.compile(r"^\s*(?:i|we)\s", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")

# The most frequent English grammar words; real English prose is roughly a third of these.
ENGLISH = frozenset(
    """the a an and or but so to of in on at for with from by as is are was were be been it its this that these those
    i me my we us our you he him his she her they them their had have has did do not no then when what which who there
    if because about after before into out up just than""".split()
)
# Frequent grammar words of other languages people interview in; they barely occur in English.
FOREIGN = frozenset(
    """de la el los las que y en un una por para con es fue era del al se lo le les des et est une du je nous il pas
    der die das und ich wir ist war nicht mit ein eine zu auf dem den sie es auch o os não em um uma com eu nós che di
    per non sono ho abbiamo het een ik wij niet op van na za że się jest nie był było""".split()
)

# Words without which no English sentence tells anything: subjects and the commonest verbs.
_CLAUSE_MAKERS = frozenset(
    """i we he she they you it me us was were is are am be been had have has did do does got get went made took
    said told asked i'm i've i'd we're we've it's that's there's""".split()
)


@dataclass(frozen=True)
class Unit:
    """A sentence or clause with its place in the story."""

    text: str
    words: int
    sentence: int  # index of the sentence it came from


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def cap(text: str) -> tuple[str, int, bool]:
    """The part of ``text`` to analyse, the word count (of the first MAX_CHARS characters), and whether it was cut."""
    total = len(text[:MAX_CHARS].split())
    if total <= MAX_WORDS:
        return text, total, False
    for index, match in enumerate(re.finditer(r"\S+", text)):
        if index == MAX_WORDS:
            return text[: match.start()], total, True
    return text, total, False


def sentences(text: str) -> list[str]:
    parts = (_BULLET.sub("", p).strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if words(p)]


def units(text: str) -> list[Unit]:
    """Sentences, with run-on clauses split off when each clause is long enough to stand alone."""
    out: list[Unit] = []
    for index, sentence in enumerate(sentences(text)):
        pieces: list[str] = []
        for piece in _CLAUSE_BREAK.split(sentence):
            # A clause too short to stand alone, or following one, stays with its neighbour.
            short = bool(pieces) and min(len(words(piece)), len(words(pieces[-1]))) < MIN_UNIT_WORDS
            if pieces and ((short and not (_OWN_CLAUSE.match(piece) and len(words(pieces[-1])) >= MIN_UNIT_WORDS))
                           or (_SPLICE.match(piece) and _LEADS_IN.match(pieces[-1]))):
                pieces[-1] = f"{pieces[-1]}, {piece}"
            else:
                pieces.append(piece)
        out.extend(Unit(p.strip(), len(words(p)), index) for p in pieces if words(p))
    return out


def _ascii_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if c.isascii()) / len(letters) if letters else 1.0


def not_english(text: str) -> bool:
    """Mostly another language: a non-Latin script, or far more foreign than English grammar words."""
    if _ascii_share(text) < 0.6:
        return True
    tokens = [w.lower() for w in words(text)]
    if len(tokens) < 6:
        return False
    english = sum(1 for w in tokens if w in ENGLISH) / len(tokens)
    foreign = sum(1 for w in tokens if w in FOREIGN and w not in ENGLISH) / len(tokens)
    return (english < 0.12 and foreign > english) or (foreign > 0.15 and foreign > 2 * english)


def is_term_list(text: str) -> bool:
    """Terms strung together without the grammar of a sentence: nothing there is told as a story."""
    tokens = [w.lower() for w in words(text)]
    if not tokens:
        return False
    if len(tokens) >= 4 and not any(w in _CLAUSE_MAKERS or w.endswith("ed") for w in tokens):
        return True  # no subject and no verb anywhere: "Leadership and ownership. Impact."
    grammar = sum(1 for w in tokens if w in ENGLISH) / len(tokens)
    separators = len(re.findall(r"[,;/|#•·]|\n|\s[-+]\s", text))
    if len(tokens) >= 3 and grammar < 0.1 and separators >= len(tokens) / 4:
        return True
    return len(tokens) >= 6 and grammar < 0.06
