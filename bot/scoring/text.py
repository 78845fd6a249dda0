"""Text handling for the offline scorer: tokens with offsets, stems, sentences, negation words.

Tokens keep their character offsets into the candidate's original text, so every piece of
evidence the scorer quotes is an exact span of what the candidate wrote.  What a negation does to a
claim near it is read in :mod:`bot.scoring.negation`; here are only the words, which tokenising and
compiling a rubric need too (function words, the negations a phrase itself states).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from bot.scoring.synonyms import SYNONYM_GROUPS, americanise

_STEMMER = snowballstemmer.stemmer("english")
# Letters and digits; underscores and dots split identifiers, so `select_related` and
# "select related" give the same tokens.
# Dunder names (`__slots__`) stay whole: they are precise terms, not the plain word inside.
_WORD = re.compile(r"__[^\W_]+(?:_[^\W_]+)*__|[^\W_]+", re.UNICODE)
# Sentence ends: terminal punctuation followed by space, or a line break.  Code lines
# become sentences of their own, which is what we want for quoting.
# A full stop after a common abbreviation ("e.g.", "i.e.", "vs.", "incl.") does not end the sentence.
_SENTENCE_END = re.compile(
    r"(?<=[.!?;])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\beg\.)(?<!\bie\.)(?<!\bvs\.)(?<!\bincl\.)(?<!\bcf\.)"
    r"(?<!\besp\.)(?<!\bapprox\.)\s+|\n+",
    re.IGNORECASE,
)

# A span of inline code: `like this`.
INLINE_CODE = re.compile(r"`[^`\n]+`")
_PAIR = re.compile(r"(?<![\w/])[^\W\d_]+/[^\W\d_]+(?![\w/])")

STOPWORDS = frozenset(
    """a an the is are was were be been being am of to in on at by for with from as and or but if then so
    it its this that these those there their they them you your we our us i me my he she his her
    do does did doing have has had having can could would should will shall may might must
    just very really also too only about into over than such some any each which who whom what
    when where why how here like get got going gonna lot lots thing things way well yeah okay ok um uh""".split()
)
ARTICLES = frozenset({"a", "an", "the"})
# Auxiliary verbs: what opens a yes/no question, and what gives a clause a verb of its own.
AUXILIARIES = frozenset({"is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should",
                         "shall", "has", "have", "had", "must", "may", "might"})
NEGATORS = frozenset({"not", "no", "never", "nothing", "neither", "nor", "cannot", "without", "isnt", "doesnt",
                      "dont", "arent", "wont", "cant", "wasnt", "werent", "shouldnt", "didnt", "havent", "hasnt",
                      "couldnt", "wouldnt", "mustnt", "hardly",
                      # "the GIL stops threads from running in parallel" denies that they do
                      "stop", "stops", "stopped", "prevent", "prevents", "prevented"})
# Words that start a new clause: a negation before them does not reach a claim after them.
CLAUSE_BREAKS = frozenset({"but", "because", "so", "whereas", "although", "though", "however", "while"})


class Token(NamedTuple):
    """One word; a named tuple because an answer makes hundreds and a frozen dataclass is slow to build."""

    norm: str  # casefolded, accents and underscores stripped
    stem: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    tokens: tuple[Token, ...]


def _fold_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in SYNONYM_GROUPS.strip().splitlines():
        words = line.split()
        target = _STEMMER.stemWord(americanise(words[0]))
        for word in words:
            table.setdefault(_STEMMER.stemWord(americanise(word)), target)
    return table


_FOLD = _fold_table()


# Words the stemmer merges although Python gives them different meanings: an iterable is not an
# iterator ("a list is an iterable" must not read as "a list is an iterator").
_KEEP_APART = {"iterable": "iterable", "iterables": "iterable", "iterator": "iterator", "iterators": "iterator"}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The matching form of a normalised word: American spelling, Snowball stem, synonym folded."""
    if word.startswith("__"):
        return word
    if word in _KEEP_APART:
        return _KEEP_APART[word]
    plain = str(_STEMMER.stemWord(americanise(word)))
    return _FOLD.get(plain, plain)


@lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word).casefold()
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return plain if plain.startswith("__") and plain.endswith("__") else plain.strip("_")


_CONTRACTION = re.compile(r"(\w)['\u2019](t)\b", re.IGNORECASE)


def _join_contractions(text: str) -> str:
    # "doesn't" -> "doesnt" so the negation survives tokenisation; same length keeps offsets.
    return _CONTRACTION.sub(r"\1\2 ", text) if "'" in text or "\u2019" in text else text


# Each word as written -> its normalised form and stem: one lookup per token instead of two cached calls.
# Bounded like the caches above, since answers are arbitrary text.
_FORMS: dict[str, tuple[str, str]] = {}
FORMS_CACHE = 65536


def tokens(text: str) -> list[Token]:
    """Word tokens of ``text`` with offsets into ``text`` itself."""
    prepared = _join_contractions(text)
    out: list[Token] = []
    new, known = tuple.__new__, _FORMS.get  # a named tuple's own constructor is a Python call per token
    for match in _WORD.finditer(prepared):
        word = match.group()
        forms = known(word)
        if forms is None:
            norm = normalise_word(word)
            forms = (norm, stem(norm) if norm else "")
            if len(_FORMS) < FORMS_CACHE:
                _FORMS[word] = forms
        if forms[0]:
            out.append(new(Token, (*forms, *match.span())))
    return out


def sentences(text: str) -> list[Sentence]:
    """Split into sentences (and separate lines), each with its own tokens."""
    all_tokens = tokens(text)
    bounds: list[tuple[int, int]] = []
    begin = 0
    # "`from ... import charge`", "`log(...); return f(*a)`": a stop inside inline code ends no sentence.
    code = [m.span() for m in INLINE_CODE.finditer(text)] if "`" in text else []
    for match in _SENTENCE_END.finditer(text):
        if code and match.group() and not match.group().startswith("\n") and any(a < match.start() < b for a, b in code):
            continue
        if match.start() > begin:
            bounds.append((begin, match.start()))
        begin = match.end()
    if begin < len(text):
        bounds.append((begin, len(text)))
    out: list[Sentence] = []
    index = 0
    for start, end in bounds:
        chunk: list[Token] = []
        while index < len(all_tokens) and all_tokens[index].start < end:
            if all_tokens[index].start >= start:
                chunk.append(all_tokens[index])
            index += 1
        if chunk:
            out.append(Sentence(start, end, tuple(chunk)))
    return out


def phrase_stems(phrase: str, strict: bool = False) -> tuple[str, ...]:
    """The stems a phrase requires.

    Lenient (indicators): the content words, unless that would shrink a multi-word phrase
    to a single word ("line by line" or "with a lock" must not match any "line" or "lock";
    a rubric that means a single word lists it alone).  Strict (red flags): every
    word, because a misconception is a precise claim and a false accusation costs more
    than a missed one.
    """
    words = [normalise_word(w) for w in _WORD.findall(_join_contractions(phrase))]
    words = [w for w in words if w]
    content = [w for w in words if w not in STOPWORDS]
    if strict:
        # Articles carry no part of a claim: "makes a new list" and "makes new lists" say the same.
        # But "a" between single letters is a class name ("D, B, A, C").
        content = [w for i, w in enumerate(words) if not _article(words, i)] or words
    elif len(set(words)) > 1 and len(set(content)) < 2:
        content = words
    return tuple(stem(w) for w in (content or words))


def negator_count(phrase: str) -> int:
    """How many negations a phrase itself states, counted on its words before stemming."""
    return sum(1 for w in _WORD.findall(_join_contractions(phrase)) if normalise_word(w) in NEGATORS)


def _article(words: list[str], i: int) -> bool:
    if words[i] not in ARTICLES:
        return False
    if words[i] != "a":
        return True
    nxt = words[i + 1] if i + 1 < len(words) else ""
    prev = words[i - 1] if i else ""  # a phrase that starts with "a" may mean class A
    return len(nxt) > 1 and len(prev) > 1


# "=", "->", "=>", "→" and "+" between words, not inside code such as `f(x=1)` or `i=i`.
_RELATION = re.compile(r"(?<=\s)(?:=|->|=>|\u2192|\+|vs\.?|versus)(?=\s)", re.IGNORECASE)


# Prepositions and conjunctions that the stopword list leaves out (it serves matching, where "before" or "after"
# can be a rubric's word): they are grammar all the same, and a sentence that has them relates its terms.
_GLUE = frozenset({"through", "between", "across", "before", "after", "during", "via", "per", "until", "while",
                   "because", "since", "within", "onto", "under", "against", "among", "unless", "although", "though",
                   "whether", "instead", "rather", "otherwise"})


def _function_word(token: Token, text: str) -> bool:
    """Grammar rather than content; the pronoun "I" and the article "a" count, a variable "a" or class "A" does not."""
    if token.norm in STOPWORDS or token.norm in NEGATORS or token.norm in _GLUE:
        return len(token.norm) > 1 or text[token.start : token.end] in ("I", "a")
    return False


# Notation and small words that relate terms the way a verb does ("X -> Y", "X: Y", "because",
# "instead of").  Enough of them make a terse note a set of claims rather than a list; a long
# run of terms with a colon or two in it is still a list.
# The words are found among the sentence's tokens, which is several times faster than a regular expression
# over its text; a word joined to an identifier by an underscore (`only_once`) or spelt with an accent is not one.
_RELATING_MARKS = re.compile(r"[-=]>|\u2192|(?<=\w):\s+|\s=\s")
# Steps put in order ("first ..., then ...", "before the deploy") are related as a verb relates them.
_RELATING_WORDS = frozenset({"because", "so", "instead", "only", "via", "per", "unless", "until", "then", "first",
                             "before", "after", "once"})
RELATIONS = 2
TOKENS_PER_RELATION = 10


def relates(sentence: Sentence, text: str) -> bool:
    """Whether a terse sentence relates its terms to each other (a claim), as a list does not."""
    start, end = sentence.start, sentence.end
    # Most sentences hold none of the marks' characters: four substring searches skip the expression.
    marked = any(text.find(c, start, end) >= 0 for c in (">", "\u2192", ":", "="))
    found = len(_RELATING_MARKS.findall(text, start, end)) if marked else 0
    found += sum(1 for t in sentence.tokens if t.norm in _RELATING_WORDS and _whole_word(t, text))
    return found >= RELATIONS and found * TOKENS_PER_RELATION >= len(sentence.tokens)


def _whole_word(token: Token, text: str) -> bool:
    """The token is a word as written: no underscore joins it to a name, and no accent was folded away."""
    return (text[token.start - 1 : token.start] != "_" and text[token.end : token.end + 1] != "_"
            and text[token.start : token.end].lower() == token.norm)


# "set: hash table of unique items, O(1) lookups, no order": a short label (up to five words, so "Set/dict are hash
# tables:" is one too), a colon, then what is true of the label, item by item.  A list of terms has single-word
# items ("tools: Celery, Redis").
_LABEL = re.compile(r"\s*([^\W\d_][\w/.`()-]*(?:\s+[\w/.`()-]+){0,4}):\s+")
# An opening bracket starts a new item only after a space: "(cheap, O(1))" is an aside, while the
# bracket of "O(1)" or "len(x)" belongs to its word.
_ITEM_BREAK = re.compile(r"[,;]|(?<!\S)\(")
LABEL_ITEMS, LABEL_ITEM_WORDS = 2, 2.0


def describes_label(sentence: Sentence, text: str) -> bool:
    """A labelled note: each item says something about the label, so the items relate to it.

    Terse notes are how strong candidates write when time is short; what separates them from a
    pasted term list is that every item is a phrase (a property, a cost, a contrast), not a lone
    term.  Two items or more, of two words or more on average, make the note a set of claims.
    """
    head = _LABEL.match(text, sentence.start, sentence.end)
    if head is None:
        return False
    items = [part for part in _ITEM_BREAK.split(text[head.end():sentence.end]) if _WORD.search(part)]
    words = [len(_WORD.findall(part)) for part in items]
    return len(items) >= LABEL_ITEMS and sum(words) / len(items) >= LABEL_ITEM_WORDS


_ARROW = re.compile(r"(?<=\s)(?:->|=>|\u2192)(?=\s)")
MAP_SIDE_WORDS = 2


def maps(sentence: Sentence, text: str) -> bool:
    """A note that maps a cause to its consequences or fixes: "blocking calls in coroutines -> async clients, to_thread".

    The arrow is the verb: what stands on its left leads to, or is fixed by, what stands on its
    right, however many items the right side lists.  Both sides must say something (two words or
    more), so a lone term pointing at a list is not enough.
    """
    for arrow in _ARROW.finditer(text, sentence.start, sentence.end):
        left = _WORD.findall(text, sentence.start, arrow.start())
        right = _WORD.findall(text, arrow.end(), sentence.end)
        if len(left) >= MAP_SIDE_WORDS and len(right) >= MAP_SIDE_WORDS:
            return True
    return False


# A sentence with at least this share of function words is never a list: every rule of ``is_listy`` that
# calls one so needs less grammar than this.
LIST_GLUE = 0.4
# Prose this long needs either grammar or punctuation: a run of this many words with less than this share
# of function words and hardly a mark between them is terms pasted one after another.
RUN_WORDS, RUN_GLUE, RUN_MARKS_PER_WORD = 30, 0.18, 0.06
_MARK = re.compile(r"[,;:()\u2014]|\s-\s")


def glue(sentence: Sentence, text: str) -> float:
    """The share of a sentence's words that are grammar (function words and relating notation), 0 for no words."""
    if not sentence.tokens:
        return 0.0
    # A code term in inline code is one term however many words it spells: `payments.client.charge` is one noun,
    # `COUNT(DISTINCT o.id) > 3` one condition, and bracketed examples one slot; counting their pieces would make a
    # sentence about them look like a run of terms.
    inside, names = _one_term_spans(sentence, text)
    units = len(sentence.tokens) - len(inside) + names
    function_words = sum(1 for i, t in enumerate(sentence.tokens) if i not in inside and _function_word(t, text))
    # Notation states a relation the way a verb does: "genexp = lazy", "FK -> select_related".
    function_words += len(_RELATION.findall(text, sentence.start, sentence.end))
    return function_words / units


def is_listy(sentence: Sentence, text: str, vocabulary_share: float = 0.0) -> bool:
    """A run of terms rather than an explanation: separated terms, repeats, or no function words.

    Concepts only count when the candidate explains them; a pasted list of buzzwords earns
    nothing however many of them are right.  ``vocabulary_share`` is the share of the
    sentence's words that are rubric terms: a long run of them with little grammar is a list,
    while a short dense sentence ("processes cost memory and pickling") stays usable.
    """
    words = sentence.tokens
    if len(words) < 3:
        return True
    if len({t.stem for t in words}) / len(words) < 0.6 and not _varied_prose(words, text):
        return True
    ratio = glue(sentence, text)
    if ratio >= LIST_GLUE:
        return False  # as much grammar as prose has: no rule below calls it a list (most sentences end here)
    if relates(sentence, text) or describes_label(sentence, text) or maps(sentence, text):
        return False
    separators = sum(text.count(mark, sentence.start, sentence.end) for mark in (",", "/", "|", " - "))
    # "set/dict", "pub/sub": a slash inside one pair of words names the pair, it does not list.
    separators -= len(_PAIR.findall(text, sentence.start, sentence.end))
    if separators >= 2 and separators >= len(words) / 4 and ratio < 0.25:
        return True
    if separators >= 4 and separators >= len(words) / 3 and ratio < LIST_GLUE:
        return True  # a comma every two or three words is a list, whatever glue words its items carry
    if len(words) >= 12 and vocabulary_share >= 0.7 and ratio < 0.25:
        return True  # a long run of rubric terms with little grammar between them
    if (len(words) >= RUN_WORDS and ratio < RUN_GLUE
            and len(_MARK.findall(text, sentence.start, sentence.end)) < RUN_MARKS_PER_WORD * len(words)):
        return True  # "pass by reference pass by value call by sharing names objects binding ...": no sentence that long
    return len(words) >= 7 and ratio < 0.1


# A dotted name in inline code (`orders.services.charge`, `payments.client.charge()`), or a call in it whose
# arguments are names and values (`patch("orders.services.charge", autospec=True)`); a statement, an expression
# with words of its own (`Counter(ep for ep in eps if ep)`) or a literal in backticks is code with words of its own,
# and `received_at` reads as its words.
_INLINE_NAME = re.compile(r"`\w+(?:\.\w+)+(?:\(\))?`|`\w+(?:\.\w+)*\((?:[^`\n ]|, )*\)`")


def _one_term_spans(sentence: Sentence, text: str) -> tuple[set[int], int]:
    """The indexes of the sentence's tokens that sit inside code terms or bracketed examples, and how many hold them.

    A code term is a dotted name or a call with plain arguments in inline code (``_INLINE_NAME``), or any inline
    code with none of the small words of prose in it: `COUNT(DISTINCT o.id) > 3` and `qty * unit_price` are one
    term each, while `Counter(ep for ep in eps if ep)` and `received_at` read as their words.  Examples in brackets
    with none of those words ("(requests, time.sleep, sync DB drivers)") fill one slot of the sentence the same way."""
    said = text[sentence.start : sentence.end]
    if "`" not in said and "(" not in said:
        return set(), 0  # most sentences: nothing to read as one term
    inside: set[int] = set()
    names = 0
    named = [m.span() for m in _INLINE_NAME.finditer(text, sentence.start, sentence.end)]
    spans = [m.span() for m in INLINE_CODE.finditer(text, sentence.start, sentence.end)]
    spans += [m.span() for m in _EXAMPLES.finditer(text, sentence.start, sentence.end)]
    for start, end in spans:
        held = {i for i, t in enumerate(sentence.tokens) if start < t.start < end} - inside
        if held and ((start, end) in named or not any(_function_word(sentence.tokens[i], text) for i in held)):
            inside |= held
            names += 1
    return inside, names


# Examples in brackets after a noun: "Blocking calls (requests, time.sleep, sync DB drivers) freeze the loop".
_EXAMPLES = re.compile(r"\([^()\n]{3,120}\)")


def _varied_prose(words: tuple[Token, ...], text: str) -> bool:
    """A long grammatical sentence whose repeats are its small words: "the part before the yield is ..., the yield is ...".

    Every long sentence repeats "the", "is" and "and"; a run of pasted terms repeats its terms.
    """
    content = [t for t in words if not _function_word(t, text)]
    return (len(words) >= 20 and len(words) - len(content) >= 0.35 * len(words)
            and len({t.stem for t in content}) >= 0.6 * len(content))


def is_question(text: str, sentence: Sentence) -> bool:
    """A sentence asked rather than stated: clarifying questions are fine, but they explain nothing."""
    tail = text[sentence.start : sentence.end + 1].rstrip()
    return tail.endswith("?")
