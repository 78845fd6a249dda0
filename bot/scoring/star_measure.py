"""What to measure for an outcome that was told as a judgement ("the team was happier").

"Add a number" is advice a candidate cannot act on without knowing which number.  The kind of
judgement says what kind of measure would back it: a claim about speed is backed by a time
before and after, one about reliability by how often things failed, one about people by
something those people did that can be counted.  The first kind that the claim's words point
to wins; a claim that points nowhere gets the general list.
"""

from __future__ import annotations

import re

_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:fast\w*|quick\w*|slow\w*|speed\w*|latenc\w+|sooner|wait\w*|time)\b", re.IGNORECASE),
     "the time before and after (seconds per request, minutes per build, hours a week saved)"),
    (re.compile(r"\b(?:stab\w+|reliab\w+|crash\w*|fail\w*|errors?|incidents?|outages?|pages?|calm\w*|scary|stress\w*|broke\w*"
                r"|bugs?|smooth\w*|trust\w*)\b", re.IGNORECASE),
     "how often it went wrong before and after (incidents, failed runs, errors or pages per week)"),
    (re.compile(r"\b(?:cheap\w*|cost\w*|money|bill\w*|spend\w*|budget)\b", re.IGNORECASE),
     "the money before and after (per month or per year)"),
    (re.compile(r"\b(?:happ\w+|pleased|satisf\w+|glad|relieved|confiden\w+|comfortable|lik\w+|lov\w+|trust\w*|thank\w*"
                r"|feedback|complain\w*|prais\w+|grateful|impress\w*|proud|independent\w*|promot\w+|dread\w*|fear\w*|anxi\w+"
                r"|nervous\w*|frustrat\w+|worr\w+)\b", re.IGNORECASE),
     "something those people did that you can count (fewer questions or escalations, work they finished on their "
     "own, complaints per week, a survey score, a promotion)"),
)
GENERAL = "latency, error rate, time or money saved, or a before → after (“from X to Y”)"


def what_to_measure(claim: str) -> str:
    """The measure that would back ``claim``, in words the candidate can go and find."""
    return next((measure for pattern, measure in _KINDS if pattern.search(claim)), GENERAL)
