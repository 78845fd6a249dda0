"""Whether a sentence sits in a list the candidate introduced as mistakes to avoid.

Three layouts: bullets or numbers under a heading that ends with a colon (:func:`in_rejected_list`),
items told in prose ("First, ...", "The other is ...") after a short sentence that announces
faults, "Two problems." (:func:`in_announced_faults`), and a run of items after a short label that
turns them down, in one sentence: "Deliberately not this month: Kubernetes, multi-region, chasing
100% coverage." (:func:`in_denied_label`).

Candidates who know a topic often list the wrong approaches before or after the right one:
"Fixes I often see that don't work:" and then one bullet per fix, each told in the words of
the person who would propose it.  No sentence of such an item carries a refutation word of its
own, so read alone each one states the error; read under its heading, each one is rejected.
Kept apart from the sentence-level refutation cues (:mod:`bot.scoring.negation`) because it reads
the layout of the answer (lines, bullets, the heading above them), not the words of one sentence;
:mod:`bot.scoring.refuted` weighs both.
"""

from __future__ import annotations

import re

# A list item: a dash, star or bullet, or a number with a full stop or bracket, at the start of a line.
_ITEM = re.compile(r"[ \t]*(?:[-*\u2022]|\d{1,2}[.)])[ \t]+")
# Names for a mistake, and ways of turning something down, that a heading or a label uses alike.
_MISTAKES = (r"mistakes?|pitfalls?|traps?|anti-?patterns?|myths?|misconceptions?|gotchas?|bad\s+(?:ideas?|fixes|advice)"
             r"|red\s+herrings?")
_TURNED_AWAY = r"steer\s+(?:away|clear)|(?:i'?d|i\s+would|you\s+should)\s+avoid|not\s+to\s+do"
# A heading that announces what follows as wrong: "Mistakes I see often:", "Three fixes that don't work:",
# "Common choices I'd steer away from:", "Pitfalls:", "What not to do:".
_REJECTING = re.compile(
    rf"\b(?:{_MISTAKES}|{_TURNED_AWAY}|wrong|incorrect|to\s+avoid"
    r"|(?:don'?t|doesn'?t|won'?t|do\s+not|does\s+not|will\s+not|would\s+not|wouldn'?t)\s+(?:actually\s+|really\s+)?(?:work|help|fix)"
    r")\b",
    re.IGNORECASE,
)
_LOOK_BACK = 4000  # characters: a heading further up than this heads some other part of the answer

# An item of a list ("First, ...", "One is ...", "The other is ...") and a short sentence before it
# that announces the list as faults ("Two problems.", "Two common wrong turns first."): the items
# describe what is wrong in order to fault it.
_SPOKEN_ITEM = re.compile(r"\W*(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|one|another|the\s+other"
                          r"|the\s+(?:first|second|third)(?:\s+one)?)(?:\s*,|\s+(?:is|was)\b)", re.IGNORECASE)
_FAULTS = re.compile(r"\b(?:problems?|mistakes?|pitfalls?|traps?|wrong\s+turns?|anti-?patterns?|flaws?|bugs?|failure\s+modes?"
                     r"|wrong\s+(?:ways?|approaches?|answers?|ideas?)|make\w*\s+(?:[\w-]+\s+){0,4}?worse)\b", re.IGNORECASE)
ANNOUNCEMENT_TOKENS = 16
# The sentence just before a position: from the previous stop (or line break) to the stop that ends it.
_BEFORE = re.compile(r"(?:^|[.!?\n])\s*([^.!?\n]+[.!?:])\s*\Z")
_WORDS = re.compile(r"\w+")
_PARAGRAPH = re.compile(r"\n\s*\n")


# A short label at a sentence's start that turns down what it introduces: "Not in this month:", "Things I'd skip:",
# "Out of scope for now:".  A bare "No:" or "Not quite:" answers what came before; it introduces no list.
_DENYING_LABEL = re.compile(
    r"[\W_]*(?=(?:[\w'\u2019%-]+[ \t]+){1,4}?[\w'\u2019%-]+[*_]*:)(?![Nn]ot\s+(?:quite|really|exactly|so|always)\b)"
    r"[^:.!?\n]*?\b(?:not|no|never|skip|skipping|skipped|deferred|postponed|parked|won'?t|don'?t|wouldn'?t|out\s+of\s+scope|avoid|avoiding)\b[^:.!?\n]*?:",
    re.IGNORECASE,
)
LABELLED_ITEMS = 2  # commas after the label: a list of at least three items


# What a short label calls the thing after it when it names it a mistake, the way a heading does ("Another "fix" I'd
# talk people out of:").  Not "doesn't help" or "doesn't work": "The GIL doesn't help here: threads run one at a
# time" explains, after its colon, why.
_MISTAKE_NAMED = re.compile(
    rf"\b(?:{_MISTAKES}|{_TURNED_AWAY}|wrong\s+(?:ways?|approaches?|fixes|turns?)"
    r"|talk\s+(?:people|them|someone|teams?|you)\s+out\s+of)\b",
    re.IGNORECASE,
)
# A label of up to ten words (quoted words too) ending in a colon.
_LABEL_WORD = r"[\w'\u2019%\"\u201c\u201d-]+"
_REJECTING_LABEL = re.compile(rf"[\W_]*(?=(?:{_LABEL_WORD}[ \t]+){{1,9}}?{_LABEL_WORD}[*_]*:)[^:.!?\n]*:")


def in_denied_label(text: str, start: int, end: int, at: int) -> bool:
    """Whether position ``at`` follows a short label that turns down what comes after it, in the sentence at
    ``start:end``: a list after a label with a denial in it ("Deliberately not in this month: Kubernetes,
    microservices, chasing 100% coverage."), or anything after one that names it a mistake, as a rejecting heading
    does ("Another "fix" I'd talk people out of: moving the import into the test")."""
    rejecting = _REJECTING_LABEL.match(text, start, end)
    if rejecting is not None and at >= rejecting.end() and _MISTAKE_NAMED.search(text, start, rejecting.end()) is not None:
        return True
    label = _DENYING_LABEL.match(text, start, end)
    return label is not None and at >= label.end() and text.count(",", label.end(), end) >= LABELLED_ITEMS


def in_rejected_list(text: str, start: int) -> bool:
    """Whether the sentence starting at ``start`` belongs to a list item under a heading that rejects the items.

    The item is the bullet line the sentence is on, or the nearest bullet line above it with no blank line
    between (a bullet's text may run on over lines); the heading is the first line above the list that is
    neither an item nor blank, and it must end with a colon."""
    lines = text[max(0, start - _LOOK_BACK):start].split("\n")
    lines[-1] += text[start:text.find("\n", start) if "\n" in text[start:] else len(text)]
    index = len(lines) - 1
    while index >= 0 and lines[index].strip() and not _ITEM.match(lines[index]):
        index -= 1  # the sentence runs on from a bullet line above it
    if index < 0 or not _ITEM.match(lines[index]):
        return False
    while index >= 0:
        line = lines[index].strip()
        if line.endswith(":") and not _ITEM.match(lines[index]):
            return _REJECTING.search(line) is not None  # the heading the list hangs from
        if line and not _ITEM.match(lines[index]) and (index == 0 or not lines[index - 1].strip()):
            return False  # a paragraph of its own: the list has no heading
        index -= 1  # another item, a line an item runs on to, or a blank line between items
    return False


def in_announced_faults(text: str, start: int, end: int) -> bool:
    """Whether the sentence at ``start:end`` is an item told in prose after a short sentence announcing faults.

    The announcement is the sentence just before the item, or, when the item opens a paragraph, the last
    sentence of the nearest paragraph above that is not itself an item: "Two designs I'd steer away from." then
    "The first is ..." in one paragraph and "The second is ..." in the next."""
    if _SPOKEN_ITEM.match(text, start, end) is None:
        return False
    if _announces(text, start):
        return True
    paragraphs = _PARAGRAPH.split(text[max(0, start - _LOOK_BACK):start])
    if paragraphs[-1].strip():
        return False  # the item runs on in a paragraph: only the sentence just before can announce it
    for paragraph in reversed(paragraphs[:-1]):
        if not paragraph.strip() or _SPOKEN_ITEM.match(paragraph):
            continue  # an earlier item of the same list
        last = paragraph.rstrip()
        return _announces(last, len(last))
    return False


def _announces(text: str, start: int) -> bool:
    """Whether the sentence just before ``start`` is short and names what follows as faults."""
    before = _BEFORE.search(text, max(0, start - 160), start)
    return (before is not None and len(_WORDS.findall(before.group(1))) <= ANNOUNCEMENT_TOKENS
            and (_FAULTS.search(before.group(1)) is not None or _REJECTING.search(before.group(1)) is not None))
