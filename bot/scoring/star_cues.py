"""Sentence-level cues for the four STAR parts, first person and lessons (habit cues: :mod:`bot.scoring.star_habits`,
the goal, duty and stake cues: :mod:`bot.scoring.star_task`).

Each cue is a way people commonly *say* a part of a story out loud, not a phrase from any
particular story: the setting is anchored in time, place, team or system ("last spring",
"at my previous company", "we had a service that"); the task is a goal, a duty or a stake
("my job was to", "I had to", "before the launch"); an action is the speaker doing something
("I rewrote", "we rolled back", "I add two indexes" in the narrative present); a result is an
outcome marker or a change ("in the end", "dropped", "no longer").  Weights say how sure a cue
is on its own: 2 is decisive, 1 needs company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.scoring.star_habits import (
    CHANGED,
    COMMITTED,
    GENERAL,
    GOAL_MADE,
    ROUTINE_WORDS,
    YARDSTICK,
    others_rhythm,
    present_rule,
)
from bot.scoring.star_judged import vague
from bot.scoring.star_task import TASK, goal_scene
from bot.scoring.star_words import MONTHS, NEVER_DONE, PAST_IRREGULAR, PLACES, PROMISED, SYSTEMS, TIME_UNITS, UPHEAVAL, rx

_OCCASION_RX = rx(rf"\b(?:through|during|over|in)\s+(?:my|his|her|their|our)\s+(?:very\s+)?first\s+(?:[\w-]+\s+)?"
                  rf"(?:{TIME_UNITS}|shift|rotation|term|season)s?\b"
                  # ... or the upheaval everything went through: "during the move to the new wing", "amid the merger".
                  rf"|{UPHEAVAL}")

_TROUBLE_ASIDE_RX = rx(r"\s+that\s+(?:was|were|had\s+been|kept)\s+(?:\w+ly\s+)?\w+ing\b")

# Setting: when, where, who and what was going on.
SITUATION: tuple[tuple[re.Pattern[str], float], ...] = (
    # ("Took on the job of" takes a duty; it names no workplace.)
    (rx(rf"\b(?:at|in|(?<!took\s)(?<!take\s)(?<!takes\s)on|with|for|joined)\s+(?:my|our|a|an|the|this)\s+(?:[\w-]+\s+){{0,3}}?{PLACES}\b"
         # "At a" names a workplace by what it runs: "a bug I shipped at a real-estate listings site".
         r"|\bat\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:site|marketplace|portal|provider|publisher|network)\b"), 2.0),
    (rx(r"\bwhen\s+i\s+(?:was|joined|started|worked|first)\b|\bi\s+(?:had\s+)?(?:just\s+)?joined\b"), 1.5),
    (rx(rf"\b(?:last|this|that|one|a|early\s+one|late\s+one)\s+{TIME_UNITS}s?\b|\b{MONTHS}\b|\bago\b"
         r"|\b\w+\s+(?:days|weeks|hours|months)\s+(?:before|after|into)\b"), 1.0),
    (rx(r"\b(?:in|back\s+in|around|during)\s+(?:19|20)\d\d\b|\bback\s+(?:then|when|in)\b|\bat\s+the\s+time\b"), 1.0),
    (rx(r"\bthere\s+(?:was|were|had\s+been)\b|\b(?:we|they|it|i)\s+(?:had|used\s+to|ran|were\s+running|were\s+using)\b"), 1.0),
    (rx(rf"\b(?:our|their|the|my)\s+(?:[\w-]+\s+){{0,2}}?{SYSTEMS}\b"), 0.5),
    (rx(r"\b(?:started|began|kept)\s+(?:to\s+)?\w+ing\b|\b(?:was|were)\s+(?:down|failing|broken|slow|timing\s+out)\b"
         ), 1.0),
    # A trouble or a conflict named: "complaints", "an outage", "we kept clashing" (with "kept", twice the company).
    (rx(r"\b(?:complain\w*|outage|incident|disagree\w*|conflict|argument|struggl\w+|clash\w*|friction|tension)\b"), 1.0),
    (rx(r"\b(?:i|we)\s+(?:was|were|am|are|'m|'re)\s+(?:the|a|an|one|part|working|on|in|both|building|responsible\s+for\s+the\s+\w+ing)\b"

         r"|\b(?:i|we)\s+worked\s+(?:at|on|as|for|in)\b|\bit'?s\s+my\s+\w+\s+(?:month|week|year|day)\b"), 1.0),
    # What the speaker was in the middle of when it happened: "I was leading a team of three".
    (rx(r"\b(?:i|we)\s+(?:was|were)\s+(?:\w+ly\s+)?(?!going\b)\w+ing\s+(?:a|an|the|our|my|this|some)\b"), 1.5),
    # Noticing how things stood: "I noticed nobody maintained our Dockerfiles".
    (rx(r"\b(?:i|we)\s+(?:noticed|realised|realized|saw|found\s+out|discovered)\s+(?:that\s+)?(?:nobody|no\s+one|none\s+of"
         r"|our|the|we|they|it|there|every|most|half)\b"), 1.5),
    # Words that announce the scene: "picture a team of four", "the context: a logistics company".
    (rx(r"\b(?:picture|imagine)\s+(?:this|a|an|the|our|my)\b|\b(?:the|some|a\s+bit\s+of|for)\s+(?:context|background|setting"
         r"|backstory|scene|situation)\b"), 2.0),
    # A scene woven into the sentence that acts: "When I noticed the quota was running out, I took it on".
    # (Spoken, the comma is often missing: "When I became lead of the team we got five new hires".)
    (rx(r"^\W*(?:when|after|as|while|since|because|once)\s[^,.;]{12,}?(?:,\s*|\s+)(?:so\s+|then\s+)?(?:i|we)\s"), 2.0),
    # ... or hung on it: "I rolled back the deploy after our dashboards lit up", "... when our lead proposed X".
    (rx(r"\b(?:after|when|because|as|since|while)\s+(?:our|the|their|his|her|some|one\s+of|they|he|she|nobody|everyone|a|an)"
         rf"(?:'d)?\s+(?:[\w'-]+\s+){{0,3}}?(?:had|was|were|kept|started|began|went|broke|lit|hit|ran|fell|{PAST_IRREGULAR}"
         r"|\w+ed)\b"), 2.0),
    # ... or hung on it as what had become plain: "I re-planned the move once it was clear the vendor would be late".
    (rx(r"\b(?:once|when|after|as|since|because)\s+it\s+(?:was|became|had\s+become|got|turned\s+out)\s+(?:\w+\s+)?"
        r"(?:clear|obvious|apparent|evident|plain)\b|\b(?:once|when|after|as)\s+it\s+turned\s+out\b"), 2.0),
    # The occasion the step went through, named inside it: "I sat with her through her first week on nights".
    (_OCCASION_RX, 1.5),
    # A participant introduced with an aside on how things stood: "a new analyst, who had never used SQL",
    # "the billing job, which kept timing out".  The aside is background, whoever acts in the main clause.
    # (A person may be described without the commas: "a new graduate who struggled with tests".)
    (rx(r"(?:,\s*(?:who|which)|\s+who)(?:'d\s|\s+(?:just\s+|\w+ly\s+)?(?:was|were|had|kept|used\s+to|wanted|came|needed"
         r"|didn'?t|did\s+not|couldn'?t|could\s+not|never|still|struggled)\b)"), 1.5),
    # ... and a thing described by the trouble it was causing: "the leak in our resizer that was killing pods".
    # Like an occasion named inside a step, it anchors the scene but the clause still starts the acting.
    (_TROUBLE_ASIDE_RX, 1.5),
    # ... or dated by what had just happened: "the week he pushed a change", "the morning after I noticed".
    (rx(rf"\b(?:the|that)\s+{TIME_UNITS}\s+(?:after\s+|before\s+|when\s+)?(?:i|we|he|she|they|our|the|his|her|their)"
         rf"(?:'d)?\s+(?:[\w'-]+\s+){{0,2}}?(?:had|was|were|{PAST_IRREGULAR}|\w+ed)\b"), 2.0),
    # Leading a group, told as who the speaker was: "I led a group of four nurses across two wards".
    (rx(r"^\W*(?:(?:so|well)\W+)?(?:i|we)\s+(?:led|managed|ran|coordinated)\s+(?:a|the|our|my)\s+(?:[\w-]+\s+)?"
         r"(?:team|group|squad|crew|department)\s+of\b"), 1.5),
)


# Verbs that report a state, a wish or a thought rather than something done.
NOT_DOING = (
    "was|were|had|needed|wanted|wished|liked|loved|hated|hoped|feared|seemed|used|supposed|owned|felt|thought|knew"
    "|believed|guessed|meant|remembered|learned|learnt|realised|realized|joined|worked|happened|enjoyed|agreed|"
    "disagreed|expected|assumed|figured"
    # What befell the speaker rather than what they did: "we lost six hours of events", "I missed the deadline".
    "|lost|missed|passed|won|survived|succeeded"
    # ... or what was handed to them: "I inherited a system nobody touched", "we received a letter from the council".
    "|inherited|received"
)
_PRESENT_DOING = (
    "add|ask|bring|build|call|change|check|clean|compare|create|debug|deploy|dig|document|draft|escalate|explain|find|fix"
    "|focus|go|grab|help|investigate|look|make|measure|meet|move|open|pair|pick|profile|propose|pull|push|put|reach"
    "|refactor|review|rewrite|roll|run|schedule|send|set|share|show|sit|split|start|suggest|take|talk|test|trace|try|walk"
    "|write|listen|collect|read|reproduce|monitor|batch|cache|migrate|ship|prototype|benchmark|understand|adapt|coach"
    "|wait|treat|keep|page|tell|give|connect|delete|configure|install|replace|remove|restart|lend|teach|organi[sz]e|book"
    "|email|post|prepare|plan|record|sketch|assign|mentor|invite|hand|close|merge|rename|update|upgrade|clear|kill|stop"
    # "I do a one-on-one every week": doing a thing, not the "do" of "I do think".
    r"|do(?=\s+(?:a|an|the|one|two|weekly|daily|regular)\b)"
    "|ping|raise|flag|note|log|label|tag|triage|patch|revert|rebuild|turn|switch|use|encourage|block|answer|join|drop"
    "|chase|agree|kick|nudge|walk|loop|escalate|sketch|draw|sync|align|plan|map|pin|freeze|unblock|demo|present|pitch"
    "|negotiate|mediate|facilitate|timebox|prioriti[sz]e|rotate|shadow|onboard|delegate|hire|interview|recruit|refine"
)
_FILLER = (r"(?:(?:then|also|just|first|quickly|finally|eventually|immediately|actually|basically|personally|myself|even"
           r"|usually|always|normally|typically|often|generally|still|now|once|together|both|all|\w+ly|tend\s+to|try\s+to"
           r"|like\s+to)\s+)")
# Spoken hedges and fillers, dropped before the cues are read.
_HEDGES = rx(r",?\s*\b(?:um+|uh+|erm|sort\s+of|kind\s+of|kinda|sorta|you\s+know|i\s+mean|i\s+guess|i\s+think|basically"
             r"|essentially|honestly|literally|pretty\s+much)\b,?")
_ACTOR = r"\b(i|we|i'd|we'd|i'll|we'll|i\s+would|we\s+would)\s+"
# "We got paged forty times a week" is done to the speaker: "got" before a participle is a passive, not a step.
# A step told in the present perfect ("then I have restarted the job") is the narrative past of many speakers of
# English as a second language, and a verb with a prefix ("I re-ran it", "we co-wrote") is still a step.
# A message arriving is what befell the speaker, the trigger of the story: "we got an email from a user".
_GOT_WORD = (r"got\s+(?:a|an|the|this|that|one|some|two|three|several)\s+(?:[\w-]+\s+){0,2}?(?:e-?mails?|calls?|messages?"
             r"|tickets?|complaints?|letters?|pages?|alerts?|reports?|requests?|escalations?|notes?|texts?)\b")
ACTION_PAST = rx(rf"{_ACTOR}(?:have\s+)?{_FILLER}{{0,2}}(?!(?:{NOT_DOING})\b)(?!got\s+\w+ed\b)(?!{_GOT_WORD})(?:[a-z]{{2,5}}-)?"
                 rf"(\w+ed|{PAST_IRREGULAR})\b")
ACTION_PRESENT = rx(rf"{_ACTOR}{_FILLER}{{0,2}}(?:{_PRESENT_DOING})(?:s|es)?\b")
# ... and so is one told in the present progressive with something it is done to or with ("I am pairing with them
# every day", "I'm reviewing all their pull requests"); being somewhere, working on something or what a business does
# as a matter of course ("we are serving the whole region") is the scene.
ACTION_ONGOING = rx(rf"\b(i|we)(?:\s+am|\s+are|'m|'re)\s+{_FILLER}{{0,2}}(?!(?:working|going|trying|doing|having|being"
                    r"|getting|feeling|thinking|looking|hoping|waiting|leading|managing|running|building|living|studying"
                    r"|staying|based|sitting|responsible|planning|starting|serving|handling|processing|supporting|hosting"
                    r"|selling)\b)[a-z]{3,}ing\s+(?:with|them|him|her|it|all|every|each|the|a|an|our|my|their|his|its)\b")
# Getting others to do something is the speaker acting: "I had the team scale the pods down".
ACTION_CAUSATIVE = rx(r"\b(i|we)\s+(?:had|got|made|let|have|get|make)\s+(?:the\s+|my\s+|our\s+)?"
                      r"(?:team|him|her|them|everyone|everybody"
                      r"|each\s+\w+|every\s+(?:new\s+)?\w+|\w+s)\s+(?!to\b)[a-z]+\b")
ACTION_HELPERS = rx(r"\b(?:then|next|so|first|after\s+that),?\s+(?:i|we)\b|\bi\s+(?:decided|proposed|suggested)\b")

# Outcome: markers, directions of change, things that were delivered or stopped.
RESULT: tuple[tuple[re.Pattern[str], float], ...] = (
    (rx(r"\b(?:in\s+the\s+end|as\s+a\s+result|it\s+(?:all\s+)?ended\s+with"
         # "the result" opens an outcome as the subject of a statement ("the result was", "the outcome: ..."),
         # not inside a noun phrase ("a hash of the result").
         r"|(?<!of\s)the\s+(?:end\s+)?(?:result|outcome)s?(?=\s*(?:was|is|were|:|,|of\s+(?:that|this|it|all)\b))|ultimately"
         # "ended up" concludes, but not in the backdrop of the past perfect ("which had ended up running twice").
         r"|(?<!had\s)(?<!'d\s)(?:ended|end|ends)\s+up|net\s+effect"
         r"|the\s+upshot|the\s+(?:effect|impact)\s+(?:was|is)"
         # Looking back from the outcome to the speaker's own step: "every release since we made that change".
         r"|since\s+(?:we|i)\s+(?:made|shipped|rolled\s+out|introduced|put\s+in|switched|changed|fixed|added|moved)"
         # Connectives of consequence open an outcome wherever it sits.
         r"|(?:which|that|this)\s+meant|meaning\s+that|as\s+a\s+consequence|consequently|thanks\s+to\s+(?:that|this|it)"
         # "Because of that, ..." opens a consequence; "... short three points because of this" closes on a cause.
         r"|that'?s\s+why|because\s+of\s+(?:that|this)(?=\s*,)"
         # Pride in an outcome names it as the outcome, however early it is told.
         r"|(?:my|our)\s+(?:\w+\s+)?(?:proudest|favourite|favorite|biggest|best)\s+(?:result|outcome|achievement|win|project"
         r"|moment)|(?:my|our)\s+(?:proudest|biggest)\s+(?:result|outcome|achievement|win))\b"), 2.5),
    # The effect of a step told in an aside after it: "..., which stopped the errors", "..., which gave everyone
    # some peace of mind" (what it cost, ", which took a week", is effort, not effect).
    (rx(r",\s*which\s+(?:\w+ly\s+)?(?:gave|saved|cut|freed|stopped|brought|reduced|removed|eliminated|ended|solved|fixed"
         r"|halved|doubled|got|helped|made|let|unblocked|caught)\b"), 1.5),
    # The whole of the work brought to its end by the speaker within a time: "and got every laptop patched within two
    # days", "I had all of the forms signed by Friday".  Only an outcome ends that way; a step that sets it going does not.
    (rx(r"\b(?:had|got|have|get)\s+(?:all|every|each|both|the\s+whole|the\s+rest|everything|everyone)\b(?:\s+[\w-]+){0,4}?"
        r"\s+[a-z]+(?:ed|en|ne)\s+(?:within|by|before|in\s+(?:under\s+|less\s+than\s+)?(?:a|an|one|two|three|four|five"
        r"|\d))\b"), 1.5),
    # A consequence told inside the acting sentence: ", which brought the query down to", ", getting it under".
    (rx(r"\b(?:brought|bringing|got|getting|pushed|pushing|drove|driving|cutting|taking)\s+(?:[\w-]+\s+){0,3}?"
         r"(?:down|up|under|below|above)\b"
         # ... or hung on the step as where things ended: "we switched it on, with false alarms down to 2%".
         r"|\bwith\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){1,3}?(?:down|up)\s+to\b"), 1.5),
    (rx(r"\b(?:dropped|fell|decreased|reduced|increased|improved|rose|grew|went\s+(?:up|down|from)|goes\s+(?:up|down|from)"
         r"|disappeared|vanished|went\s+away|dried\s+up|(?:was|were|are|is)\s+(?:all\s+)?gone\b|(?:got|get|gets)\s+(?:\w+\s+){0,2}?back(?!\s+to\s+(?:me|us|him|her|them))"
         r"|(?:we|i|it|they|she|he)\s+passed\b(?!\s+(?:it|them|this|that)?\s*(?:on|along|over|to|through|by|around|away)\b)"
         r"|halved|doubled|saved|saving|saves|shrank|cut|stayed|stays|stopped\s+\w+ing|no\s+longer|any\s*more|recovered"
         r"|stabili[sz]ed|back\s+(?:up|to\s+normal|online|under|below|to|in\s+under|within)|(?:was|is|were|are)\s+back\b|working\s+again"
         # A margin on the deadline is said only of an outcome: "two weeks early", "with a day to spare".
         r"|(?:days?|weeks?|hours?|months?|sprints?)\s+(?:early|ahead\s+of\s+(?:schedule|time))|to\s+spare)\b"), 1.5),
    (rx(r"\b(?:eventually|finally|afterwards|after\s+that|after\s+this|since\s+then|from\s+then\s+on|over\s+time"
         # Time moving on from the occasion: "by the third week".
         r"|by\s+the\s+(?:end\s+of|time|(?:first|second|third|fourth|fifth|\w+th|next)\s+(?:day|week|month|sprint|quarter))"
         r"|within\s+(?:a|an|about|\d|\w+\s+(?:minutes|hours|days|weeks))|(?<!for\s)now"
         # "After" closing the clause is "afterwards", often in speech: "the team trusted me more after".
         r"|(?<!the\s)(?<!day\s)(?<!week\s)after(?=\s*[.!?;]?\s*$))\b"), 1.0),
    # Said almost only of outcomes.
    (rx(r"\b(?:launched|went\s+live|goes\s+live|on\s+time|on\s+schedule|renewed|promoted|return\s+offer|succeeded"
         r"|paid\s+off|went\s+(?:well|smoothly|fine|ok|okay|great)|worked\s+(?:well|out)|(?:was|were|is|are)\s+dropped"
         r"|still\s+(?:running|in\s+use|used|working|going)|(?:didn't|did\s+not|never)\s+notice|sold\s+out"
         # Keeping or losing people counted as a whole: "we kept every one of those five engineers".
         r"|(?:kept|retained|lost)\s+(?:every\s+(?:single\s+)?one|all|none|each|not\s+one)\s+of)\b"), 1.5),
    # How a disagreement ended: the other side agreeing, or the choice both sides settled on.
    (rx(r"\b(?:he|she|they|everyone|both\s+of\s+us)\s+(?:finally\s+|eventually\s+|happily\s+)?(?:agreed|came\s+(?:round|around)"
         r"|signed\s+off|was\s+convinced|were\s+convinced)\b|\bwe\s+(?:finally\s+|eventually\s+)?(?:agreed\s+on|settled\s+on"
         r"|settled\s+(?:it|this|that|the\s+(?:argument|question|debate|disagreement|matter))"
         r"|went\s+with|picked|chose)\b"
         # (Choosing for someone, "we picked projects for them", is a step taken for them, not a choice settled.)
         r"(?!\s+(?:[\w-]+\s+){1,3}?for\s+(?:them|him|her|each|everyone|every)\b)"), 2.5),
    (rx(r"\b(?:shipped|released|delivered|rolled\s+out|ahead\s+of|adopted|thanked|praised|zero|became|success"
         r"|smoothly|without\s+(?:a\s+hitch|issues|problems|incident)|standard)\b"), 1.0),
    (rx(r"\b(?:finished|completed|done|lower|higher|fewer|less|faster|slower|cheaper|quicker)\b"), 1.0),
)

LESSON = rx(r"\b(?:learn(?:ed|t)|what\s+(?:i|we)\s+learn|lessons?|taught\s+me|takeaway|took\s+away|what\s+(?:i|we)\s+took\s+from"
            r"|in\s+hindsight|looking\s+back|next\s+time"
            r"|(?:would|'d)\s+do\s+(?:it\s+|things\s+)?differently|if\s+i\s+(?:did|had\s+to\s+do)\s+it\s+again"
            r"|made\s+me\s+(?:realise|realize|understand)|(?:since\s+then|from\s+then\s+on|now)\s+i\s+(?:always|make\s+sure|try))\b")

_OTHERS = r"(?:he|she|they|others|everyone\s+else|(?:my|our|the|his|her)\s+[\w-]+(?:\s+[\w-]+)?)"
_POSITIONS = rx(rf"\b{_OTHERS}\s+wanted\b[^.]*\b(?:i|we)\s+wanted\b|\b(?:i|we)\s+wanted\b[^.]*\b{_OTHERS}\s+wanted\b")
# "We'd be filtering on it within a quarter" is "would" contracted: a forecast, not an outcome.
IMAGINED_OUTCOME = rx(r"(?:\b(?:could|would|might)|'d)\s+(?:\w+\s+)?(?:be|have)\b|\bif\s+(?:the|it|we|they|he|she|you)\b")


def imagines_outcome(text: str) -> bool:
    """The clause imagines what could be ("what would you cut if you had half the time"): nothing measured happened."""
    return bool(IMAGINED_OUTCOME.search(text))


@dataclass(frozen=True)
class Cues:
    """The evidence one sentence carries for each part."""

    situation: float
    task: float
    action: float
    result: float
    lesson: float
    general: bool
    actor: str | None  # "I" or "we": who does the action, when there is one
    anchored: bool  # a time or place pins the setting down
    stakes: bool
    concluding: bool = False  # told as the end of the story ("in the end", "ended up"), wherever it sits
    # Weight of an occasion named inside a step ("through her first week"): it anchors the scene, but the
    # clause still starts the acting.
    occasion: float = 0.0
    rule_only: bool = False  # general only as a present-tense condition and response, with no rhythm word


_REQUEST = rx(r"\b(?:asked|told|wanted|needed|expected)\s+(?:me|us)\s+to\b")
_FOUND_IT = rx(r"\b(?:saw|found|noticed|realised|realized|discovered|spotted)\s+(?:that\s+)?(?!(?:i|we)\b)[\w-]+"
               r"(?:\s+[\w-]+)?\s+$")
_MEANT = rx(r"\b(?:which|that|this)\s+meant|\bmeaning\s+that\b")  # a consequence drawn, whatever it is
_ONGOING = 6  # the SITUATION row for things starting or going on
_OCCASION = next(i for i, (pattern, _) in enumerate(SITUATION) if pattern is _OCCASION_RX)
_TROUBLE_ASIDE = next(i for i, (pattern, _) in enumerate(SITUATION) if pattern is _TROUBLE_ASIDE_RX)
_SPEAKER_STARTS = rx(r"\b(?:i|we)\s+(?:\w+\s+){0,2}?(?:started|began)\s+(?:to\s+)?\w+ing\b")


def _hits(table: tuple[tuple[re.Pattern[str], float], ...], text: str) -> list[int]:
    # Two hits of one kind ("worried ... could charge") are company for each other; more add little.
    return [min(2, len(pattern.findall(text))) for pattern, _ in table]


def _weigh(table: tuple[tuple[re.Pattern[str], float], ...], hits: list[int]) -> float:
    return sum(weight * hit for (_, weight), hit in zip(table, hits, strict=True))


# Words that open a clause inside another one: "before we started", "the people I mentored".
_SUBORDINATE = re.compile(r"\b(?:before|after|when|while|because|since|until|once|whatever|whichever|which|who|whom|what|how|if"
                          r"|unless|whenever|than"
                          # "the library where I volunteered" names a place; "that's where I stepped in" announces a step.
                          r"|(?<!\bis\s)(?<!\bwas\s)(?<!'s\s)where"
                          # What the speaker proposes others do is the proposal's content: "I suggested we pair on it".
                          r"|suggest|suggested|proposed|propose|recommended|recommend"
                          r"|(?<!after\s)that)\s*,?\s*$", re.IGNORECASE)
# "the people I mentored": a noun phrase right before the pronoun makes a relative clause, unless the phrase
# hangs on a preposition ("after the meeting I profiled ...") or names a time ("a month later we ...").
# (The noun may have a word before it, "the canary stage we argued about", unless the phrase names a time: "the
# next day we ...".)
_NOUN_BEFORE = re.compile(rf"(?:\b(\w+)\s+)?\b(?:the|a|an|every|all|each|any|those|these)\s+"
                          rf"(?!(?:[\w-]+\s+)?(?:{TIME_UNITS}s?|{MONTHS}|time|minute|hour)\b)(?:[\w-]+\s+)?"
                          # A conjunction ends the phrase and opens a new clause: "I reprinted the forms and I ...".
                          r"(?!(?:and|but|or|so|then|plus|yet)\s*,?\s*$)[\w-]+\s*,?\s*$",
                          re.IGNORECASE)
_PREPOSITIONS = frozenset("after before during in at on by from with for over within since until through into".split())


# A clause of time or condition closed by its comma: the pronoun after it opens the main clause ("When my team
# misses a deadline, I take the blame"), whatever noun the lead-in ended on.
_LED_IN = re.compile(r"^\W*(?:(?:so|and|but)\W+)?(?:when|whenever|if|once|after|before|while|as\s+soon\s+as|every\s+time)\b"
                     r"[^,;.]*,\s*$", re.IGNORECASE)


def _inside(before: str, opening: str = "") -> bool:
    """The words before a pronoun put its verb inside another clause (``opening``: the clause up to the pronoun)."""
    if _LED_IN.match(opening):
        return False
    if _SUBORDINATE.search(before):
        return True
    noun = _NOUN_BEFORE.search(before)
    return bool(noun and (noun.group(1) or "").lower() not in _PREPOSITIONS)


def actors(text: str) -> set[str]:
    """Everyone who acts in the clause's own verbs: "we talked, and I explained" has both "we" and "I"."""
    text = _HEDGES.sub(" ", text)
    return {"we" if match.group(1).lower().startswith("we") else "I"
            for pattern in (ACTION_PAST, ACTION_PRESENT, ACTION_ONGOING, ACTION_CAUSATIVE) for match in pattern.finditer(text)
            if not _inside(text[max(0, match.start() - 40): match.start()], text[: match.start()])}


def _actor(text: str) -> str | None:
    """Who acts in the clause's own verb: a verb inside a subordinate or relative clause is background."""
    for pattern in (ACTION_PAST, ACTION_PRESENT, ACTION_ONGOING, ACTION_CAUSATIVE):
        for match in pattern.finditer(text):
            if not _inside(text[max(0, match.start() - 40): match.start()], text[: match.start()]):
                return "we" if match.group(1).lower().startswith("we") else "I"
    listed = _LISTED_STEPS.match(text) or _CLEFT.search(text)
    return None if listed is None else ("we" if listed.group(1).lower() == "we" else "I")


# A step told as what the speaker did, in a cleft: "the main thing I did was show her the logs".
_CLEFT = rx(r"\b(?:what|thing|things|step)\s+(i|we)\s+(?:\w+\s+)?(?:did|tried\s+to\s+do)\s+(?:first\s+)?(?:was|were)\s+"
            r"(?:to\s+)?(?!(?:not|nothing|that|this)\b)[a-z]+")


# Steps listed after the speaker's clause with the subject left out: "I got paged at night because the API was
# down, found a full disk, cleared it and set up rotation".
_LISTED_STEPS = rx(rf"^\W*(?:(?:so|and|then|once)\W+)?(i|we)\b[^;]*?,\s+(?:then\s+)?(?!(?:{NOT_DOING})\b)"
                   rf"(?:{PAST_IRREGULAR}|[a-z]+ed)\s+(?:a|an|the|it|them|my|our|some|every|all)\b[^;]*?"
                   rf"(?:,|\band\b)\s+(?:then\s+)?(?:{PAST_IRREGULAR}|[a-z]+ed)\b")

# "You" meaning anyone, in the present: a remark on how things are, not something that came of the story.
_ANYONE = re.compile(r"\byou\s+(?:just\s+|soon\s+|quickly\s+|kind\s+of\s+|sort\s+of\s+)?(?:stop|start|get\s+used|forget"
                     r"|don'?t\s+(?:even\s+)?(?:notice|hear|smell|see|mind|feel)|no\s+longer|tune\s+(?:it|them)\s+out)\b",
                     re.IGNORECASE)
_NOT_HOW_IT_ENDED = re.compile(f"{NEVER_DONE}|{PROMISED}", re.IGNORECASE)


def read(text: str, narrative: bool = False) -> Cues:
    """Weigh one sentence (or clause) for every part.

    Hedges and fillers ("it was sort of on me", "so I, um, built") are read through: they soften
    how a part is told, not which part it is.  With ``narrative`` (the story around it tells one event),
    a condition told in the present with the speaker's response ("when at 3 AM I get the page, I first
    ...") is that event told in the present, not a rule.
    """
    text = _HEDGES.sub(" ", text)
    lesson_said = bool(LESSON.search(text))
    rhythm = GENERAL.search(text)
    general = (bool(rhythm or (present_rule(text) and not narrative)) and not lesson_said
               # "My manager asked me to sort it out because I was the one pulled in every time": one request,
               # whatever rhythm its reason tells.
               and not (rhythm and _REQUEST.search(text, 0, rhythm.start()))
               # "I dug into the logs and saw it always died on the same step": the rhythm of what was found.
               and not (rhythm and _FOUND_IT.search(text[max(0, rhythm.start() - 40):rhythm.start()]))
               # "closer than we usually got", "faster than it normally runs": the habit is the yardstick of a comparison.
               and not (rhythm and YARDSTICK.search(text[max(0, rhythm.start() - 30):rhythm.start()]))
               and not (COMMITTED.search(text) and not ROUTINE_WORDS.search(text)) and not CHANGED.search(text)
               and not GOAL_MADE.search(text))
    actor = _actor(text)
    action = 2.5 if actor else 0.0
    if actor and ACTION_HELPERS.search(text):
        action += 0.5
    lesson = 2.5 if lesson_said else 0.0
    # A clause that opens on its goal names the goal's scope and deadline, not the scene or an outcome.
    scene = goal_scene(text)
    setting, goal, outcome = _hits(SITUATION, scene), _hits(TASK, text), _hits(RESULT, scene)
    # Things starting to go on sets the scene ("the builds started failing"); the speaker starting to do
    # something ("I started writing a small tool") is a step.
    setting[_ONGOING] = max(0, setting[_ONGOING] - len(_SPEAKER_STARTS.findall(text)))
    situation, task = _weigh(SITUATION, setting), _weigh(TASK, goal)
    result = _weigh(RESULT, outcome) + (1.0 if vague(text) else 0.0)  # an unmeasured claim is still an outcome
    if general and actor is None and result and others_rhythm(text):
        general = False  # "by the end of the quarter his PRs were usually approved first time": an outcome, not a habit
    if lesson_said:
        task = 0.0  # "what I learned is that I have to check first": a rule for later, not the story's goal
    if task and _POSITIONS.search(text):
        task = 0.0  # "they wanted GraphQL and we wanted REST" states two positions, not a goal
    concluding = bool(outcome[0])
    if concluding and task >= 2.0 and _MEANT.search(text) and len(RESULT[0][0].findall(text)) == len(_MEANT.findall(text)):
        # "I was on call that week, which meant any outage was mine to fix": the consequence drawn is a duty,
        # the stake of the story, not its outcome.
        concluding, outcome[0] = False, 0
        result = _weigh(RESULT, outcome) + (1.0 if vague(text) else 0.0)
    if concluding:
        # "In the end we decided to ..." reports where things ended, not a goal or a scene.
        situation = task = 0.0
    if result and IMAGINED_OUTCOME.search(text):
        result = 0.0  # "so it could be swapped later if it grew" imagines an outcome; nothing has happened
    if result and not concluding and _NOT_HOW_IT_ENDED.search(text):
        # "the shop had never taken an order online before" is the backdrop, told late; "the owner had promised them
        # a catalogue within a month" is the stake.
        result = 0.0
    if result and actor is None and _ANYONE.search(text) and not concluding:
        result = 0.0  # "after a week you stop hearing the fans": what happens to anyone there, a remark on the scene
    if general:
        # A habit has no particular setting, goal or outcome; what it describes is behaviour.  But how things
        # always went for others before the speaker stepped in ("our staging was always broken", "every time the
        # workers died, the infra team blamed us") is the scene being set, not the speaker's routine.
        situation = max(situation, 1.5) if actor is None and others_rhythm(text) else 0.0
        task = result = 0.0
    return Cues(situation, task, action, result, lesson, general, actor,
                anchored=bool(setting[0] or setting[2] or setting[3]), stakes=bool(goal[-1]), concluding=concluding,
                occasion=(SITUATION[_OCCASION][1] * setting[_OCCASION] + SITUATION[_TROUBLE_ASIDE][1] * setting[_TROUBLE_ASIDE]
                          if situation else 0.0),
                rule_only=general and not rhythm)
