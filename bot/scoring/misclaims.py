"""Misconceptions recognised as claims, however they are worded.

A red flag's phrases catch the usual wordings of a misconception; a candidate who rewords it
("Python checks the object against the protocol when it is created" for "a Protocol is enforced
at runtime") or splits it over two sentences ("A `yield from` is just a loop. It also swallows
the return value.") slips past them.  A claim is a few groups of words (what the misconception
is about, what it says happens, and where it matters, say), each a choice of wordings, that must
all occur in one clause.  A clause that starts with a pronoun may take its subject from the
sentence before, or from an earlier clause of its own sentence ("..., and they run in parallel").
Here the claim is found; whether the speaker makes it, or denies, reports, asks or turns it down,
is read in :func:`bot.scoring.refuted.at_arms_length`, as for a red flag's phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from bot.scoring.matcher import Located
from bot.scoring.negation import negated
from bot.scoring.refuted import at_arms_length
from bot.scoring.text import NEGATORS, negator_count, phrase_stems

MAX_SPREAD = 14  # tokens between a claim's first and last word
PRONOUNS = frozenset({"it", "this", "that", "they", "these", "those", "which", "its", "their"})
# A wording written as code: a dotted name or a call.
_CODE = re.compile(r"\w[.(]\w|\w\(\)")
_OPENERS = frozenset({"and", "but", "also", "so", "then", "plus"})
_RELATIVES = frozenset({"which", "who", "whom", "whose"})


def _asides(where: Located, first: int, last: int, found: list[tuple[int, int, int]]) -> list[range]:
    """The tokens between first and last that sit in a relative clause set off by commas, one range per clause.

    "A connection reset, which is what the balancer sends when it drops us, means the request never
    arrived": the aside neither stretches the claim nor speaks in it, so long as no part of the claim is inside it.
    """
    tokens = where.sentence.tokens
    asides, i = [], first + 1
    while i < last:
        if tokens[i].norm in _RELATIVES and where.comma_before(i):
            end = next((j for j in range(i + 1, last + 1) if where.comma_before(j)), None)
            if end is None:
                break
            if not any(i <= s[0] < end or i <= s[1] < end for s in found):
                asides.append(range(i, end))
            i = end
        else:
            i += 1
    return asides


def _contrasted(where: Located, first: int) -> bool:
    """Whether the claim's subject is the one set against another: "Unlike X, Y does ..." says it of Y, not X,
    and "Y is slower than X and makes a full copy" says of Y what follows, not of X, the measure it is compared with."""
    at = first - 1
    while at >= 0 and where.sentence.tokens[at].norm in ("a", "an", "the"):
        at -= 1
    return at >= 0 and where.sentence.tokens[at].norm in ("unlike", "than")


_JOINS = frozenset({"and", "or"})


def _respective(where: Located, subject: tuple[int, int, int] | None, last: int) -> bool:
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
    # The second join pairs objects, not verbs: "... on worker threads and don't block" joins what they do.
    return any(tokens[i].norm in _JOINS and negator_count(tokens[i + 1].norm) == 0 for i in range(subject[0] + 1, end))


_INLINE_CODE = re.compile(r"`[^`\n]*[(=][^`\n]*`")


def _inside_code(where: Located, first: int, last: int) -> bool:
    """Whether tokens first..last all sit in one inline code expression: ``Count("orders", filter=...)``.

    Names in code are not prose: "order_count=Count(...)" says nothing about what a count counts.
    """
    tokens = where.sentence.tokens
    for m in _INLINE_CODE.finditer(where.text, where.sentence.start, where.sentence.end):
        if m.start() < tokens[first].start and tokens[last].end < m.end():
            return True
    return False


# Verbs that say something is left out: between two parts of a claim they deny the relation ("`log.error(e)` drops
# the traceback" does not say the traceback is logged).  Inside a part they are its wording ("swallows the value").
_PRIVATIVE = frozenset({"drops", "drop", "dropped", "loses", "lose", "lost", "omits", "omit", "omitted",
                        "strips", "strip", "stripped"})


def _deprived(where: Located, found: list[tuple[int, int, int]], asides: list[range]) -> int:
    """1 when a verb of leaving out stands between two parts of the claim, in none of them and in no aside, else 0."""
    tokens = where.sentence.tokens
    inside = {i for lo, hi, _ in found for i in range(lo, hi + 1)} | {i for aside in asides for i in aside}
    first, last = min(s[0] for s in found), max(s[1] for s in found)
    return int(any(tokens[i].norm in _PRIVATIVE for i in range(first + 1, last) if i not in inside))


def _after_colon(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
    """Whether a colon stands between the sentence's start and the first of ``spans``."""
    found = [s[0] for s in spans if s is not None]
    if not found:
        return False
    return ":" in where.text[where.sentence.start : where.sentence.tokens[min(found)].start]


def _shared(found: list[tuple[int, int, int]]) -> bool:
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


def _negation_follows(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
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


def _pronoun_clause(where: Located, lo: int) -> bool:
    """Whether the clause from token ``lo`` on is joined to the one before and opens with a pronoun that may stand for
    its subject: "Threads share memory, and they run in parallel" says of threads that they run in parallel.

    A clause of purpose or result ("... go to a process pool so they don't block the loop") speaks of what the earlier
    clause did with its subject, not of the subject alone, so only "and", "but" or a bare pronoun join this way."""
    tokens = where.sentence.tokens
    if lo <= 0 or lo >= len(tokens):
        return False
    at = lo + 1 if tokens[lo].norm in ("and", "but") else lo
    return at < len(tokens) and tokens[at].norm in PRONOUNS and tokens[at].norm != "which"


def _pronoun_subject(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
    """Whether the claim's clause opens with a pronoun that may stand for a subject in the sentence before.

    The sentence's own opening, with the claim's words before any colon ("That fixes one thing: a bare except ..."
    states after the colon with a subject of its own); or a label and a colon, then the pronoun and every word of
    the claim: "One thing to watch: it's skipped on a return" speaks of what the sentence before was about."""
    if _opens_with_pronoun(where):
        return not _after_colon(where, spans)
    tokens = where.sentence.tokens
    colon = where.text.find(":", where.sentence.start, where.sentence.end)
    found = [s[0] for s in spans if s is not None]
    if colon < 0 or not found:
        return False
    after = next((i for i, t in enumerate(tokens) if t.start > colon), None)
    return (after is not None and _opens_with_pronoun(where, after) and min(found) >= after
            and ":" not in where.text[colon + 1 : tokens[min(found)].start])


@dataclass(frozen=True)
class Wording:
    stems: tuple[str, ...]
    negators: int  # negations the wording itself states ("nothing more than", "can't")
    code: str = ""  # written as code ("dict.copy", "copy() method"): the answer must spell it so, not "cfg = copy"
    # Written with underscores ("run_in_executor"): it may match a name.  Other wordings are prose, and "to a thread"
    # is not the `to_thread` of `await asyncio.to_thread(...)`.
    joined: bool = False


@dataclass(frozen=True)
class Claim:
    groups: tuple[tuple[Wording, ...], ...]  # each group: the ways to say that part of the claim
    # Wordings (a group written "~a|b") that, said in the sentence, make it speak of another case: "__exit__ isn't
    # called + raises" is the misconception about an error in the block, and a fact when it is `__enter__` that raises.
    elsewhere: tuple[Wording, ...] = ()

    @cached_property
    def denies_first(self) -> bool:
        """Whether the first group is a negation ("can't|no way to"), not a subject a pronoun can stand for."""
        return all(w.negators for w in self.groups[0])

    def possible(self, present: set[str]) -> bool:
        """Whether every group has a wording whose words all occur somewhere in the answer."""
        return self._holds(self._word_sets, self._any_word, present)

    @cached_property
    def _word_sets(self) -> tuple[tuple[frozenset[str], ...], ...]:
        return tuple(tuple(frozenset(w.stems) for w in group) for group in self.groups)

    @cached_property
    def _any_word(self) -> tuple[frozenset[str], ...]:
        """Per group, every word of its wordings: text that has none of them cannot hold the group."""
        return tuple(frozenset().union(*group) for group in self._word_sets)

    @staticmethod
    def _holds(groups: tuple[tuple[frozenset[str], ...], ...], any_word: tuple[frozenset[str], ...],
               words: set[str] | frozenset[str]) -> bool:
        # One set operation per group rules most claims out before any wording is tried.  Plain loops:
        # this runs for every claim of the rubric on every answer, and generators cost more than the tests.
        for group_words in any_word:
            if group_words.isdisjoint(words):
                return False
        for group in groups:
            for wording in group:
                if wording <= words:
                    break
            else:
                return False
        return True

    @cached_property
    def _in_sentence(self) -> tuple[tuple[tuple[frozenset[str], ...], ...], tuple[frozenset[str], ...]]:
        """The groups one sentence must hold (all but the first when it may come from the sentence before)."""
        skip = 1 if len(self._word_sets) >= 3 else 0
        return self._word_sets[skip:], self._any_word[skip:]

    @cached_property
    def keys(self) -> frozenset[str]:
        """Words of which every sentence that :meth:`fits` holds at least one: the fewest of any group it checks."""
        checked = self._in_sentence[1]
        # A claim with no words left after stemming is never asserted (see ``asserted``): no sentence to look at.
        return min(checked, key=lambda words: (len(words), sorted(words))) if checked else frozenset()

    def clause_groups(self, opening: bool) -> tuple[frozenset[str], ...]:
        """Per group a clause must word, all its words: in the sentence's opening clause the subject may be carried over."""
        return self._in_sentence[1] if opening else self._any_word

    def fits(self, said: frozenset[str]) -> bool:
        """Whether one sentence holds a wording of every group (the first may come from the sentence before).

        A necessary condition of :func:`asserted`, checked on sets first: with hundreds of claims per
        rubric, most sentences lack some part of most claims, and the search in order is skipped."""
        return self._holds(*self._in_sentence, said)


# Claims compiled so far, by their text: rubric text only (answers are never compiled), so a bounded set.
_COMPILED: dict[str, Claim] = {}


def compile_claim(text: str) -> Claim:
    """The claim a red flag's ``claims`` entry describes, its wordings stemmed; built once per text."""
    found = _COMPILED.get(text)
    if found is None:
        found = _COMPILED[text] = _compile(text)
    return found


def remember(text: str, claim: Claim) -> None:
    """Take ``claim`` as the compiled form of ``text``: one a cache built earlier with this same code."""
    _COMPILED[text] = claim


def _compile(text: str) -> Claim:
    parts = [group.strip() for group in text.split(" + ")]
    groups = tuple(_wordings(group) for group in parts if not group.startswith("~"))
    elsewhere = tuple(w for group in parts if group.startswith("~") for w in _wordings(group[1:]))
    return Claim(tuple(g for g in groups if g), elsewhere)


def _wordings(group: str) -> tuple[Wording, ...]:
    return tuple(Wording(phrase_stems(alt.strip(), strict=True), negator_count(alt),
                         _spelled(alt) + _empty_call(alt) if _CODE.search(alt) else "", "_" in alt.strip("_ "))
                 for alt in group.split("|") if phrase_stems(alt.strip(), strict=True))


def _first(where: Located, wording: Wording, lo: int, hi: int) -> tuple[int, int] | None:
    """Where one wording occurs inside [lo, hi): its words in order, at most one other word between each."""
    for start in _places(where, wording.stems[0]):
        if not lo <= start < hi or _async_def(where, wording, start):
            continue
        at = start
        for s in wording.stems[1:]:
            at = next((p for p in _places(where, s) if at < p <= at + 2 and p < hi
                       and not _labelled(where, at, p) and not _second_half(where, at, p)
                       and (wording.joined or not _one_name(where, at, p))), -1)
            if at < 0:
                break
        else:
            spelled = not wording.code or _written(where, start, at, wording.code) == wording.code
            if spelled and not _restricted(where, wording, at):
                return start, at
    return None


_UNIVERSAL = frozenset({"ani", "everi", "all", "each"})  # stemmed: "any", "every", "all", "each"


def _restricted(where: Located, wording: Wording, at: int) -> bool:
    """Whether a wording of "every X" is narrowed by the clause right after it: "any default that can be changed in
    place" speaks of some defaults, not of every one."""
    tokens = where.sentence.tokens
    return (wording.stems[0] in _UNIVERSAL and at + 1 < len(tokens) and tokens[at + 1].norm in ("that", "which", "whose")
            and not where.comma_before(at + 1))


def _async_def(where: Located, wording: Wording, start: int) -> bool:
    """Whether a wording about a plain ``def`` ("a def endpoint blocks") met an ``async def``: the opposite kind."""
    return wording.stems[0] == "def" and start > 0 and where.sentence.tokens[start - 1].norm == "async"


def _places(where: Located, stem: str) -> tuple[int, ...]:
    """Where a claim's word occurs: as repaired for the rubric, or as the candidate wrote it."""
    written = where.written.get(stem)
    repaired = where.positions.get(stem, ())
    return tuple(sorted(set(repaired) | set(written))) if written else repaired


def _labelled(where: Located, before: int, at: int) -> bool:
    """Whether a colon or a comma stands between two tokens of one wording: "... like `dict.copy()`: the nested dict"
    says no "copy the nested", and the notes "Flask-Login, hashed passwords" no "Flask-Login hashes"."""
    tokens = where.sentence.tokens
    gap = where.text[tokens[before].end : tokens[at].start]
    return ":" in gap or ("," in gap and gap != ",")  # a comma inside a number ("100,000") separates nothing


def _one_name(where: Located, at: int, p: int) -> bool:
    """Whether tokens ``at`` and ``p`` are parts of one name joined by an underscore that is called or reached as an
    attribute (``asyncio.to_thread(...)``): an API's name, not words.  A name someone chose for a value (the
    ``order_count`` of ``COUNT(o.id) AS order_count``) says what they take the value to be, so its words count."""
    tokens, text = where.sentence.tokens, where.text
    if p != at + 1 or text[tokens[at].end : tokens[p].start] != "_":
        return False
    first, last = at, p
    while first > 0 and text[tokens[first - 1].end : tokens[first].start] == "_":
        first -= 1
    while last + 1 < len(tokens) and text[tokens[last].end : tokens[last + 1].start] == "_":
        last += 1
    return text[tokens[first].start - 1 : tokens[first].start] == "." or text[tokens[last].end : tokens[last].end + 1] == "("


def _second_half(where: Located, at: int, p: int) -> bool:
    """Whether token p ends a hyphenated compound the wording skipped into: "wasn't charged" is not "can't double-charge"."""
    tokens = where.sentence.tokens
    return p == at + 2 and where.text[tokens[p - 1].end : tokens[p].start] == "-"


def _written(where: Located, start: int, at: int, code: str) -> str:
    """How tokens start..at are spelled, with the closing bracket the wording ends in when one follows.

    Brackets are not tokens: "COUNT(o.id)" ends at "id", and without its ")" it would never equal
    a wording written as the whole call.
    """
    tokens = where.sentence.tokens
    end = tokens[at].end
    if code.endswith("()"):
        return _spelled(where.text[tokens[start].start : end]) + _empty_call(where.text[tokens[start].start : end + 2])
    if code.endswith(")") and where.text[end : end + 1] == ")":
        end += 1
    return _spelled(where.text[tokens[start].start : end])


def _empty_call(code: str) -> str:
    """"()" when a wording ends in a call with no arguments: ``tags=list()`` is not ``tags = list(tags)``."""
    return "()" if code.strip().endswith("()") else ""


def _spelled(code: str) -> str:
    """Code as written, for comparing spellings: lower case, no backticks, spaces or empty brackets."""
    return re.sub(r"[\s`]+|\(\)", "", code.casefold())


def _group(where: Located, group: tuple[Wording, ...], lo: int, hi: int) -> tuple[int, int, int] | None:
    """The group's earliest wording in [lo, hi): its span and the negations it states.

    Earliest, not the first listed: in "CI can never hit real providers: no real API keys" the
    claim is "CI can ... real providers", whose "never" denies it; "real API", listed first, would
    stretch it over a second negation that cancels the first.
    """
    best: tuple[int, int, int] | None = None
    for wording in group:
        span = _first(where, wording, lo, hi if best is None else best[0])
        if span is not None:
            best = span[0], span[1], wording.negators
    return best


def _closest(where: Located, claim: Claim, spans: list[tuple[int, int, int] | None]) -> list[tuple[int, int, int] | None]:
    """Each group moved to its last occurrence before the other groups' words.

    "n += 1 can't change the number 5, numbers can't be changed in place": the claim is in the
    second part, and the first "number" would stretch it over the other part's negation.
    """
    out = list(spans)
    for k, group in enumerate(claim.groups):
        others = [s[0] for j, s in enumerate(out) if j != k and s is not None]
        current = out[k]
        if current is None or not others or current[0] > min(others):
            continue
        later = _group(where, group, current[0] + 1, min(others))
        while later is not None:
            current, later = later, _group(where, group, later[0] + 1, min(others))
        out[k] = current
    return out


def _carried(claim: Claim, where: Located, lo: int, spans: list[tuple[int, int, int] | None],
             antecedents: tuple[Located, ...]) -> bool:
    """Whether a pronoun carries the claim's subject into the clause from ``lo``, the other parts all worded there.

    "It also swallows the value": a sentence that opens with a pronoun takes its subject from the sentence before,
    before any colon ("That fixes one thing: a bare except ..." states after it with a subject of its own).  "Threads
    share memory, and they run in parallel": a later clause takes it from the clauses before it in the sentence."""
    if lo == 0:
        return _pronoun_subject(where, spans[1:]) and any(
            _group(b, claim.groups[0], 0, len(b.sentence.tokens)) is not None for b in antecedents)
    return _pronoun_clause(where, lo) and _group(where, claim.groups[0], 0, lo) is not None


def asserted(claim: Claim, where: Located, before: Located | tuple[Located, ...] | None, after: Located | None) -> bool:
    """Whether ``where`` states the claim (its subject possibly carried over from ``before``).

    ``before`` is the sentence before, or the lines of a code block just before: "It's exactly
    the same as ..." after a block of code speaks of that code.
    """
    antecedents = before if isinstance(before, tuple) else (before,) if before is not None else ()
    if any(_first(where, wording, 0, len(where.sentence.tokens)) is not None for wording in claim.elsewhere):
        return False  # the sentence speaks of the case the claim's author set apart
    for (lo, hi), said in zip(where.clauses, where.clause_words, strict=True):
        # Every group must be worded in the clause (but the subject, which may come from the sentence
        # before): a clause that lacks a word of one is passed over before any wording is searched for.
        if any(words.isdisjoint(said) for words in claim.clause_groups(opening=lo == 0 or _pronoun_clause(where, lo))):
            continue
        spans = _closest(where, claim, [_group(where, g, lo, hi) for g in claim.groups])
        if spans[0] is None and len(spans) >= 3 and not claim.denies_first and _carried(claim, where, lo, spans, antecedents):
            spans = spans[1:]
        found = [s for s in spans if s is not None]
        if not found or len(found) < len(spans) or _negation_follows(where, spans) or _shared(found):
            continue
        first, last = min(s[0] for s in found), max(s[1] for s in found)
        asides = _asides(where, first, last, found)
        if (last - first + 1 - sum(len(a) for a in asides) > MAX_SPREAD or _contrasted(where, first)
                or _respective(where, spans[0] if len(spans) == len(claim.groups) else None, last)
                or _inside_code(where, first, last)):
            continue  # the words are too far apart, not said of the claim's subject, paired off, or not prose
        if _denied_later(where, found, first, last):
            continue
        # A verb of leaving out between the parts is one more denial, as the wording's own negations are one fewer.
        negators = sum(s[2] for s in found) - _deprived(where, found, asides)
        if not at_arms_length(where, [s[:2] for s in found], negators, after, claim_clause=lo):
            return True
    return False


# Words that open a clause giving a reason or describing what came before ("..., which is why", "since ..."): a claim
# may reach across one ("CSRF checks aren't needed since we use sessions"), and then its later part's negation is
# its own, not cancelled by one that denies the earlier clause's verb.
_LINKS = frozenset({"since", "which"})


def _denied_later(where: Located, found: list[tuple[int, int, int]], first: int, last: int) -> bool:
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
