"""Whether a story tells one event or a habit, read from its tenses and its rhythm.

Kept apart from :mod:`bot.scoring.star` because the call is made once per story, from the whole
telling, while the rest of the analysis weighs one clause at a time: a story told in the past narrates
steps ("I rewrote"), a routine is told in the present with a rhythm and no occasion ("every sprint I ...").
"""

from __future__ import annotations

import re

from bot.scoring.star_cues import ACTION_PAST
from bot.scoring.star_habits import ONE_TIME, PAST, ROUTINE

# The present perfect ("I've found", "we have never had to") and a regular past after the speaker ("I renewed it").
# ("I have a fairly fixed checklist" owns something; "have" there is no perfect.)
PERFECT = re.compile(r"(?:'ve|\u2019ve|\bhave|\bhas)\s+(?!(?:a|an|the|my|our|this|that|some|no|one|two|to)\b)"
                     r"(?:(?:never|always|not|only|already|just|\w+ly)\s+)*\w+", re.IGNORECASE)
_REGULAR_PAST = re.compile(r"\b(?:i|we)\s+(?:\w+ly\s+)?[a-z]{2,}ed\b", re.IGNORECASE)
# The speaker's own routine, even where no step is told in the same clause: "whenever I take over something".
OWN_ROUTINE = re.compile(r"\b(?:whenever|when|if|every\s+time|each\s+time)\s+(?:i|we)\b|\b(?:i|we)\s+(?:usually|always|typically"
                          r"|normally|tend\s+to)\b"
                          # ... or a standing practice the speaker keeps: "for incidents I have a fixed sequence".
                          r"|\b(?:i|we)\s+(?:have|follow|keep)\s+(?:(?:kind|sort)\s+of\s+)?(?:a|one|this|the\s+same|my|our)\b",
                          re.IGNORECASE)


# The words that open a relative or conditional clause, right before its subject: "what I found", "if I didn't".
_DESCRIBES = re.compile(r"\b(?:what|which|who|whom|whatever|whichever|if|unless)\s*$", re.IGNORECASE)
# Verbs whose past and present are spelled alike ("I let them drive", "I put my name on it") tell no tense
# of their own: they are past only in a story told in the past elsewhere ("it was manual ... I put it in CI").
_SAME_FORMS = frozenset({"let", "put", "set", "cut", "hit", "shut", "split", "spread", "read", "quit", "cost", "hurt"})


def narrates(text: str, told_in_past: bool) -> bool:
    """The speaker tells a step in the past: "I rewrote", "we shipped" (not "I've found").

    A past verb in a relative or conditional clause ("I write down what I found", "even if I didn't write it")
    describes something else in the sentence, not a step told; one in a clause of time ("after I fixed it")
    still tells what happened."""
    text = PERFECT.sub(" ", text)
    return any((told_in_past or m.groups()[-1].lower() not in _SAME_FORMS) and not _DESCRIBES.search(text[:m.start()])
               for m in ACTION_PAST.finditer(text))


_RELATIVE_CLAUSE = re.compile(r"\b(?:what|where|which|who|whom|whose)\b[^,.;!?]*", re.IGNORECASE)


def timeless(text: str, told: str, actions: int) -> bool:
    """Told all in the present, with a rhythm and no occasion named: a routine, even without "usually" in it.

    A story of one event told in the present (as non-native speakers often do) still names its
    occasion ("one day", "in my previous company") or slips into the past somewhere.  ``told`` is
    the text without its present perfect ("I've never had to roll back" sums up a habit; it narrates nothing).
    """
    # A past inside a relative clause ("what they learned", "the channel where I argued") describes something
    # else in the sentence; only a past in the telling itself says the story is told in the past.
    main = _RELATIVE_CLAUSE.sub(" ", told)
    past = PAST.search(main) or _REGULAR_PAST.search(main)  # "I renewed it": a regular past tense is past too
    return actions >= 2 and not past and not ONE_TIME.search(told) and bool(ROUTINE.search(text))
