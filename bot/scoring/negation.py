"""Whether a sentence denies what a matched wording says: negations near it, refutation words anywhere.

One of the readings :mod:`bot.scoring.refuted` combines, and the largest: the words that deny
("not", "never", "instead of", "avoid"), how far back a denial reaches (not across a clause break,
not past a colon that brings its own, not out of an opening "Because ...," clause), when two denials
cancel and when a second one only goes on listing ("nothing is copied, not even the int"); the
words and phrases that reject a belief (but not "the wrong signature", which describes a thing)
anywhere in the sentence ("a common myth is ...", "people assume ...", an item under "Fixes that
don't work:"); and the hedges whose "not" and "wrong" deny nothing ("I might be wrong, but ...").
The plain negation words themselves (``NEGATORS``) stay in :mod:`bot.scoring.text`, which counts
them in a rubric's phrases and tells function words from content with them.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.scoring.listed import in_rejected_list
from bot.scoring.matcher import Located
from bot.scoring.text import CLAUSE_BREAKS, NEGATORS, Token

NEGATION_LOOKBACK = 6
# Word pairs and verbs before a claim that set it aside as the alternative not chosen.
SET_ASIDE = frozenset({("instead", "of"), ("rather", "than")})
# Words that deny what follows them: "avoid loading it", "make it impossible for CI to call the API".
AVOIDING = frozenset({"avoid", "avoids", "avoiding", "avoided", "impossible", "unable", "forbid", "forbids",
                      "forbidden", "prohibit", "prohibits", "prohibited", "disallow", "disallows", "refuse", "refuses"})
# Words that, anywhere in a sentence, mark a stated belief as one the speaker rejects.
REFUTATIONS = frozenset({"myth", "misconception", "misconceptions", "wrong", "false", "incorrect", "mistaken",
                         "misleading", "untrue", "contrary", "fallacy", "misunderstanding", "misbelief", "oversimplification"})
# Multi-word ways of reporting a belief in order to reject it ("people assume X, but ...").
REFUTING_PHRASES = re.compile(
    # (not "less of a concern than people think": the speaker sets their own claim against what people think)
    r"(?<!than\s)\b(people|folks|juniors|many|some|everyone|devs|developers)\s+(often\s+|usually\s+|sometimes\s+)?"
    r"(think|assume|believe|say|claim|expect)|\bthe\s+idea\s+that\b|\bpush(ing)?\s+back\b|\bit'?s\s+tempting\s+to\b"
    r"|\bcommon\s+(belief|mistake|trap|confusion)\b|\bnot\s+the\s+case\b|\bisn'?t\s+true\b|\bnot\s+true\b"
    r"|\bcontrary\s+to\b|\bthe\s+claim\s+that\b|\bwould\s+be\s+wrong\b"
    r"|\b(junior|author|teammate|colleague|intern|reviewer|they|he|she)\s+(says|said|thinks|thought|believes|claims|assumes)\b"
    # a predicate that rejects what the sentence describes: "X is the thing not to do", "X is an anti-pattern"
    r"|\bnot\s+to\s+do\b|\b(what|thing)\s+(you\s+|we\s+)?(shouldn'?t|should\s+not|mustn'?t|must\s+not|don'?t|do\s+not)\s+do\b"
    r"|\banti-?patterns?\b|(?<!not\sa\s)(?<!n't\sa\s)\bbad\s+idea\b"
    # what some others do, told to set it against one's own: "Some teams leave monitoring until after launch; I'd ..."
    r"|\bsome\s+(people|teams|developers|devs|engineers|folks|candidates|companies)\b",
    re.IGNORECASE,
)

# The speaker's doubt about their own memory ("I might be wrong, but ...", "I'm not sure, ...",
# "if I'm not mistaken ...").  A hedge softens the claim that follows; it does not deny it,
# so its "not" and "wrong" are neither a negation nor a refutation of that claim.
HEDGES = re.compile(
    r"\b(?:(?:i['\u2019]?m|i\s+am)\s+not\s+(?:\w+%?\s+)?(?:sure|certain|positive)(?=\s*(?:[,;:\u2014]|-\s|\bbut\b))"
    r"|not\s+(?:\w+%?\s+)?(?:sure|certain)(?=\s*(?:[,;:\u2014]|-\s|\bbut\b))"
    r"|i\s+(?:might|may|could)\s+(?:well\s+)?be\s+wrong"
    r"|correct\s+me\s+if\s+(?:i['\u2019]?m|i\s+am)\s+wrong"
    r"|(?:if|unless)\s+(?:i['\u2019]?m|i\s+am)\s+(?:not\s+)?(?:mistaken|wrong)"
    r"|i\s+(?:don['\u2019]?t|do\s+not)\s+(?:\w+\s+)?(?:remember|recall|know)\s+(?:exactly|for\s+sure|precisely|the\s+details)"
    r"|(?:i['\u2019]?m|i\s+am)\s+(?:no|not\s+an?)\s+expert)",
    re.IGNORECASE,
)


def negated(where: Located, span: tuple[int, int], negators: int, *, reach_back: bool = True) -> bool:
    """Whether the sentence denies what the words at ``span`` assert (themselves stating ``negators`` negations).

    A negator shortly before or inside the match (beyond those the phrase itself contains,
    as in "can't do concurrency") flips it; a refutation word anywhere in the sentence
    ("a common myth is ...") marks the whole claim as rejected.  Words inside a hedge ("I might
    be wrong, but", "if I'm not mistaken") are neither: the speaker doubts their memory and
    still makes the claim.  ``reach_back=False``: only negations from the span's first word on count.
    """
    hedged = _hedged(where)
    tokens = where.sentence.tokens
    if any(_refutes(tokens, i, where.text) for i in range(len(tokens)) if i not in hedged) or _refuting(where):
        return True
    start = max(0, span[0] - NEGATION_LOOKBACK) if reach_back else span[0]
    # "Because it can't change, CPython hashes the tuple": an opening clause's negation ends at its comma.
    opening = _opening_clause_end(where)
    if opening <= span[0]:
        start = max(start, opening)
    # A negation in an earlier clause ("it can't race, and time.sleep is fine") is not this claim's.
    for index in range(span[0] - 1, start - 1, -1):
        if tokens[index].norm in CLAUSE_BREAKS or (tokens[index].norm in ("and", "which") and where.comma_before(index)):
            start = index + 1
            break
        # "Don't guess: no reading it all": after a colon that brings its own negation, the one before it
        # is spent; with none ("Traps this avoids: counting rows"), the label's negation still reaches.  So is
        # a denial that points back before its colon: "A for loop doesn't work like that: each pass ...".
        if (":" in where.text[tokens[index].end : tokens[index + 1].start]
                and (any(t.norm in NEGATORS for t in tokens[index + 1 : span[0]])
                     or _POINTS_BACK.search(where.text, where.sentence.start, tokens[index].end + 1))):
            start = index + 1
            break
    # "the fix without touching the signature is to clear it": "without" denies its own "-ing" phrase,
    # which ends before the claim starts, not the claim.
    # So does "stop" before one: "objects are not freed when you stop using them" ends the using, not the claim.
    aside = {i for i in range(start, span[0] - 1)
             if tokens[i].norm in _CEASING and tokens[i + 1].norm.endswith("ing")}
    aside |= _not_only(where, start, span)
    window = [t.norm if i not in hedged and i not in aside else "" for i, t in enumerate(tokens[start : span[1] + 2], start)]
    denials, last_denial = 0, -1
    for i, w in enumerate(window[: span[1] + 1 - start]):
        # "Nothing is copied, not even the int": "not even" extends the denial before it, it does not undo it.
        if w not in NEGATORS:
            continue
        # A negation that goes on listing what an earlier one denies does not undo it: "Nothing is
        # copied, not even the int", "not the list and not the number", "(never reversible, never SHA)";
        # nor one that spells out, after a colon, the denial before it: "It's not by value for ints: nothing
        # is copied", "It isn't: `else` runs only if no exception was raised".
        if denials and i and (window[i - 1] in ("and", "or") or (w == "not" and window[i + 1 : i + 2] == ["even"])
                              or where.comma_before(start + i)
                              or ":" in where.text[tokens[last_denial].end : tokens[start + i].start]):
            continue
        denials, last_denial = denials + 1, start + i
    # "none of this means ..." denies; a bare "None" is Python's singleton, not a negation.
    denials += sum(1 for w, after in pairwise(window) if w == "none" and after == "of")
    # "instead of reading it all", "rather than retry", "avoid loading": the claim is the road not taken.
    denials += sum(1 for w, after in pairwise(window[: span[0] + 1 - start]) if (w, after) in SET_ASIDE)
    denials += sum(1 for w in window[: span[0] - start] if w in AVOIDING)
    denials += _elided_denial(where, span[1]) or _fails_after(where, span[1])
    return (denials - negators) % 2 == 1


_ONLY_WORDS = frozenset({"just", "only", "merely", "simply"})


def _not_only(where: Located, start: int, span: tuple[int, int]) -> set[int]:
    """Negations of the form "not just X, (it) Y" whose X ends, at a comma or "but", before the claim's last word and
    holds none of its first: "`from m import charge` doesn't just create a name, it makes a copy" denies the name, not
    the copy, while in "yield from is not just a loop, it also forwards send" the loop is what is denied."""
    tokens, out = where.sentence.tokens, set()
    for i in range(start, span[1]):
        if tokens[i].norm in NEGATORS and i + 1 < len(tokens) and tokens[i + 1].norm in _ONLY_WORDS:
            end = next((j for j in range(i + 2, len(tokens)) if where.comma_before(j) or tokens[j].norm == "but"), None)
            if end is not None and end <= span[1] and not i < span[0] < end:
                out.add(i)
    return out


# Words that deny only the "-ing" phrase right after them: "without touching it", "when you stop using them".
_CEASING = frozenset({"without", "stop", "stops", "stopped", "stopping"})


# The end of a denial that is whole before its colon: it points back at what was said ("doesn't work like that").
_POINTS_BACK = re.compile(r"\b(?:like\s+(?:that|this)|(?:that|this)\s+way|the\s+same(?:\s+way)?)\W?\Z", re.IGNORECASE)


# Words that open a sentence with a clause of its own, closed by the first comma: "Because it can't change, ...".
_SUBORDINATORS = frozenset({"because", "since", "if", "when", "whenever", "while", "although", "though", "once",
                            "as", "after", "before", "until", "unless"})


def _opening_clause_end(where: Located) -> int:
    """The first token after a sentence's opening subordinate clause and its comma; 0 when it has none."""
    tokens = where.sentence.tokens
    if not tokens or tokens[0].norm not in _SUBORDINATORS:
        return 0
    return next((i for i in range(2, len(tokens)) if where.comma_before(i)), 0)


# "when something goes wrong", "a false positive": the words name a failure, they reject no claim.
_FAILING = frozenset({"go", "goes", "going", "went", "gone", "something", "anything", "everything"})
_COPULA = frozenset({"is", "s", "was", "are", "were", "be", "been", "being", "seems", "looks", "sounds", "re"})
_NOT_A_VERDICT = frozenset({"positive", "positives", "negative", "negatives", "alarm", "alarms", "start", "starts"})


def _refutes(tokens: tuple[Token, ...], i: int, text: str) -> bool:
    """Whether the word at ``i`` marks a belief as rejected ("that's a myth"), not an event that failed or Python's
    ``False`` ("debug=False", "returns False")."""
    word = tokens[i].norm
    if word not in REFUTATIONS:
        return False
    if word == "false" and i and text[tokens[i].start : tokens[i].end] == "False":
        return False
    if word == "wrong" and i and tokens[i - 1].norm in _FAILING:
        return False
    if word == "wrong" and i and tokens[i - 1].norm in ("the", "a", "an"):
        # "has the wrong signature", "called with the wrong arguments" describe a thing; "is the wrong tool",
        # "it's usually the wrong place" give a verdict, after a form of "be" and at most one word more.
        return any(tokens[j].norm in _COPULA for j in range(max(0, i - 3), i - 1))
    return not (word == "false" and i + 1 < len(tokens) and tokens[i + 1].norm in _NOT_A_VERDICT)


# "a list can be changed in place and a number can't": the negated auxiliary stands for the whole claim.
_ELIDED = frozenset({"cant", "cannot", "doesnt", "dont", "isnt", "arent", "wont", "wasnt", "werent", "didnt",
                     "couldnt", "wouldnt", "hasnt", "havent"})


def _elided_denial(where: Located, last: int) -> bool:
    """Whether the claim's last word is followed by a bare negated auxiliary that closes the clause."""
    tokens = where.sentence.tokens
    nxt = last + 1
    if nxt >= len(tokens) or tokens[nxt].norm not in _ELIDED:
        return False
    return nxt + 1 == len(tokens) or any(mark in where.text[tokens[nxt].end : tokens[nxt + 1].start] for mark in ",;:.)")


# "Adding more threads won't help", "a bigger pool doesn't fix it": the verdict on what the words before it describe.
_NO_EFFECT = frozenset({"help", "helps", "work", "works", "fix", "fixes", "solve", "solves", "matter", "matters",
                        "change", "changes", "scale", "scales", "improve", "improves", "speed", "speeds",
                        "used"})  # "a plain index on created_at can't be used"
_NEGATED_AUX = _ELIDED | {"not", "never"}  # "wouldn't help" and "couldn't fix" as much as "won't help"


def _fails_after(where: Located, last: int) -> bool:
    """Whether the words just after the match, in its clause, say it does no good ("... won't help", "... does not fix it")."""
    tokens = where.sentence.tokens
    for i in range(last + 1, min(len(tokens), last + 4)):
        gap = where.text[tokens[i - 1].end : tokens[i].start]
        if any(mark in gap for mark in ",;:.") or tokens[i].norm in CLAUSE_BREAKS:
            return False
        if tokens[i].norm in _NEGATED_AUX:
            return any(t.norm in _NO_EFFECT for t in tokens[i + 1 : i + 3])
    return False


def _refuting(where: Located) -> bool:
    """Whether the sentence reports a belief in order to reject it ("people assume ...", or an item
    listed under "Fixes that don't work:")."""
    return (REFUTING_PHRASES.search(where.text, where.sentence.start, where.sentence.end) is not None
            or in_rejected_list(where.text, where.sentence.start))


def _hedged(where: Located) -> frozenset[int]:
    """Indices of tokens inside a hedge ("I might be wrong, but"): doubt, not denial."""
    spans = [m.span() for m in HEDGES.finditer(where.text, where.sentence.start, where.sentence.end)]
    if not spans:
        return frozenset()
    return frozenset(i for i, t in enumerate(where.sentence.tokens) if any(a <= t.start < b for a, b in spans))
