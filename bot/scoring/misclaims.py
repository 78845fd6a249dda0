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

from bot.scoring import claim_scope as scope
from bot.scoring.claim_form import Claim, group_at, wording_at
from bot.scoring.matcher import Located
from bot.scoring.refuted import at_arms_length

MAX_SPREAD = 14  # tokens between a claim's first and last word


def _closest(where: Located, claim: Claim, spans: list[tuple[int, int, int] | None],
             hi: int) -> list[tuple[int, int, int] | None]:
    """Each group moved to its last occurrence before the other groups' words, or to its first after them when
    that is nearer.

    "n += 1 can't change the number 5, numbers can't be changed in place": the claim is in the
    second part, and the first "number" would stretch it over the other part's negation.  "The decorated function is
    passed first and your keyword arguments are passed alongside it": the "it" at the end is the part's nearest
    wording, not "the ... function" at the start.
    """
    out = list(spans)
    for k, group in enumerate(claim.groups):
        others = [s for j, s in enumerate(out) if j != k and s is not None]
        current = out[k]
        if current is None or not others or current[0] > min(s[0] for s in others):
            continue
        start, end = min(s[0] for s in others), max(s[1] for s in others)
        later = group_at(where, group, current[0] + 1, start)
        while later is not None:
            current, later = later, group_at(where, group, later[0] + 1, start)
        after = group_at(where, group, end + 1, hi)
        out[k] = after if after is not None and after[0] - end < start - current[1] else current
    return out


def _carried(claim: Claim, where: Located, lo: int, spans: list[tuple[int, int, int] | None],
             antecedents: tuple[Located, ...]) -> bool:
    """Whether a pronoun carries the claim's subject into the clause from ``lo``, the other parts all worded there.

    "It also swallows the value": a sentence that opens with a pronoun takes its subject from the sentence before,
    before any colon ("That fixes one thing: a bare except ..." states after it with a subject of its own).  "Threads
    share memory, and they run in parallel": a later clause takes it from the clauses before it in the sentence."""
    if lo == 0:
        return scope.pronoun_subject(where, spans[1:]) and any(_said(b, claim) for b in antecedents)
    return scope.pronoun_clause(where, lo) and group_at(where, claim.groups[0], 0, lo) is not None


def _named_before_colon(where: Located, spans: list[tuple[int, int, int] | None]) -> bool:
    """Whether the subject comes before the sentence's colon and every other part after it, where a pronoun opens."""
    after = scope.after_colon_start(where)
    rest = [s[0] for s in spans[1:] if s is not None]
    return after is not None and spans[0] is not None and spans[0][1] < after and bool(rest) and min(rest) >= after


def _said(before: Located, claim: Claim) -> bool:
    """Whether the sentence before names the claim's subject as the speaker's own, for a pronoun to carry: after "A
    wrong fix people try is `importlib.reload`.", "It can leave the mock bound" speaks of what was set aside; and a
    subject in a bracketed aside ("Edge services (stateless, autoscaled) write to Kafka. That absorbs bursts.") is not
    what the pronoun stands for."""
    found = group_at(before, claim.groups[0], 0, len(before.sentence.tokens))
    return (found is not None and not scope.in_brackets(before, found[0])
            and not at_arms_length(before, [found[:2]], found[2], None))


def asserted(claim: Claim, where: Located, before: Located | tuple[Located, ...] | None, after: Located | None) -> bool:
    """Whether ``where`` states the claim (its subject possibly carried over from ``before``).

    ``before`` is the sentence before, or the lines of a code block just before: "It's exactly
    the same as ..." after a block of code speaks of that code.
    """
    antecedents = before if isinstance(before, tuple) else (before,) if before is not None else ()
    if any(wording_at(where, wording, 0, len(where.sentence.tokens)) is not None for wording in claim.elsewhere):
        return False  # the sentence speaks of the case the claim's author set apart
    for (lo, hi), said in zip(where.clauses, where.clause_words, strict=True):
        # Every group must be worded in the clause (but the subject, which may come from the sentence
        # before): a clause that lacks a word of one is passed over before any wording is searched for.
        if any(words.isdisjoint(said) for words in claim.clause_groups(opening=lo == 0 or scope.pronoun_clause(where, lo))):
            continue
        spans = _closest(where, claim, [group_at(where, g, lo, hi) for g in claim.groups], hi)
        if spans[0] is None and len(spans) >= 3 and not claim.denies_first and _carried(claim, where, lo, spans, antecedents):
            spans = spans[1:]
        elif spans[0] is not None and len(spans) >= 3 and not claim.denies_first and _named_before_colon(where, spans):
            spans = spans[1:]  # "A reset is the ideal case here: it means ...": the pronoun stands for the subject
        found = [s for s in spans if s is not None]
        if (not found or len(found) < len(spans) or scope.negation_follows(where, spans) or scope.shared(found)
                or (len(spans) == len(claim.groups) and scope.subject_after_comma(where, spans))
                or scope.without_elsewhere(where, found)):
            continue
        first, last = min(s[0] for s in found), max(s[1] for s in found)
        set_off = scope.asides(where, first, last, found)
        if (last - first + 1 - sum(len(a) for a in set_off) > MAX_SPREAD or scope.contrasted(where, first)
                or scope.respective(where, spans[0] if len(spans) == len(claim.groups) else None, last)
                or scope.inside_code(where, first, last) or scope.across_colon(where, found)
                or scope.across_brackets(where, claim.groups[-len(found):], found, lo, hi)
                or scope.only_if(where, first, last, claim.words)):
            continue  # too far apart, not of the claim's subject, paired off, not prose, split by brackets or a condition
        if scope.denied_later(where, found, first, last):
            continue
        # A verb of leaving out between the parts is one more denial, as the wording's own negations are one fewer.
        negators = sum(s[2] for s in found) - scope.deprived(where, found, set_off)
        if not at_arms_length(where, [s[:2] for s in found], negators, after, claim_clause=lo):
            return True
    return False
