"""Cues that a sentence states the task: a goal, a duty, a commitment or what was at stake.

Split from :mod:`bot.scoring.star_cues` because the ways people say what they had to do ("my job was to",
"it landed on me", "I said I'd own it", "before the contract expired") are the largest table of cues, and
they change on their own.  Weights as in the other tables: 2 is decisive, 1 needs company.
"""

from __future__ import annotations

import re

from bot.scoring.star_words import MONTHS, PLACES, TIME_UNITS, UPHEAVAL, rx

# Task: the goal, the duty, and what was at stake.
TASK: tuple[tuple[re.Pattern[str], float], ...] = (
    # The noun may be followed by when it held ("my job that morning was") or an aside in commas
    # ("her goal, which we agreed with her manager, was to") or the role it was held in ("our job as a team was"), or
    # the place it was held at ("my task at the depot was").
    (rx(r"\b(?:my|our|the|his|her|their)\s+(?:[\w'’]+\s+)?(?:job|task|goal|aim|objective|mission|responsibility|role|priority"
         r"|challenge|ask|mandate|brief|assignment|plan|idea|target|deadline|stakes?)(?:\s+(?:that|this|for\s+the)\s+\w+|,[^,.]{1,60},"
         r"|\s+as(?:\s+[\w'-]+){1,4}?|\s+(?:at|in|on|with)\s+(?:the|my|our|a|an|that|this)(?:\s+[\w'-]+){1,3}?)?"
         # ... but "the plan was a lot more realistic" judges the plan; it states no goal.
         r"\s+(?:was|is|were)\b(?!\s+(?:a\s+lot\s+|much\s+|far\s+|way\s+)?(?:more|less|better|worse)\b)"
         # ... nor does "the archive job was failing": a job that runs, breaks or hangs is a program, not a duty.
         r"(?!\s+(?:still\s+|\w+ly\s+|not\s+)?(?:failing|running|stuck|broken|down|dying|crashing|erroring|hanging|timing\s+out"
         r"|slow|red|flaky|skipped|disabled)\b)"
         # Setting out to do something, or a budget of time to do it in, states the goal and its stake.
         r"|\b(?:i|we)\s+set\s+out\s+to\b|\b(?:i|we)\s+(?:only\s+|just\s+)?had\s+(?:only\s+|just\s+|maybe\s+|about\s+|roughly\s+|less\s+than\s+|under\s+)?(?:a|an|one|two|three|four|five"
         r"|six|\d+|a\s+few|a\s+couple\s+of)\s+(?:hours?|days?|weeks?|months?|sprints?)\s+to\b"), 2.0),
    (rx(r"\b(?:gave|handed|assigned|given)\s+(?:me|us|the)\s+(?:the\s+|a\s+)?(?:task|job|project|responsibility|goal)\b"
         r"|\b(?:task|job|goal|aim|mission|responsibility)\s+of\b|\basked\s+(?:(?:me|us)\s+(?:if|whether)\s+(?:i|we)|(?:if|whether)\s+i)\b"
         # ("I asked if we could try it on one service" is the speaker proposing, not being asked.)
         r"|\bdecided\s+to\s+(?:own|take\s+(?:it\s+)?on|take\s+over|lead)\b"
         r"|\b(?:i|we|(?:my|our)\s+(?:\w+\s+)?(?:team|crew|group|squad|department)(?:\s+(?:at|in|on|for)(?:\s+[\w'-]+){1,5}?)?)\s+(?:\w+\s+)?(?:had|needed|have|need|got)\s+to\b"
         # A duty told in a clause that shares the speaker's subject: "I was leading the rewrite and had to choose".
         r"|^[^.;]*?\b(?:i|we)\b[^.;]*?\b(?:and|so|but)\s+(?:then\s+|also\s+)?(?:had|needed)\s+to\b|(?:\b(?:was|were|been|am|is|are)|'m|'re)\s+(?:asked|tasked|told|expected"
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
         r"|\bthe\s+one\s+who(?:'d|\s+would)?\s+(?:have|had)\s+to\b"
         # ... or the speaker in a role that carries it: "I was the engineer who'd have to answer for wrong prices".
         r"|\b(?:i|we)(?:\s+(?:was|were|am|are)|'m|'re)\s+the\s+(?:[\w-]+\s+){0,2}?[\w-]+\s+who(?:'d|\s+would)?\s+(?:have|had)\s+to\b"
         r"|\b(?:i|we)\s+(?:really\s+)?(?:wanted|needed|want|need)\s+(?:[\w'-]+\s+){0,5}?to\s+(?!the\b|a\b)\w+"
         # ... with the person described on the way: "I needed a colleague who openly disliked me to sign off".
         r"|\b(?:i|we)\s+(?:really\s+)?(?:wanted|needed)\s+(?:[\w'-]+\s+){1,3}?(?:who|that)\s+(?:[\w'-]+\s+){1,4}?to\s+"
         r"(?!the\b|a\b)\w+"
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
         # Leading an effort named with its aim: "I was leading a small project to build a feature store".
         r"|\b(?:leading|running|driving|owning|led|ran|drove|owned)\s+(?:a|an|the|our|this)\s+(?:[\w-]+\s+){0,2}?"
         r"(?:project|effort|initiative|push|workstream)\s+to\s+\w+"
         r"|\b(?:i|we)(?:'d|\s+had)?\s+promised\b|\b(?:can|could|would)\s+you\s+(?:please\s+)?(?:own|take|fix|handle|lead"
         r"|look\s+(?:into|at)|sort|help|check|investigate|find|figure|get|make\s+sure|keep|mentor|coach|run|write|build|drive)\b"
         # Someone above asking for it, or the speaker being the only one who could.
         r"|\b(?:manager|lead|director|boss|cto|ceo|vp|head\s+of\s+\w+|client|customer)\s+(?:\w+\s+)?(?:wanted|needed|expected"
         r"|asked\s+for|says|said)\b[^.]{0,60}?\b(?:by|before|must|had\s+to|has\s+to|needs\s+to|from\s+(?:me|us|the\s+two))\b"
         r"|\b(?:i|we)(?:\s+(?:was|were|am|are)|'m|'re)\s+the\s+only\s+(?:one|person|people)\b"
         r"|\b(?:it|this|that)\s+(?:must|had\s+to|has\s+to|needed\s+to|needs\s+to)\s+be\s+(?:done|fixed|finished|migrated|shipped"
         r"|ready|sorted|solved)\b|\b(?:okay|ok|fine|sure|yes),?\s+i(?:'ll)?\s+take\s+it\b"
         r"|\basked\s+(?:the\s+two\s+of\s+us|both\s+of\s+us|my\s+team|our\s+team|the\s+team)\s+to\b"
         # A decision the team made with its own deadline is the goal it set: "we decided to clear it before the audit".
         r"|\bwe\s+(?:\w+\s+)?decided\s+(?:[\w-]+\s+){0,5}?to\s+[^.;]{3,60}?\b(?:before|by|within|in\s+time\s+for|ahead\s+of)\s"
         # A need with its urgency is a stake, whoever is the subject: "(and) needed someone fast".
         r"|\bneeded\s+(?:[\w'-]+\s+){1,4}?(?:fast|quickly|urgently|asap|soon|yesterday)\b"
         # A duty the speaker felt: "I felt I should fix it", "I knew I had to be the one" (not a regret, "should have",
         # nor a view in a disagreement, "I thought we should profile first").
         r"|\bi\s+(?:\w+\s+)?(?:felt|knew)\s+(?:like\s+|that\s+)?i\s+(?:really\s+)?(?:should|had\s+to"
         r"|needed\s+to|ought\s+to|must)\s+(?!have\b)\w+"), 2.0),
    # A goal named as someone's priority or put on the speaker's list, the job the speaker was brought in for, a
    # question put to the speaker, a piece of work taken on or passed over: "performance was the team's top priority",
    # "he put onboarding on my goals", "I was a contractor hired specifically to move it", "I was asked how long it
    # would take", "I took on getting it stable", "the ticket was given to me".
    (rx(r"\b(?:was|is|were|became)\s+(?:my|our|(?:the|my|our)\s+team'?s|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:priority|goal|objective"
         r"|focus|mission)\b|\bon\s+(?:my|our)\s+(?:\w+\s+)?(?:goals|objectives|okrs|plate|roadmap)\b"
         r"|\b(?:was|were|been|am|'m)\s+(?:[\w'-]+\s+){0,3}?(?:hired|brought\s+in|contracted)\s+(?:\w+ly\s+)?to\s+\w+"
         r"|\b(?:i|we)\s+(?:was|were|got|had\s+been|'d\s+been)\s+asked\s+(?:how|what|whether|if|when|why|which|for|about)\b"
         r"|\b(?:i|we)\s+(?:\w+\s+)?took\s+on\s+(?:\w+ing\b|the\s+(?:job|task|work|problem|challenge)\b)"
         r"|\b(?:was|were|got)\s+(?:given|assigned|handed|passed|routed)\s+(?:over\s+)?to\s+(?:me|us)\b"), 2.0),
    # Needing something done before a point in time is a goal with a stake ("we needed it back before the shift").
    (rx(r"\b(?:i|we)\s+(?:really\s+)?(?:needed|need|wanted|want)\s+(?!to\b)\w+"), 1.0),
    # Holding the role that carries the duty: "I was incident commander", "I was my team's on-call lead that quarter",
    # or naming it as the capacity the speaker acted in: "As the lead, I ...".
    (rx(r"\bi\s+(?:was|am|'m)\s+(?:the\s+|an?\s+|(?:my|our|his|her|their)\s+(?:team'?s\s+)?)?(?:[\w'-]+\s+){0,2}?"
         r"(?:lead|commander|owner|buddy|mentor|point\s+person|in\s+charge|release\s+engineer|maintainer|captain)\b"
         r"|^\W*(?:(?:so|and|but)\W+)?as\s+(?:the|its|their|our|his|her)\s+(?:[\w'-]+\s+){0,2}?(?:lead|commander|owner|buddy"
         r"|mentor|point\s+person|manager|maintainer|captain)\s*,"
         # What the speaker owed someone is a duty: "I owed the board an answer", "we owed them a fix by Friday".
         r"|\b(?:i|we)\s+(?:still\s+)?(?:owed|owe)\s+(?:[\w'-]+\s+){1,3}?(?:a|an|the|my|our|some)\b"
         # ... and so is being the one picked for it, told as who the speaker was: "I was the nurse assigned to ...".
         r"|\b(?:i|we)\s+(?:was|were|am|are)\s+(?:the|a|an|one)\s+(?:[\w'-]+\s+){1,5}?(?:assigned|tasked|chosen|picked"
         r"|asked|told|sent|brought\s+in|hired)\s+to\s+\w+"), 2.0),
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


# A clause that opens by stating the goal ("my job was to ...", "I had the task of ...", "I was asked to ..."): what
# it goes on to name (a team, a system, a date, a count) is the goal's scope and deadline, not the scene or an outcome,
# unless a reason or an aside hung on it tells how things stood ("..., because merging was a nightmare", "a new
# colleague who was struggling"): then the clause sets the scene as well, as any other clause would.
GOAL_OPENS = rx(r"^\W*(?:(?:so|and|well|basically|then)\W+)*(?:(?:my|our)\s+(?:[\w-]+\s+)?(?:job|task|goal|aim|objective"
                r"|mission|brief|assignment|remit|responsibility)\s+(?:was|is)\s+(?:to|making|getting|keeping)\b"
                r"|(?:i|we)\s+(?:had|got|was\s+given|were\s+given)\s+the\s+(?:[\w-]+\s+)?(?:job|task|goal|mission|responsibility)\s+of\b"
                r"|(?:i|we)\s+(?:was|were|am|are)\s+(?:asked|tasked|told|expected|assigned|supposed)\s+to\b)")
GOAL_REASON = rx(r"\b(?:because|since|after|when|while|once|who|which|as\s+(?:the|our|it|they|we|he|she))\b")
# ... and so does the occasion named in it, the when or the workplace: "I was asked at my last job to ...", "last spring".
GOAL_OCCASION = rx(rf"\b(?:at|in|with|for)\s+(?:my|our|a|an)\s+(?:previous|last|old|former|first|current)\b|\bago\b"
                   rf"|\b(?:last|that|one)\s+{TIME_UNITS}\b|\b(?:in|back\s+in)\s+(?:19|20)\d\d\b"
                   rf"|\b(?:at|with|for)\s+(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?{PLACES}\b|{UPHEAVAL}")


def goal_scene(text: str) -> str:
    """What of the clause can set the scene or report an outcome: all of it, or nothing when it opens on a bare goal."""
    opened = GOAL_OPENS.match(text)
    return text if opened is None or GOAL_REASON.search(text, opened.end()) or GOAL_OCCASION.search(text) else ""
