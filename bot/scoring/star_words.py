"""Word lists the STAR cue tables share: times, places, systems and irregular past verbs.

Kept apart so the cue tables (:mod:`bot.scoring.star_cues`) and the habit cues
(:mod:`bot.scoring.star_habits`) read the same words without importing each other.
"""

from __future__ import annotations

import re


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


TIME_UNITS = (r"(?:year|month|week|quarter|summer|winter|spring|autumn|fall|night|morning|afternoon|evening|day|weekend"
               r"|sprint|release|launch|monday|tuesday|wednesday|thursday|friday|saturday|sunday)")
MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
PLACES = (r"(?:job|company|role|team|startup|start-up|employer|position|project|gig|workplace|squad|org|organi[sz]ation"
           r"|agency|bank|client|consultancy|firm|scale-?up|shop|retailer|platform|group|department|internship)")
SYSTEMS = (r"(?:team|service|system|product|app|application|api|platform|pipeline|stack|codebase|database|cluster|site"
            r"|website|backend|frontend|monolith|customers|users|clients|ci|infrastructure|on-?call|release|migration)")

PAST_IRREGULAR = (
    "took|made|wrote|rewrote|built|rebuilt|ran|reran|set|put|got|went|found|led|met|sat|spoke|told|brought|drew|dug|chose"
    "|began|broke|caught|kept|sent|split|cut|gave|held|paid|did|redid|drove|fought|taught|sought|bought|spent|stood|won"
    "|threw|oversaw|spun|hit|let|shut|stuck|swept|tore|undid|wound|rode|rang|shook|sold|slid|understood|withdrew"
    "|dealt|lent|froze|hid|fed|bent|bled|bound|dove|flew|hung|laid|lit|meant|rebuilt|rewrote|sank|shed|sped|spread|strove"
    "|struck|swore|swam|wove|woke|forgave|overrode|rethought|reran|rode|withheld|left|quit|lost|grew|felt|rose|shrank|fell|became"
    # ... and their forms with a prefix: "I reshot every photo", "we remade the forms".
    "|shot|reshot|remade|retook|redrew|resent|resold|retold|rebought|outgrew|mistook|overtook|undertook|upheld|foresaw"
)
# The upheaval a story happens in, named with "during" or "amid": the scene, wherever the clause sits.
UPHEAVAL = (r"\b(?:during|amid|amidst|throughout|in\s+the\s+middle\s+of)\s+(?:the|our|a|an|that|this|their|its)\s+"
            r"(?:[\w-]+\s+){0,2}?(?:move|merger|migration|relocation|refit|renovation|rebuild|re-?org\w*|restructur\w*"
            r"|transition|takeover|acquisition|lockdown|pandemic|strike|crisis|rollout|roll-out|upgrade|shutdown|handover"
            r"|switch-?over|cut-?over|changeover|peak|rush)\b")
# A promise made, whoever made it, states a stake; "as promised" reports that it was kept.
PROMISED = r"(?<!\bas\s)\b(?:promised|pledged|guaranteed|committed\s+to|swore)\b"
# What had never been done before: "the shop had never taken an order online", "nobody there had ever used one".
# It is the backdrop wherever it is told, unless it rates the outcome ("we had never had a better month").
NEVER_DONE = (r"(?:\bhad\s+(?:never|not)|\bhadn'?t|\b(?:nobody|no\s+one|no-one)\s+(?:[\w-]+\s+){0,3}?had\s+ever)\s+"
              r"(?:ever\s+|yet\s+|even\s+)?(?![^.;]{0,25}?\b(?:better|worse|so|such|as|more|fewer|less|\w+er\s+than)\b"
              r"|[^.;]{0,25}?\b(?:that|this)\s+\w+\s*(?:[.!,;]|$))[a-z]+\b")
