"""Whether the words found for a claim's parts are said of one subject, in one clause, by the speaker.

The parts of a claim may each be worded in a sentence and still not make it: one is the measure something else is
compared with ("slower than a shallow copy", "the same lookup as a set"), two subjects each take their own object
("*args and **kwargs collect positional and keyword arguments"), the words sit inside code, some parts sit in a
bracketed aside and others outside it, "only ... if" (or "only ... with") makes the claim a condition, one word makes
every part, a negation-only part comes after what it denies, a reason clause denies the later part, the subject opens
a clause of its own after a comma, a colon stands between two statements, or a bare "without" takes an object of its
own. A pronoun may stand for the subject, from the sentence before, an earlier clause, or before a colon. These
readings of the sentence's shape are gathered here; :mod:`bot.scoring.misclaims` applies them in order, and
:mod:`bot.scoring.refuted` reads whether the speaker makes the claim or holds it at arm's length.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.scoring.claim_form import Wording, group_at
from bot.scoring.matcher import Located
from bot.scoring.negation import negated
from bot.scoring.text import ARTICLES, AUXILIARIES, INLINE_CODE, NEGATORS, negator_count, stem

PRONOUNS = frozenset({"it", "this", "that", "they", "these", "those", "which", "its", "their"})
_OPENERS = frozenset({"and", "but", "also", "so", "then", "plus"})
_RELATIVES = frozenset({"which", "who", "whom", "whose"})
# Words that open a short phrase of time, place or manner ("since Python 3", "in practice", "by default").
_SETTINGS = frozenset({"since", "in", "on", "by", "from", "after", "under", "at", "with"})


def asides(where: Located, first: int, last: int, found: list[tuple[int, int, int]]) -> list[range]:
    """The tokens between first and last that sit in a relative clause set off by commas, one range per clause.

    "A connection reset, which is what the balancer sends when it drops us, means the request never
    arrived": the aside neither stretches the claim nor speaks in it, so long as no part of the claim is inside it.
    """
    tokens = where.sentence.tokens
    found_asides, i = [], first + 1
    while i < last:
        if tokens[i].norm in _RELATIVES and where.comma_before(i):
            end = next((j for j in range(i + 1, last + 1) if where.comma_before(j)), None)
            if end is None:
                break
            if not any(i <= s[0] < end or i <= s[1] < end for s in found):
                found_asides.append(range(i, end))
            i = end
        else:
            i += 1
    return found_asides


COMPARED_REACH = 5  # words between "same" (or a first "as") and the "as" before what is compared


def contrasted(where: Located, first: int) -> bool:
    """Whether the claim's subject is the one set against another: "Unlike X, Y does ..." says it of Y, not X,
    "Y is slower than X and makes a full copy" says of Y what follows, not of X, the measure it is compared with,
    and so does "dict: the same O(1) lookup as a set, keeps insertion order" of the dict, not the set."""
    tokens = where.sentence.tokens
    at = first - 1
    while at >= 0 and tokens[at].norm in ("a", "an", "the"):
        at -= 1
    if at >= 0 and tokens[at].norm == "as":
        return any(t.norm in ("same", "as") for t in tokens[max(0, at - COMPARED_REACH) : at])
    return at >= 0 and tokens[at].norm in ("unlike", "than")


_JOINS = frozenset({"and", "or"})


def respective(where: Located, subject: tuple[int, int, int] | None, last: int) -> bool:
    """Whether the claim pairs the second of two subjects with the first of two objects.

    "*args and **kwargs collect positional and keyword arguments" gives each subject its own object,
    in order: it does not say that **kwargs collects positional arguments, though those words are
    side by side.  Two subjects joined just before the claim's subject (its first group), and another
    join among the claim's words or right after them, read that way.
    """
    if subject is None:
        return False
    tokens = where.sentence.tokens
    before = subject[0] - 1
    while before >= 0 and tokens[before].norm in ("a", "an", "the"):
        before -= 1
    if before < 1 or tokens[before].norm not in _JOINS or where.comma_before(before):
        return False  # no subjects joined, or a new clause after a comma ("..., and the app stores it ...")
    end = min(len(tokens) - 1, max(last, subject[1]) + 2)
    # The second join pairs objects, not verbs: "... on worker threads and don't block" joins what they do; nor does
    # one after a comma or a bracket, which opens a clause or an aside of its own ("store and compute amounts as
    # floats (and doubles in Postgres), and round ...").
    return any(tokens[i].norm in _JOINS and negator_count(tokens[i + 1].norm) == 0
               and not any(mark in where.text[tokens[i - 1].end : tokens[i].start] for mark in ",;:(")
               for i in range(subject[0] + 1, end))


_INLINE_CODE = re.compile(r"`[^`\n]*[(=][^`\n]*`")


def inside_code(where: Located, first: int, last: int) -> bool:
    """Whether tokens first..last all sit in one inline code expression: ``Count("orders", filter=...)``.

    Names in code are not prose: "order_count=Count(...)" says nothing about what a count counts.
    """
    tokens = where.sentence.tokens
    for m in _INLINE_CODE.finditer(where.text, where.sentence.start, where.sentence.end):
        if m.start() < tokens[first].start and tokens[last].end < m.end():
            return True
    return False


_CONDITIONS = frozenset({"if", "when"})
_ONLY = stem("only")


def only_if(where: Located, first: int, last: int, claim_words: frozenset[str]) -> bool:
    """Whether the claim is made a condition by "only ... if" in or right after it: "retrying a charge is only safe
    if the call is idempotent" (or "only safe ... with a key") says what retrying needs, not that it is safe.  Not
    when the claim's own wordings say "only" ("finally runs only when it fails" is the claim)."""
    if _ONLY in claim_words:
        return False
    tokens = where.sentence.tokens
    end = min(last + 3, len(tokens))
    if any(tokens[i].norm == "only" and any(t.norm in _CONDITIONS for t in tokens[i + 1 : min(i + 3, end + 1)])
           for i in range(first, end)):
        return True
    # "only retry a timed-out charge when a key makes a duplicate harmless": "only" right before it, a condition inside.
    if first > 0 and tokens[first - 1].norm == "only" and any(t.norm in _CONDITIONS for t in tokens[first + 1 : last]):
        return True
    # "a charge is only safe to retry with an idempotency key": "only" among the claim's words, what it needs right after.
    # Not "safe for only customers with a card": there "only" narrows a noun, and the "with" goes with that noun.
    return (any(t.norm == "only" and (i == 0 or tokens[i - 1].norm not in _PREPOSITIONS)
                for i, t in enumerate(tokens[first : last + 1], first))
            and any(t.norm in _NEEDS for t in tokens[last + 1 : last + 3]))


_NEEDS = _CONDITIONS | {"with", "once", "after", "given", "provided", "unless"}
_PREPOSITIONS = frozenset({"for", "to", "of", "on", "in", "at", "by", "from", "with"})


def across_brackets(where: Located, groups: tuple[tuple[Wording, ...], ...], found: list[tuple[int, int, int]],
                    lo: int, hi: int) -> bool:
    """Whether some parts of the claim sit inside a bracketed aside and others outside it.

    "`outer.send(v)` is forwarded to the child (the loop version swallows it)" says of the loop what the
    brackets hold, not what the sentence around them says.  Only brackets of prose count, not a call's.  A part
    the clause also words outside the brackets is said there: "nginx (the web server) runs the Django code"."""
    tokens = where.sentence.tokens
    asides = _bracketed(where)
    if not asides:
        return False
    holders = [tuple(a for a in asides if a[0] < tokens[s[0]].start and tokens[s[1]].end <= a[1]) for s in found]
    if len(set(holders)) < 2:
        return False
    return any(held and not _said_outside(where, group, held[-1], lo, hi)
               for group, held in zip(groups, holders, strict=True))


def _said_outside(where: Located, group: tuple[Wording, ...], aside: tuple[int, int], lo: int, hi: int) -> bool:
    """Whether the clause [lo, hi) words the group before or after the bracketed ``aside`` as well."""
    tokens = where.sentence.tokens
    opens = next((i for i in range(lo, hi) if tokens[i].start > aside[0]), hi)
    closes = next((i for i in range(opens, hi) if tokens[i].start >= aside[1]), hi)
    return group_at(where, group, lo, opens) is not None or group_at(where, group, closes, hi) is not None


def in_brackets(where: Located, at: int) -> bool:
    """Whether token ``at`` sits in a bracketed aside of its sentence."""
    start = where.sentence.tokens[at].start
    return any(a < start < b for a, b in _bracketed(where))


def _bracketed(where: Located) -> list[tuple[int, int]]:
    """The character ranges of the sentence's bracketed asides: an opening bracket after a space, not in code."""
    text, start, end = where.text, where.sentence.start, where.sentence.end
    if text.find("(", start, end) < 0:
        return []
    code = [(m.start(), m.end()) for m in INLINE_CODE.finditer(text, start, end)]
    out, opened = [], []
    for i in range(start, end):
        if text[i] not in "()" or any(a <= i < b for a, b in code):
            continue
        if text[i] == "(":
            opened.append(i if i == start or not text[i - 1].isalnum() else -1)
        elif opened:
            at = opened.pop()
            if at >= 0:
                out.append((at, i + 1))
    return out


# Verbs that say something is left out or turned away: between two parts of a claim they deny the relation
# ("`log.error(e)` drops the traceback" does not say the traceback is logged, and "autospec makes the mock refuse
# calls the real function would not accept" does not say it calls the real function).  Inside a part they are its
# wording ("swallows the value").
_PRIVATIVE = frozenset({"drops", "drop", "dropped", "loses", "lose", "lost", "omits", "omit", "omitted",
                        "strips", "strip", "stripped", "refuse", "refuses", "refused", "rejects", "reject", "rejected"})


def deprived(where: Located, found: list[tuple[int, int, int]], set_off: list[range]) -> int:
    """1 when a verb of leaving out stands between two parts of the claim, in none of them and in no aside, else 0."""
    tokens = where.sentence.tokens
    inside = {i for lo, hi, _ in found for i in range(lo, hi + 1)} | {i for aside in set_off for i in aside}
    first, last = min(s[0] for s in found), max(s[1] for s in found)
    return int(any(tokens[i].norm in _PRIVATIVE for i in range(first + 1, last) if i not in inside))


def _after_colon(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
    """Whether a colon stands between the sentence's start and the first of ``spans``."""
    found = [s[0] for s in spans if s is not None]
    if not found:
        return False
    return ":" in where.text[where.sentence.start : where.sentence.tokens[min(found)].start]


_DETERMINERS = ARTICLES | {"this", "that", "these", "those", "each", "every", "any", "my", "our"}


def subject_after_comma(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
    """Whether the claim's subject comes after all its other parts and opens a bare clause after a comma: in "lists
    keep order and duplicates, set holds unique items" the set is the subject of a clause of its own, not the one
    keeping order.  A subject after its verb with no comma between ("order is kept by sets"), or in a clause joined
    by a word ("..., since the browser must ask"), may still be the claim's."""
    subject, others = spans[0], [s for s in spans[1:] if s is not None]
    if subject is None or not others or subject[0] <= max(s[1] for s in others):
        return False
    tokens, text = where.sentence.tokens, where.text
    comma = next((i for i in range(subject[0], max(s[1] for s in others), -1)
                  if "," in text[tokens[i - 1].end : tokens[i].start]), None)
    # The clause goes on after the subject ("set holds ..."); a list's item ("Python, various tools, ...") does not.
    goes_on = subject[1] + 1 < len(tokens) and not text[tokens[subject[1]].end : tokens[subject[1] + 1].start].strip()
    return comma is not None and goes_on and all(t.norm in _DETERMINERS for t in tokens[comma : subject[0]])


_VERBS = AUXILIARIES | {"be", "s", "re"}  # "s", "re": "it's", "they're"


def across_colon(where: Located, found: list[tuple[int, int, int]]) -> bool:
    """Whether the claim's parts lie on both sides of a colon that ends a statement: "`dict.copy()` is shallow:
    `cfg["db"]` is the same object as ..." says two things, each with its own verb, and "`dict.copy()` ... the same
    object" is neither.  A label's colon ("`dict.copy()`: the same object") joins its parts as before."""
    tokens, text = where.sentence.tokens, where.text
    first, last = min(s[0] for s in found), max(s[1] for s in found)
    colon = text.find(":", tokens[first].end, tokens[last].start)
    if colon < 0:
        return False
    split = next(i for i in range(first, last + 1) if tokens[i].start > colon)
    before, after = [s for s in found if s[1] < split], [s for s in found if s[0] >= split]
    if not before or not after:
        return False
    return (any(t.norm in _VERBS for t in tokens[first:split])
            and any(t.norm in _VERBS for t in tokens[split : max(s[1] for s in after) + 1]))


def without_elsewhere(where: Located, found: list[tuple[int, int, int]]) -> bool:
    """Whether a claim's bare "without" takes an object of its own: in "writing `@retry` without parentheses on a
    factory" it is the parentheses that are left out, not the factory, so "without ... a factory" is not said."""
    tokens = where.sentence.tokens
    return any(start == end and tokens[start].norm == "without"
               and not any(start < other[0] <= start + 2 for other in found) for start, end, _ in found)


def shared(found: list[tuple[int, int, int]]) -> bool:
    """Whether one word makes every part of the claim, or a part is worded only by words the others use.

    "the order count is taken" holds "count is" only as the "count" of "order count" and the "is" of another
    part: one noun phrase is not a subject, a verb and an object.  A part that lies inside another is still
    said ("COUNT(*) counts" is the subject with its verb), and parts that share a word but each bring one of
    their own ("Flask-Login hashes" and "hashes the passwords") make a claim."""
    words = [set(range(lo, hi + 1)) for lo, hi, _ in found]
    if len(found) >= 3 and set.intersection(*words):
        return True  # one word as every part at once
    for i, mine in enumerate(words):
        others = [w for j, w in enumerate(words) if j != i]
        if others and mine <= set().union(*others) and not any(mine <= w for w in others):
            return True
    return False


def negation_follows(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
    """Whether a part of the claim worded by a negation alone ("can't") comes after the part it denies.

    A negation reaches forward: "a closure captures the variable, looked up at call time, not a snapshot"
    does not say that one "can't look at" what a closure captured."""
    tokens = where.sentence.tokens
    for here, following in pairwise(spans):
        if (here is not None and following is not None and here[0] == here[1] and tokens[here[0]].norm in NEGATORS
                and here[0] > following[0]):
            return True
    return False


def _opens_with_pronoun(where: Located, at: int = 0) -> bool:
    words = [t.norm for t in where.sentence.tokens[at : at + 2]]
    return bool(words) and (words[0] in PRONOUNS or (words[0] in _OPENERS and len(words) > 1 and words[1] in PRONOUNS))


def pronoun_clause(where: Located, lo: int) -> bool:
    """Whether the clause from token ``lo`` on is joined to the one before and opens with a pronoun that may stand for
    its subject: "Threads share memory, and they run in parallel" says of threads that they run in parallel.

    A clause of purpose or result ("... go to a process pool so they don't block the loop") speaks of what the earlier
    clause did with its subject, not of the subject alone, so only "and", "but" or a bare pronoun join this way."""
    tokens = where.sentence.tokens
    if lo <= 0 or lo >= len(tokens):
        return False
    at = lo + 1 if tokens[lo].norm in ("and", "but") else lo
    if at < len(tokens) and tokens[at].norm in _SETTINGS:
        # "..., and since Python 3 it captures ...": a short phrase of when or where may come before the pronoun.
        at = next((i for i in range(at + 2, min(at + 4, len(tokens))) if tokens[i].norm in ("it", "they")), at)
    return at < len(tokens) and tokens[at].norm in PRONOUNS and tokens[at].norm != "which"


def after_colon_start(where: Located) -> int | None:
    """The first token after the sentence's first colon, when a pronoun opens what follows it; else None."""
    colon = where.text.find(":", where.sentence.start, where.sentence.end)
    if colon < 0:
        return None
    after = next((i for i, t in enumerate(where.sentence.tokens) if t.start > colon), None)
    return after if after is not None and _opens_with_pronoun(where, after) else None


def pronoun_subject(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
    """Whether the claim's clause opens with a pronoun that may stand for a subject in the sentence before.

    The sentence's own opening, with the claim's words before any colon ("That fixes one thing: a bare except ..."
    states after the colon with a subject of its own); or a label and a colon, then the pronoun and every word of
    the claim: "One thing to watch: it's skipped on a return" speaks of what the sentence before was about."""
    if _opens_with_pronoun(where):
        return not _after_colon(where, spans)
    found = [s[0] for s in spans if s is not None]
    after = after_colon_start(where)
    if after is None or not found:
        return False
    tokens = where.sentence.tokens
    return min(found) >= after and ":" not in where.text[tokens[after].start : tokens[min(found)].start]


# Words that open a clause giving a reason or describing what came before ("..., which is why", "since ..."): a claim
# may reach across one ("CSRF checks aren't needed since we use sessions"), and then its later part's negation is
# its own, not cancelled by one that denies the earlier clause's verb.
_LINKS = frozenset({"since", "which"})


def denied_later(where: Located, found: list[tuple[int, int, int]], first: int, last: int) -> bool:
    """Whether the claim (its words from ``first`` to ``last``) reaches across a reason or relative clause whose own
    words deny its later part.

    "It doesn't catch KeyboardInterrupt since that isn't a subclass of Exception": the first "n't" is about
    catching; the claim that KeyboardInterrupt subclasses Exception is denied by the second, which alone would
    otherwise cancel out."""
    tokens = where.sentence.tokens
    link = next((i for i in range(last, first, -1) if tokens[i].norm in _LINKS
                 and (tokens[i].norm == "since" or where.comma_before(i))), None)
    if link is None or not any(s[0] < link for s in found):
        return False
    later = [s for s in found if s[0] > link]
    return bool(later) and negated(where, (link, last), sum(s[2] for s in later), reach_back=False)
