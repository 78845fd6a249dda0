"""Outcomes told as a judgement rather than a measure: "much faster", "the team was happier".

The coach flags such an outcome as vague and says what to measure instead, so the words that
judge live apart from the cues that find the parts of a story: a comparison with no number to
it, a feeling, approval, or how a thing came across.  ``vague`` is strong enough to mark a
clause as an outcome on its own; ``judged`` only reads a clause already known to report one.
"""

from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Words that judge an outcome without measuring it: a comparison with no number, a feeling, approval.
_BETTER = (r"(?:better|faster|quicker|smoother|easier|calmer|happier|cleaner|simpler|safer|healthier|nicer|clearer|tidier"
           r"|more\s+(?:stable|reliable|confident|productive|comfortable|independent|consistent|robust|predictable|\w+ful)"
           r"|less\s+(?:stressful|painful|noisy|fragile|flaky|chaotic)|fewer\s+\w+)")
_VAGUE = _rx(rf"\b(?:(?:much|a\s+lot|way|far|significantly|noticeably|really|so\s+much|pretty|quite|a\s+bit|hugely|massively|even"
            rf"|lot|got|felt|seemed|was|were|is|are|became|become|looked)\s+{_BETTER}"
            r"|improved\s+(?:a\s+lot|massively|significantly|greatly|things|a\s+bit)|improved\b(?!\s+(?:by|from|to))"
            r"|went\s+(?:pretty\s+|really\s+|very\s+|quite\s+)?(?:well|smoothly|fine|great)|huge\s+(?:impact|win|success)"
            r"|worked\s+(?:out\s+)?(?:well|fine|great|nicely)|calmed\s+down|settled\s+down|(?:liked|loved|appreciated|enjoyed)\s+(?:it|that|the)"
            r"|seemed\s+to\s+(?:like|enjoy|appreciate|help|work)|well[\s-]received|(?:a|the)\s+(?:big|huge|real|clear)\s+"
            r"(?:difference|improvement|success|win)|(?:positive|good|great)\s+(?:feedback|impact|response|results?)"
            r"|(?:was|were|is|are|felt|seemed)\s+(?:very\s+|really\s+|quite\s+|pretty\s+|so\s+|much\s+)?"
            r"(?:happy|pleased|satisfied|glad|relieved|thrilled|impressed|grateful|thankful|comfortable|confident|better)"
            r"|really\s+good|very\s+happy|happier"
            # A degree with no number to it: "asked a lot more questions", "I don't get those questions as much".
            r"|(?:a\s+lot|lots|much|far|way|so\s+much|quite\s+a\s+bit)\s+(?:more|less|fewer)|(?:more|less)\s+often"
            r"|as\s+(?:much|often)(?!\s+as)|back\s+to\s+normal"
            # More use with no count to it: "which people did start using more", "they used it more".
            r"|\b(?:used|using|use|uses)\s+(?:it\s+|them\s+|this\s+)?more\b(?!\s+than)"
            # How a thing came across, told with a linking verb: "the page felt snappy again", "it looks solid".
            r"|(?:felt|feels|seemed|seems|looked|looks)\s+(?:(?:much|a\s+lot|so|really|very|quite|way|far)\s+)?"
            r"(?:\w+(?:y|ier|ful|ive|able)|good|great|fine|fast|smooth|stable|solid|calm|right|better)(?:\s+again)?)\b")



def vague(text: str) -> bool:
    """An outcome judged in words ("much faster", "the team was happy") rather than measured."""
    return bool(_VAGUE.search(text))


# Words that judge rather than measure; in a clause already known to report the outcome, any of them
# without a number makes that outcome a claim the listener has to take on trust.
_EVALUATIVE = _rx(
    r"\b(?:good|great|fine|okay|ok|well|positive|better|best|success\w*|smooth\w*|happ\w+|pleased|satisf\w+|glad|relieved"
    # How people felt is a judgement of the outcome, whatever they felt: "everyone felt heard".
    r"|fe(?:lt|els?)"
    r"|stable|reliable|nice|solid|excellent|amazing|awesome|impress\w*|grateful|thank\w*|prais\w+|valu\w+|confident"
    r"|comfortable|calm\w*|easier|simpler|cleaner|healthier|faster|quicker|safer|clearer|improv\w+|help\w*|solved"
    r"|difference|paid\s+off|trust\w*|liked|loved|appreciat\w+|enjoy\w*|complain\w*|fewer|less|scary|stress\w*"
    r"|pain\w*|worse|proud|recogni[sz]\w+|impact|low|poor"
    # A feeling that went away is judged too: "releases stopped being a source of dread", "nobody was nervous any more".
    r"|dread\w*|fear\w*|anxi\w+|nervous\w*|frustrat\w+|worr\w+|panic\w*"
    # A degree with no number to it: "tickets went down quite a bit", "costs fell considerably".
    r"|quite\s+a\s+bit|a\s+fair\s+bit|considerabl[ey]|significantly|substantially|noticeably|dramatically|drastically)\b")


def judged(text: str) -> bool:
    """An outcome told as a judgement ("it went fine", "people trust it") rather than a measure."""
    return vague(text) or bool(_EVALUATIVE.search(text))
