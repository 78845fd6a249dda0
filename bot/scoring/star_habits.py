"""Cues that a sentence tells a habit or a rule rather than one event, and marks of one occasion.

"I usually roll back first" describes behaviour, not a story; "one night at my previous job" anchors
one event.  :mod:`bot.scoring.star_cues` weighs a sentence's parts with these, and
:mod:`bot.scoring.star` uses the occasion and rhythm marks to call a whole story one event or a habit.
"""

from __future__ import annotations

import re

from bot.scoring.star_words import MONTHS, PAST_IRREGULAR, PLACES, TIME_UNITS, rx

# Habits told in general rather than one event.
# ("Not always the same person" negates a rhythm: it is no habit word.)
GENERAL = rx(r"\b(?:(?<!not\s)always|usually|whenever|typically|normally|generally|in\s+general(?!\s*[.!?]*\s*$)|tend\s+to"
             r"|every\s+time"
             r"|most\s+of\s+the\s+time|as\s+a\s+rule|my\s+approach\s+is|what\s+i\s+(?:usually\s+)?do\s+is"
             # Hypotheticals describe what one would do, not what happened.
             r"|(?:i|we)\s+would\s+(?!say|have|like|love|be\b)\w+|in\s+(?:that|this|such\s+a|these|those)\s+(?:kind\s+of\s+)?"
             r"(?:situation|case)s?|each\s+time|my\s+usual|in\s+my\s+experience|what\s+works\s+(?:for|with)\s+me"
             r"|the\s+best\s+way\s+to|i\s+make\s+a\s+point\s+of|i\s+like\s+to\s+(?!think|say)\w+"
             # Trying, in the present, is a practice kept rather than a step taken: "an approach I try to bring to every
             # project"; so is a practice named as the speaker's: "a habit I have", "the approach we use".
             r"|(?<!before\s)(?:i|we)\s+(?:always\s+|really\s+|still\s+)?try\s+(?:not\s+)?to\s+(?!think|remember|say)\w+"
             r"|\b(?:an?|the|one)\s+(?:\w+\s+)?(?:approach|habit|practice|principle|rule|ritual)\s+(?:that\s+)?(?:i|we)\s+"
             r"(?:\w+\s+)?(?:try|use|have|keep|follow|bring|take|apply)\b"
             # A standing rule of one's own is a habit, whatever it is about.
             r"|(?:my|our)\s+(?:\w+\s+)?(?:rule|habit|routine|policy|principle|practice)\s+(?:is|for|with|when)"
             r"|(?:i|we)\s+(?:have|follow|keep)\s+(?:a|one|this|the\s+same)\s+(?:\w+\s+)?(?:rule|habit|routine|policy"
             r"|principle|practice|sequence|ritual|playbook|drill)"
             # Whoever comes along, not one person: "with anyone new I mentor".
             r"|(?:with|for)\s+(?:anyone|anybody)\s+(?:new|who|that|i|we))\b")
# A condition told in the present with the speaker's present-tense response ("if an alert fires twice, I open ...")
# is a rule for every such case; a past condition ("when I was working there, we get ...") is one event.
_CONDITION = rx(r"^\W*(?:if|when|whenever|once|as\s+soon\s+as)\b")
_PAST_VERB = rx(rf"\b(?:was|were|had|did|\w+ed|{PAST_IRREGULAR})\b")
_RESPONSE = rx(r"^\W*(?:then\s+)?(?:i|we)\s+(?:\w+ly\s+|also\s+|just\s+|then\s+)?([a-z]+)\b")


# "We decided we would take it on", "I agreed I would help her": what was decided then, not a hypothetical.
COMMITTED = rx(r"\b(?:agreed|decided|promised|committed|said|told\s+\w+|offered)\s+(?:\w+\s+){0,4}?(?:that\s+)?"
               r"(?:i|we)\s+would\b")
# "I'd made it my goal that a page should always mean a real problem": the goal, whatever it says of always.
GOAL_MADE = rx(r"\bmade\s+it\s+(?:my|our)\s+(?:\w+\s+)?(?:goal|mission|job|priority)\b")
# A change reported ("went from an afternoon of reruns to one green run almost every time") is an outcome,
# whatever rhythm words it carries.
# ("The bug came from a missed case" names where something came from: no change without the "to".)
CHANGED = rx(r"\b(?:went|gone|dropped|fell|rose|came|got)\s+(?:down\s+|up\s+)?from\b[^.;]{1,80}?\bto\b")
# A habit named as the yardstick of a comparison: "closer than we usually got", "as it normally does".
YARDSTICK = rx(r"\b(?:than|as)\s+(?:[\w']+\s+){0,2}$")
ROUTINE_WORDS = rx(r"\b(?:always|usually|whenever|typically|normally|generally|every\s+time|each\s+time)\b")


def present_rule(text: str) -> bool:
    if not _CONDITION.search(text):
        return False
    comma = text.find(",")
    if comma >= 0:
        condition, response = text[:comma], text[comma + 1:]
    else:
        speaker = re.search(r"\s(?:i|we)\s", text[3:], re.IGNORECASE)
        if speaker is None:
            return False
        condition, response = text[: speaker.start() + 3], text[speaker.start() + 3:]
    verb = _RESPONSE.search(response)
    return bool(verb and not _PAST_VERB.search(condition) and not _PAST_VERB.fullmatch(verb.group(1))
                and verb.group(1).lower() not in ("would", "could", "might", "should"))


# Marks of one occasion: a past point in time or a particular workplace ("one night", "at my previous job").
ONE_TIME = rx(rf"\b(?:last|that|one|early\s+one|late\s+one)\s+{TIME_UNITS}s?\b|\b{MONTHS}\b|\bago\b"
              # A day of the week named as the occasion: "on a Thursday night".
              r"|\b(?:on\s+a|it'?s\s+a|it\s+is\s+a|it\s+was\s+a)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
              r"|\b(?:in|back\s+in|during)\s+(?:19|20)\d\d\b|\b(?:at|in|with|for)\s+(?:my|a|an|our)\s+(?:previous|last|old|former"
              r"|first|current)\b|\bwhen\s+i\s+(?:was|joined|started|worked|first)\b|\bonce\b(?!\s+(?:a|every|per)\b)"
              rf"|\b(?:my|our)\s+(?:first|second|third|\w+th)\s+{TIME_UNITS}\b|\b(?:at|in|with|for|joined)\s+(?:a|an)\s+"
              rf"(?:[\w-]+\s+){{0,2}}?{PLACES}\b"
              # Time moving on from one occasion: "by the third week", "a month later", "two sprints later".
              rf"|\bby\s+the\s+(?:first|second|third|fourth|fifth|sixth|\w+th|\d+(?:st|nd|rd|th))\s+{TIME_UNITS}\b"
              rf"|\b(?:a|an|one|two|three|four|five|six|a\s+few|a\s+couple\s+of|several|\d+)\s+(?:{TIME_UNITS}|sprint)s?\s+later\b"
              # ... or arriving at an end point, which a routine never does: "by the end of the quarter she has shipped",
              # "After a month, every release has notes" (a step after it, "after a month I step back", is a rhythm).
              rf"|\bby\s+the\s+end\s+of\s+(?:the|that|this|her|his|my|our|their)\s+(?:first\s+)?(?:{TIME_UNITS}|term|semester|season)\b"
              rf"|(?:^|[.!?]\s+)after\s+(?:a|an|one|two|three|four|five|six|a\s+few|a\s+couple\s+of|\d+)\s+{TIME_UNITS}s?\s*,"
              r"(?!\s*(?:then\s+)?(?:i|we)\b)")
# The rhythm of a routine: how often, or on what condition, something is done.
ROUTINE = rx(r"\b(?:every|each|whenever|always|usually|often|normally|typically|weekly|daily|monthly|twice|per\s+(?:day|week"
             r"|month|sprint)|a\s+(?:day|week|month|sprint)|once\s+a)\b|(?:^|[.!?]\s+)(?:if|when)\b"
             # Any case of a kind, told up front as the condition: "In an incident I declare early", "During any outage ...".
             r"|(?:^|[.!?]\s+)(?:in|during|for|with)\s+(?:an?|any)\s+(?:\w+\s+)?(?:incident|outage|emergency|crisis|conflict"
             r"|disagreement|review|project|release|migration|launch|deadline|escalation|interview|sprint|case)s?\b")
PAST = rx(r"\b(?:was|were|had|did|went|got|came|took|said|told)\b")


_FREQUENCY = frozenset({"always", "usually", "typically", "normally", "generally", "every time", "each time",
                        "whenever", "most of the time"})
_OWN_RHYTHM = rx(r"\b(?:whenever|when|if|every\s+time|each\s+time)\s+(?:i|we)\b"
                 r"|\b(?:i|we)(?:'d|'ll|'m|'re)?\s+(?:\w+\s+)?(?:always|usually|typically|normally|generally|often|tend)\b")


def others_rhythm(text: str) -> bool:
    """The only habit words are how often things happened, and the speaker is not the one doing them."""
    said = [" ".join(m.group().lower().split()) for m in GENERAL.finditer(text)]
    return bool(said) and all(s in _FREQUENCY for s in said) and not _OWN_RHYTHM.search(text)
