"""Sentence-level cues for the four STAR parts, first person and lessons (habit cues: :mod:`bot.scoring.star_habits`).

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
    others_rhythm,
    present_rule,
)
from bot.scoring.star_judged import vague
from bot.scoring.star_words import MONTHS, PAST_IRREGULAR, PLACES, SYSTEMS, TIME_UNITS, rx

_OCCASION_RX = rx(rf"\b(?:through|during|over|in)\s+(?:my|his|her|their|our)\s+(?:very\s+)?first\s+(?:[\w-]+\s+)?"
                  rf"(?:{TIME_UNITS}|shift|rotation|term|season)s?\b")

# Setting: when, where, who and what was going on.
SITUATION: tuple[tuple[re.Pattern[str], float], ...] = (
    (rx(rf"\b(?:at|in|on|with|for|joined)\s+(?:my|our|a|an|the|this)\s+(?:[\w-]+\s+){{0,3}}?{PLACES}\b"), 2.0),
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
    (rx(r"\b(?:after|when|because|as|since|while)\s+(?:our|the|their|his|her|some|one\s+of|they|he|she|nobody|everyone)"
         rf"(?:'d)?\s+(?:[\w'-]+\s+){{0,3}}?(?:had|was|were|kept|started|began|went|broke|lit|hit|ran|fell|{PAST_IRREGULAR}"
         r"|\w+ed)\b"), 2.0),
    # The occasion the step went through, named inside it: "I sat with her through her first week on nights".
    (_OCCASION_RX, 1.5),
    # A participant introduced with an aside on how things stood: "a new analyst, who had never used SQL",
    # "the billing job, which kept timing out".  The aside is background, whoever acts in the main clause.
    # (A person may be described without the commas: "a new graduate who struggled with tests".)
    (rx(r"(?:,\s*(?:who|which)|\s+who)(?:'d\s|\s+(?:just\s+|\w+ly\s+)?(?:was|were|had|kept|used\s+to|wanted|came|needed"
         r"|didn'?t|did\s+not|couldn'?t|could\s+not|never|still|struggled)\b)"), 1.5),
    # ... or dated by what had just happened: "the week he pushed a change", "the morning after I noticed".
    (rx(rf"\b(?:the|that)\s+{TIME_UNITS}\s+(?:after\s+|before\s+|when\s+)?(?:i|we|he|she|they|our|the|his|her|their)"
         rf"(?:'d)?\s+(?:[\w'-]+\s+){{0,2}}?(?:had|was|were|{PAST_IRREGULAR}|\w+ed)\b"), 2.0),
)

# Task: the goal, the duty, and what was at stake.
TASK: tuple[tuple[re.Pattern[str], float], ...] = (
    # The noun may be followed by when it held ("my job that morning was") or an aside in commas
    # ("her goal, which we agreed with her manager, was to") or the role it was held in ("our job as a team was").
    (rx(r"\b(?:my|our|the|his|her|their)\s+(?:[\w'’]+\s+)?(?:job|task|goal|aim|objective|mission|responsibility|role|priority"
         r"|challenge|ask|mandate|brief|assignment|plan|idea|target|deadline|stakes?)(?:\s+(?:that|this|for\s+the)\s+\w+|,[^,.]{1,60},"
         r"|\s+as(?:\s+[\w'-]+){1,4}?)?"
         # ... but "the plan was a lot more realistic" judges the plan; it states no goal.
         r"\s+(?:was|is|were)\b(?!\s+(?:a\s+lot\s+|much\s+|far\s+|way\s+)?(?:more|less|better|worse)\b)"
         # Setting out to do something, or a budget of time to do it in, states the goal and its stake.
         r"|\b(?:i|we)\s+set\s+out\s+to\b|\b(?:i|we)\s+(?:only\s+|just\s+)?had\s+(?:only\s+|just\s+|maybe\s+|about\s+|roughly\s+|less\s+than\s+|under\s+)?(?:a|an|one|two|three|four|five"
         r"|six|\d+|a\s+few|a\s+couple\s+of)\s+(?:hours?|days?|weeks?|months?|sprints?)\s+to\b"), 2.0),
    (rx(r"\b(?:gave|handed|assigned|given)\s+(?:me|us|the)\s+(?:the\s+|a\s+)?(?:task|job|project|responsibility|goal)\b"
         r"|\b(?:task|job|goal|aim|mission|responsibility)\s+of\b|\basked\s+(?:(?:me|us)\s+(?:if|whether)\s+(?:i|we)|(?:if|whether)\s+i)\b"
         # ("I asked if we could try it on one service" is the speaker proposing, not being asked.)
         r"|\bdecided\s+to\s+(?:own|take\s+(?:it\s+)?on|take\s+over|lead)\b"
         r"|\b(?:i|we|(?:my|our)\s+(?:\w+\s+)?(?:team|crew|group|squad|department)(?:\s+(?:at|in|on|for)(?:\s+[\w'-]+){1,5}?)?)\s+(?:\w+\s+)?(?:had|needed|have|need|got)\s+to\b"
         # A duty told in a clause that shares the speaker's subject: "I was leading the rewrite and had to choose".
         r"|\b(?:and|so|but)\s+(?:then\s+|also\s+)?(?:had|needed)\s+to\b|(?:\b(?:was|were|been|am|is|are)|'m|'re)\s+(?:asked|tasked|told|expected"
         r"|supposed|assigned|brought\s+in|hired)(?:\s+by(?:\s+\w+){1,3}?)?\s+to\b"
         # ... in any tense ("I'm asked to", told in the present), and with what it is: "I was tasked with moving it".
         r"|\b(?:tasked|charged|entrusted)\s+with\b|\basked\s+(?:me|us)\s+to\b|\bresponsible\s+(?:for|to)\b"
         r"|\b(?:was|is|it'?s)\s+(?:on|up\s+to)\s+(?:me|us)\b|\bi\s+(?:owned|own)\b|\bfell\s+(?:to|on)\s+me\b"), 2.0),
    # A commitment or an assignment told in any grammar: "it landed on me to", "I said I'd own it", "I must fix it".
    (rx(r"\bit\s+(?:was|is|'s)\s+(?:my|our)\s+(?:\w+\s+)?(?:(?:job|task)\s+to|responsibility|call|duty)\b"
         r"|\b(?:landed|fell|was|is)\s+on\s+(?:me|us)\s+to\b|\b(?:was|is)\s+(?:mine|ours)\s+to\b"
         # Saying what one would do is a commitment whatever the verb ("I'd said I'd keep an eye on her"), but not
         # a preference or a thought ("I said I'd rather wait", "I told him I'd been busy").
         r"|\b(?:i(?:'d|\s+had)?\s+)?(?:said|told|say|tell)\b[^.]{0,30}?\bi(?:'d|'ll|\s+would|\s+will|\s+could|\s+can)\s+"
         r"(?:(?:\w+\s+){0,2}?(?:own|take|fix|handle|sort|look|make|do|help)\b"
         r"|(?!(?:been|rather|better|prefer|like|love|think|guess|bet|imagine|say|never|not)\b)[a-z]+\s+(?:an?|the|it|this|that|them|him|her|on|to|up)\b)"
         # An agreement or a promise about what the speaker would do, and a duty nobody else would take.
         r"|\b(?:agreed|promised|committed)\b[^.]{0,40}?\b(?:i|we)(?:'d|'ll|\s+would|\s+will)\b"
         r"|\b(?:someone|somebody)\s+(?:had|needed)\s+to\b|\b(?:it'?s|it\s+is|going\s+to\s+be|would\s+be|became|was)\s+mine\b"
         # A commitment held, a goal pitched, a need passed on: "we had a hard commitment to the client that ...",
         # "I'd pitched it as a goal for my half-year", "my lead tells me Leo needs to ...".
         r"|\b(?:i|we)\s+had\s+(?:a|an)\s+(?:\w+\s+)?(?:commitment|obligation|promise|deadline|sla|target)\b"
         r"|\bas\s+(?:a|my|our)\s+(?:\w+\s+)?(?:goal|objective|okr|target|priority)\b"
         r"|\b(?:told|tells|said|says)\s+(?:me|us)\s+(?:that\s+)?(?:\w+\s+){1,2}?(?:needs?|needed|had|has|must)\s+to\b"
         r"|\bon\s+the\s+hook\b|\b(?:was|is|were)\s+(?:my|our)\s+(?:whole\s+|main\s+|real\s+|only\s+)?(?:job|duty|task)\b"
         # A duty named with what it asks ("it was my script and my job to make sure"), a date it is due by, and
         # being expected to do it ("it was expected that I'd look at it").
         r"|\b(?:my|our|his|her|their)\s+(?:\w+\s+)?(?:job|task|duty|responsibility)\s+to\s+\w+"
         # Saying one would own a thing is taking it on: "we decided as a team that we'd own it properly".
         r"|\b(?:i|we)(?:'d|'ll|\s+would|\s+will)\s+(?:\w+ly\s+|finally\s+)?(?:(?:own|take\s+over)\s+(?:it|this|that|them|the)|take\s+(?:it|this|that|them)\s+over)\b"
         r"|\bdue\s+(?:on\s+|by\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|next\s+\w+"
         r"|the\s+end\s+of)\b|\bexpected\s+(?:that\s+)?(?:i|we)(?:'d|\s+would|\s+should)\b"
         r"|\b(?:i|we)\s+(?:\w+ly\s+|just\s+)?(?:decide|decided),?\s+(?:(?:okay|ok|right|fine),?\s+)?(?:that\s+)?(?:i|we)(?:'d|'ll|\s+would|\s+will|\s+was\s+going\s+to"
         r"|'m\s+going\s+to|'re\s+going\s+to|\s+am\s+going\s+to"
         r"|\s+were\s+going\s+to)\b|\bi\s+(?:\w+ly\s+|just\s+)?agreed\s+to\b"
         r"|\b(?:i|we)(?:\s+(?:was|were|am|are)|'m|'re)\s+the\s+(?:one|person|people|team)\s+(?:who'?d|who\s+would|who\s+had\s+to"
         r"|getting|dealing|stuck|left|expected|\w+ing)\b|\bi'?d\s+be\s+the\s+one\b"
         r"|\b(?:landed|fell)\s+(?:on|to)\s+(?:me|us)\b"
         # Taking a job with nothing after it is accepting it: "I had written that handler, so I took it."
         r"|\b(?:i|we)\s+(?:just\s+)?took\s+(?:it|this|that|them)\W*$"
         r"|\bi'?ll\s+own\b|\btook\s+(?:it|this|that)\s+on\b|\b(?:took|take)\s+(?:it\s+)?on\s+(?:myself|ourselves)\b"
         r"|\bi\s+(?:offered|volunteered)\s+to\b|\bi\s+decided\s+(?:to|i'?d)\b|\b(?:i|we)\s+must\b"
         r"|\bthe\s+(?:one|\w+)\s+who(?:'d|\s+would)?\s+(?:have|had)\s+to\b"
         r"|\b(?:i|we)\s+(?:really\s+)?(?:wanted|needed|want|need)\s+(?:[\w'-]+\s+){0,5}?to\s+(?!the\b|a\b)\w+"
         # Wanting to avoid something is a stake: "I didn't want us to risk the launch".
         r"|\b(?:i|we)\s+(?:didn'?t|did\s+not)\s+want\s+(?:\w+\s+){0,2}?to\b"
         r"|\b(?:i|we)\s+(?:really\s+)?(?:wanted|needed|want|need)\s+(?:it|this|that|them|the\s+\w+)\s+(?:gone|fixed|done|stopped|sorted|solved"
         r"|over|dead|automated|made|\w+ed)\b"
         # Asking to own a thing nobody owned, and claiming it: "that I become the owner", "this is just mine now".
         r"|\b(?:i|we)\s+(?:\w+\s+)?(?:become|became|be)\s+(?:the\s+|its\s+)?owners?\b"
         r"|\b(?:this|that|it)\s+(?:is|was|'s|should\s+be|had\s+to\s+be)\s+(?:just\s+|all\s+|now\s+)?mine\b"
         # ... made one's own, or asked for: "so I made it mine", "I asked to let me own it for a quarter".
         r"|\b(?:made|make|makes)\s+(?:it|this|that|them)\s+(?:mine|ours)\b|\blet\s+(?:me|us)\s+(?:own|lead|run|take\s+over)\b|\b(?:it|this|that)\s+(?:was|is)\s+my\s+(?:own\s+)?project\b"
         r"|\b(?:told|tell|tells)\s+\w+(?:\s+\w+)?\s+(?:that\s+)?i\s+(?:was|am|'m)\s+(?:taking|owning|handling|fixing)\b"
         # Someone wanting or telling the speaker to do it, in any tense ("my manager say me to make it faster").
         r"|\b(?:told|tell|tells|asked|ask|asks|say|says|said|wanted|wants|want|expected|expects|needed|needs)\s+(?:me|us)\s+to\b"
         r"|\b(?:was|were|is|are)\s+(?:my|our)\s+(?:\w+\s+)?(?:area|metric|responsibility|call|problem|remit|domain"
         r"|decision|patch)\b"
         # Taking a duty on, or being handed one: "made it my job to", "part of my role", "can you own this".
         r"|\b(?:made|make|makes)\s+it\s+(?:my|our)\s+(?:\w+\s+)?(?:job|mission|priority|responsibility|goal|business)\b"
         r"|\bpart\s+of\s+(?:my|our)\s+(?:\w+\s+)?(?:job|role|remit|responsibilities|duties)\b"
         r"|\b(?:took|take|takes|taking)\s+(?:the\s+|\w+\s+)?(?:lead|ownership|charge|command)\b"
         r"|\b(?:i|we)(?:'d|\s+had)?\s+promised\b|\b(?:can|could|would)\s+you\s+(?:please\s+)?(?:own|take|fix|handle|lead"
         r"|look\s+(?:into|at)|sort|help|check|investigate|find|figure|get|make\s+sure|keep|mentor|coach|run|write|build|drive)\b"
         # Someone above asking for it, or the speaker being the only one who could.
         r"|\b(?:manager|lead|director|boss|cto|ceo|vp|head\s+of\s+\w+|client|customer)\s+(?:\w+\s+)?(?:wanted|needed|expected"
         r"|asked\s+for|says|said)\b[^.]{0,60}?\b(?:by|before|must|had\s+to|has\s+to|needs\s+to|from\s+(?:me|us|the\s+two))\b"
         r"|\b(?:i|we)(?:\s+(?:was|were|am|are)|'m|'re)\s+the\s+only\s+(?:one|person|people)\b"
         r"|\b(?:it|this|that)\s+(?:must|had\s+to|has\s+to|needed\s+to|needs\s+to)\s+be\s+(?:done|fixed|finished|migrated|shipped"
         r"|ready|sorted|solved)\b|\b(?:okay|ok|fine|sure|yes),?\s+i(?:'ll)?\s+take\s+it\b"
         r"|\basked\s+(?:the\s+two\s+of\s+us|both\s+of\s+us|my\s+team|our\s+team|the\s+team)\s+to\b"), 2.0),
    # Needing something done before a point in time is a goal with a stake ("we needed it back before the shift").
    (rx(r"\b(?:i|we)\s+(?:really\s+)?(?:needed|need|wanted|want)\s+(?!to\b)\w+"), 1.0),
    # Holding the role that carries the duty: "I was incident commander", "I was my team's on-call lead that quarter".
    (rx(r"\bi\s+(?:was|am|'m)\s+(?:the\s+|an?\s+|(?:my|our|his|her|their)\s+(?:team'?s\s+)?)?(?:[\w'-]+\s+){0,2}?"
         r"(?:lead|commander|owner|buddy|mentor|point\s+person|in\s+charge|release\s+engineer|maintainer|captain)\b"), 2.0),
    # Being the one on call is a duty; what could not be left broken is its stake.
    (rx(r"\b(?:i|we)(?:\s+(?:was|were|am|are)|'m|'re)\s+(?:the\s+)?(?:\w+\s+)?on[\s-]?call\b"), 1.5),
    (rx(r"\b(?:can'?t|cannot|couldn'?t|could\s+not)\s+(?:afford\s+to\s+)?(?:leave|let)\b[^.]{0,30}?\b(?:broken|down|fail|failing"
         r"|slip)\b"), 1.0),
    (rx(r"\bi\s+(?:really\s+)?wanted\s+to\b|\bi\s+(?:volunteered|offered|stepped\s+up|took\s+it\s+on)\b(?!\s+to\s+\w+\s+(?:the|a|an)\b)"
         r"|\b(?:remit|accountable)\b|\btook\s+ownership\b"), 1.5),
    # A deadline set by something running out ("before the old contract expired", "before the quarter ended").
    (rx(r"\bbefore\s+(?:the|our|their|a|its|my|his|her)\s+(?:[\w-]+\s+){0,3}?(?:expired|expires|ran\s+out|runs\s+out|ended"
         r"|ends|closed|closes|shut\s+down|went\s+live|goes\s+live|launched|opened|kicked\s+in)\b"), 1.0),
    (rx(r"\bwe\s+wanted\s+to\b|\bmake\s+sure\b|\b(?:had|needed)\s+to\s+be\b|\bdeadline\b|\bat\s+stake\b|\bstakes\b"
         r"|\b(?:before|ahead\s+of|in\s+time\s+for)\s+(?:the|a|our|their|we|they|i|it|her|his|my|its)\b|\bwithin\s+(?:a|the|her|his|their|my)\b"
         r"|\b(?:due|urgent|critical|blocking|blocked)\b|\b(?:worried|concerned|afraid|risk\w*)\b|\bcould\s+(?:\w+\s+)?(?:cost|lose|break|charge|hurt)\b"
         r"|\bcosting\b|\bwithout\s+(?:breaking|losing|affecting|hurting|downtime)\b"
         rf"|\bby\s+(?:the\s+end\s+of|tomorrow|next\s+\w+|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|{MONTHS})"
         r"|\basked\s+(?:me\s+|us\s+)?for\b"), 1.0),
)

# Verbs that report a state, a wish or a thought rather than something done.
NOT_DOING = (
    "was|were|had|needed|wanted|wished|liked|loved|hated|hoped|feared|seemed|used|supposed|owned|felt|thought|knew"
    "|believed|guessed|meant|remembered|learned|learnt|realised|realized|joined|worked|happened|enjoyed|agreed|"
    "disagreed|expected|assumed|figured"
    # What befell the speaker rather than what they did: "we lost six hours of events", "I missed the deadline".
    "|lost|missed|passed|won|survived|succeeded"
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
ACTION_PAST = rx(rf"{_ACTOR}{_FILLER}{{0,2}}(?!(?:{NOT_DOING})\b)(?!got\s+\w+ed\b)(\w+ed|{PAST_IRREGULAR})\b")
ACTION_PRESENT = rx(rf"{_ACTOR}{_FILLER}{{0,2}}(?:{_PRESENT_DOING})(?:s|es)?\b")
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
    # A consequence told inside the acting sentence: ", which brought the query down to", ", getting it under".
    (rx(r"\b(?:brought|bringing|got|getting|pushed|pushing|drove|driving|cutting|taking)\s+(?:[\w-]+\s+){0,3}?"
         r"(?:down|up|under|below|above)\b"
         # ... or hung on the step as where things ended: "we switched it on, with false alarms down to 2%".
         r"|\bwith\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){1,3}?(?:down|up)\s+to\b"), 1.5),
    (rx(r"\b(?:dropped|fell|decreased|reduced|increased|improved|rose|grew|went\s+(?:up|down|from)|goes\s+(?:up|down|from)"
         r"|disappeared|vanished|went\s+away|dried\s+up|(?:got|get|gets)\s+(?:\w+\s+){0,2}?back(?!\s+to\s+(?:me|us|him|her|them))"
         r"|(?:we|i|it|they|she|he)\s+passed\b(?!\s+(?:it|them|this|that)?\s*(?:on|along|over|to|through|by|around|away)\b)"
         r"|halved|doubled|saved|saving|saves|shrank|cut|stayed|stays|stopped\s+\w+ing|no\s+longer|any\s*more|recovered"
         r"|stabili[sz]ed|back\s+(?:up|to\s+normal|online|under|below|to|in\s+under|within)|(?:was|is|were|are)\s+back\b|working\s+again"
         # A margin on the deadline is said only of an outcome: "two weeks early", "with a day to spare".
         r"|(?:days?|weeks?|hours?|months?|sprints?)\s+(?:early|ahead\s+of\s+(?:schedule|time))|to\s+spare)\b"), 1.5),
    (rx(r"\b(?:eventually|finally|afterwards|after\s+that|after\s+this|since\s+then|from\s+then\s+on|over\s+time"
         # Time moving on from the occasion: "by the third week".
         r"|by\s+the\s+(?:end\s+of|time|(?:first|second|third|fourth|fifth|\w+th|next)\s+(?:day|week|month|sprint|quarter))"
         r"|within\s+(?:a|an|about|\d|\w+\s+(?:minutes|hours|days|weeks))|(?<!for\s)now)\b"), 1.0),
    # Said almost only of outcomes.
    (rx(r"\b(?:launched|went\s+live|goes\s+live|on\s+time|on\s+schedule|renewed|promoted|return\s+offer|succeeded"
         r"|paid\s+off|went\s+(?:well|smoothly|fine|ok|okay|great)|worked\s+(?:well|out)|(?:was|were|is|are)\s+dropped"
         r"|still\s+(?:running|in\s+use|used|working|going)|(?:didn't|did\s+not|never)\s+notice|sold\s+out)\b"), 1.5),
    # How a disagreement ended: the other side agreeing, or the choice both sides settled on.
    (rx(r"\b(?:he|she|they|everyone|both\s+of\s+us)\s+(?:finally\s+|eventually\s+|happily\s+)?(?:agreed|came\s+(?:round|around)"
         r"|signed\s+off|was\s+convinced|were\s+convinced)\b|\bwe\s+(?:finally\s+|eventually\s+)?(?:agreed\s+on|settled\s+on"
         r"|settled\s+(?:it|this|that|the\s+(?:argument|question|debate|disagreement|matter))"
         r"|went\s+with|picked|chose)\b"), 2.5),
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
IMAGINED_OUTCOME = rx(r"(?:\b(?:could|would|might)|'d)\s+(?:\w+\s+)?(?:be|have)\b|\bif\s+(?:the|it|we|they|he|she)\b")


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
_MEANT = rx(r"\b(?:which|that|this)\s+meant|\bmeaning\s+that\b")  # a consequence drawn, whatever it is
_ONGOING = 6  # the SITUATION row for things starting or going on
_OCCASION = next(i for i, (pattern, _) in enumerate(SITUATION) if pattern is _OCCASION_RX)
_SPEAKER_STARTS = rx(r"\b(?:i|we)\s+(?:\w+\s+){0,2}?(?:started|began)\s+(?:to\s+)?\w+ing\b")


def _hits(table: tuple[tuple[re.Pattern[str], float], ...], text: str) -> list[int]:
    # Two hits of one kind ("worried ... could charge") are company for each other; more add little.
    return [min(2, len(pattern.findall(text))) for pattern, _ in table]


def _weigh(table: tuple[tuple[re.Pattern[str], float], ...], hits: list[int]) -> float:
    return sum(weight * hit for (_, weight), hit in zip(table, hits, strict=True))


# Words that open a clause inside another one: "before we started", "the people I mentored".
_SUBORDINATE = re.compile(r"\b(?:before|after|when|while|because|since|until|once|whatever|whichever|which|who|whom|what|how|if"
                          r"|unless|whenever|than"
                          r"|(?<!after\s)that)\s*,?\s*$", re.IGNORECASE)
# "the people I mentored": a noun phrase right before the pronoun makes a relative clause, unless the phrase
# hangs on a preposition ("after the meeting I profiled ...") or names a time ("a month later we ...").
_NOUN_BEFORE = re.compile(rf"(?:\b(\w+)\s+)?\b(?:the|a|an|every|all|each|any|those|these)\s+(?!{TIME_UNITS}s?\b|{MONTHS}\b)"
                          r"[\w-]+\s*,?\s*$", re.IGNORECASE)
_PREPOSITIONS = frozenset("after before during in at on by from with for over within since until through into".split())


def _inside(before: str) -> bool:
    """The words before a pronoun put its verb inside another clause."""
    if _SUBORDINATE.search(before):
        return True
    noun = _NOUN_BEFORE.search(before)
    return bool(noun and (noun.group(1) or "").lower() not in _PREPOSITIONS)


def actors(text: str) -> set[str]:
    """Everyone who acts in the clause's own verbs: "we talked, and I explained" has both "we" and "I"."""
    text = _HEDGES.sub(" ", text)
    return {"we" if match.group(1).lower().startswith("we") else "I"
            for pattern in (ACTION_PAST, ACTION_PRESENT, ACTION_CAUSATIVE) for match in pattern.finditer(text)
            if not _inside(text[max(0, match.start() - 40): match.start()])}


def _actor(text: str) -> str | None:
    """Who acts in the clause's own verb: a verb inside a subordinate or relative clause is background."""
    for pattern in (ACTION_PAST, ACTION_PRESENT, ACTION_CAUSATIVE):
        for match in pattern.finditer(text):
            if not _inside(text[max(0, match.start() - 40): match.start()]):
                return "we" if match.group(1).lower().startswith("we") else "I"
    return None


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
               and not (COMMITTED.search(text) and not ROUTINE_WORDS.search(text)) and not CHANGED.search(text)
               and not GOAL_MADE.search(text))
    actor = _actor(text)
    action = 2.5 if actor else 0.0
    if actor and ACTION_HELPERS.search(text):
        action += 0.5
    lesson = 2.5 if lesson_said else 0.0
    setting, goal, outcome = _hits(SITUATION, text), _hits(TASK, text), _hits(RESULT, text)
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
    if general:
        # A habit has no particular setting, goal or outcome; what it describes is behaviour.  But how things
        # always went for others before the speaker stepped in ("our staging was always broken", "every time the
        # workers died, the infra team blamed us") is the scene being set, not the speaker's routine.
        situation = max(situation, 1.5) if actor is None and others_rhythm(text) else 0.0
        task = result = 0.0
    return Cues(situation, task, action, result, lesson, general, actor,
                anchored=bool(setting[0] or setting[2] or setting[3]), stakes=bool(goal[-1]), concluding=concluding,
                occasion=SITUATION[_OCCASION][1] * setting[_OCCASION] if situation else 0.0,
                rule_only=general and not rhythm)
