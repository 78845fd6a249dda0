"""What a sentence does in the story, read from its grammar and discourse markers, not its place.

Cue words alone tie a part to the wording it was tuned on, and position alone breaks on stories
told out of order ("we cut recovery time in half ... it all started one night").  These tests
read the function a clause has wherever it sits:

- a clause with no subject that continues its sentence ("..., and then rewrote the parser")
  keeps the actor of the clause before it: spoken English drops the repeated "I";
- a marker that takes the listener back ("it started when", "the background is", "here is how")
  means what came before it was the outcome told first, not a symptom;
- a clause that states facts with no one acting in it (a finite verb, no "I"/"we" doing
  something) sets the scene before the speaker acts and reports an outcome after;
- a clause in the grammar of the backdrop ("had been", "used to", "at the time") sets the scene
  even when it is told after the actions;
- a clause that says the speaker never learned how it ended, or only imagines an outcome
  ("could", "would", "if"), reports no outcome.
"""

from __future__ import annotations

import re

from bot.scoring.star_cues import NOT_DOING
from bot.scoring.star_words import NEVER_DONE, PAST_IRREGULAR

_LEAD = (r"^\W*(?:(?:and|or|but|plus|then|so|also|later|finally|eventually|personally|quickly|just|afterwards"
         r"|maybe|probably|perhaps|possibly)\s*,?\s+)+")
CONTINUES = re.compile(rf"{_LEAD}(?:(?!(?:{NOT_DOING})\b)(?:\w+ed|{PAST_IRREGULAR})\b"
                       # ... or has someone else do it: "and had her shadow my reviews".
                       r"|(?:had|got|made|let)\s+(?:him|her|them|everyone|(?:the|my|our)\s+\w+)\s+(?!to\b)[a-z]+)",
                       re.IGNORECASE)
# A sentence that opens on a past verb with its subject dropped is the speaker telling a step: "Ran the script
# on production by mistake."  Verbs that usually report what happened rather than what someone did are left out.
OPENS_ON_A_STEP = re.compile(rf"^\W*(?!(?:{NOT_DOING}|started|began|turned|happened|seemed|kept|went|came|got|became|ended)\b)"
                             rf"(?:[a-z]+ed|{PAST_IRREGULAR})\s+(?:a|an|the|my|our|it|this|that|them|\w+s)\b", re.IGNORECASE)

FLASHBACK = re.compile(
    r"\b(?:(?:it|that|this|everything|the\s+(?:story|problem|whole\s+thing))\s+(?:all\s+)?(?:started|began)\s+(?:when|with|because|on|one|in|at|after)|(?:let\s+me|i\s+should|i'?ll|i\s+need\s+to)\s+(?:explain|tell\s+you\s+how|back\s+up|give\s+(?:some\s+)?context)"
    r"|here(?:'s|\s+is)\s+(?:how|what\s+happened|the\s+story)|what\s+(?:had\s+)?happened\s+(?:was|is)"
    r"|how\s+(?:i|we)\s+(?:did\s+(?:it|that)|got\s+there)|how\s+(?:that|it|this|we\s+got\s+there)\s+(?:happened|came\s+about)"
    r"|(?:i|we)\s+got\s+(?:there|that)\s+by|what\s+i\s+did\s+was|the\s+(?:background|context|backstory|situation)(?:\s+(?:is|was|here)\b|\s*[,:])|the\s+reason\s+i\b"
    # Pointing back from the outcome to its cause: "that happened because I rebuilt how we onboard".
    r"|(?:that|this|it)\s+(?:all\s+)?(?:happened|came\s+about|was\s+possible)\s+because\b"
    r"|(?:some|for)\s+(?:background|context)|to\s+(?:give|set)\s+(?:some\s+)?(?:context|background)"
    r"|(?:go|going)\s+back\s+(?:a\s+bit|to\s+(?:the\s+)?(?:start|beginning)|in\s+time)|rewind"
    # Placing what was just told: "That was at an online shop, during a sale" (see star_telling.BACK_FROM_OUTCOME).
    r"|^\W*(?:(?:and|so)\s+)?(?:that|this|it)\s+(?:was|happened)\s+(?:at|in|during|back\s+in|while)\s"
    # The telling itself stepping back, as an opener: "Backing up, a client was threatening to leave".
    r"|^\W*(?:(?:so|ok|okay|but)\W+)?(?:backing|stepping|going)\s+(?:up|back)\s*[,:-]"
    # The backdrop announced by its name: "Backstory, I'm a backend dev at ...".
    r"|^\W*(?:(?:some|a\s+bit\s+of|quick)\s+)?(?:backstory|background|context)\s*[,:-])",
    re.IGNORECASE,
)

# A summary announced up front: the sentence that carries it is the outcome told first.
SUMMARY = re.compile(r"\b(?:(?:the\s+)?short\s+version|long\s+story\s+short|in\s+a\s+nutshell|to\s+sum\s+(?:it\s+)?up"
                     r"|the\s+headline\s+is|bottom\s+line|(?:the\s+)?(?:result|outcome|ending|end)\s+first"
                     r"|(?:start|starting|begin|beginning)\s+with\s+(?:the\s+)?(?:result|outcome|ending|end))\b", re.IGNORECASE)

# The speaker never saw the end, or the outcome is only imagined.
UNKNOWN = re.compile(
    r"\b(?:didn'?t|did\s+not|never|don'?t|do\s+not)\s+(?:really\s+|actually\s+|get\s+to\s+)?(?:see|know|find\s+out|hear"
    r"|learn|saw|knew|found\s+out|heard|learned|learnt)\s+(?:how|what|whether|if)\b|\btoo\s+early\s+to\s+(?:say|tell)\b|\b(?:we'll|we\s+will)\s+see\b"
    # Still under way, or only planned: nothing has come of it yet.
    r"|\bstill\s+(?:rolling|in\s+progress|being|waiting|ongoing|under\s+way|pending)\b|\b(?:was|were)\s+going\s+to\b"
    r"|\bin\s+progress\b|\bnot\s+(?:yet|live\s+yet)\b|\bhaven'?t\s+(?:seen|measured|got|had\s+the)\b"
    # A decision put off: "she said she needed to check with the client first", "they wanted to sleep on it".
    r"|\b(?:needed|had|wanted|has|needs|wants)\s+to\s+(?:check|ask|think|talk|confirm|consult|run\s+it\s+by|clear\s+it)\b[^.]{0,40}?\bfirst\b"
    r"|\b(?:sleep\s+on\s+it|get\s+back\s+to\s+(?:me|us))\b",
    re.IGNORECASE,
)
# Grammar of the backdrop: what had been going on, what used to be, what it was like at the time.
BACKDROP = re.compile(
    r"\bhad\s+(?:been|\w+ed|\w+en|grown|run|gone|become)\b|\bused\s+to\b"
    # What had never been done before, told wherever it falls (see ``NEVER_DONE``).
    rf"|{NEVER_DONE}"
    r"|\b(?:at\s+the\s+time|back\s+then|in\s+those\s+days"
    r"|at\s+that\s+point)\b|\bit\s+was\s+(?:(?:back\s+)?in\s+)?(?:19|20)\d\d\b"
    # The background announced by name: "The background is that every label was copied by hand".
    r"|\bthe\s+(?:background|context|backstory)\s+(?:here\s+)?(?:is|was)\b"
    # How things stood before the change, told after it: "Before that, our releases were monthly trains".
    r"|^\W*(?:(?:and|but|so)\s+)?(?:before\s+(?:that|this|then|it)|until\s+(?:then|that\s+point))\s*,?\s+(?!(?:i|we)\b)",
    re.IGNORECASE,
)
# A wish or a stance ("she wanted every test investigated"): a position in the story, not something that happened.
WISH = re.compile(r"\b(?:wanted|wants|wished|thought|thinks|believed|preferred|hoped|insisted|argued|suggested|proposed)\b",
                  re.IGNORECASE)
# Things getting worse: the wording of a symptom, not of an outcome.
WORSENING = re.compile(
    r"\b(?:jump(?:ed|s)?|spik(?:ed|es)|ros[e]|climb(?:ed|s)|gr[eo]w(?:s|n)?|increas(?:ed|es)|went\s+up|shot\s+up|start(?:ed|s)"
    r"|beg[au]n|kept|broke|fail(?:ed|ing|s)|explod(?:ed|es)|balloon(?:ed|s)|crash(?:ed|es|ing)|worse|slower|down\s+for)\b"
    r"|\bto\s+(?:over|more\s+than|above)\s+\d",
    re.IGNORECASE,
)
# "may" the modal, not the month closing a clause ("she moved teams in May").
HYPOTHETICAL = re.compile(r"\b(?:could|would|might|may(?!\s*(?:[.,;!?]|$|\d))|if)\b|\b(?:in\s+case|so\s+that)\b",
                          re.IGNORECASE)

# A finite verb: the clause states something rather than naming it ("rules in code for now" does not).
FINITE = re.compile(
    rf"\b(?:was|were|is|are|am|'s|'re|'m|had|has|have|did|does|do|kept|got|went|came|took|became|ran|stayed|said|told|ends?\s+up"
    rf"|(?:have|has|had|did|does|do|was|were|is|are)n'?t"
    rf"|{PAST_IRREGULAR}|\w{{2,}}ed|(?:it|he|she|they|nobody|everyone|everybody|people)\s+(?:now\s+|also\s+|still\s+|even\s+|\w+ly\s+)?\w+s"
    # Linking verbs in the present after any subject: "our codebase feels healthier", "the job runs nightly".
    rf"|feels|looks|seems|sounds|stays|remains|becomes|gets|goes|runs|works|takes"
    # Anybody or nobody doing something no more, in the bare form non-native speakers use: "nobody complain anymore".
    rf"|\b(?:nobody|no\s+one|no-one|everyone|everybody|people)\s+[a-z]{{3,}}\s+(?:[\w'-]+\s+){{0,5}}?(?:anymore|any\s+more"
    rf"|again)\b"
    # "They" is always a subject, so the word after it is its verb, in the present too: "they stay with us".
    rf"|\bthey\s+(?:\w+ly\s+|also\s+|still\s+|even\s+|all\s+)?(?!(?:the|a|an|and|or|but|who|that)\b)[a-z]{{3,}}"
    # A verb of starting or stopping before an -ing is finite whatever its subject: "labels start printing again".
    rf"|(?:start|stop|begin|keep)s?\s+\w+ing"
    # A present verb after an adverb of frequency, whatever the subject: "the suite basically never fails".
    rf"|(?:never|rarely|seldom|hardly\s+ever|no\s+longer|always|still|now)\s+\w{{3,}}s)\b",
    re.IGNORECASE,
)


def continues(text: str) -> bool:
    """A clause that drops its subject and goes on doing things: "and then rewrote the parser"."""
    return bool(CONTINUES.search(text))


# How things stood before, told as the next thing after an opening where nobody has acted yet ("Our queue is empty
# most days now. Before that, support answered in three days"): what came first was the outcome, told first.
BEFORE_THAT = re.compile(r"^\W*(?:(?:and|but|so)\s+)?(?:before\s+(?:that|this|then|all\s+this)|until\s+then|up\s+to\s+then)"
                         r"\s*,?\s+(?!(?:i|we)\b)", re.IGNORECASE)


def flashback(texts: list[str], sentence_of: list[int] | None = None, acted: list[bool] | None = None) -> int | None:
    """Index of the first clause that takes the listener back to how the story started, if any.

    A summary announced in the opening sentence ("the short version is ...") is that outcome told
    first, so the story goes back at the next sentence.  ``acted`` says which clauses tell the speaker
    doing something: "before that, ..." goes back only when none has yet (after a step it is just the order of steps).
    """
    sentence_of = sentence_of or list(range(len(texts)))
    if texts and SUMMARY.search(texts[0]):
        return next((i for i, s in enumerate(sentence_of) if s != sentence_of[0]), None)
    marked = next((i for i, text in enumerate(texts) if i and FLASHBACK.search(text)), None)
    acted = acted or [True] * len(texts)
    before = next((i for i, text in enumerate(texts[:marked]) if i and not any(acted[:i]) and BEFORE_THAT.search(text)), None)
    return before if before is not None else marked


# A story that opens by dating its occasion: "Last year, ...", "Two summers ago ...", "In 2021 ...", "One night ...".
OPENS_ON_A_TIME = re.compile(
    r"^\W*(?:(?:so|okay|ok|well|um+|right)\W+)*(?:(?:i|we)\s+once\b(?!\s+(?:a|every|per)\b)|one\s+time\b|(?:last|one|early\s+one|late\s+one|a\s+few|a\s+couple\s+of|two|three|four"
    r"|five|several)\s+(?:year|month|week|quarter|summer|winter|spring|autumn|fall|night|morning|afternoon|evening|day"
    r"|weekend|sprint)s?\b|(?:in|back\s+in)\s+(?:19|20)\d\d\b)",
    re.IGNORECASE,
)


def opens_on_a_time(text: str) -> bool:
    """The clause opens by saying when the story happened."""
    return bool(OPENS_ON_A_TIME.search(text))


def opens_on_a_step(text: str) -> bool:
    """A sentence with its subject dropped that starts by doing something: "Rewrote the parser that night"."""
    return bool(OPENS_ON_A_STEP.search(text))


def unknown_outcome(text: str) -> bool:
    return bool(UNKNOWN.search(text))


def states(text: str) -> bool:
    """The clause states a fact with a verb of its own."""
    return bool(FINITE.search(text))


# A state reached by a point in time is where things ended up, not the background: "by the shutdown date 23 of the 24
# services had moved", "by the end of the quarter we had cut it in half" ("by the time I joined" still sets the scene).
REACHED_BY = re.compile(r"^\W*(?:(?:and|so|but)\W+)?by\s+(?:then|that\s+point|(?:the|that|our|their)\s+(?:[\w-]+\s+){0,2}?"
                        r"(?:date|deadline|end|weekend|cutover|launch|release|audit|switch-?off|freeze|go-?live))\b",
                        re.IGNORECASE)


def backdrop(text: str) -> bool:
    """The clause describes the background ("the CI had been red for months"), wherever it is told."""
    return bool(BACKDROP.search(text)) and not REACHED_BY.match(text)


def wish(text: str) -> bool:
    return bool(WISH.search(text))


def worsening(text: str) -> bool:
    return bool(WORSENING.search(text))


def imagined(text: str) -> bool:
    return bool(HYPOTHETICAL.search(text))


# The speaker winding up rather than reporting an outcome: "that's roughly what I did", "so that was most of what I did".
# Judging the stretch of time itself closes the telling too: "that was a rough weekend", "it was a long night".
RECAP = re.compile(r"\b(?:that'?s|that\s+is|that\s+was|this\s+was|so\s+that'?s)\b[^.?!]{0,30}?\bwhat\s+(?:i|we)\s+did\b"
                   r"|^\W*(?:(?:and|but|so|yeah|honestly)\W+)*(?:it|that|this)\s+was\s+(?:(?:a|an|one|such\s+a|quite\s+a|really|very"
                   r"|pretty|honestly|\w+)\s+){0,3}?(?:weekend|day|week|night|month|morning|evening|shift|experience|ride"
                   r"|saga|stretch)\W*$"
                   # ... and so does a clause that trails off with nothing said: "It was honestly, yeah."
                   r"|^\W*(?:(?:and|but|so)\W+)?(?:it|that|this)\s+(?:was|is)\W+(?:(?:honestly|really|just|like|um+|uh+)\W+)*"
                   r"(?:yeah|so|anyway|um+|uh+)?\W*$",
                   re.IGNORECASE)
# A side's position in a disagreement: "we wanted the services to own them; they wanted a central registry".
_POSITION = re.compile(r"\b(?:i|we|he|she|they|(?:the|our|their|my|his|her)\s+(?:other\s+)?\w+(?:\s+team)?)"
                       r"\s+(?:really\s+|strongly\s+|still\s+)?(?:wanted|wants|want|preferred|prefers|prefer|insisted"
                       r"|pushed\s+for|argued\s+for)\b", re.IGNORECASE)
_SPEAKER = re.compile(r"^\W*(?:(?:and|but|so|while|whereas)\s+)?(?:\w+ly,?\s+)?(?:i|we)\b", re.IGNORECASE)


# The speaker drawing a lesson or a regret: what it says is a rule for next time or what did not happen, so its
# comparisons and numbers ("a lead who decides everything makes the team slower") measure no outcome.
# ("She learned the rota in a week" is someone else's progress: an outcome of mentoring, not a lesson.)
LESSON_DRAWN = re.compile(
    r"\bwhat\s+(?:i|we)\s+(?:\w+\s+)?(?:learned|learnt|took\s+(?:away\s+)?from|took\s+away)\b"
    r"|\bthe\s+(?:\w+\s+)?(?:lesson|takeaway)s?\s+(?:i|we|for\s+(?:me|us)|here|there|was|is)\b|\bthe\s+(?:[\w-]+\s+){0,2}?thing\s+(?:i|we)\s+(?:\w+\s+)?(?:learned|learnt|took)\b"
    r"|\b(?:i|we)\s+(?:\w+\s+)?(?:learned|learnt)\s+(?:that|to|a\s+lot|the\s+hard\s+way|how|never|always)\b"
    r"|\btaught\s+(?:me|us)\s+(?:that|to|how)\b|\bin\s+hindsight\b"
    r"|\b(?:i|we)\s+(?:really\s+|probably\s+|definitely\s+)?(?:should|shouldn'?t|should\s+not)\s+have\b",
    re.IGNORECASE,
)


def draws_lesson(text: str) -> bool:
    """The speaker draws a lesson or states a regret ("what I learned is ...", "I should have ...")."""
    return bool(LESSON_DRAWN.search(text))


def sums_up(text: str) -> bool:
    """The clause announces a summary ("the short version is that we lost no orders"): the outcome told early."""
    return bool(SUMMARY.search(text))


def recap(text: str) -> bool:
    """The clause sums up the telling ("that's what I did"); it reports no outcome."""
    return bool(RECAP.search(text))


def positions(texts: list[str]) -> set[int]:
    """Clauses that state one side's wish in a disagreement, next to the other side's.

    "We wanted X" beside (within two clauses of) "they wanted Y" is an opinion being contrasted, not the speaker's goal.
    """
    wants = [bool(_POSITION.search(t)) for t in texts]
    mine = [bool(_SPEAKER.search(t)) for t in texts]
    out: set[int] = set()
    for i in range(len(texts) - 1):
        for j in range(i + 1, min(i + 3, len(texts))):  # the other side may come a clause later
            if wants[i] and wants[j] and mine[i] != mine[j]:
                out |= {i, j}
    return out
