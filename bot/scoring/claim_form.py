"""A misconception claim as a rubric writes it, and where each of its wordings occurs in a sentence.

A red flag's ``claims`` entry is groups joined by " + ", each a "|"-separated choice of wordings (a group written
"~a|b" names words that make the sentence speak of another case).  Here it is compiled once per text, and a
wording is looked for the way a candidate writes: its words in order, at most one other word between each, not
across a list's comma or a label's colon, not into the second half of a compound, not as the pieces of an API's
name, and spelled as written when the wording is code.  Whether the words found make the claim is read in
:mod:`bot.scoring.claim_scope` and :mod:`bot.scoring.misclaims`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from bot.engine.models import claim_parts
from bot.scoring.matcher import Located
from bot.scoring.text import Sentence, negator_count, phrase_stems
from bot.scoring.text import tokens as word_tokens

# A wording written as code: a dotted name or a call, brackets, an assignment or comparison, a decorator, a
# leading dot (``.env``, ``.update(``), a colon against a word (``except:``, ``std::set``, ``rows: list``), a
# quoted literal (``'5'``).  Prose loses these signs to the tokenizer, so ``or []`` would be any "or".
_CODE = re.compile(r"\w[.(]\w|\w\(\)|[\[\](){}=<>@]|(?<!\w)\.\w|\w:|(?<![\w'\"])['\"][^\s'\"]*['\"](?!\w)")
# A code wording's words run from its first word character to its last; what lies outside them is read around
# the tokens found (the dot of ``.copy()``, the ``==`` of ``== none``, the ``(*)`` of ``count(*)``).
_WORD_RUN = re.compile(r"\w.*\w|\w", re.DOTALL)


@dataclass(frozen=True)
class Wording:
    stems: tuple[str, ...]
    negators: int  # negations the wording itself states ("nothing more than", "can't")
    # Written as code ("dict.copy", ".copy()", "or []"), as :func:`_spelling` keeps it: the answer must spell it so,
    # signs around the words included, not "cfg = copy" or "or" alone.
    code: str = ""
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
        # A claim with no words left after stemming is never asserted (see bot.scoring.misclaims): no sentence to look at.
        return min(checked, key=lambda words: (len(words), sorted(words))) if checked else frozenset()

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of every wording of the claim."""
        return frozenset().union(*self._any_word)

    def clause_groups(self, opening: bool) -> tuple[frozenset[str], ...]:
        """Per group a clause must word, all its words: in the sentence's opening clause the subject may be carried over."""
        return self._in_sentence[1] if opening else self._any_word

    def fits(self, said: frozenset[str]) -> bool:
        """Whether one sentence holds a wording of every group (the first may come from the sentence before).

        A necessary condition of :func:`bot.scoring.misclaims.asserted`, checked on sets first: with hundreds of claims per
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
    groups, elsewhere = claim_parts(text)
    return Claim(tuple(w for w in map(_wordings, groups) if w), tuple(w for group in elsewhere for w in _wordings(group)))


def _wordings(group: str) -> tuple[Wording, ...]:
    return tuple(Wording(phrase_stems(alt.strip(), strict=True), negator_count(alt),
                         _spelling(alt) if _CODE.search(alt) else "", "_" in alt.strip("_ "))
                 for alt in group.split("|") if phrase_stems(alt.strip(), strict=True))


def _spelling(code: str) -> str:
    """A code wording as compared: lower case, without spaces or backticks (its brackets and signs kept)."""
    return re.sub(r"[\s`]+", "", code.casefold())


_SIGN = re.compile(r"[^\w\s'\u2019-]|^\W*$")


def unmatched(claim: str) -> list[str]:
    """The wordings of a claim that would never be found, not even in their own words.

    A wording with no word in it ("[]", "*"), or code whose first or last word the stemmer drops ("the .env"),
    would silently never match: a rubric that holds one is refused when it loads (:mod:`bot.content.bank`)."""
    groups, elsewhere = claim_parts(claim)
    out = []
    for alt in (a.strip() for group in groups + elsewhere for a in group.split("|")):
        if not _SIGN.search(alt) and phrase_stems(alt, strict=True):
            continue  # plain words with a stem (an apostrophe or a hyphen at most) are found in their own words
        found = _wordings(alt)
        where = _alone(alt)
        if not found or wording_at(where, found[0], 0, len(where.sentence.tokens)) is None:
            out.append(alt)
    return out


def _alone(text: str) -> Located:
    """``text`` as one sentence with its own stems, as a wording is looked for in an answer."""
    words = tuple(word_tokens(text))
    places: dict[str, list[int]] = {}
    for i, token in enumerate(words):
        places.setdefault(token.stem, []).append(i)
    return Located(Sentence(0, len(text), words), tuple(t.stem for t in words),
                   {stem: tuple(at) for stem, at in places.items()}, text)


def wording_at(where: Located, wording: Wording, lo: int, hi: int) -> tuple[int, int] | None:
    """Where one wording occurs inside [lo, hi): its words in order, at most one other word between each."""
    for start in _places(where, wording.stems[0]):
        if not lo <= start < hi or _async_form(where, wording, start):
            continue
        at = start
        for s in wording.stems[1:]:
            at = next((p for p in _places(where, s) if at < p <= at + 2 and p < hi
                       and (wording.code or not _labelled(where, at, p)) and not _second_half(where, at, p)
                       and (wording.joined or not _one_name(where, at, p))), -1)
            if at < 0:
                break
        else:
            if (not wording.code or _written(where, start, at, wording.code)) and not _restricted(where, wording, at):
                return start, at
    return None


_UNIVERSAL = frozenset({"ani", "everi", "all", "each"})  # stemmed: "any", "every", "all", "each"


def _restricted(where: Located, wording: Wording, at: int) -> bool:
    """Whether a wording of "every X" is narrowed by the clause right after it: "any default that can be changed in
    place" speaks of some defaults, not of every one."""
    tokens = where.sentence.tokens
    return (wording.stems[0] in _UNIVERSAL and at + 1 < len(tokens) and tokens[at + 1].norm in ("that", "which", "whose")
            and not where.comma_before(at + 1))


# Statements that ``async`` turns into another construct: a wording about the plain one is not about that.
_ASYNC_FORMS = frozenset({"def", "with", "for"})


def _async_form(where: Located, wording: Wording, start: int) -> bool:
    """Whether a wording about a plain ``def``, ``with`` or ``for`` met its ``async`` form: "a def endpoint blocks" is
    not said by "an async def endpoint ...", nor "a with block is enough" by "an async with block is enough"."""
    return wording.stems[0] in _ASYNC_FORMS and start > 0 and where.sentence.tokens[start - 1].norm == "async"


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


def _written(where: Located, start: int, at: int, code: str) -> bool:
    """Whether tokens start..at, with the signs around them, are spelled as the code wording ``code``.

    Brackets and signs are not tokens: "COUNT(o.id)" ends at "id", and the dot of ``.copy()`` comes before
    "copy".  So the words are compared as spelled (an empty call inside them may be left out: "copy() method"
    is "copy method"), and the signs before and after them must stand right there, stars aside
    ("kwargs" is "**kwargs", "COUNT(*)" is "count()" but not "count(id)").
    """
    run = _WORD_RUN.search(code)
    if run is None:
        return False
    tokens, text = where.sentence.tokens, where.text
    lead, trail = code[: run.start()].replace("*", ""), code[run.end() :].replace("*", "")
    before = _spelling(text[max(0, tokens[start].start - 40) : tokens[start].start]).replace("*", "")
    after = _spelling(text[tokens[at].end : tokens[at].end + 40]).replace("*", "")
    return (_spelled(text[tokens[start].start : tokens[at].end]) == _spelled(run.group())
            and before.endswith(lead) and after.startswith(trail))


def _spelled(code: str) -> str:
    """Code as written, for comparing spellings: lower case, no backticks, spaces or empty brackets."""
    return re.sub(r"[\s`]+|\(\)", "", code.casefold())


def group_at(where: Located, group: tuple[Wording, ...], lo: int, hi: int) -> tuple[int, int, int] | None:
    """The group's earliest wording in [lo, hi): its span and the negations it states.

    Earliest, not the first listed: in "CI can never hit real providers: no real API keys" the
    claim is "CI can ... real providers", whose "never" denies it; "real API", listed first, would
    stretch it over a second negation that cancels the first.
    """
    best: tuple[int, int, int] | None = None
    for wording in group:
        span = wording_at(where, wording, lo, hi if best is None else best[0])
        if span is not None:
            best = span[0], span[1], wording.negators
    return best
