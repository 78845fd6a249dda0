"""Claims an answer mentions without making them: others' beliefs, yes/no questions, and claims turned down.

A strong answer often states a wrong belief in order to reject it, and the rejection is not always
in the same words or the same sentence.  Blind writers asked for such answers (the benchmarks'
``blind/refute-*``) used, among others:
"A colleague once told me that ...", "the author probably believed that ...", "The belief behind it
is that ...", "A mistake I've seen a lot is ...", a yes/no question ("Is a bare except the same as
...?") answered after it, and a wrong claim followed by a short verdict ("That's not how it works.",
"It isn't.", "It's the reverse.", "I'd avoid that.") or by the same words denied ("I thought a salt
made it safe. It doesn't make it safe enough.").  Phrase lists of such openers kept missing the next
writer's, so these rules read the shape instead:

- **attributed**: a verb of belief or proposal whose subject is someone other than the speaker now
  (a present "I think" is the speaker's own claim), a belief given up ("I used to think"), a saying
  only supposed ("someone might say"), a noun that names a belief or a mistake introducing the claim
  ("the belief behind it is that", "a trap people fall into is"), a belief someone acted on ("on the
  theory that"), or what many others do ("lots of tutorials put ...");
- **asked**: a yes/no question that does not lean towards yes ("Is X ...?", not "Isn't X ...?") and
  is not answered "yes" in the next sentence;
- **turned down**: the next sentence opens with a word pointing back ("that", "it", "this") and
  denies in its first clause with no new content of its own (only words of the claim's sentence
  and verdict words), passes a verdict on it ("That's a myth."; claims only, for the reason given in
  :func:`bot.scoring.refuted.at_arms_length`, which applies all of these readings), rejects
  the approach ("I'd avoid that", "don't do that"), or grants only an
  appearance before a "but" ("Both look like a real copy, but ...");
- **only seeming**: the sentence itself grants the claim as an appearance and goes on "but ..."
  ("`problems or []` looks equivalent but a caller's own empty list is replaced"), grants "only" an appearance
  ("ints only look "by value""), or grants a possibility it then denies any reliance on ("a connection might get
  closed when its refcount hits zero, but you can't count on it");
- **denied after**: the claim's own clause goes on to deny it ("exactly-once delivery ... isn't
  achievable"), to call it a mistake ("`select_related("items")` is an error"), to say it raises an exception
  ("... raises a `FieldError`") or to name the harm it does or would do ("`date_trunc(created_at)` would defeat
  the index", "... defeats the index");
- **seen**: the speaker describes work or people seen ("I've seen a pipeline like this with
  `readlines()` inside", "we inherited a service that ..."), not a result seen ("I've seen a 3x speedup").

A fluent answer that states an error and goes on ("The GIL makes code thread-safe. It doesn't need
locks.") is not spared: the second sentence brings words of its own.
"""

from __future__ import annotations

import re

from bot.scoring.matcher import Located
from bot.scoring.negation import REFUTATIONS
from bot.scoring.text import AUXILIARIES, NEGATORS

# Verbs of belief or proposal: what follows is someone's view, reported.
_BELIEF_VERBS = frozenset({
    "think", "thinks", "thought", "believe", "believes", "believed", "assume", "assumes", "assumed", "expect",
    "expects", "expected", "expecting", "suggests", "suggested", "proposes", "proposed",  # not "I'd suggest"
    "argue", "argues", "argued", "insist", "insists", "insisted", "claim", "claims", "claimed", "swear", "swears",
    "swore", "told",
})
# Words that may stand between a subject and its verb ("a colleague once told me", "he probably believed").
_BETWEEN = frozenset({"once", "still", "always", "often", "also", "all", "really", "genuinely", "honestly", "even",
                      "usually", "sometimes", "first", "originally", "initially", "naively", "wrongly", "mistakenly",
                      # auxiliaries: "I would argue", "I can't think of", "people don't expect"
                      "would", "d", "might", "could", "may", "will", "ll", "can", "should", "must", "do", "does",
                      "did", "dont", "doesnt", "didnt", "cant", "wont", "wouldnt", "couldnt"})
_SPEAKER = frozenset({"i", "we"})
# Seeing someone else's work: "I've seen a pipeline like this with readlines() inside", "we inherited
# a service that ...".  What follows describes the thing seen, so only when the thing is work or people
# (not a result: "I've seen a 3x speedup from threads" is the speaker's claim) and not a fact ("I've
# seen that ...").
_PERCEIVED = frozenset({"seen", "saw", "watched", "inherited", "reviewed"})
_PERFECT = frozenset({"ve", "have", "had"})
_WITNESSED = frozenset({
    "code", "codebase", "codebases", "pipeline", "pipelines", "service", "services", "function", "functions", "class",
    "classes", "module", "modules", "script", "scripts", "pr", "prs", "project", "projects", "repo", "repos", "app",
    "apps", "implementation", "implementations", "version", "versions", "setup", "setups", "config", "configs",
    "people", "team", "teams", "developers", "devs", "engineers", "colleague", "colleagues", "someone", "juniors",
    "candidates", "folks", "this", "it", "plenty", "lots", "many",
})
# Saying, when only supposed: "someone might say", "you could object".
_SAID = frozenset({"say", "object", "reply", "answer"})
_MODALS = frozenset({"might", "could", "would", "may", "d"})
# A noun naming a belief or a mistake, then "is/was (that)": "the belief behind it is that ...".
_NAMED = re.compile(
    r"\b(?:the|their|his|her|a|one|another)\s+(?:[\w'\u2019-]+\s+){0,2}?"
    r"(?:belief|misconception|myth|mistake|trap|pitfall|gotcha|anti-?pattern|misunderstanding|temptation)\s+(?:[\w'\u2019-]+\s+){0,6}?(?:is|was)\b"
    # a belief someone acted on: "on the theory that ...", "under the impression that ..."
    r"|\b(?:on|under|in)\s+the\s+(?:theory|impression|belief|hope|mistaken\s+\w+)\s+that\b"
    # the belief named, then told: "a belief I hear a lot: that ...", "the myth that ..."
    r"|\b(?:belief|misconception|myth|misunderstanding)\W+(?:[\w'\u2019-]+\W+){0,5}?that\b"
    # what many others do or write: "lots of tutorials put ...", "many beginners ..."
    r"|\b(?:lots\s+of|a\s+lot\s+of|plenty\s+of|many|most)\s+(?:\w+\s+)?(?:tutorials|guides|blog\s+posts|posts|articles"
    r"|examples|answers|courses|people|developers|devs|engineers|candidates|beginners)\b",
    re.IGNORECASE,
)
# Auxiliaries that open a yes/no question; the negated ones ("Isn't it ...?") lean towards yes, so they assert.
_ASKING = AUXILIARIES
_LEAD_INS = frozenset({"so", "and", "but", "now", "then", "ok", "okay", "well", "also"})
# First words of an answer that says yes: "Yes.", "Of course.", "Pretty much."
_YES = frozenset({"yes", "yeah", "yep", "exactly", "right", "correct", "sure", "indeed", "absolutely", "definitely",
                  "of", "obviously", "basically", "essentially", "mostly", "pretty"})
_LEADS = frozenset({"but", "no", "nope", "well", "and"})  # before the word pointing back: "No, it isn't."
# A sentence pointing back at the one before.
_POINTERS = frozenset({"that", "this", "it", "which", "neither", "none"})
# Words a bare verdict is made of: "That's not how it works", "It's the other way round", "Not true".
_VERDICT = frozenset({
    "s", "is", "was", "are", "were", "be", "do", "does", "did", "will", "would", "can", "could", "has", "have", "had",
    "d", "ll", "re", "ve", "just", "quite", "really", "actually", "simply", "exactly", "at", "all", "how", "what",
    "work", "works", "worked", "happen", "happens", "hold", "holds", "true", "case", "so", "the", "a", "way",
    "round", "around", "reverse", "opposite", "backwards", "other", "thing", "real", "right", "correct", "it",
    "that", "this", "which", "either", "always", "necessarily", "enough", "in", "practice", "python",
})
_OPPOSITE = frozenset({"reverse", "opposite", "backwards"})
_PLURAL_POINTERS = frozenset({"both", "they", "these", "those", "either"})
_SEEMING = frozenset({"look", "looks", "seem", "seems", "appear", "appears", "sound", "sounds", "read", "reads",
                      "feel", "feels"})
_BREAK = re.compile(r"[,;:()\[\]\u2014\u2013]|\s-\s")
_REJECTED_APPROACH = re.compile(
    r"\W*(?:(?:so|but|and)\s+)?(?:(?:i|we)(?:['\u2019]d|\s+would)\s+(?:\w+\s+)?|you\s+should\s+|please\s+)?"
    r"(?:avoid|skip|steer\s+clear\s+of|push\s+back\s+on|not\s+do|never\s+do|don['\u2019]?t\s+do)\s+(?:that|this|it)\b",
    re.IGNORECASE,
)
# A next sentence that is a verdict on the last one: "That's a myth.", "But it won't work."
_VERDICT_NEXT = re.compile(
    # the speaker's view since: "I've come to think that's the wrong way", "In hindsight, that was a mistake"
    r"\W*(?:(?:i['\u2019]ve\s+come\s+to\s+|i\s+now\s+)(?:think|believe|see|realise|realize)\s+"
    r"|(?:looking\s+back|in\s+hindsight|with\s+hindsight),?\s+)?"
    r"(?:but\s+)?(?:that|this|which|it|the\s+idea|such\s+a\s+fix)\s*(?:'s|\u2019s|is|was|would\s+be)?\s*"
    r"(?:\w+\s+){0,2}?(?:wrong|false|a\s+myth|not\s+true|untrue|incorrect|a\s+mistake|a\s+trap|misleading"
    r"|fails|doesn'?t\s+work|won'?t\s+work|breaks|backfires|is\s+not\s+how)",
    re.IGNORECASE,
)
# A claim whose own clause goes on to deny it: "exactly-once delivery ... isn't achievable".
_DENIED_AFTER = re.compile(
    r"\W*(?:[\w-]+\s+){0,5}?(?:is|are|was|were)\s*(?:n['\u2019]?t|\s+not|\s+never)\s+(?:\w+ly\s+)?"
    r"(?:achievable|possible|feasible|realistic|true|real|guaranteed|the\s+case|a\s+thing)\b"
    # or to call it a mistake: "so `select_related(\"items\")` is an error"
    r"|\W*(?:is|was|would\s+be)\s+(?:just\s+|simply\s+|plainly\s+)?an?\s+(?:error|mistake|bug)\b"
    # or to say it fails with an exception: "so `select_related(\"items\")` raises a `FieldError`"
    r"|\W*(?:[\w-]+\s+){0,3}?(?:raises|throws|would\s+raise|will\s+raise|fails\s+with)\s+(?:an?\s+)?`?"
    r"[A-Za-z]*(?:Error|Exception)\b",
    re.IGNORECASE,
)
# The harm the claimed approach would do, said between the claim's words or just after them:
# "`WHERE date_trunc('month', created_at) = ...` would defeat the index" (the claim: it uses the index).
# Told as a fact too: "`WHERE date_trunc('month', created_at) = ...` defeats the index".
_HARM = re.compile(
    r"(?:\b(?:would|will|could)\s+(?:\w+ly\s+)?(?:defeat|break|kill|ruin|negate|bypass|disable|undo|sink)s?"
    r"|\b(?:defeats|kills|negates|bypasses|disables|undoes))\b(?!\s+nothing)",
    re.IGNORECASE,
)
_HARM_AFTER = re.compile(r"\W*(?:[\w-]+\s+){0,5}?" + _HARM.pattern, re.IGNORECASE)


def attributed(where: Located) -> bool:
    """Whether the sentence reports someone else's belief, proposal or work, or names a belief as a mistake."""
    tokens = where.sentence.tokens
    for i, token in enumerate(tokens):
        if token.norm in _PERCEIVED and _seen_by_speaker(where, i):
            return True
        if token.norm in _BELIEF_VERBS and i >= 2 and tokens[i - 1].norm == "to" and tokens[i - 2].norm == "used":
            return True  # "I used to think ...": a belief given up, whoever held it
        supposed = token.norm in _SAID and i > 0 and tokens[i - 1].norm in _MODALS  # "someone might say ..."
        if not supposed and (token.norm not in _BELIEF_VERBS or (token.norm == "told" and not _told_someone(where, i))):
            continue
        at = i - 1
        while at >= 0 and (tokens[at].norm in _BETWEEN or tokens[at].norm.endswith("ly")):
            at -= 1
        if at < 0 or tokens[at].norm == "to" or _BREAK.search(where.text, tokens[at].end, token.start):
            continue  # no subject to speak of: "Thought about it", "to argue", "I'd approve it, maybe suggest"
        subject = tokens[at].norm
        if subject in _SPEAKER or (subject in ("d", "ve") and at > 0 and tokens[at - 1].norm in _SPEAKER):
            continue  # the speaker's own view ("I think", "we'd expect"); an old one counts only when turned down
        if at > 0 and tokens[at - 1].norm in ("than", "as"):
            # "less of a concern than people think": the speaker's claim, set against what people think;
            # "they refresh panels 0, 1 and 2, as you'd expect": the speaker's claim, agreeing with it
            continue
        return True
    return _NAMED.search(where.text, where.sentence.start, where.sentence.end) is not None


def _seen_by_speaker(where: Located, i: int) -> bool:
    """ "I've seen a pipeline like this ...", "we inherited code that ...": the speaker describing work seen."""
    tokens = where.sentence.tokens
    at = i - 1
    while at >= 0 and (tokens[at].norm in _BETWEEN or tokens[at].norm in _PERFECT or tokens[at].norm.endswith("ly")):
        at -= 1
    if at < 0 or tokens[at].norm not in _SPEAKER:
        return False
    seen = where.text[tokens[i].end : where.sentence.end].lstrip()
    if seen.startswith("`"):
        return True  # "I've also seen `list(rows)` halfway down": code written by someone
    following = [t.norm for t in tokens[i + 1 : i + 4]]
    return bool(following) and following[0] not in ("that", "how") and any(w in _WITNESSED for w in following)


def _told_someone(where: Located, i: int) -> bool:
    """ "told me that ...": a report of a view, unlike "told the team to deploy" or "told me to retry"."""
    tokens = where.sentence.tokens
    return (i + 1 < len(tokens) and tokens[i + 1].norm in ("me", "us")
            and (i + 2 >= len(tokens) or tokens[i + 2].norm != "to"))


def asked(where: Located, after: Located | None) -> bool:
    """Whether the sentence is a yes/no question that neither leans towards yes nor is answered "yes" next."""
    if not where.text[where.sentence.start : where.sentence.end + 1].rstrip().endswith("?"):
        return False
    words = [t.norm for t in where.sentence.tokens]
    while words and words[0] in _LEAD_INS:
        words = words[1:]
    answer = after.sentence.tokens[0].norm if after is not None and after.sentence.tokens else ""
    return bool(words) and words[0] in _ASKING and answer not in _YES


def turned_down(where: Located, after: Located | None) -> bool:
    """Whether ``after`` (the next sentence) rejects what ``where`` says, adding nothing of its own."""
    if after is None:
        return False
    if _REJECTED_APPROACH.match(after.text, after.sentence.start, after.sentence.end):
        return True
    tokens = after.sentence.tokens
    words = [t.norm for t in tokens]
    lead = 0
    while lead < len(words) and words[lead] in _LEADS:
        lead += 1
    if lead == len(words):
        return words[:1] in (["no"], ["nope"])  # "No." on its own
    if words[lead] in _PLURAL_POINTERS:
        # "Both look like a real copy, but they are the same shallow copy": an appearance, then the truth.
        seeming = next((i for i in range(lead + 1, min(lead + 3, len(words))) if words[i] in _SEEMING), None)
        if seeming is not None and "but" in words[seeming:]:
            return True
    if words[lead] not in _POINTERS:
        return False
    first, last = lead, len(tokens)
    for i in range(first + 1, len(tokens)):
        if words[i] in ("but", "because", "so", "since", "which", "and") or _BREAK.search(
                after.text, tokens[i - 1].end, tokens[i].start):
            last = i  # the first clause ends at a joining word or a mark between clauses
            break
    clause = range(first + 1, last)
    if not any(words[i] in NEGATORS or words[i] in REFUTATIONS or words[i] in _OPPOSITE for i in clause):
        return False
    own = set(where.positions) | set(where.written)
    return all(words[i] in _VERDICT or words[i] in NEGATORS or tokens[i].stem in own for i in clause)


def verdict_follows(after: Located) -> bool:
    """Whether the sentence is a verdict on the one before it ("That's a myth.", "But it won't work.")."""
    return _VERDICT_NEXT.match(after.text, after.sentence.start, after.sentence.end) is not None


# Verbs that grant only an appearance inside one sentence ("reads" and "feels" also say what code does: "reads the file").
_SEEMS = (_SEEMING - {"read", "reads", "feel", "feels"}) | {"looked", "seemed", "appeared", "sounded"}


# A possibility granted and then denied any reliance: "... might get closed when its refcount hits zero, but you
# can't count on it".
_HEDGES = frozenset({"might", "may", "could", "can", "sometimes", "often", "usually", "probably"})
_UNRELIABLE = re.compile(
    r"[^.;:!?]*?\bbut\s+(?:you|we|one|i)?\s*(?:can'?t|cannot|can\s+not|shouldn'?t|should\s+not|mustn'?t|don'?t|do\s+not)"
    r"\s+(?:count|rely|depend|bank)\s+on\b|[^.;:!?]*?\bbut\s+(?:it|that|this)(?:'s|\s+is|\s+isn'?t)\s*(?:not\s+)?"
    r"(?:guaranteed|reliable|something\s+to\s+rely\s+on)\b", re.IGNORECASE)


def only_seeming(where: Located, first: int, last: int) -> bool:
    """Whether the claim is granted only as an appearance, then contradicted: "`problems or []` looks equivalent,
    but a caller who passes their own empty list gets a new one" (the verb just before or among the claim's words,
    a "but" after it, among the claim's words or after them); or granted only as a possibility that is then denied
    any reliance ("a connection might get closed when its refcount hits zero, but you can't count on it")."""
    tokens = where.sentence.tokens
    seems = next((i for i in range(max(0, first - 2), last + 1) if tokens[i].norm in _SEEMS), None)
    if seems is not None and (any(t.norm == "but" for t in tokens[seems + 1 :])
                              or (seems > 0 and tokens[seems - 1].norm == "only")):
        return True  # "..., but ...", or "only looks ...": the appearance is all that is granted
    hedged = any(tokens[i].norm in _HEDGES for i in range(max(0, first - 3), last + 1))
    return hedged and _UNRELIABLE.match(where.text, tokens[last].end, where.sentence.end) is not None


def denied_after(where: Located, first: int, last: int) -> bool:
    """Whether the clause goes on to call the claim unachievable, untrue or a mistake, or to name the harm it does."""
    tokens = where.sentence.tokens
    if _HARM.search(where.text, tokens[first].end, tokens[last].start) is not None:
        return True  # between the claim's words: "date_trunc(created_at) would defeat the index"
    return last + 1 < len(tokens) and any(
        pattern.match(where.text, tokens[last].end, where.sentence.end) is not None for pattern in (_DENIED_AFTER, _HARM_AFTER))
