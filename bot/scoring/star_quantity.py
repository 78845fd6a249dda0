"""Finds quantities in a sentence: numbers with units, percentages, money, before -> after changes.

A result with a number in it is the single strongest sign that the candidate measured the
outcome, so this detector is deliberately broad about how numbers are said out loud ("from
about eight a day to zero", "twice as fast", "9s -> 1.2s") and deliberately blind to numbers
that only date or count the setting (years, clock times, version numbers).
"""

from __future__ import annotations

import re

from bot.scoring.star_words import PROMISED

_WORD_NUMBER = (
    r"(?:(?:a\s+(?:couple\s+of|few)\s+)(?:dozen|hundred|thousand)|zero|none|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand"
    r"|thousands|million|millions|tens|a\s+dozen|dozens|a\s+handful|half|a\s+third|a\s+quarter)"
)
_DIGITS = r"(?:[$€£]\s?)?\d+(?:[.,]\d+)*(?:\s?[kmb]n?\b)?"
_APPROX = (r"(?:(?:about|around|roughly|nearly|almost|over|under|below|above|less\s+than|more\s+than|basically|just|only|maybe"
           r"|perhaps|probably|~)\s+)*")
_NUMBER = rf"(?:{_DIGITS}|\b{_WORD_NUMBER}\b)"
_UNIT = (
    r"(?:%|percent|per\s+cent|pp|x\b|ms\b|milliseconds?|s\b|secs?\b|seconds?|mins?\b|minutes?|h\b|hrs?\b|hours?|days?"
    r"|weeks?|months?|quarters?|years?|gb|mb|kb|tb|rps|qps|req/s|requests?|users?|customers?|clients?|errors?|queries"
    r"|query|tickets?|incidents?|outages?|alerts?|pages?|builds?|deploys?|deployments?|releases?|restarts?|crashes"
    r"|bugs?|failures?|engineers?|people|developers?|hires?|teams?|services?|rows?|records?|calls?|points?|dollars?"
    r"|euros?|pounds?|k\b|times|per\s+\w+|a\s+(?:day|week|month|year)|review\s+rounds?|comments?|emails?|messages?|orders?"
    r"|files?|tests?|jobs?|items?|events?|invoices?|payments?|transactions?|documents?|reports?|tasks?)"
)
_QUANTITY = rf"{_APPROX}{_NUMBER}(?:\s?-?\s?{_UNIT})?"

_FRACTION = r"(?:(?:a|an|one|two|three|four)\s+(?:third|quarter|fifth|tenth)s?|(?:two|three)[\s-]+(?:thirds|quarters))"
_SCALE = (r"(?:(?:a|an|one|a\s+few|few|several|many)\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?"
          r"|hourly|daily|weekly|fortnightly|monthly|quarterly|yearly|annually)")
# How often: "once a month", "twice per sprint", "every day", "nightly".
_RATE = (r"(?:(?:once|twice|(?:three|four|five|\d+)\s+times)\s+(?:a|per|every)\s+(?:day|week|fortnight|month|term|quarter|year"
         r"|sprint|shift|season)|every\s+(?:single\s+)?(?:day|week|month|sprint|release|commit|merge)|daily|weekly|monthly|nightly"
         r"|hourly|on\s+every\s+\w+)\b")
# A change stated as two values: "from X to Y", "X -> Y", "X instead of Y", "X compared to Y".
_CHANGE = re.compile(
    rf"(?<!\w)(?:\bfrom\s+{_QUANTITY}(?:\s+[\w/-]+){{0,4}}?\s+(?:to|down\s+to|up\s+to)\s+{_QUANTITY}"
    # A change of time scale said without numbers: "from days to hours", "used to take hours, now takes seconds".
    rf"|\bfrom\s+{_SCALE}\s+to\s+(?:\w+\s+){{0,2}}?{_SCALE}\b"
    # ... or with the span said as part of a day: "from most of a morning to a coffee break".
    r"|\bfrom\s+(?:most|all|half|much|the\s+better\s+part)\s+of\s+(?:an?|the)\s+(?:morning|afternoon|evening|day|week|sprint"
    r"|month)\s+(?:down\s+)?to\s+\w+"
    rf"|\b(?:used\s+to\s+take|took)\s+(?:\w+\s+)?{_SCALE}\b[^.]*?\b(?:now\s+)?takes?\s+(?:\w+\s+)?{_SCALE}\b"
    # ... or with what things used to take against what they take now: "reviews that used to stall for days
    # went out the same afternoon".
    rf"|\bused\s+to\s+\w+\s+(?:for\s+)?(?:\w+\s+){{0,2}}?{_SCALE}\b[^.]*?\b(?:now|went|go|goes|are|were|is|was)\b[^.]*?"
    rf"\b(?:the\s+same\s+(?:day|afternoon|morning|evening|hour|week)|(?:in|within)\s+(?:seconds|minutes|hours|the\s+hour"
    r"|(?:a|an|one)\s+(?:minute|hour|day)))\b"
    # From one rhythm to another: "from shipping once a month to shipping every day".
    rf"|\bfrom\s+(?:[\w-]+\s+){{0,2}}?{_RATE}\s+(?:[\w-]+\s+)?to\s+(?:[\w-]+\s+){{0,2}}?{_RATE}"
    # A value against the one it replaced: "42 singers, up from 30", "down from nine a week".
    rf"|{_NUMBER}\b[^.;]{{0,40}}?,?\s+(?:up|down)\s+from\s+{_QUANTITY}"
    # ... or against how late it used to come: "the same day instead of a week later".
    rf"|\b(?:the\s+same\s+(?:day|afternoon|morning|evening|week)|on\s+time|{_QUANTITY})[^.;]{{0,40}}?\b(?:instead\s+of"
    rf"|rather\s+than)\s+(?:{_QUANTITY}|an?\s+(?:full\s+)?(?:hour|day|week|fortnight|month))\s+(?:later|late|after|afterwards)\b"
    rf"|{_QUANTITY}\s*(?:->|=>|→|-->)\s*{_QUANTITY}"
    # From one end of a count to the other, said with words of quantity: "from failing nearly every audit to passing all
    # of them", "from none of the clinics using it to every one".
    r"|\bfrom\s+(?:[\w-]+\s+){0,3}?(?:almost\s+|nearly\s+|practically\s+)?(?:every|all|none|no|zero|most)\b[^.;]{0,50}?"
    r"\bto\s+(?:[\w-]+\s+){0,3}?(?:almost\s+|nearly\s+|practically\s+)?(?:every|all|none|no|zero|never)\b"
    # From many tries to one: "from several rounds of review to approved on the first pass".
    r"|\bfrom\s+[^.]{3,60}?\bto\s+[^.]{0,30}?\bthe\s+first\s+(?:pass|try|attempt|round|review|go)\b"
    rf"|{_QUANTITY}(?:\s+[\w/-]+){{0,3}}?,?\s+(?:instead\s+of|compared\s+(?:to|with)|versus|vs\.?)(?:\s+[\w/-]+){{0,3}}?\s+{_QUANTITY})",
    re.IGNORECASE,
)
# A relative change said in words.
_RELATIVE = re.compile(
    rf"(?<!\w)(?:\b(?:{_NUMBER}|several|many)\s*(?:x|times?)\s+(?:more\s+|less\s+)?(?:faster|slower|fewer|less|more|cheaper"
    r"|quicker|smaller|bigger|fast|quick|cheap|small|big)\b|\b(?:double|triple|quadruple)\s+(?:the|what)\b"
    r"|\b(?:twice|three\s+times|four\s+times|ten\s+times|half)\s+as\s+\w+"
    rf"|\b(?:{_NUMBER}|several|many)\s*(?:x|times)\s+(?:the|as\s+(?:many|much))\b|\btwice\s+(?:the|as\s+(?:many|much))\b"
    r"|\b(?:halved|doubled|tripled|quadrupled)\b|\b(?:in|by)\s+half\b"
    # A share of what it was, said as a bound: "the pages were less than half", "fewer than a third by March".
    rf"|\b(?:less|fewer)\s+than\s+(?:about\s+|roughly\s+)?(?:half|{_FRACTION})\b(?!\s+(?:of\s+)?(?:the|our|us|them|all|my|their)\b)"
    rf"|\b(?:to|by|at)\s+(?:about\s+|around\s+|roughly\s+|only\s+|almost\s+|nearly\s+)?(?:{_FRACTION}|half)\b|\b{_FRACTION}\s+of\s+what\b"
    rf"|\bby\s+{_APPROX}(?:{_DIGITS}\s?(?:%|percent|per\s+cent|x\b)|half|{_FRACTION}|a\s+factor\s+of\s+\w+)"
    r"|\b(?:an|one|two|three)\s+orders?\s+of\s+magnitude\b|\b(?:two|three|four|five|ten|\d+)-?fold\b"
    # Against what it was before: "half of before", "a fraction of the time it used to take".
    rf"|\b(?:half|{_FRACTION}|a\s+fraction)\s+(?:of\s+)?(?:before|what\s+it\s+(?:was|used\s+to)|the\s+time\s+it\s+(?:took|used\s+to))\b)",
    re.IGNORECASE,
)
# A span of time said in words: "a few minutes", "most of a day", "within a year", "half an hour", and a
# margin on a deadline: "with a full day to spare", "two days early".
_DURATION = (r"\b(?:(?:within|in)\s+the\s+hour|(?:two|three|four|five)\s+nines)\b"
             r"|\bwith\s+(?:a|an|one|two|three|four|five|\d+)\s+(?:full\s+)?(?:minutes?|hours?|days?|weeks?)\s+to\s+spare\b"
             r"|\b(?:a|an|one|two|three|four|five|\d+)\s+(?:full\s+)?(?:days?|weeks?|hours?)\s+(?:early|ahead\s+of\s+(?:schedule|the\s+deadline))\b"
             # ... or before the date it was due: "a full week before the client's deadline".
             r"|\b(?:a|an|one|two|three|four|five|\d+)\s+(?:full\s+)?(?:days?|weeks?|hours?)\s+before\s+(?:the|our|their|its|his|her)\s+"
             r"(?:[\w'-]+\s+){0,3}?(?:deadline|due\s+date|cut-?off)\b"
             r"|\b(?:(?:a\s+few|a\s+couple\s+of|several|most\s+of\s+an?|half\s+an?|an?|one|under\s+an?|over\s+an?)\s+"
             r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|sprints?|afternoon|morning|evening)\b)")
# A count of people or things said in words or digits: "two of the people", "40 of the 60 jobs", "all six engineers",
# "every single team".
_COUNT = (rf"\b(?:{_WORD_NUMBER}|\d+)\s+of\s+(?:the|my|our|his|her|their|them|those|these)\b|\ball\s+{_WORD_NUMBER}\b"
          r"|\bevery\s+(?:single\s+|one\s+of\s+(?:the|our|their)\s+)?(?!(?:time|day|week|month|year|morning|night|evening"
          r"|sprint|quarter|now|so|other|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|release"
          r"|deploy|standup|meeting|call)s?\b)[\w-]+|\bnot\s+(?:a\s+single|one)\s+[\w-]+|\ba\s+handful\s+of\b"
          rf"|\b(?:half|{_FRACTION})\s+(?:of\s+)?(?:the|our|all|their|its)\b"
          # All of a group doing something now: "now all the teams are using the one package".
          r"|\ball\s+(?:of\s+)?(?:the|our|their)\s+[\w-]+s\s+(?:now\s+)?(?:are|were|have|had|use|used)\b")
_NONE_OF = (r"\bno\s+(?!(?:longer|more|one|idea|way|time|matter|doubt|point|need|sense|reason|choice|budget|plan)\b)[a-z]{3,}"
            r"\s+(?:[a-z]+\s+)?(?:had|was|got|missed|lost|failed|complained|called|waited|left|quit|broke|crashed|came|went"
            r"|returned|dropped|bounced|slipped|arrived)\b")
# None left where there had been some: "no missed deploys since", "not a single page after that".
_ZERO = (r"\b(?:no|zero|not\s+(?:a\s+single|one))\s+(?:[\w-]+\s+){0,2}?[\w-]+s\s+"
         r"(?:(?:reported|logged|found|raised|filed|seen)\s+)?(?:since|after\s+that|afterwards"
         r"|in\s+the\s+(?:\w+\s+)?(?:weeks?|months?|years?|quarters?)|(?:during|throughout)\s+(?:the|that|this)\s+[\w-]+)\b"
         r"|\bevery\s+(?:single\s+)?(?:night|day|week|month|run|time|release|deploy|sprint)\s+since\b|\b(?:to|down\s+to)\s+(?:almost\s+|nearly\s+|basically\s+|practically\s+|virtually\s+)?"
         r"(?:nothing|none|zero|nobody|no\s+one|no-one)\b"
         # ... or to next to nothing, said in words: "new issues dropped to a trickle".
         r"|\b(?:dropped|fell|slowed|shrank|went\s+down|came\s+down|dwindled)\s+to\s+(?:a\s+trickle|a\s+handful|a\s+fraction|a\s+rounding\s+error)\b"
         # Gone altogether: "the duplicate tickets basically disappeared" (a tally of things; talk or a mood that
         # fades, "the arguments about naming vanished", is no count).
         r"|\b(?:disappeared|vanished)\b"
         # Not one of them, said with "no" and a thing counted: "no pupil had a clash", "no driver got lost".
         rf"|{_NONE_OF}"
         # Nobody, not even once: "some nights nobody got paged even once".
         r"|\b(?:nobody|no\s+one|no-one|nothing)\b[^.,;]{0,50}?\beven\s+once\b|\b(?:not|never)\s+once\b|\b(?:didn'?t|did\s+not|never|hasn'?t|haven'?t|has\s+not|have\s+not|hadn'?t)\s+\w+\s+(?:it\s+|them\s+)?once\b"
         # "we haven't lost a message since launch", "nobody has paged anyone since".
         r"|\b(?:haven'?t|hasn'?t|have\s+not|has\s+not|never)\s+(?:\w+\s+){0,2}?(?:(?:a|one|a\s+single|any)\s+(?:[\w-]+\s+){0,2}?"
         r"|anyone\s+|anybody\s+|anything\s+)since\b|\b(?:without|(?:didn'?t|did\s+not|never|hasn'?t|haven'?t|has\s+not|have\s+not|hadn'?t)\s+\w+)\s+a\s+single\s+[\w-]+|\bwith\s+(?:no|zero)\s+(?:[\w-]+\s+)?(?:findings|issues|errors|incidents|defects|bugs|complaints|pages|failures|problems|outages|regressions|escalations)\b|\b(?:nobody|no\s+one)\s+(?:has|have)\s+(?:\w+\s+){1,3}?since\b"
         # None at all: "nobody has to be on a call at all", "no pages at all over the holidays".
         # ("With no onboarding at all" tells the circumstances someone was in; it counts nothing.)
         r"|(?<!with\s)\b(?:no|nobody|no\s+one|none|never|not)\b[^.,;]{0,40}?\bat\s+all\b"
         # Not one failure over the time since: "it has run ever since without blocking a real customer".
         r"|\bsince\b[^.]{0,30}?\bwithout\s+\w+ing\s+(?:a|an|one|a\s+single)\s+(?:[\w-]+\s+)?[\w-]+")
# A mark or a rating: "she scored 82 on the retake", "an NPS of 41".
# Right first time: "approved on the first or second round", "passed on the first try".
_FIRST_TIME = r"\bon\s+the\s+first\s+(?:or\s+second\s+)?(?:pass|try|attempt|round|review|go)\b"
_MARK = r"\b(?:scored|score\s+of|rated|rating\s+of|nps\s+(?:of|went\s+to|is|was))\s+\d+(?:[.,]\d+)?\b"
# How soon, counted in days or weeks: "on day two".
_POINT = rf"\b(?:day|week|month|sprint)\s+(?:\d+|{_WORD_NUMBER})\b"
# One value with a unit, or a percentage or sum of money on its own.
_SINGLE = re.compile(
    # A count may name what it counts with a word or two between: "three vendor outages", "40 failed builds".
    rf"(?<!\w){_APPROX}(?:{_DIGITS}\s?-?\s?(?:[a-z][\w-]*\s+){{0,2}}?{_UNIT}|\b{_WORD_NUMBER}\s+(?:(?!{_WORD_NUMBER}\b)[a-z][\w-]*\s+){{0,2}}?{_UNIT}|[$€£]\s?\d+(?:[.,]\d+)*(?:\s?[kmb]n?\b)?"
    rf"|\bzero\b|\bno\s+more\b|{_DURATION}|{_COUNT}|{_ZERO}|{_POINT}|{_MARK}|{_FIRST_TIME}"
    # A count of things, whatever they are: "eight or nine PRs", "twelve models in production", "down to two".
    rf"|(?P<count>\b{_NUMBER}(?:\s+or\s+{_NUMBER})?\s+(?:(?!{_WORD_NUMBER}\b)[a-z][\w-]*\s+)?(?!(?:times|years|ago)\b)[a-z]{{2,}}s\b)"
    rf"|\b(?:down|up)\s+to\s+(?:just\s+|only\s+)?{_NUMBER}\b"
    # How often, said as a rate: "maybe once a term", "twice a month at most".
    r"|(?P<rate>\b(?:once|twice|three\s+times|four\s+times)\s+(?:a|per|every)\s+(?:day|week|fortnight|month|term|quarter|year"
    r"|sprint|shift|season)\b)"
    # A value reached: "duplicate charges dropped to 0", "the queue fell to under a hundred".
    rf"|\b(?:dropped|fell|went|came|got|shrank|rose|grew|climbed|jumped|increased|decreased)\s+to\s+{_APPROX}{_NUMBER}\b"
    # ... or a bound it kept to: "the queue never went above a few hundred again", "stayed under 50".
    rf"|\b(?:went|got|stayed|kept|rose|climbed|grew)\s+(?:above|below|over|under|past|beyond)\s+{_APPROX}{_NUMBER}\b"
    # A rate said as a share: "one in fifty PRs", "three out of ten runs".
    rf"|\b{_NUMBER}\s+(?:in|out\s+of)\s+(?:every\s+)?{_NUMBER}\b"
    # A deadline beaten, told by the clock: "back up by 8:20".
    r"|(?<=\bby\s)\d{1,2}(?::\d\d|\s?[ap]m\b)"
    rf"|\b{_WORD_NUMBER}(?:\s+of\s+{_WORD_NUMBER})?\s+of\s+(?:dollars|euros|pounds|users|customers|requests|rows|tickets|hours)\b)",
    re.IGNORECASE,
)
# Numbers that date or label the setting rather than measure an outcome.
_NOT_A_MEASURE = re.compile(
    # years, clock times, versions, and HTTP status codes in the plural ("random 502s")
    r"^(?:(?:19|20)\d\d|\d{1,2}(?:[.:]\d\d)?\s?(?:am|pm)|\d+\.\d+(?:\.\d+)?|[1-5]\d\ds)$|^(?:python|version|v)\s",
    re.IGNORECASE,
)
# Words that make the number after them the length or rhythm of an effort: "for (about) three months".
_SPAN = re.compile(r"\b(?:for|every|each|once\s+a|over)\b(?:\W+\w+){0,4}?\W*$", re.IGNORECASE)
_WHEN = re.compile(r"\s+(?:later|ago|earlier(?!\s+than)|before\s+(?:the|a|our|we|i|it)|after\s+(?:the|a|our|we|i|it)|into)\b",
                   re.IGNORECASE)
_VERSION = re.compile(r"\b(?:python|py|version|v|release|django|node|java|postgres(?:ql)?|ubuntu|debian)\s*\d+\.\d",
                      re.IGNORECASE)
_TIME = re.compile(r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|sprints?)\b", re.IGNORECASE)
_EFFORT = re.compile(r"\b(?:took|takes|take|taking)\s+(?:me|us|him|her|them|the\s+team)\b(?:\W+\w+){0,2}?\W*$"
                     r"|\b(?:spent|spend|spending|invested)\b(?:\W+\w+){0,3}?\W*$", re.IGNORECASE)
# An imprecise span ("a few weeks") after a word that frames time ("after", "within", "over the next").
_VAGUE_SPAN = re.compile(r"(?:a\s+few|a\s+couple\s+of|several|some)\s", re.IGNORECASE)
_FRAMED_SPAN = re.compile(r"(?:over|after|within)\s+(?:a\s+few|a\s+couple\s+of|several|some)\s", re.IGNORECASE)
_FRAME = re.compile(r"\b(?:after|over|within|during|for\s+the\s+(?:next|following)|in\s+the\s+(?:next|following))"
                    r"(?:\s+the\s+(?:next|following))?\s*$", re.IGNORECASE)
# Adjusting a setting: a verb of setting, then a parameter of the system, then its new value.
_TUNING = re.compile(
    r"\b(?:set|sets|setting|raised|raise|bumped|bump|lowered|lower|changed|change|scaled|scale|increased|increase|reduced|reduce"
    r"|resized|tuned|tune|adjusted|configured|capped|cap|limited|limit|gave|give|pinned|allowed)\s+(?:(?:the|our|its|each|every"
    r"|their|a|per)\s+)?(?:[\w-]+\s+){0,2}?(?:pool|pools|size|limit|limits|timeout|timeouts|ttl|replicas|pods|workers|threads"
    r"|retries|concurrency|batch|interval|cap|quota|memory|heap|cpu|instances|nodes|shards|partitions|connections|max_\w+"
    r"|min_\w+|buffer|cache|window|rate)\b",
    re.IGNORECASE,
)
_DEADLINE = re.compile(r"\bby\s+$", re.IGNORECASE)
_SPEAKER = re.compile(r"^\W*(?:(?:and|so|but|then)\s+)?(?:i|we)\b", re.IGNORECASE)
_ONE = re.compile(r"one\b", re.IGNORECASE)
_EVERY = re.compile(r"every\b", re.IGNORECASE)
# The speaker finding how things stood, whoever acts in the clause: "... because I noticed it was an hour off".
_OWN_FINDING = re.compile(r"\b(?:i|we)\s+(?:\w+\s+)?(?:saw|found|noticed|discovered|realised|realized|spotted)\s+(?:that\s+)?"
                          r"(?:it|this|there|they|(?:the|our)\s+[\w-]+)\s+(?:was|were|had)\b[^.,;]*$", re.IGNORECASE)
_ONLY = re.compile(r"\b(?:only|just|to|down\s+to|exactly)\s*$", re.IGNORECASE)
_FINDING = re.compile(r"\b(?:saw|see|sees|found|find|noticed|discovered|realised|realized|spotted|showed|shows)\b",
                      re.IGNORECASE)
_OPENING_IN = re.compile(r"^\W*(?:(?:and|so|but|then)\s+)?in\s*$", re.IGNORECASE)  # "In a few weeks, ..."
_LEAD_WORDS = 3
# Cheap test run first: most sentences hold no number at all, and the full patterns are slow.
_ANY_NUMBER = re.compile(rf"{_NONE_OF}|\d"
                         rf"|\b(?:{_WORD_NUMBER}|twice|thrice|halved|doubled|tripled|quadrupled|no\s+more|several|many|a\s+few"
                         r"|a\s+couple|an?\s+(?:full\s+)?(?:hour|day|week|fortnight|month|year|minute|second)|magnitude|\w+fold|every|since|nothing|handful|double|triple|hourly|daily|weekly|monthly|quarterly|yearly"
                         r"|seconds|minutes|hours|days|weeks|months|years|once|twice"
                         r"|not\s+(?:a\s+single|one)|at\s+all|thirds?|quarters?|fifths?|tenths?|tens|nines|the\s+hour|fraction"
                         r"|a\s+single|on\s+the\s+first|disappeared|vanished|trickle|rounding\s+error|even\s+once|during|throughout|with\s+(?:no|zero)|not\s+once|never\s+once|to\s+spare|early"
                         r"|from\s+(?:most|all|half|much|the\s+better\s+part)\s+of|in\s+the\s+(?:\w+\s+)?(?:week|month|year|quarter)"
                         r"|(?:didn'?t|did\s+not|never)\s+\w+\s+(?:it\s+|them\s+)?once)\b",
                         re.IGNORECASE)


def _with_lead_in(sentence: str, start: int, end: int) -> str:
    """The quantity and up to three words before it, so "30%" reads as "cut costs by 30%"."""
    before = sentence[:start]
    clause = re.split(r"[,;:(]|\band\b|\bbut\b", before)[-1]
    lead = clause.split()[-_LEAD_WORDS:]
    return " ".join([*lead, sentence[start:end].strip()]).strip(" ,.;")


def quantities(sentence: str, action: bool = False) -> list[str]:
    """Quantified statements in one sentence, changes first, each as the candidate said it.

    In a clause where the speaker acts (``action``), how long or how often they did it ("for three
    months", "every week") measures the effort, not an outcome, so those spans are left out.
    """
    return scan(sentence, action)[0]


def has_change(sentence: str) -> bool:
    """A before -> after change or a relative change ("twice as fast")."""
    return scan(sentence)[1]


def scan(sentence: str, action: bool = False) -> tuple[list[str], bool]:
    """:func:`quantities` and :func:`has_change` in one pass: the patterns are the costly part of an analysis."""
    if not _ANY_NUMBER.search(sentence):
        return [], False
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    change = False
    for pattern in (_CHANGE, _RELATIVE, _SINGLE):
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if action and _TUNING.search(sentence[max(0, start - 50):start + 5]):
                continue  # "I raised the pool from 8 to 32": a setting the speaker chose, not an effect measured
            if pattern is not _SINGLE and not _version(sentence, start, end):
                change = True
            if any(start < e and s < end for s, e in taken):
                continue
            if pattern is _CHANGE and _version(sentence, start, end):
                continue
            if pattern is _SINGLE and _no_outcome(sentence, start, end, match.group().strip(), action):
                continue
            if pattern is _SINGLE and match.group("rate") and action:
                continue  # "I checked in once a week": the rhythm of the speaker's effort, not how often things went wrong
            if pattern is _SINGLE and match.group("count") and _NAMED_GROUP.search(sentence[max(0, start - 30):start]):
                continue  # "our two senior devs", "functions that were three hundred lines": who or what, not how many came of it
            taken.append((start, end))
            found.append(_with_lead_in(sentence, start, end))
    return found, change


def _no_outcome(sentence: str, start: int, end: int, core: str, action: bool) -> bool:
    """Whether a single value, in its place in the sentence, measures something other than an outcome."""
    before = sentence[:start]
    if _NOT_A_MEASURE.search(core.lower().lstrip("~ ").strip()) and not _DEADLINE.search(before[-4:]):
        return True  # a year or a clock time dates the story, unless it is the deadline met ("back by 8:20")
    if _TIME.search(core) and _EFFORT.search(before[-40:]):
        return True  # "it took me two weeks", "I spent a month": the cost of the work, not its outcome
    if (action or _SPEAKER.match(sentence)) and _TIME.search(core) and _SPAN.search(before[-40:]):
        return True  # "I was on the call for about six hours": how long the speaker worked at it
    if action and _TIME.search(core) and (_CADENCE_BEFORE.search(before[-30:]) or _CADENCE_AFTER.match(sentence, end)):
        return True  # "I set up a twice-weekly half hour with her": a recurring slot of the speaker's effort
    if _SHAPE.search(before[-40:]):
        return True  # "we split it into two queues", "a team of three": the shape of the work or the group, not a measure
    if before and (before[-1] in "+/" or (before[-1] == ":" and before[-2:-1].isdigit())):
        return True  # part of a name ("the N+1 query problem", "24/7") or of a clock time ("7:30"), not a count
    if _ONE.match(core) and not _ONLY.search(before[-12:]):
        return True  # "one team took ages", "the one explaining it": someone picked out, not a count
    if (action and _FINDING.search(before[-60:])) or _OWN_FINDING.search(before[-60:]):
        return True  # "I saw a scan over eighty million rows": what the speaker found, not what changed
    if action and _EVERY.match(core):
        return True  # "a test that hits every endpoint": the reach of the speaker's step, not what came of it
    if _FRAMED_SPAN.match(core) and not before.strip():
        return True  # "Over a few months he got more confident": when it was noticed, told up front
    if _VAGUE_SPAN.match(core) and (_FRAME.search(before[-30:]) or _OPENING_IN.match(before)):
        return True  # "after a few weeks the team was happier" says when it was noticed, not how much changed
    if _TIME.search(core) and _PAST_PERFECT.search(before[-40:]):
        return True  # "a bug nobody had caught in about a year": how long things had stood, the backdrop
    if _REQUIRED.search(before[-60:]):
        return True  # "the regulator requires corrections within 48 hours": a deadline set for the work, not a result
    if _GONE.search(core) and _TALK.search(before[-60:]):
        return True  # "the arguments about naming vanished": talk or a mood fading is no count of anything
    if _CERTAINTY.match(sentence, end):
        return True  # "I'm not a hundred percent sure": how certain the speaker is, not a measure
    if _FROM_ALARM.match(sentence, end):
        return False  # "about forty minutes after the page, writes work again": how long recovery took
    # "a few months later" dates the next event; it does not measure anything
    return bool(_WHEN.match(sentence, end) and _TIME.search(core))


_SHAPE = re.compile(r"\b(?:split|splitting|divided|dividing|broke|breaking|broken|separated|separating|rewrote|rewriting"
                    r"|grouped|grouping|organi[sz]ed|restructured|cut)\b(?:\s+[\w'-]+){0,3}?\s+(?:into|as)\s+$"
                    r"|\b(?:team|group|squad|crew|class|cohort|department)\s+of\s+$", re.IGNORECASE)
# A rhythm named with the span: "a twice-weekly half hour", "a half-hour daily check-in".
_RHYTHM = r"(?:\w+-)?(?:weekly|daily|nightly|hourly|monthly|fortnightly|yearly|quarterly)"
_CADENCE_BEFORE = re.compile(rf"\b{_RHYTHM}\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_CADENCE_AFTER = re.compile(rf"[\s-]+{_RHYTHM}\b", re.IGNORECASE)
_PAST_PERFECT = re.compile(r"\b(?:had|'d)\s+(?:been\s+)?\w+(?:\s+\w+){0,2}?\s+(?:in|for|over)\s+$", re.IGNORECASE)
_REQUIRED = re.compile(r"\b(?:requires?|required|must|have\s+to|has\s+to|had\s+to|needs?\s+to|needed\s+to)\b[^.]{0,40}"
                       r"\bwithin\s+(?:about\s+|roughly\s+)?$"
                       # ... or promised: "the owner had promised the client a catalogue within a month".
                       rf"|{PROMISED}[^.]{{0,60}}?\b(?:within|in|by)\s+\W?(?:about\s+|roughly\s+|just\s+)?$", re.IGNORECASE)
_NAMED_GROUP = re.compile(rf"\b(?:our|my|the|his|her|their|those|these|was|were|are|is|between)\s+(?:{_WORD_NUMBER}\s+)?$",
                          re.IGNORECASE)
_FROM_ALARM = re.compile(r"\s+after\s+(?:the|our|that)\s+(?:first\s+)?(?:page|alert|alarm|outage\s+(?:started|began)|incident"
                         r"\s+(?:started|began)|first\s+report|call\s+came\s+in)\b", re.IGNORECASE)
# Talk and moods, which fade without being counted: "the style debates", "the friction", "the worry".
_TALK = re.compile(r"\b(?:debates?|arguments?|discussions?|friction|tension|confusion|frustration|grumbling|bickering|drama"
                   r"|stress|fear|worry|worries|doubts?|resistance|awkwardness)\b(?:\s+[\w'-]+){0,6}?\s+$", re.IGNORECASE)
_GONE = re.compile(r"\b(?:disappeared|vanished)$", re.IGNORECASE)
_CERTAINTY = re.compile(r"\s+(?:sure|certain|confident|positive)\b", re.IGNORECASE)


def _version(sentence: str, start: int, end: int) -> bool:
    """ "from Python 3.8 to 3.11" names releases; it measures nothing."""
    return bool(_VERSION.search(sentence[max(0, start - 12):end]))

