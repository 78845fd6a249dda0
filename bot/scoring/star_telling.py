"""How the speaker tells the story, as opposed to what happened in it: patterns the weighing in
:mod:`bot.scoring.star` reads to decide what a clause does.

The speaker still busy ("I was going through them"), saying or realising something, drawing a lesson and
the rule kept since, correcting the telling, pointing back from an outcome, placing what was told ("that was
at a shop"), the scale a business works at, and how things stand today: none of them is an outcome or a step
of its own, so they are kept apart from the cue tables that find the parts.
"""

from __future__ import annotations

import re

# A second "that" clause after a lesson goes on drawing it: "what I learned is X, and that Y".
MORE_OF_THE_LESSON = re.compile(r"\W*(?:(?:and|but|or|also)\s+)+(?:that|to)\b", re.IGNORECASE)
# ... and so does the rule the speaker keeps since, in the same sentence or the next one: "and I just don't deploy
# on Fridays anymore", "I never merge on my own now".
RULE_KEPT = re.compile(r"^\W*(?:(?:and|so|but|now|honestly|just)\W+)*(?:i|we)\s+(?:\w+\s+){0,2}?"
                       r"(?:do\s+not|don'?t|never|always|no\s+longer)\b", re.IGNORECASE)
# The speaker still busy: "so I was going through them", "and we had a couple more sessions".
_SPEAKER_OPENS = r"^\W*(?:(?:and|so|but|then|also|um+|uh+|i\s+think|i\s+guess)\W+)*(?:i|we)"  # fillers, then I or we
BY_SPEAKER = re.compile(_SPEAKER_OPENS + r"\b[^,.;]{0,20}?(?:\b(?:was|were|am|are)|'m|'re)\s+(?:\w+\s+)?\w+ing\b"
                        r"|" + _SPEAKER_OPENS + r"\s+(?:had|have)\s+(?:a|an|some|another|more)\b", re.IGNORECASE)
# The speaker saying, thinking or finding something, or not doing something ("and I said it myself a few times",
# "what I did not do", "and realised we had no way back"): the telling goes on; nothing is reported as come of it.
SPEAKER_TELLS = re.compile(r"^\W*(?:(?:and|so|but|then|also|what)\W+)*(?:(?:i|we)\s+(?:\w+ly\s+|also\s+|just\s+|even\s+)?)?"
                           r"(?:said|told|thought|felt|realised|realized|noticed|knew|wondered|admitted"
                           # (Not doing something is named as a failure, "what I did not do"; "we never lost an order
                           # again" reports an outcome.)
                           r"|(?:did\s+not|didn'?t)\s+(?:do|ask|check|talk|think|tell|test)\b)", re.IGNORECASE)
# A clause with no subject of its own that narrows the step before ("I did the reference calls myself, but only with
# the people he suggested") goes on telling that step; it reports nothing that came of it.
NARROWS = re.compile(r"^\W*(?:(?:but|and|though|yet)\W+)?(?:only|just|even|mostly|partly)\s+(?:with|to|for|on|in|at|after|from"
                     r"|by|when|once|where|the|a|an|those|them|his|her|their|our|my)\b", re.IGNORECASE)
# A change told in the past perfect had happened before the story: "its accuracy had slowly dropped from 90% to 70%".
HAD_CHANGED = re.compile(r"\b(?:had|'d)\s+(?:\w+ly\s+|already\s+|just\s+)?(?:gone|fallen|risen|grown|\w+ed)\b"
                         # ... and so is a change still under way when the story opens: "the team was growing from
                         # four to ten", "orders were climbing from 200 a week towards 900".
                         r"|\b(?:was|were)\s+(?:\w+ly\s+|still\s+|already\s+)?\w+ing\s+(?:[\w-]+\s+){0,3}?(?:from|towards?)\s",
                         re.IGNORECASE)
# The speaker correcting the telling rather than pointing back from an outcome: "actually, let me back up".
CORRECTION = re.compile(r"\b(?:let\s+me|i\s+should|i'?ll|i\s+need\s+to)\s+(?:back\s+up|explain|give)|\brewind\b"
                        r"|\b(?:go|going)\s+back\b", re.IGNORECASE)
# Markers that announce the speaker's steps ("what I did was", "here is how") or place what was told ("that was at
# a shop"): they point back from an outcome only when one has been told; otherwise they just go on with the story.
BACK_FROM_OUTCOME = re.compile(r"\bwhat\s+(?:i|we)\s+(?:\w+\s+)?(?:did|tried\s+to\s+do)\s+(?:after\s+)?was\b"
                               r"|\bhere(?:'s|\s+is)\s+how\b"
                               r"|^\W*(?:(?:and|so)\s+)?(?:that|this|it)\s+(?:was|happened)\s+(?:at|in|during|back\s+in|while)\s",
                               re.IGNORECASE)
# How much of something a business handles in a span of time: "about 9,000 orders a day", "200 requests per second".
RATE = re.compile(r"\b\d[\d,.]*\s*k?\s+(?:[\w-]+\s+){1,3}?(?:a|an|per|each)\s+(?:second|minute|hour|day|week|month)\b",
                  re.IGNORECASE)
STILL_TODAY = re.compile(r"^\W*(?:(?:and|but|so|anyway|actually|honestly)\W+)*(?:i|we)\s+(?:both\s+)?still\s+"
                         r"(?!(?:had|needed|was|were|did|kept|got|went)\b)[a-z]+\b(?!\s+(?:to|on)\b)", re.IGNORECASE)
FROM_TO = re.compile(r"\bfrom\b[^.;]*?\bto\b", re.IGNORECASE)
# A goal told as what the speaker had to work with ("we had two days to pass the audit") is also the scene.
# ("I had the job of ..." states the goal itself.)
HAD = re.compile(r"^\W*(?:(?:and|so|but)\s+)?(?:i|we)\s+(?:only\s+|just\s+)?had\s+(?!to\b)"
                 r"(?!(?:the|a)\s+(?:[\w-]+\s+)?(?:job|task|goal|mission|responsibility|role)\s+of\b)", re.IGNORECASE)
# A goal given with the trouble behind it ("I was asked to speed up CI because developers were waiting too long")
# sets the scene as well.
# (The people may come with a word before them: "because new starters kept asking".)
TROUBLE = re.compile(r"\b(?:because|since)\s+(?:the|our|their|my|his|her|it|they|he|she|people|everyone|nobody|\w+s"
                     r"|[\w-]+\s+\w+s)\b"
                     r"[^.;]*?\b(?:was|were|kept|couldn'?t|didn'?t|wasn'?t|weren'?t)\b", re.IGNORECASE)
# The work finished, told as the last thing the speaker did: "and we completed the move to the new account".
COMPLETED = re.compile(r"^\W*(?:(?:and|so|then|finally)\W+)*(?:i|we)\s+(?:\w+ly\s+)?(?:completed|finished|delivered|shipped"
                       r"|launched|closed)\s+(?:the|it|our|all|every)\b", re.IGNORECASE)
# The telling reaching its end: "at the end", "in the end", "by the end", "afterwards", "after all this".
ENDED_ON = re.compile(r"\b(?:at|in|by)\s+the\s+end\b|\bafterwards\b|\bafter\s+(?:this|that|all\s+(?:this|that))\b"
                      r"|^\W*(?:(?:and|so)\s+)?finally\b", re.IGNORECASE)
