"""Whether a misconception's wording, found in an answer, is asserted or held at arm's length.

Strong answers state errors in order to reject them, so finding a red flag's words is not enough:
the offline scorer raises the flag only when the speaker makes the claim.  This module is the one
place that decides it, for both ways a misconception is found: a red flag's phrase
(:func:`bot.scoring.offline`'s phrase path) and a claim worded any way (:mod:`bot.scoring.misclaims`).
:func:`at_arms_length` reads, in this order, whether

- the words are not the claim's at all: the last is the first half of a compound ("keyword-only");
- the sentence denies them: a negation near them, a refutation word or phrase anywhere in it, an item
  under a heading such as "Fixes that don't work:" or after a label such as "Not this month:"
  (:mod:`bot.scoring.negation`, :mod:`bot.scoring.listed`);
- the sentence holds them up rather than making them: quoted, or one of their words in scare quotes
  ("to "change" an int, return it"), supposed ("if it were", "you might
  think", "whether"), what others tend to do ("people often ..."), dismissed as a cover-up ("just
  hides the problem"), an item after "Two problems." (:mod:`bot.scoring.listed`), attributed to
  someone else, granted only as an appearance ("looks equivalent, but ..."), or denied later in its
  own clause (:mod:`bot.scoring.reported`);
- the sentence asks them, or the next one turns them down (:mod:`bot.scoring.reported`).

A claim is read more closely than a phrase (see :func:`at_arms_length`); otherwise the two are read alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.scoring.fences import blocks
from bot.scoring.listed import in_announced_faults, in_denied_label
from bot.scoring.matcher import Located
from bot.scoring.negation import SET_ASIDE, negated
from bot.scoring.reported import asked, attributed, denied_after, only_seeming, turned_down, verdict_follows
from bot.scoring.text import INLINE_CODE

# Claims held up for inspection rather than made: hypotheses, others' advice, "you might think", questions.
_REPORTED = re.compile(
    # "if it were", "if that would": a supposition.  "If the connection was reset, ..." states a rule about what happened,
    # and a counterfactual told with "was" says "would" too.
    # ("as you'd expect" agrees: it is no supposition)
    r"\bif\b[^.;]{0,80}\b(?:were|would|had)\b|(?<!\bas\s)\byou(?:'d|\s+would|\s+might|\s+may|\s+could)\s+(?:think|assume|expect)"
    # what another language or model would do: "With real C++-style pass-by-reference, assigning would replace ..."
    r"|\bwith\s+(?:a\s+)?(?:real|true|actual|genuine)\b[^.;]{0,100}\bwould\b"
    r"|\b(?:usual|common|standard|popular|classic|naive|tempting)\s+(?:advice|take|answer|view|assumption|belief|reading|fix"
    r"|misconception|mistake|trap|myth)\b|\bit'?s\s+easy\s+to\s+(?:think|assume|believe)|\bat\s+first\s+(?:i|we)\s+thought"
    # An embedded question weighs the claim instead of making it: "that decides whether POSTs are safe to retry".
    # "Whether or not", and a "whether" set off by a comma ("..., whether it is a literal or read from a file, ...")
    # mean "regardless": they ask nothing.
    r"|(?<![,;:\u2014]\s)\bwhether\b(?!\s+or\s+not\b)"
    # What others tend to do, told in order to fault it: "people often let the loop fall through".
    r"|\b(?:people|folks|developers|devs|candidates|beginners|teams)\s+(?:often|usually|commonly|typically|tend\s+to"
    r"|reach\s+for)\b"
    # ... unless what they do is miss the speaker's point: "One caveat people often miss: ..." states it
    r"(?!\s+(?:to\s+)?(?:miss|forget|overlook|ignore|don'?t\s+(?:realise|realize|know|notice)))",
    re.IGNORECASE,
)
# A sentence that dismisses the idea it names as a cover-up: "a page cache just hides the problem".
_DISMISSED = re.compile(
    r"\b(?:hides?|hiding|masks?|masking|papers?\s+over|covers?\s+up|plasters?\s+over)\s+(?:\w+\s+){0,2}?"
    r"(?:problem|issue|symptom|bug|cause|fault)s?\b|\bband-?aids?\b|\btreats?\s+the\s+symptoms?\b",
    re.IGNORECASE,
)
# Double quotes, straight and curly.  Single ones are read apart (``_SINGLE_OPEN``), and a single-quoted word is no
# scare quote: single quotes mark a string's value in Python talk ("the string '5' fails with a 422").
_QUOTE_PAIRS = {'"': '"', "\u201c": "\u201d"}
_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she", "it"})
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[]))'(?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w?.!])'(?=[\s,.;:!?)\]]|$)")


def at_arms_length(where: Located, parts: Sequence[tuple[int, int]], negators: int, after: Located | None,
                   *, claim_clause: int | None = None) -> bool:
    """Whether the words at ``parts`` (first and last token of each) are not asserted by the speaker.

    ``negators`` counts the negations the wording itself states ("can't do concurrency"), so that
    only others deny it; ``after`` is the next sentence.  A red flag's phrase is one part.

    A claim passes ``claim_clause``, the first token of the clause it was found in, and is read
    more closely: the claim's aside ("I raise rather than let the last write win at random"), a
    part that is the road not taken ("use processes instead of threads"), its verb emptied
    ("the try raised nothing"), and a next sentence that is a bare verdict ("That's a myth.",
    "But it won't work.") also keep it at arm's length.  A claim's parts may lie anywhere in a
    clause of up to 14 words, so the words around them matter in ways a phrase's window of a few
    words is spared.  These readings came with the claims and were never applied to phrases;
    applied to them, they would drop a red flag from one benchmark answer (heldout6's
    coding.retry-decorator), so they stay with claims until a study weighs that change.
    """
    first, last = min(p[0] for p in parts), max(p[1] for p in parts)
    start, end = where.sentence.start, where.sentence.end
    if claim_clause is not None and (
            _set_aside(where, claim_clause, first) or any(_not_taken(where, p[0], parts) for p in parts)
            or _emptied(where, last) or (after is not None and verdict_follows(after))):
        return True
    return (_compounded(where, last) or _of_a_remedy(where, first) or _called_wrong(where, parts)
            or negated(where, (first, last), negators)
            # "`is` asks "same thing?"": a part in quotation marks is mentioned, not used
            or any(_quoted(where, a, b) for a, b in {(first, last), *parts}) or _scare_quoted(where, first, last)
            or _REPORTED.search(where.text, start, end) is not None
            or _DISMISSED.search(where.text, start, end) is not None
            or in_announced_faults(where.text, start, end)
            or in_denied_label(where.text, start, end, where.sentence.tokens[first].start)
            or attributed(where) or denied_after(where, first, last) or only_seeming(where, first, last)
            or asked(where, after) or turned_down(where, after))


# Nouns for what is done about a problem: "fixes that capture the current value" says what the fixes do.
_REMEDIES = frozenset({"fix", "fixes", "solution", "solutions", "workaround", "workarounds", "remedy", "remedies"})


def _of_a_remedy(where: Located, first: int) -> bool:
    """Whether the words describe a fix, in a relative clause right after it: "Fixes that capture the current
    value:" says that the fixes capture it, not that the thing they fix does."""
    tokens = where.sentence.tokens
    return first >= 2 and tokens[first - 1].norm in ("that", "which") and tokens[first - 2].norm in _REMEDIES


# Words that call what they qualify a mistake: "a wrong fix people try is reloading" names reloading as a mistake.
_WRONG = frozenset({"wrong", "bad", "naive", "false", "bogus", "broken", "misguided", "flawed", "tempting"})


def _called_wrong(where: Located, parts: Sequence[tuple[int, int]]) -> bool:
    """Whether a word of the claim comes right after a word that calls it a mistake ("the wrong fix", "a naive
    fix"): the speaker names the claim in order to reject it."""
    tokens, text = where.sentence.tokens, where.text
    return any(a > 0 and tokens[a - 1].norm in _WRONG and not text[tokens[a - 1].end : tokens[a].start].strip()
               for a, _ in parts)


# Second halves of a hyphenated compound that turn the first half into its absence or a mere likeness.
_TURNING_HALVES = re.compile(r"-(?:only|free|less|like|proof|agnostic|independent|safe|sensitive|aware|dependent|specific)\b",
                             re.IGNORECASE)


def _compounded(where: Located, last: int) -> bool:
    """Whether the word at ``last`` is the first half of a compound that changes what it means: "keyword-only" is not
    "keyword", nor "lock-free" "lock"; while "cookie-based sessions" are still about cookies."""
    return _TURNING_HALVES.match(where.text, where.sentence.tokens[last].end) is not None


def _quoted(where: Located, first: int, last: int) -> bool:
    """Whether the claim sits inside quotation marks: a saying being discussed, not the speaker's own claim."""
    tokens = where.sentence.tokens
    before = where.text[where.sentence.start : tokens[first].start]
    after = where.text[tokens[last].end : where.sentence.end + 1]
    for open_, close in _QUOTE_PAIRS.items():
        opened = before.count(open_) % 2 == 1 if open_ == close else before.count(open_) > before.count(close)
        if opened and close in after:
            return True
    # Single quotes double as apostrophes ("it's", "users' data"): only a quote after a space that opens
    # a word, and one after a word that ends it, count.
    opened = len(_SINGLE_OPEN.findall(before)) > len(_SINGLE_CLOSE.findall(before))
    return opened and _SINGLE_CLOSE.search(after) is not None


def _scare_quoted(where: Located, first: int, last: int) -> bool:
    """Whether one of the claim's words stands in quotation marks alone or in a short run of words: "if a function
    needs to "change" an int", "ints only look "by value"" use the words at a distance (a term someone else uses,
    or the literal sense it does not have), so the clause does not make the claim."""
    tokens, text = where.sentence.tokens, where.text
    if not any(text.find(mark, where.sentence.start, where.sentence.end) >= 0 for mark in _QUOTE_PAIRS):
        return False  # most sentences: no quotation mark to hold a word at a distance
    for token in tokens[first : last + 1]:
        run = _quoted_run(text, token.start, token.end)
        if run is None:
            continue
        start, end = run
        # Only words quoted in prose, after a space and before a space or a stop: not a string in code
        # (`select_related("customer", "items")`), nor a quoted number or name (`"5"`, `"db_2"`).
        if (not text[start:end].replace(" ", "").isalpha() or (start >= 2 and not text[start - 2].isspace())
                or _SCARE_END.match(text, end + 1) is None or _in_code(text, start)):
            continue
        return True
    return False


# At most this many words in one pair of quotation marks are a term held at a distance; more are a saying (``_quoted``).
_SCARE_WORDS = 3


def _quoted_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The quoted words around the word at ``start:end``, when it stands in quotation marks with at most
    ``_SCARE_WORDS`` words and nothing else: the span inside the marks."""
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    for open_, close in _QUOTE_PAIRS.items():
        left, right = text.rfind(open_, line_start, start), text.find(close, end, line_end)
        if left < 0 or right < 0:
            continue
        inside = text[left + 1 : right]
        if (inside.strip() == inside and len(inside.split()) <= _SCARE_WORDS and open_ not in inside
                and close not in inside and (open_ != close or text.count(open_, line_start, left) % 2 == 0)):
            return left + 1, right
    return None


_SCARE_END = re.compile(r"[.,;:!?]?(?:\s|\Z)")


def _in_code(text: str, at: int) -> bool:
    """Whether position ``at`` lies in inline code or a fenced block."""
    return any(m.start() < at < m.end() for m in INLINE_CODE.finditer(text)) or (
        "```" in text and any(b.start <= at < b.start + len(b.code) for b in blocks(text)))


def _set_aside(where: Located, lo: int, first: int) -> bool:
    """Whether the claim follows "rather than" or "instead of" inside its clause, with no comma closing that aside.

    "I raise rather than let the last write win at random, by dict order" rejects the random pick;
    the negation window alone misses an aside that runs longer than a few words.
    """
    tokens = where.sentence.tokens
    # Not at the clause's start: "Instead of a fixed delay I double it" sets aside the fixed delay only.
    for i in range(lo + 1, first - 1):
        if (tokens[i].norm, tokens[i + 1].norm) in SET_ASIDE:
            # A comma or a new subject closes the aside: "rather than one area, I own ..." / "rather than one area I own ...".
            return ("," not in where.text[tokens[i + 1].end : tokens[first].start]
                    and not any(t.norm in _SUBJECTS for t in tokens[i + 2 : first]))
    return False


# Verbs whose object is the thing given up: "swap X for Y", "replace X with Y", "ditch X".
_REPLACING = frozenset({"swap", "swaps", "swapping", "swapped", "replace", "replacing", "ditch", "ditching"})
# Words that may stand between "instead of" and the road not taken: "instead of something like `EXTRACT(...)`".
_TAKEN_GAP = frozenset({"a", "an", "the", "something", "like", "just", "using", "doing", "writing", "calling"})


def _not_taken(where: Located, at: int, parts: Sequence[tuple[int, int]]) -> bool:
    """Whether the words at ``at`` follow "instead of" or "rather than", perhaps with a few small words between, or
    a verb of swapping out ("swap `ThreadPoolExecutor` for ...").

    "Use processes instead of threads" says nothing about what threads do, nor "a range instead of something
    like `EXTRACT(MONTH FROM created_at)`" about what EXTRACT does.  Unless the claim words the contrast itself:
    "a call rather than + a literal" is the claim that a call fixes what the literal did not.
    """
    tokens = where.sentence.tokens
    before = at
    while before > 2 and at - before < 3 and tokens[before - 1].norm in _TAKEN_GAP:
        before -= 1
    if before >= 1 and tokens[before - 1].norm in _REPLACING and not any(lo <= before - 1 <= hi for lo, hi in parts):
        return True  # "swap `ThreadPoolExecutor` for `ProcessPoolExecutor`": what is swapped out is not taken
    return (before >= 2 and (tokens[before - 2].norm, tokens[before - 1].norm) in SET_ASIDE
            and not any(lo <= before - 2 <= hi for lo, hi in parts))


def _emptied(where: Located, last: int) -> bool:
    """Whether the claim's verb is emptied by the word after it: "the try raised nothing" says nothing was raised."""
    tokens = where.sentence.tokens
    return (last + 1 < len(tokens) and tokens[last + 1].norm == "nothing"
            and not where.text[tokens[last].end : tokens[last + 1].start].strip())  # "a loop, nothing more" is no denial
